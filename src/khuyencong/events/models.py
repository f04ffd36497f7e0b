"""Events and their outputs: fairs and the booths establishments take in them, typical-product
selections with their entries, jury scores and certificates, artisan titles, trainings and workshops.

Rows are written only by `services`. When an event is linked to a project, the project's deliverables
for the indicators events count (booths, participations, certified products…) are recomputed from
these rows in the same transaction, so those counts are never typed twice.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Agency
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.projects.models import Project

from .choices import (
    OPEN_FAIR_LEVELS,
    EntryResult,
    FairLevel,
    ProductGroup,
    SelectionLevel,
    TitleKind,
    TitleLevel,
    TrainingKind,
)


def _open_to_all(scope, level_q: Q, unit_path: str) -> Q:
    """Rows in the scope by their unit, plus (for anyone with a jurisdiction) the rows `level_q` opens."""
    if scope.empty:
        return Q(pk__in=[])
    return scope.unit_q(unit_path) | level_q


class Fair(models.Model):
    """A trade fair or exhibition (hội chợ triển lãm)."""

    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=15, choices=FairLevel.choices)
    place = models.CharField(_("venue"), max_length=300, help_text=_("Where it is held, as written."))
    location = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province or commune"),
        on_delete=models.PROTECT,
        related_name="fairs",
    )
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="fairs_organised"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    booths_total = models.PositiveIntegerField(_("standard booths in the fair"), default=0)
    programme_fair = models.BooleanField(
        _("fair of the khuyến công programme"),
        default=False,
        help_text=_("Booths at programme fairs are supported in full, elsewhere in part."),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("organised under project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fairs_organised",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "location"

    class Meta:
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="events_fair_period"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def jurisdiction_q(cls, scope, user) -> Q:
        """Fairs held in the jurisdiction or where one of its establishments took part, and regional,
        national and international fairs anywhere."""
        if scope.empty:
            return Q(pk__in=[])
        taken_part = FairParticipation.objects.filter(fair=OuterRef("pk")).filter(
            scope.unit_q(FairParticipation.JURISDICTION_UNIT_FIELD)
        )
        return _open_to_all(
            scope, Q(level__in=OPEN_FAIR_LEVELS) | Q(Exists(taken_part)), cls.JURISDICTION_UNIT_FIELD
        )

    @property
    def year(self) -> int:
        return self.start_date.year


class FairParticipation(models.Model):
    """An establishment's booths at a fair, and the project that paid for them (if any)."""

    fair = models.ForeignKey(
        Fair, verbose_name=_("fair"), on_delete=models.PROTECT, related_name="participations"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="fair_participations",
    )
    booths = models.PositiveSmallIntegerField(_("booths"), default=1, validators=[MinValueValidator(1)])
    support_amount = models.BigIntegerField(
        _("booth support (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("paid by project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fair_participations",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "establishment__commune"

    class Meta:
        verbose_name = _("fair participation")
        verbose_name_plural = _("fair participations")
        ordering = ["fair", "establishment__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "establishment"], name="events_participation_unique"),
            models.CheckConstraint(condition=Q(booths__gte=1), name="events_participation_booths"),
            models.CheckConstraint(condition=Q(support_amount__gte=0), name="events_participation_support"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} — {self.fair}"


class ProductSelection(models.Model):
    """A typical rural-industry product selection (bình chọn sản phẩm CNNT tiêu biểu) of one level and
    year. Commune, district and provincial selections belong to a unit of that level, a regional one to
    a region; a national one to neither."""

    level = models.CharField(_("level"), max_length=10, choices=SelectionLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="product_selections",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="product_selections",
    )
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="product_selections"
    )
    pass_score = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("An entry is certified only with at least this average score (out of 100)."),
    )
    certificate_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"),
        default=3,
        help_text=_("Used when a certificate is issued without an end date."),
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("organised under project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="product_selections",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "unit"

    class Meta:
        verbose_name = _("typical-product selection")
        verbose_name_plural = _("typical-product selections")
        ordering = ["-year", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level__in=["commune", "district", "province"], unit__isnull=False, region__isnull=True)
                    | Q(level="region", unit__isnull=True, region__isnull=False)
                    | Q(level="national", unit__isnull=True, region__isnull=True)
                ),
                name="events_selection_area_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(pass_score__gte=0) & Q(pass_score__lte=100), name="events_selection_pass_score"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def jurisdiction_q(cls, scope, user) -> Q:
        """Selections of a unit in the jurisdiction or with an entry of one of its establishments, and
        regional and national selections for everyone."""
        if scope.empty:
            return Q(pk__in=[])
        entered = SelectionEntry.objects.filter(selection=OuterRef("pk")).filter(
            scope.unit_q(SelectionEntry.JURISDICTION_UNIT_FIELD)
        )
        return _open_to_all(scope, Q(unit__isnull=True) | Q(Exists(entered)), cls.JURISDICTION_UNIT_FIELD)

    @property
    def area_label(self) -> str:
        if self.unit_id:
            return self.unit.label
        if self.region_id:
            return str(self.region)
        return str(_("the whole country"))


class SelectionEntry(models.Model):
    """A product an establishment entered in a selection; its total score is the jury's average."""

    selection = models.ForeignKey(
        ProductSelection, verbose_name=_("selection"), on_delete=models.PROTECT, related_name="entries"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="selection_entries",
    )
    product_name = models.CharField(_("product"), max_length=300)
    product_group = models.CharField(_("product group"), max_length=12, choices=ProductGroup.choices)
    total_score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, help_text=_("Average of the jury.")
    )
    result = models.CharField(
        _("result"), max_length=12, choices=EntryResult.choices, default=EntryResult.PENDING
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_to = models.DateField(_("certificate valid to"), null=True, blank=True)
    result_note = models.CharField(_("note on the result"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "establishment__commune"

    class Meta:
        verbose_name = _("selection entry")
        verbose_name_plural = _("selection entries")
        ordering = ["selection", "-total_score", "product_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "establishment", "product_name"], name="events_entry_unique"
            ),
            models.UniqueConstraint(
                fields=["selection", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="events_entry_certificate_unique",
            ),
            models.CheckConstraint(
                condition=~Q(result="certified")
                | (
                    ~Q(certificate_number="")
                    & Q(certificate_valid_from__isnull=False)
                    & Q(certificate_valid_to__isnull=False)
                    & Q(certificate_valid_from__lte=models.F("certificate_valid_to"))
                ),
                name="events_entry_certified_has_certificate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} — {self.establishment}"

    def certificate_valid_on(self, on) -> bool:
        return (
            self.result == EntryResult.CERTIFIED
            and self.certificate_valid_from is not None
            and self.certificate_valid_to is not None
            and self.certificate_valid_from <= on <= self.certificate_valid_to
        )


class JuryScore(models.Model):
    """One juror's score of an entry, out of 100."""

    entry = models.ForeignKey(
        SelectionEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="scores"
    )
    juror = models.CharField(_("juror"), max_length=150)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    JURISDICTION_UNIT_FIELD = "entry__establishment__commune"

    class Meta:
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        ordering = ["entry", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="events_score_one_per_juror"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="events_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.juror}: {self.score}"


class ArtisanTitle(models.Model):
    """A title awarded to a craftsperson: artisan, master craftsman, or person who brought the craft."""

    person_name = models.CharField(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="artisan_titles",
    )
    craft = models.CharField(_("craft"), max_length=200)
    kind = models.CharField(_("honorary title"), max_length=20, choices=TitleKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=TitleLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("where the person works"),
        on_delete=models.PROTECT,
        related_name="artisan_titles",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("awarded under project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="artisan_titles",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "unit"

    class Meta:
        verbose_name = _("artisan title")
        verbose_name_plural = _("artisan titles")
        ordering = ["-year", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_name", "kind", "level", "year", "unit"], name="events_title_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_name}"


class Training(models.Model):
    """A training course (trainees) or a workshop (delegates). The number of participants is typed, or
    kept equal to the participants listed."""

    kind = models.CharField(_("kind"), max_length=10, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    location = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province or commune"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    organiser = models.ForeignKey(
        Agency, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="trainings"
    )
    participants_count = models.PositiveIntegerField(_("participants"), default=0)
    project = models.ForeignKey(
        Project,
        verbose_name=_("held under project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "location"

    class Meta:
        verbose_name = _("training or workshop")
        verbose_name_plural = _("trainings and workshops")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="events_training_period"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Trainee(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="trainees"
    )
    name = models.CharField(_("full name"), max_length=150)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings_attended",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    JURISDICTION_UNIT_FIELD = "training__location"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["training", "name", "pk"]

    def __str__(self) -> str:
        return self.name

"""The programme catalogue: programmes, content groups, activities, indicators and support norms.

Everything here is reference data with validity dates, loaded by `khuyencong load_reference` from
catalog/reference/catalog.json and edited afterwards in the admin (with history). Activities have
stable codes independent of programmes; a programme groups them into its own content groups, so a
plan line or a norm refers to an activity whatever programme period it falls in.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.validity import Validity, ValidityQuerySet
from khuyencong.geo.models import AdministrativeUnit

from .choices import CapPer, NormCondition, ProgrammeKind


class Programme(Validity):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=ProgrammeKind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    year_from = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a provincial programme: the province that adopted it."),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["kind", "year_from", "code"]

    def __str__(self) -> str:
        return self.name

    def covers_year(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or year <= self.year_to
        )


class ProgrammeTarget(models.Model):
    """A multi-year target of a programme, as a range (min–max) in its own unit."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("target"), max_length=300)
    minimum = models.DecimalField(_("from"), max_digits=20, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("to"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="catalog_target_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ContentGroup(Validity):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="groups"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    decree_groups = models.ManyToManyField(
        "self",
        verbose_name=_("decree content groups"),
        symmetrical=False,
        blank=True,
        related_name="programme_groups",
        limit_choices_to={"programme__kind": ProgrammeKind.DECREE},
        help_text=_("The content groups of the decree this group reports."),
    )
    history = HistoricalRecords(m2m_fields=[decree_groups])

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("content group")
        verbose_name_plural = _("content groups")
        ordering = ["programme", "number"]
        constraints = [
            *Validity.Meta.constraints,
            models.UniqueConstraint(fields=["programme", "number"], name="catalog_group_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Activity(Validity):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    groups = models.ManyToManyField(
        ContentGroup, verbose_name=_("content groups"), related_name="activities", blank=True
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(m2m_fields=[groups])

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def group_in(self, programme: Programme) -> ContentGroup | None:
        return next((g for g in self.groups.all() if g.programme_id == programme.pk), None)


class Indicator(Validity):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("e.g. cơ sở, mô hình, gian hàng, học viên"))
    activities = models.ManyToManyField(
        Activity, verbose_name=_("activities measured"), related_name="indicators", blank=True
    )
    history = HistoricalRecords(m2m_fields=[activities])

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class SupportNorm(Validity):
    """How much khuyến công may pay for an activity: at most `max_share` of the eligible cost and at
    most `cap` đồng per `cap_per`, under `legal_basis`, between valid_from and valid_to."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="norms"
    )
    condition = models.CharField(
        _("applies to"), max_length=20, choices=NormCondition.choices, default=NormCondition.ANY, blank=True
    )
    max_share = models.DecimalField(
        _("maximum share of eligible cost"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("0.5 = 50%"),
    )
    cap = models.BigIntegerField(_("cap (đồng)"), null=True, blank=True, validators=[MinValueValidator(0)])
    cap_per = models.CharField(_("cap per"), max_length=15, choices=CapPer.choices, default=CapPer.PROJECT)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("support norm")
        verbose_name_plural = _("support norms")
        ordering = ["activity__code", "valid_from"]
        constraints = [
            *Validity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(max_share__gte=0, max_share__lte=1), name="catalog_norm_share_range"
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=0), name="catalog_norm_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.legal_basis}"

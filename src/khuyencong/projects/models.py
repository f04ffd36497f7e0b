"""Projects (đề án / nhiệm vụ khuyến công) and what hangs off them: participants of group projects,
deliverables, dossier documents, inspections, progress reports and adjustments.

Every change goes through `services` and the lifecycle table in `workflow`; after approval a project's
budget, content, location, beneficiary and dates change only through an approved `Adjustment`.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Agency
from khuyencong.catalog.choices import NormCondition
from khuyencong.catalog.models import Indicator
from khuyencong.core.filenames import safe_file_name
from khuyencong.core.validity import Validity, ValidityQuerySet
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import PlanLine

from .choices import (
    AdjustmentKind,
    AdjustmentStatus,
    DeadlineKind,
    ImplementerKind,
    ProjectKind,
    ProjectState,
    StopDestination,
)


class DeadlineRule(Validity):
    """A project deadline, as data with effective dates: `days` after an event (settlement dossier after
    the last acceptance), a fixed `day`/`month` of the year after the project year (liquidation), or a
    `day` of every month (progress reports)."""

    kind = models.CharField(_("deadline"), max_length=12, choices=DeadlineKind.choices)
    days = models.PositiveSmallIntegerField(_("days after"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("project deadline rule")
        verbose_name_plural = _("project deadline rules")
        ordering = ["kind", "valid_from"]

    def __str__(self) -> str:
        return self.get_kind_display()


class DocumentForm(Validity):
    """A dossier form of the implementing rules (cost estimate, appraisal slip, contract…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    number = models.CharField(_("form number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("dossier form")
        verbose_name_plural = _("dossier forms")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.number} — {self.name}" if self.number else self.name


class Project(models.Model):
    code = models.CharField(_("code"), max_length=40)
    external_reference = models.CharField(
        _("own reference"),
        max_length=60,
        blank=True,
        help_text=_(
            "The managing agency's own number for a project recorded before or outside this system (the "
            "row of its Excel list): importing the list again finds the project by it."
        ),
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.CharField(_("title"), max_length=500)
    plan_line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices)
    managing_agency = models.ForeignKey(
        Agency, verbose_name=_("managing agency"), on_delete=models.PROTECT, related_name="projects"
    )
    implementer_kind = models.CharField(_("implemented by"), max_length=15, choices=ImplementerKind.choices)
    implementer_establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("implementing establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_implemented",
    )
    implementer_agency = models.ForeignKey(
        Agency,
        verbose_name=_("implementing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_implemented",
    )
    implementer_name = models.CharField(_("service provider"), max_length=300, blank=True)
    location = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("location"), on_delete=models.PROTECT, related_name="projects"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    support_amount = models.BigIntegerField(
        _("khuyến công support (đồng)"), validators=[MinValueValidator(0)]
    )
    counterpart_amount = models.BigIntegerField(
        _("beneficiary's counterpart (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    other_amount = models.BigIntegerField(
        _("other sources (đồng)"), default=0, validators=[MinValueValidator(0)]
    )
    units_count = models.PositiveIntegerField(
        _("units counted by the norm"),
        default=1,
        help_text=_("How many establishments, models, brands or booths the norm's cap is counted for."),
    )
    norm_condition = models.CharField(
        _("circumstances"), max_length=20, choices=NormCondition.choices, blank=True, default=""
    )
    machine_name = models.CharField(_("machine name"), max_length=300, blank=True)
    machine_spec = models.TextField(_("machine specification"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    # appraisal
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    appraisal = models.JSONField(_("appraisal result"), null=True, blank=True)
    appraisal_override = models.TextField(_("reason for overriding the norms"), blank=True)
    # approval
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    liquidated_on = models.DateField(_("liquidated on"), null=True, blank=True)
    final_value = models.BigIntegerField(_("liquidated value (đồng)"), null=True, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    # stop
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    stop_destination = models.CharField(
        _("remaining money goes"), max_length=10, choices=StopDestination.choices, blank=True
    )
    stop_target = models.ForeignKey(
        "self",
        verbose_name=_("receiving project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_from",
    )
    released_amount = models.BigIntegerField(_("released amount (đồng)"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "location"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="projects_project_code_national"),
            models.UniqueConstraint(
                fields=["managing_agency", "external_reference"],
                condition=~Q(external_reference=""),
                name="projects_project_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(support_amount__gte=0) & Q(counterpart_amount__gte=0) & Q(other_amount__gte=0),
                name="projects_project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="projects_project_period"
            ),
            models.CheckConstraint(
                condition=~Q(
                    state__in=["approved", "contracted", "in_progress", "accepted", "liquidated", "settled"]
                )
                | Q(decision_date__isnull=False),
                name="projects_project_approved_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state="stopped") | (Q(stopped_on__isnull=False) & ~Q(stop_reason="")),
                name="projects_project_stopped_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "state"]),
            # What is overdue, counted by the dates deadlines follow from (selectors.overdue_counts) and
            # the projects by state, read from the index (on PostgreSQL an index-only scan).
            models.Index(fields=["state", "accepted_on"], name="projects_state_accepted"),
            models.Index(fields=["state", "year", "end_date"], name="projects_state_year_end"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def norm_result(self) -> str | None:
        """The appraisal's finding against the norms (`NormResult`), None before the appraisal; read from
        the appraisal itself (appraisals recorded before the finding was stored: from their checks)."""
        if not self.appraisal:
            return None
        if self.appraisal.get("result"):
            return self.appraisal["result"]
        checks = self.appraisal.get("checks") or []
        if not self.appraisal.get("ok", True):
            return "beyond_norms"
        return "within_norms" if any(check.get("norms") for check in checks) else "no_norm"

    @property
    def total_cost(self) -> int:
        return self.support_amount + self.counterpart_amount + self.other_amount

    @property
    def implementer_label(self) -> str:
        if self.implementer_kind == ImplementerKind.ESTABLISHMENT and self.implementer_establishment_id:
            return str(self.implementer_establishment)
        if self.implementer_kind == ImplementerKind.AGENCY and self.implementer_agency_id:
            return str(self.implementer_agency)
        return self.implementer_name

    @property
    def source(self) -> str:
        return self.plan_line.plan.source

    @property
    def activity(self):
        return self.plan_line.activity


class Participant(models.Model):
    """An establishment in a group project, with its own support and what it receives."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participants")
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    support_amount = models.BigIntegerField(_("support (đồng)"), validators=[MinValueValidator(0)])
    eligible_cost = models.BigIntegerField(_("eligible cost (đồng)"), validators=[MinValueValidator(0)])
    machine_name = models.CharField(_("machine name"), max_length=300, blank=True)
    machine_spec = models.CharField(_("machine specification"), max_length=500, blank=True)
    booths = models.PositiveSmallIntegerField(_("booths"), default=0)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participating establishments")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "establishment"], name="projects_participant_unique"),
            models.CheckConstraint(
                condition=Q(support_amount__lte=models.F("eligible_cost")),
                name="projects_participant_support_within_cost",
            ),
        ]

    def __str__(self) -> str:
        return str(self.establishment)


class Deliverable(models.Model):
    """An output the project promises (planned) and delivers (achieved), counted against an indicator.
    `counted_from_events` means the achieved value is kept by the events app (booths, entries…)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="deliverables")
    # The project's year, copied when the deliverable is created (a project's year never changes):
    # a report counts a year's deliverables from an index instead of joining every project.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="deliverables"
    )
    planned = models.PositiveIntegerField(_("planned"))
    achieved = models.PositiveIntegerField(_("achieved"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    counted_from_events = models.BooleanField(_("counted from events"), default=False)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["project", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="projects_deliverable_unique")
        ]
        indexes = [
            models.Index(fields=["year", "indicator"], include=["achieved"], name="projects_deliverable_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.achieved if self.achieved is not None else '–'}/{self.planned}"


def _document_path(instance: "Document", filename: str) -> str:
    today = dt.date.today()
    return f"projects/{today:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Document(models.Model):
    """A dossier document. Files live under MEDIA_ROOT, outside the web root, and are served only by a
    view that checks the user may see the project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    form = models.ForeignKey(
        DocumentForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["project", "form__order", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.form}: {self.original_name}"

    @property
    def download_name(self) -> str:
        """The name the file is served and shown under: the uploader's name without invisible or
        control characters, always with the extension of the type found in the content
        (`report.html` holding a PDF is `report.pdf`; see core.filenames)."""
        return safe_file_name(self.original_name, self.extension)


class Inspection(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("date"))
    inspectors = models.CharField(_("inspectors"), max_length=500)
    findings = models.TextField(_("findings"))
    follow_up_required = models.BooleanField(_("follow-up required"), default=False)
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["project", "-date"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.date:%d/%m/%Y}"


class ProgressReport(models.Model):
    """The monthly progress report of a project under way (due on the configured day of the month)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    percent_done = models.PositiveSmallIntegerField(_("work done (%)"))
    note = models.TextField(_("progress"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_progress_month_unique"),
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="projects_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%m/%Y}"


class Adjustment(models.Model):
    """A requested change to an approved project. `changes` holds the new values by field name and
    `before` the values they replace; the approver depends on the kind (domain notes §4b)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("change of"), max_length=12, choices=AdjustmentKind.choices)
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("requested values"))
    before = models.JSONField(_("values before"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["project", "-requested_at"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_kind_display()}"

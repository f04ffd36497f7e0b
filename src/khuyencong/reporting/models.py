"""Submitted period reports: a frozen, versioned snapshot of a province's figures for a year through a
month. Provinces that do not use the system yet send them as files (`import_submissions`)."""

import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.validity import Validity, ValidityQuerySet
from khuyencong.geo.models import AdministrativeUnit

from .choices import SubmissionOrigin, SubmissionStatus


class Submission(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="submissions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    through_month = models.PositiveSmallIntegerField(_("through month"))
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PREPARED
    )
    origin = models.CharField(_("origin"), max_length=10, choices=SubmissionOrigin.choices)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    checksum = models.CharField(_("file checksum (SHA-256)"), max_length=64, blank=True)
    content_key = models.CharField(
        max_length=64, help_text="SHA-256 of the rows: the same figures, the same key"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who approved the report at the Department and sent it up (or loaded it nationally)."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changed_after_approval = models.BooleanField(
        _("changed after approval"),
        default=False,
        help_text=_("A correction after approval changed the figures of its period (reporting.closing)."),
    )
    due_on = models.DateField(
        _("due"), null=True, blank=True, help_text=_("The deadline in force when it was submitted.")
    )
    checks = models.JSONField(
        _("consistency checks"), default=list, blank=True, help_text=_("Violations found when submitted.")
    )

    JURISDICTION_UNIT_FIELD = "unit"

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-year", "-through_month", "unit__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "through_month", "version"], name="reporting_submission_version"
            ),
            models.CheckConstraint(
                condition=Q(through_month__gte=1) & Q(through_month__lte=12),
                name="reporting_submission_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.through_month}/{self.year} v{self.version}"

    @property
    def late(self) -> bool:
        """Sent after its deadline or, not sent yet, still unsent after it."""
        return self.due_on is not None and timezone.localdate(self.sent_at or timezone.now()) > self.due_on


class FigureRow(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures")
    source = models.CharField(_("funding source"), max_length=4)  # KCQG | KCDP
    content_group = models.CharField(_("content group"), max_length=40, blank=True)  # "" = not broken down
    plan_dong = models.BigIntegerField(_("annual plan (đồng)"))
    executed_dong = models.BigIntegerField(_("executed (đồng)"))

    class Meta:
        verbose_name = _("submitted figure")
        verbose_name_plural = _("submitted figures")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "source", "content_group"], name="reporting_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(plan_dong__gte=0) & Q(executed_dong__gte=0), name="reporting_figure_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.content_group or '*'}: {self.plan_dong} / {self.executed_dong}"


class IndicatorRow(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="indicators")
    indicator_code = models.CharField(_("indicator"), max_length=40)
    planned = models.PositiveIntegerField(_("planned"), null=True, blank=True)
    achieved = models.PositiveIntegerField(_("achieved"), null=True, blank=True)

    class Meta:
        verbose_name = _("submitted indicator")
        verbose_name_plural = _("submitted indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator_code"], name="reporting_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.planned} / {self.achieved}"


class ReportDeadline(Validity):
    """When the report through a month is due: `days` after the end of that month (the 9-month report
    of a year through 30/09 + `days`). Data with effective dates, editable by administrators."""

    through_month = models.PositiveSmallIntegerField(_("through month"))
    days = models.PositiveSmallIntegerField(_("days after the period ends"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["through_month", "valid_from"]
        constraints = [
            *Validity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(through_month__gte=1) & Q(through_month__lte=12),
                name="reporting_deadline_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.through_month}: +{self.days}"

    @classmethod
    def due(cls, year: int, through_month: int) -> dt.date | None:
        """When the report of `year` through `through_month` is due, by the rule in force at the end of
        the period; None when no rule covers it."""
        end = dt.date(year, through_month, calendar.monthrange(year, through_month)[1])
        rule = cls.objects.valid_on(end).filter(through_month=through_month).order_by("-valid_from").first()
        return end + dt.timedelta(days=rule.days) if rule else None

    @staticmethod
    def missed(due: dt.date | None, first_submitted: dt.datetime | None) -> bool:
        """Was a report due on `due` late: first submitted after it, or still missing after it? Counted
        from the first submission, so a report returned and resubmitted is not late for that."""
        if due is None:
            return False
        day = timezone.localdate(first_submitted) if first_submitted else timezone.localdate()
        return day > due


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """A report download made in the background (`tasks.run_export`): the parameters asked for, the
    progress, and the file when done. It belongs to the user who asked; nobody else sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    params = models.JSONField(_("report parameters"), default=dict)
    format = models.CharField(_("format"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    content = models.BinaryField(_("file content"), null=True, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reporting_exportjob_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.format} {self.params.get('scope', '')} {self.params.get('year', '')} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}


class NarrativeTemplate(Validity):
    """The Vietnamese narrative of the period reports, as a Django template an administrator edits (in
    the admin, with its history). A report uses the template in force at the end of its period; without
    one, the default shipped with the system (templates/reporting/narrative_vi.txt)."""

    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(
        _("template"),
        help_text=_(
            "Django template syntax. Variables: scope.label, plan_word, plan_of, plan_total, plan_kcqg, "
            "plan_kcdp, growth, growth_abs, plan_before, heading, executed_total, executed_kcqg, "
            "executed_kcdp, rate, rate_of, rate_kcqg, rate_kcdp, yoy, yoy_abs, same_period, indicators "
            "(each: name, unit, planned, achieved, rate)."
        ),
    )
    history = HistoricalRecords()

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("report narrative template")
        verbose_name_plural = _("report narrative templates")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name

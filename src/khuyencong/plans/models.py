"""Annual khuyến công plans, their lines and targets, and approved revisions.

A plan is never edited after approval: each change is a PlanRevision approved by decision, whose
added lines come into force (and whose removed lines go out of force) on its decision date. So
"the plan as of date D" is always answerable (selectors.plan_lines_as_of).
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Activity, Indicator, Programme
from khuyencong.geo.models import AdministrativeUnit

from .choices import BudgetLevel, FundingSource, PlanStatus, RevisionStatus


class PlanDeadline(models.Model):
    """When a plan for year N must be registered: `day`/`month` of year N − `years_before`.
    A row with a year applies to that plan year only and overrides the general row."""

    source = models.CharField(_("funding source"), max_length=4, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(
        _("plan year"), null=True, blank=True, help_text=_("Empty: every year.")
    )
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    years_before = models.PositiveSmallIntegerField(_("years before the plan year"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("registration deadline")
        verbose_name_plural = _("registration deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "year"], condition=Q(year__isnull=False), name="plans_deadline_year"
            ),
            models.UniqueConstraint(
                fields=["source"], condition=Q(year__isnull=True), name="plans_deadline_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.year or ''}: {self.day:02d}/{self.month:02d}"

    def date_for(self, plan_year: int) -> dt.date:
        return dt.date(plan_year - self.years_before, self.month, self.day)


class Plan(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="plans"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The province or commune the plan is for; empty for the ministry's own plan."),
    )
    source = models.CharField(_("funding source"), max_length=4, choices=FundingSource.choices)
    budget_level = models.CharField(_("budget level"), max_length=10, choices=BudgetLevel.choices)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
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
    return_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "unit"

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "agency__name", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "source", "budget_level"], name="plans_plan_unique"
            ),
            models.CheckConstraint(
                condition=Q(source=FundingSource.NATIONAL, budget_level=BudgetLevel.NATIONAL)
                | Q(source=FundingSource.LOCAL, budget_level__in=[BudgetLevel.PROVINCE, BudgetLevel.COMMUNE]),
                name="plans_plan_budget_level_matches_source",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "revised"]) | Q(decision_date__isnull=False),
                name="plans_plan_approved_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_short} {self.year} — {self.agency}"

    @property
    def source_short(self) -> str:
        return "KCQG" if self.source == FundingSource.NATIONAL else "KCĐP"

    @property
    def submitted_late(self) -> bool:
        return bool(
            self.submitted_at
            and self.registration_deadline
            and self.submitted_at.date() > self.registration_deadline
        )


class PlanRevision(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "plan__unit"

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_revision_number_unique"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(decision_date__isnull=False),
                name="plans_revision_approved_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {_('revision')} {self.number}"


class PlanLine(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="lines")
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="plan_lines"
    )
    amount = models.BigIntegerField(_("amount (đồng)"), validators=[MinValueValidator(0)])
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        PlanRevision,
        verbose_name=_("added by revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="added_lines",
    )
    removed_by = models.ForeignKey(
        PlanRevision,
        verbose_name=_("removed by revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="removed_lines",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    JURISDICTION_UNIT_FIELD = "plan__unit"

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="plans_line_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.amount}"


class LineTarget(models.Model):
    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    planned = models.PositiveIntegerField(_("planned"))

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["line", "indicator"], name="plans_target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.planned}"

"""Contracts and the append-only ledger.

A ledger entry is never changed or deleted: the model refuses it, and on PostgreSQL a trigger refuses
UPDATE and DELETE on the table (migration 0002). A mistake is corrected by a reversing entry that
points at the original (`reverses`) and carries the amount it takes back.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import Activity, Programme
from khuyencong.core.validity import Validity, ValidityQuerySet
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import PlanLine
from khuyencong.projects.models import Project

from .choices import EntryKind


class AppendOnly(Exception):
    pass


class Contract(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    party_a = models.CharField(_("party A (paying)"), max_length=300)
    party_b = models.CharField(_("party B (receiving)"), max_length=300)
    value = models.BigIntegerField(_("value (đồng)"), validators=[MinValueValidator(1)])
    document = models.ForeignKey(
        "projects.Document",
        verbose_name=_("signed copy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project", "signed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="finance_contract_value_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="finance_contract_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class AdvanceRule(Validity):
    """The most that may be advanced on a contract, as a share of its value, for an activity (no
    activity: the default for activities without their own rule)."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advance_rules",
    )
    max_share = models.DecimalField(
        _("largest advance (share of the contract)"), max_digits=4, decimal_places=3
    )
    condition = models.CharField(_("condition"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("advance rule")
        verbose_name_plural = _("advance rules")
        constraints = [
            *Validity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(max_share__gte=0) & Q(max_share__lte=1), name="finance_advance_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity or _('default')}: {self.max_share:.0%}"


_original = Q(reverses__isnull=True)
_reversal = Q(reverses__isnull=False)
DELTAS_MATCH_KIND = (
    (
        Q(kind=EntryKind.COMMITMENT, disbursed_delta=0)
        & ((_original & Q(committed_delta=F("amount"))) | (_reversal & Q(committed_delta=-F("amount"))))
    )
    | (
        Q(kind__in=[EntryKind.ADVANCE, EntryKind.PAYMENT], committed_delta=0)
        & ((_original & Q(disbursed_delta=F("amount"))) | (_reversal & Q(disbursed_delta=-F("amount"))))
    )
    | (
        Q(kind=EntryKind.RECOVERY, committed_delta=0)
        & ((_original & Q(disbursed_delta=-F("amount"))) | (_reversal & Q(disbursed_delta=F("amount"))))
    )
)


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("ledger entries are never updated; record a reversing entry")

    def delete(self):
        raise AppendOnly("ledger entries are never deleted; record a reversing entry")


class LedgerEntry(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.BigIntegerField(_("amount (đồng)"))
    # The entry's signed effect on what is committed and on what is disbursed (advances + payments −
    # recoveries), fixed when it is recorded (a reversal takes its amount back): sums stay one SUM.
    committed_delta = models.BigIntegerField(editable=False)
    disbursed_delta = models.BigIntegerField(editable=False)
    value_date = models.DateField(_("value date"), db_index=True)
    reference = models.CharField(_("document reference"), max_length=100)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    JURISDICTION_UNIT_FIELD = "project__location"

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["project", "value_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_entry_amount_positive"),
            models.CheckConstraint(condition=DELTAS_MATCH_KIND, name="finance_entry_deltas_match_kind"),
        ]
        indexes = [
            models.Index(fields=["project", "kind"]),
            # Reports sum each project's entries of a period: on PostgreSQL an index-only scan.
            models.Index(
                fields=["project", "value_date"], include=["disbursed_delta"], name="finance_entry_period_sum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.value_date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("ledger entries are never updated; record a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("ledger entries are never deleted; record a reversing entry")


class DisbursedMonth(models.Model):
    """What the projects of a plan line located in a province disbursed in a month (advances + payments −
    recoveries by value date): the ledger summed ahead, so that reports add up a few thousand rows
    instead of every entry. Derived data, kept in step by the ledger's writers and by the moves of a
    project to another province (`finance.rollup`); `khuyencong rollup` compares it with the ledger,
    `--rebuild` recomputes it."""

    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="+")
    # the province the project's location belonged to in its own time (its current province follows)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the value dates' month
    amount = models.BigIntegerField(default=0)
    # Copied from the plan line, which never changes once it has projects (a revision replaces a line
    # with a new one): reports group by them without joining lines and plans.
    year = models.PositiveSmallIntegerField()  # the plan's (and its projects') year
    source = models.CharField(max_length=4, choices=FundingSource.choices)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("disbursed in a month")
        verbose_name_plural = _("disbursed by month")
        constraints = [
            models.UniqueConstraint(fields=["plan_line", "province", "month"], name="finance_rollup_key")
        ]
        indexes = [
            # A period's sums straight from the index (on PostgreSQL an index-only scan).
            models.Index(
                fields=["year", "month"],
                include=["source", "programme", "activity", "province", "amount"],
                name="finance_rollup_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_line_id}/{self.province_id} {self.month:%m/%Y}: {self.amount}"

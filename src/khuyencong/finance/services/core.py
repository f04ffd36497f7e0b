"""Finance writers: the ledger's only writer (`_entry`), the dates a project's ledger accepts, the
advance rules."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import Activity
from khuyencong.core import closing
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import DomainError, ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import DeadlineRules, liquidation_due

from ..choices import DISBURSING, EntryKind
from ..models import AdvanceRule, Contract, LedgerEntry
from ..rollup import rollup_add

RULES_FILE = Path(__file__).parent.parent / "reference" / "advance_rules.json"


class LedgerRefused(DomainError):
    code = "ledger_refused"
    status = 409
    default_message = _("The ledger refuses this entry.")


def _require_not_duplicate(
    project: Project, kind: str, amount: int, value_date: dt.date, reference: str
) -> None:
    """The same money twice (the same project, kind, amount, value date and document, not reversed) is
    almost always a double click or a re-sent request: refused unless the user confirms it is another
    entry. Called with the project locked, so two identical requests at once cannot both pass."""
    twin = (
        LedgerEntry.objects.filter(
            project=project,
            kind=kind,
            amount=amount,
            value_date=value_date,
            reference__iexact=reference,
            reverses__isnull=True,
            reversals__isnull=True,
        )
        .select_related("recorded_by")
        .order_by("pk")
        .first()
    )
    if twin is None:
        return
    raise LedgerRefused(
        _(
            "This looks like an entry already recorded: %(kind)s of %(amount)s on %(date)s, document "
            "%(reference)s (recorded %(at)s by %(by)s). If it is a second, separate entry, tick "
            "“Record it although it looks like a duplicate” and record it again."
        )
        % {
            "kind": EntryKind(kind).label,
            "amount": format_vnd(amount),
            "date": format_date(value_date),
            "reference": twin.reference,
            "at": format_date(timezone.localtime(twin.recorded_at).date()),
            "by": twin.recorded_by,
        },
        code="duplicate_entry",
        field="reference",
        entry=twin.pk,
    )


@transaction.atomic
def advance_rules_load(*, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = read_json(RULES_FILE)
    for item in data["rules"]:
        activity = Activity.objects.filter(code=item["activity"]).first() if item["activity"] else None
        if item["activity"] and activity is None:
            continue
        _rule, created = AdvanceRule.objects.get_or_create(
            activity=activity,
            valid_from=dt.date.fromisoformat(item["valid_from"]),
            defaults={"max_share": Decimal(item["max_share"]), "condition": item["condition"]},
        )
        report.created["advance rules"] += int(created)
    return report


class AdvanceRules:
    """The advance rules, read once: the share for many entries costs no query each (an import)."""

    def __init__(self) -> None:
        self.rules = sorted(
            AdvanceRule.objects.all(),
            key=lambda r: (r.valid_from is not None, r.valid_from, r.pk),
            reverse=True,
        )

    def share(self, activity_id: int | None, on: dt.date) -> tuple[Decimal, AdvanceRule | None]:
        """The largest advance, as a share of a contract, for the activity on `on` (1 when no rule
        applies): its own rule in force, else the default rule in force — the latest to take effect."""
        valid = [r for r in self.rules if r.is_valid_on(on)]
        rule = next((r for r in valid if r.activity_id == activity_id), None) or next(
            (r for r in valid if r.activity_id is None), None
        )
        return (rule.max_share if rule else Decimal(1)), rule


def advance_share(activity: Activity, on: dt.date) -> tuple[Decimal, AdvanceRule | None]:
    """The largest advance, as a share of a contract, for `activity` on `on` (1 when no rule applies)."""
    return AdvanceRules().share(activity.pk, on)


def _date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Enter a date (dd/mm/yyyy)."), code="invalid_date", field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), code="future_date", field=field)
    return value


def ledger_window(project: Project, rules: DeadlineRules | None = None) -> tuple[dt.date, dt.date | None]:
    """The value dates a year's project may commit and disburse on: from 1 January of its plan year to
    the liquidation deadline of its contracts (by default 22 January after the year, or after the
    year the project ends in) — the window the execution of a year's plan counts
    (docs/report-schema.md). None: no liquidation rule in force, no end."""
    return dt.date(project.year, 1, 1), liquidation_due(project, rules)


def window_refusal(
    project: Project, day: dt.date, *, kind: str, rules: DeadlineRules | None = None
) -> str | None:
    """Why money cannot move on `day` for the project, if it cannot. Advances, payments and
    commitments lie in the plan year's window (`ledger_window`); recoveries and reversals (money
    coming back, corrections) may come later, never before the plan year."""
    start, end = ledger_window(project, rules)
    late = end is not None and day > end and kind not in (EntryKind.RECOVERY, "reversal")
    if day >= start and not late:
        return None
    extend = (
        " "
        + str(
            _("To pay later, extend the project into the next year by an adjustment (the plan's approver).")
        )
        if late
        else ""
    )
    return (
        str(
            _(
                "The project belongs to the %(year)s plan: its money moves from %(start)s to the "
                "liquidation deadline %(end)s, not on %(date)s."
            )
            % {
                "year": project.year,
                "start": format_date(start),
                "end": format_date(end) if end else "—",
                "date": format_date(day),
            }
        )
        + extend
    )


def _require_in_window(
    project: Project, day: dt.date, *, kind: str, rules: DeadlineRules | None = None
) -> None:
    if (refusal := window_refusal(project, day, kind=kind, rules=rules)) is not None:
        raise LedgerRefused(refusal, code="outside_plan_year", field="value_date")


def _entry(
    project: Project,
    contract: Contract | None,
    kind: str,
    amount: int,
    value_date: dt.date,
    *,
    actor: Any,
    reference: str,
    note: str = "",
    reverses: LedgerEntry | None = None,
    correction_reason: str = "",
) -> LedgerEntry:
    committed, disbursed = entry_deltas(kind, amount, reversal=reverses is not None)
    correction = None
    if disbursed:  # money that changes the executed figures: not into an approved report's period
        correction = closing.require_open(
            actor=actor,
            units=closing.units_of(project.location),
            year=project.year,
            day=value_date,
            correction_reason=correction_reason,
            what={
                "project": project.code,
                "kind": kind,
                "disbursed": disbursed,
                "value_date": value_date.isoformat(),
            },
        )
    entry = LedgerEntry.objects.create(
        project=project,
        contract=contract,
        kind=kind,
        amount=amount,
        committed_delta=committed,
        disbursed_delta=disbursed,
        value_date=value_date,
        reference=reference,
        note=note,
        reverses=reverses,
        recorded_by=actor,
    )
    rollup_add(project, value_date, disbursed)
    audit_record(
        actor=actor,
        action="finance.reversal" if reverses else "finance.entry",
        obj=project,
        after={
            **entry_audit(entry, contract),
            **({"correction_after_approval": list(correction.submissions)} if correction else {}),
        },
        reason=correction_reason.strip() if correction else note,
    )
    return entry


def entry_deltas(kind: str, amount: int, *, reversal: bool) -> tuple[int, int]:
    """An entry's signed effect on what is committed and on what is disbursed (a reversal takes its
    amount back)."""
    sign = -1 if reversal else 1
    committed = sign * amount if kind == EntryKind.COMMITMENT else 0
    if kind in DISBURSING:
        disbursed = sign * amount
    elif kind == EntryKind.RECOVERY:
        disbursed = -sign * amount
    else:
        disbursed = 0
    return committed, disbursed


def entry_audit(entry: LedgerEntry, contract: Contract | None) -> dict[str, Any]:
    """What the audit keeps of a recorded entry (on its project's trail)."""
    return {
        "entry": entry.pk,
        "kind": entry.kind,
        "amount": entry.amount,
        "value_date": entry.value_date.isoformat(),
        "reference": entry.reference,
        "contract": contract.number if contract else None,
        "reverses": entry.reverses_id,
    }

"""The disbursed-by-month aggregate (`DisbursedMonth`) kept in step with the ledger.

Reports sum what was disbursed by source, content group and province over months; summing the ledger
itself means reading every entry of the period. The aggregate holds the same sums by plan line,
province of the project's location (in its own time) and month of the value date, and changes in the
same transaction as whatever changes them:

- a ledger entry that moves disbursed money adds its delta to its month (`rollup_add`, called by the
  ledger's only writer, `finance.services._entry`); the ledger is append-only, so increments suffice;
- a project moved to a place in another province takes its months along (`rollup_relocate`, called by
  the project services that change a location).

A project's plan line and year never change, nor do an entry's amount and value date. `rollup_check`
lists where the aggregate and the ledger disagree; `rollup_rebuild` recomputes it from the ledger (for
data written around the services, e.g. the benchmark's generator). Both run from `khuyencong rollup`.
"""

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.models import Project

from .models import DisbursedMonth, LedgerEntry

Key = tuple[int, int, dt.date]  # plan line, province, first day of the month

_UPSERT = """
INSERT INTO {table} (plan_line_id, province_id, year, month, amount) VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (plan_line_id, province_id, month) DO UPDATE SET amount = {table}.amount + excluded.amount
"""


def _add(plan_line: int, province: int, year: int, month: dt.date, amount: int) -> None:
    """One statement, safe when two transactions add to the same month at once: the second waits for
    the first's row instead of failing on the unique key."""
    table = connection.ops.quote_name(DisbursedMonth._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [plan_line, province, year, month, amount])


def _province(location_id: int) -> int:
    return AdministrativeUnit.objects.values_list("province", flat=True).get(pk=location_id)


def rollup_add(project: Project, value_date: dt.date, amount: int) -> None:
    """Add a ledger entry's disbursed delta to its month (nothing for entries that disburse nothing)."""
    if amount:
        province = _province(project.location_id)
        _add(project.plan_line_id, province, project.year, value_date.replace(day=1), amount)


def rollup_relocate(project: Project, *, old_location_id: int) -> None:
    """The project now lies at `project.location`: move what it disbursed, month by month, from the
    province of its old location to the new one (nothing when both lie in the same province)."""
    old, new = _province(old_location_id), _province(project.location_id)
    if old == new:
        return
    months = (
        LedgerEntry.objects.filter(project=project)
        .annotate(month=TruncMonth("value_date"))
        .values("month")
        .annotate(s=Sum("disbursed_delta"))
        .order_by("month")
        .values_list("month", "s")
    )
    for month, amount in months:
        if amount:
            _add(project.plan_line_id, old, project.year, month, -amount)
            _add(project.plan_line_id, new, project.year, month, amount)


def _from_ledger() -> dict[Key, tuple[int, int]]:
    """The aggregate as the ledger gives it now: key → (year, amount), zero sums left out."""
    rows = (
        LedgerEntry.objects.exclude(disbursed_delta=0)
        .annotate(
            line=F("project__plan_line"),
            province=F("project__location__province"),
            year=F("project__year"),
            month=TruncMonth("value_date"),
        )
        .values("line", "province", "year", "month")
        .annotate(s=Sum("disbursed_delta"))
        .order_by()
        .values_list("line", "province", "year", "month", "s")
    )
    return {(line, province, month): (year, s) for line, province, year, month, s in rows if s}


def rollup_check() -> list[dict[str, Any]]:
    """Where the aggregate differs from the ledger: one row per (plan line, province, month)."""
    expected = _from_ledger()
    stored = {
        (r.plan_line_id, r.province_id, r.month): r.amount for r in DisbursedMonth.objects.exclude(amount=0)
    }
    return [
        {
            "plan_line": key[0],
            "province": key[1],
            "month": key[2].isoformat(),
            "ledger": expected.get(key, (0, 0))[1],
            "aggregate": stored.get(key, 0),
        }
        for key in sorted(set(expected) | set(stored))
        if expected.get(key, (0, 0))[1] != stored.get(key, 0)
    ]


@transaction.atomic
def rollup_rebuild() -> int:
    """Recompute the aggregate from the ledger; the number of rows written."""
    DisbursedMonth.objects.all().delete()
    rows = [
        DisbursedMonth(plan_line_id=line, province_id=province, year=year, month=month, amount=amount)
        for (line, province, month), (year, amount) in _from_ledger().items()
    ]
    DisbursedMonth.objects.bulk_create(rows, batch_size=5000)
    return len(rows)

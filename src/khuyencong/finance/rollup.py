"""The disbursed-by-month aggregate (`DisbursedMonth`) kept in step with the ledger.

Reports sum what was disbursed by source, content group and province over months; summing the ledger
itself means reading every entry of the period. The aggregate holds the same sums by plan line,
province of the project's location (in its own time) and month of the value date, and changes in the
same transaction as whatever changes them:

- a ledger entry that moves disbursed money adds its delta to its month (`rollup_add`, called by the
  ledger's only writer, `finance.services.core._entry`); the ledger is append-only, so increments suffice;
- a project moved to a place in another province takes its months along (`rollup_relocate`, called by
  the project services that change a location).

A project's plan line and year never change, nor do an entry's amount and value date. `rollup_check`
lists where the aggregate and the ledger disagree; `rollup_rebuild` recomputes it from the ledger (for
data written around the services, e.g. the benchmark's generator). Both run from `khuyencong rollup`.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.models import Project

from .models import DisbursedMonth, LedgerEntry

Key = tuple[int, int, dt.date]  # plan line, province, first day of the month

# The line's year, source, programme and activity and the province of the project's location are read
# in the statement itself; a second transaction adding to the same month at the same moment waits for
# the first's row instead of failing on the unique key.
_UPSERT = """
INSERT INTO {rollup} (plan_line_id, province_id, month, amount, year, source, programme_id, activity_id)
SELECT l.id, u.province_id, %s, %s, p.year, p.source, p.programme_id, l.activity_id
FROM {line} l JOIN {plan} p ON p.id = l.plan_id, {unit} u
WHERE l.id = %s AND u.id = %s
ON CONFLICT (plan_line_id, province_id, month) DO UPDATE SET amount = {rollup}.amount + excluded.amount
"""


def _tables() -> dict[str, str]:
    return {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("rollup", DisbursedMonth),
            ("line", PlanLine),
            ("plan", Plan),
            ("unit", AdministrativeUnit),
        )
    }


def _add(plan_line_id: int, location_id: int, month: dt.date, amount: int) -> None:
    """Add `amount` to the month of the line in the province of `location_id`."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(**_tables()), [month, amount, plan_line_id, location_id])
        if cursor.rowcount != 1:
            raise ValueError(f"no plan line {plan_line_id} or place {location_id} to add disbursed money to")


# The same for many months at once (an import): one statement per batch of (line, place, month,
# amount), each (line, province, month) once in a batch (PostgreSQL refuses to update a row twice in
# one statement). SQLite needs the WHERE for its parser to read ON CONFLICT as the upsert's.
_UPSERT_MANY = """
WITH v(line, place, month, amount) AS (VALUES {values})
INSERT INTO {rollup} (plan_line_id, province_id, month, amount, year, source, programme_id, activity_id)
SELECT l.id, u.province_id, v.month, v.amount, p.year, p.source, p.programme_id, l.activity_id
FROM v JOIN {line} l ON l.id = v.line JOIN {plan} p ON p.id = l.plan_id JOIN {unit} u ON u.id = v.place
WHERE true
ON CONFLICT (plan_line_id, province_id, month) DO UPDATE SET amount = {rollup}.amount + excluded.amount
"""


def rollup_add_many(items: Iterable[tuple[int, int, int, dt.date, int]]) -> None:
    """Add many disbursed deltas: (plan line, place, the place's province, value date, amount) each."""
    sums: dict[tuple[int, int, dt.date], list[int]] = {}
    for line, place, province, day, amount in items:
        if amount:
            key = (line, province, day.replace(day=1))
            sums.setdefault(key, [place, 0])[1] += amount
    rows = [(line, place, month, amount) for (line, _p, month), (place, amount) in sums.items() if amount]
    tables = _tables()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            sql = _UPSERT_MANY.format(values=", ".join(["(%s, %s, %s, %s)"] * len(batch)), **tables)
            cursor.execute(sql, [value for row in batch for value in row])


def rollup_add(project: Project, value_date: dt.date, amount: int) -> None:
    """Add a ledger entry's disbursed delta to its month (nothing for entries that disburse nothing)."""
    if amount:
        _add(project.plan_line_id, project.location_id, value_date.replace(day=1), amount)


def rollup_relocate(project: Project, *, old_location_id: int) -> None:
    """The project now lies at `project.location`: move what it disbursed, month by month, from the
    province of its old location to the new one (nothing when both lie in the same province)."""
    provinces = dict(
        AdministrativeUnit.objects.filter(pk__in=[old_location_id, project.location_id]).values_list(
            "pk", "province"
        )
    )
    if provinces[old_location_id] == provinces[project.location_id]:
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
            _add(project.plan_line_id, old_location_id, month, -amount)
            _add(project.plan_line_id, project.location_id, month, amount)


_LINE = ("year", "source", "programme", "activity")  # copied from the plan line


def _from_ledger() -> dict[Key, tuple[int, str, int, int, int]]:
    """The aggregate as the ledger gives it now: key → (year, source, programme, activity, amount),
    zero sums left out."""
    rows = (
        LedgerEntry.objects.exclude(disbursed_delta=0)
        .annotate(
            line=F("project__plan_line"),
            province=F("project__location__province"),
            month=TruncMonth("value_date"),
            year=F("project__plan_line__plan__year"),
            source=F("project__plan_line__plan__source"),
            programme=F("project__plan_line__plan__programme"),
            activity=F("project__plan_line__activity"),
        )
        .values("line", "province", "month", *_LINE)
        .annotate(s=Sum("disbursed_delta"))
        .order_by()
        .values_list("line", "province", "month", *_LINE, "s")
    )
    return {(line, province, month): tuple(rest) for line, province, month, *rest in rows if rest[-1]}


def rollup_check() -> list[dict[str, Any]]:
    """Where the aggregate differs from the ledger, in its amount or in what it copied from the plan
    line: one row per (plan line, province, month)."""
    expected = _from_ledger()
    stored = {
        (r.plan_line_id, r.province_id, r.month): (r.year, r.source, r.programme_id, r.activity_id, r.amount)
        for r in DisbursedMonth.objects.exclude(amount=0)
    }
    return [
        {
            "plan_line": key[0],
            "province": key[1],
            "month": key[2].isoformat(),
            "ledger": expected[key][-1] if key in expected else 0,
            "aggregate": stored[key][-1] if key in stored else 0,
        }
        for key in sorted(set(expected) | set(stored))
        if expected.get(key) != stored.get(key)
    ]


@transaction.atomic
def rollup_rebuild() -> int:
    """Recompute the aggregate from the ledger; the number of rows written."""
    DisbursedMonth.objects.all().delete()
    rows = [
        DisbursedMonth(
            plan_line_id=line,
            province_id=province,
            month=month,
            year=year,
            source=source,
            programme_id=programme,
            activity_id=activity,
            amount=amount,
        )
        for (line, province, month), (year, source, programme, activity, amount) in _from_ledger().items()
    ]
    DisbursedMonth.objects.bulk_create(rows, batch_size=5000)
    return len(rows)

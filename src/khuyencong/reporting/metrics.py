"""The report's derived figures, from plan and executed amounts in đồng (domain notes §5).

Pure functions: they know nothing of the database, so the same code serves live figures, submitted
snapshots and imported province files. Every percentage is a number rounded half-up to 2 decimals;
a value that cannot be computed (no previous year, a zero denominator) is None — never 0.

Denominators are named in the keys, because published reports use two: a source's executed amount
against its own plan (`execution_rate_pct`) or against the total plan (`executed_share_of_total_plan_pct`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SOURCES = ("KCQG", "KCDP")


@dataclass(frozen=True)
class Split:
    """An amount in đồng, in total and by funding source."""

    KCQG: int = 0
    KCDP: int = 0
    total: int | None = None  # None: the sum of the sources

    def __post_init__(self) -> None:
        for value in (self.KCQG, self.KCDP, self.total):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError("amounts are integer đồng")
        if self.total is None:
            object.__setattr__(self, "total", self.KCQG + self.KCDP)

    def __getitem__(self, key: str) -> int:
        return getattr(self, key)


@dataclass(frozen=True)
class Figures:
    """What one report row stands on: the scope's annual plan (as of the report date) and what it
    executed from 1 January to the end of the period; optionally the previous year's plan and the same
    period's execution, and the national plan and execution for shares."""

    plan: Split
    executed: Split
    previous_plan: Split | None = None
    previous_executed: Split | None = None
    national_plan: Split | None = None
    national_executed: Split | None = None


def pct(part: int | Decimal | None, whole: int | Decimal | None) -> float | None:
    """part / whole as a percentage rounded half-up to 2 decimals; None without a denominator."""
    if part is None or whole is None or whole == 0:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(value)


def growth_pct(now: int | None, before: int | None) -> float | None:
    """now / before − 1, as a percentage."""
    if now is None or before is None or before == 0:
        return None
    return pct(now - before, before)


def _rate(executed: Split, plan: Split) -> dict[str, float | None]:
    return {key: pct(executed[key], plan[key]) for key in ("total", *SOURCES)}


def metrics(f: Figures) -> dict:
    """The derived figures of the report's JSON schema (docs/report-schema.md)."""
    rate = _rate(f.executed, f.plan)
    previous_rate = (
        _rate(f.previous_executed, f.previous_plan) if f.previous_executed and f.previous_plan else None
    )
    rate_pp = None
    if previous_rate and rate["total"] is not None and previous_rate["total"] is not None:
        rate_pp = float(
            (Decimal(str(rate["total"])) - Decimal(str(previous_rate["total"]))).quantize(Decimal("0.01"))
        )
    national = {
        "plan": {
            k: (pct(f.plan[k], f.national_plan[k]) if f.national_plan else None) for k in ("total", *SOURCES)
        },
        "executed": {
            k: (pct(f.executed[k], f.national_executed[k]) if f.national_executed else None)
            for k in ("total", *SOURCES)
        },
    }
    return {
        "execution_rate_pct": rate,
        "executed_share_of_total_plan_pct": {k: pct(f.executed[k], f.plan.total) for k in SOURCES},
        "executed_share_of_executed_pct": {k: pct(f.executed[k], f.executed.total) for k in SOURCES},
        "plan_share_pct": {k: pct(f.plan[k], f.plan.total) for k in SOURCES},
        "plan_growth_pct": growth_pct(f.plan.total, f.previous_plan.total if f.previous_plan else None),
        "executed_yoy_pct": growth_pct(
            f.executed.total, f.previous_executed.total if f.previous_executed else None
        ),
        "execution_rate_yoy_pp": rate_pp,
        "share_of_national_pct": national,
    }

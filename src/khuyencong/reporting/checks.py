"""Consistency rules for figures as reports state them (domain notes §6), like DHIS2 validation rules.

Published figures are rounded (tỷ to 2 decimals, triệu to 1), so a check asks whether the stated value
could come from the stated inputs at their precision: every input may be off by half a unit of its last
printed digit. Only what no rounding explains is flagged — e.g. 19.623,7 printed as 19.619,2, or a
growth of +7,72% printed as +1,08% — while 22,68% against 22,69% computed from rounded inputs is not.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Stated:
    """A printed number and the precision it was printed with (0.01 for "48,79 tỷ")."""

    value: Decimal
    precision: Decimal = Decimal(0)

    @classmethod
    def of(cls, text: str | int | float | Decimal, precision: str | Decimal | None = None) -> "Stated":
        value = Decimal(str(text))
        if precision is None:
            exponent = value.as_tuple().exponent
            precision = (
                Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent < 0 else Decimal(1)
            )
            if isinstance(text, int):
                precision = Decimal(0)  # whole đồng: exact
        return cls(value, Decimal(str(precision)))

    @property
    def low(self) -> Decimal:
        return self.value - self.precision / 2

    @property
    def high(self) -> Decimal:
        return self.value + self.precision / 2


@dataclass
class Violation:
    rule: str
    message: str
    figures: dict[str, Any] = field(default_factory=dict)


def _round(value: Decimal, precision: Decimal) -> Decimal:
    return value.quantize(precision, rounding=ROUND_HALF_UP) if precision else value


def check_sum(
    parts: list[Stated], total: Stated, *, rule: str = "parts_total", label: str = ""
) -> Violation | None:
    """Σ parts must be able to give `total` (each at its precision)."""
    low = sum((p.low for p in parts), Decimal(0))
    high = sum((p.high for p in parts), Decimal(0))
    if total.high < low or total.low > high:
        computed = sum((p.value for p in parts), Decimal(0))
        return Violation(
            rule,
            f"{label}: {' + '.join(str(p.value) for p in parts)} = {computed}, stated {total.value}".strip(
                ": "
            ),
            {"parts": [str(p.value) for p in parts], "computed": str(computed), "stated": str(total.value)},
        )
    return None


def check_difference(
    minuend: Stated, subtrahend: Stated, stated: Stated, *, label: str = ""
) -> Violation | None:
    return check_sum([stated, subtrahend], minuend, rule="difference", label=label)


def _ratio_range(part: Stated, whole: Stated) -> tuple[Decimal, Decimal]:
    low_whole, high_whole = whole.low, whole.high
    if low_whole <= 0:
        raise ValueError("the denominator must be positive")
    return part.low * 100 / high_whole, part.high * 100 / low_whole


def check_percent(
    stated_pct: Stated,
    part: Stated,
    whole: Stated,
    *,
    growth: bool = False,
    rule: str = "stated_percent",
    label: str = "",
) -> Violation | None:
    """A printed percentage (part / whole, or part / whole − 1 when `growth`) must be what its inputs
    give at their precision, once rounded to the printed decimals."""
    low, high = _ratio_range(part, whole)
    if growth:
        low, high = low - 100, high - 100
    places = stated_pct.precision or Decimal("0.01")
    if _round(high, places) < stated_pct.value or _round(low, places) > stated_pct.value:
        exact = part.value * 100 / whole.value - (100 if growth else 0)
        return Violation(
            rule,
            f"{label}: stated {stated_pct.value}%, the figures give {_round(exact, Decimal('0.01'))}%".strip(
                ": "
            ),
            {
                "stated_pct": str(stated_pct.value),
                "computed_pct": str(_round(exact, Decimal("0.01"))),
                "part": str(part.value),
                "whole": str(whole.value),
            },
        )
    return None


def check_not_above(executed: int, plan: int, *, label: str = "") -> Violation | None:
    if plan is not None and executed > plan:
        return Violation(
            "executed_above_plan",
            f"{label}: executed {executed} đ exceeds the plan {plan} đ".strip(": "),
            {"executed": executed, "plan": plan},
        )
    return None


def check_rows(figures: list[dict[str, Any]]) -> list[Violation]:
    """Rules on a province's figure rows (source, content_group, plan_dong, executed_dong): executed
    above plan, and content groups that do not add up to the source's total row."""
    out: list[Violation] = []
    for source in sorted({row["source"] for row in figures}):
        rows = [row for row in figures if row["source"] == source]
        total = next((row for row in rows if not row["content_group"]), None)
        groups = [row for row in rows if row["content_group"]]
        for row in rows:
            label = f"{source} {row['content_group'] or ''}".strip()
            violation = check_not_above(row["executed_dong"], row["plan_dong"], label=label)
            if violation is not None:
                out.append(violation)
        if total is not None and groups:
            for column in ("plan_dong", "executed_dong"):
                violation = check_sum(
                    [Stated.of(int(row[column])) for row in groups],
                    Stated.of(int(total[column])),
                    rule="groups_total",
                    label=f"{source} {column}",
                )
                if violation is not None:
                    out.append(violation)
    return out

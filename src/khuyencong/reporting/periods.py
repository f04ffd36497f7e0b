"""Report periods: a part of one year — cumulative from 1 January (`through`), a quarter, a half, the
whole year — or a range of years (a programme's, or part of it), with their Vietnamese labels.

`Period(year, through_month)` is the cumulative period of the early reports and stays valid; the other
kinds come from the constructors `Period.quarter`, `Period.half`, `Period.full_year`, `Period.years`
and `Period.programme`. A period of one year compares with the same period a year earlier; a range
of years with the range of equal length just before it.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import ValidationFailed

THROUGH, QUARTER, HALF, YEAR, PROGRAMME = "through", "quarter", "half", "year", "programme"
KINDS = (THROUGH, QUARTER, HALF, YEAR, PROGRAMME)
ROMAN = ("I", "II", "III", "IV")


def _invalid(message: object, field: str = "period") -> ValidationFailed:
    return ValidationFailed(message, code="invalid_period", field=field)


def years_earlier(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (29 February becomes the 28th)."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Period:
    """Months `start_month`..`through_month` of `year`, or (programmes) 1 January of `year_from` to
    31 December of `year`. `kind` is derived when not given: `year` for months 1–12, else `through`."""

    year: int
    through_month: int = 12
    start_month: int = 1
    kind: str = ""
    year_from: int | None = None
    programme_code: str = ""
    programme_years: tuple[int, int] | None = None  # the whole programme's span, for the label

    def __post_init__(self) -> None:
        if not 1 <= self.through_month <= 12 or not 1 <= self.start_month <= 12:
            raise _invalid(_("A month is 1 to 12."), field="through_month")
        if self.start_month > self.through_month:
            raise _invalid(_("A period cannot end before it starts."))
        year_from = self.year if self.year_from is None else self.year_from
        if year_from > self.year:
            raise _invalid(_("A period cannot end before it starts."))
        object.__setattr__(self, "year_from", year_from)
        object.__setattr__(self, "kind", self._kind())

    def _kind(self) -> str:
        """The given kind, checked against the months, or the one the months imply."""
        months = (self.start_month, self.through_month)
        if self.year_from != self.year or self.kind == PROGRAMME:
            if months != (1, 12):
                raise _invalid(_("A range of years runs from January to December."))
            return PROGRAMME
        if self.kind in ("", THROUGH, YEAR) and self.start_month == 1:
            return YEAR if self.through_month == 12 else THROUGH
        if self.kind == QUARTER and self.start_month % 3 == 1 and self.through_month == self.start_month + 2:
            return QUARTER
        if self.kind == HALF and months in ((1, 6), (7, 12)):
            return HALF
        raise _invalid(_("These months do not make a period of this kind."))

    # -- constructors -------------------------------------------------------------------------------

    @classmethod
    def through(cls, year: int, month: int) -> "Period":
        """From 1 January to the end of `month` (lũy kế)."""
        return cls(year, month)

    @classmethod
    def full_year(cls, year: int) -> "Period":
        return cls(year, 12)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        """Only the quarter's three months (Q1 = January–March)."""
        if quarter not in (1, 2, 3, 4):
            raise _invalid(_("A quarter is 1 to 4."), field="quarter")
        return cls(year, 3 * quarter, start_month=3 * quarter - 2, kind=QUARTER)

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        """January–June (1) or July–December (2)."""
        if half not in (1, 2):
            raise _invalid(_("A half-year is 1 or 2."), field="half")
        return cls(year, 6 * half, start_month=6 * half - 5, kind=HALF)

    @classmethod
    def years(cls, year_from: int, year_to: int) -> "Period":
        """Whole years `year_from`..`year_to` (a programme's range without the programme)."""
        return cls(year_to, 12, year_from=year_from, kind=PROGRAMME)

    @classmethod
    def programme(cls, code: str, through_year: int | None = None) -> "Period":
        """The years of programme `code` (catalog.Programme), or its first years up to `through_year`
        (a mid-term review, e.g. Đồng Nai 2021–2023 of its 2021–2025 programme)."""
        from khuyencong.catalog.models import Programme

        found = Programme.objects.filter(code=code).first()
        if found is None:
            raise _invalid(_("Unknown programme “%(code)s”.") % {"code": code}, field="programme")
        if found.year_from is None or found.year_to is None:
            raise _invalid(
                _("The programme “%(code)s” has no first and last year.") % {"code": code}, field="programme"
            )
        year_to = found.year_to if through_year is None else through_year
        if not found.year_from <= year_to <= found.year_to:
            raise _invalid(
                _("The programme “%(code)s” runs from %(first)s to %(last)s.")
                % {"code": code, "first": found.year_from, "last": found.year_to},
                field="year",
            )
        return cls(
            year_to,
            12,
            year_from=found.year_from,
            kind=PROGRAMME,
            programme_code=code,
            programme_years=(found.year_from, found.year_to),
        )

    # -- dates ----------------------------------------------------------------------------------------

    @property
    def first_year(self) -> int:
        return self.year if self.year_from is None else self.year_from

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_year, self.start_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.through_month, calendar.monthrange(self.year, self.through_month)[1])

    @property
    def executed_until(self) -> dt.date | None:
        """The last value date the period's execution counts (docs/report-schema.md, "executed"): its
        end — except for a period that ends with December, which has none. A year's plan is still
        executed after 31 December, in the adjustment period up to the contracts' liquidation deadline
        of the next January, and that money is the year's; the ledger refuses entries on a year's
        projects outside that window, so "no end" is "until the window closes"."""
        return None if self.through_month == 12 else self.end

    @property
    def span(self) -> int:
        """How many years the period touches (1 unless a range of years)."""
        return self.year - self.first_year + 1

    @property
    def all_years(self) -> list[int]:
        return list(range(self.first_year, self.year + 1))

    @property
    def number(self) -> int | None:
        """The quarter (1–4) or half (1–2); None for other kinds."""
        if self.kind == QUARTER:
            return self.through_month // 3
        if self.kind == HALF:
            return self.through_month // 6
        return None

    @property
    def submittable(self) -> bool:
        """Whether provinces submit figures for it: only cumulative periods of one year are."""
        return self.kind in (THROUGH, YEAR)

    def previous(self) -> "Period":
        """The same period a year earlier; for a range of years, the range of equal length before it."""
        if self.kind == PROGRAMME:
            return Period.years(self.first_year - self.span, self.first_year - 1)
        return replace(self, year=self.year - 1, year_from=self.year - 1)

    def plan_day(self, year: int, as_of: dt.date | None = None) -> dt.date:
        """The day `year`'s annual plan is taken as approved on: `as_of` when given, else the end of
        the period (for a range of years, the end of each year)."""
        return as_of or min(self.end, dt.date(year, 12, 31))

    # -- labels (Vietnamese by design: reports are written in Vietnamese) ------------------------------

    @property
    def range_text(self) -> str:
        return f"{self.first_year}–{self.year}"

    @property
    def label(self) -> str:
        """e.g. "9 tháng đầu năm 2025", "quý III năm 2025", "6 tháng cuối năm 2025", "năm 2025",
        "chương trình 2021–2025" (a whole programme) or "giai đoạn 2021–2023"."""
        if self.kind == PROGRAMME:
            whole = self.programme_years == (self.first_year, self.year)
            return f"{'chương trình' if whole else 'giai đoạn'} {self.range_text}"
        if self.kind == YEAR:
            return f"năm {self.year}"
        if self.kind == QUARTER:
            return f"quý {ROMAN[self.through_month // 3 - 1]} năm {self.year}"
        if self.kind == HALF:
            return f"6 tháng {'đầu' if self.through_month == 6 else 'cuối'} năm {self.year}"
        if self.through_month == 1:
            return f"tháng 1 năm {self.year}"
        return f"{self.through_month} tháng đầu năm {self.year}"

    @property
    def heading(self) -> str:
        """How a sentence about the period's execution opens: "Lũy kế 9 tháng đầu năm 2025",
        "Cả năm 2025", "Quý III năm 2025", "6 tháng cuối năm 2025", "Giai đoạn 2021–2023"."""
        if self.kind == PROGRAMME:
            return f"Giai đoạn {self.range_text}"
        if self.kind == YEAR:
            return f"Cả năm {self.year}"
        if self.kind == THROUGH:
            return f"Lũy kế {self.label}"
        return self.label[0].upper() + self.label[1:]

    def narrative_phrases(self) -> dict[str, str]:
        """The period's words in the narrative: whose plan, what it is compared with."""
        if self.kind == PROGRAMME:
            before = self.previous()
            return {
                "heading": self.heading,
                "plan_word": "Tổng kế hoạch",
                "plan_of": f"giai đoạn {self.range_text}",
                "plan_before": f"tổng kế hoạch giai đoạn {before.range_text}",
                "rate_of": "tổng kế hoạch giai đoạn",
                "same_period": f"giai đoạn {before.range_text}",
            }
        return {
            "heading": self.heading,
            "plan_word": "Kế hoạch",
            "plan_of": f"năm {self.year}",
            "plan_before": f"kế hoạch năm {self.year - 1}",
            "rate_of": "kế hoạch năm",
            "same_period": f"cùng kỳ năm {self.year - 1}",
        }

    def as_dict(self) -> dict[str, object]:
        """The report's `period` object."""
        data: dict[str, object] = {
            "kind": self.kind,
            "label": self.label,
            "year": self.year,
            "start_month": self.start_month,
            "through_month": self.through_month,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "executed_until": self.executed_until.isoformat() if self.executed_until else None,
        }
        if self.kind in (QUARTER, HALF):
            data[self.kind] = self.number
        if self.kind == PROGRAMME:
            data.update(year_from=self.first_year, year_to=self.year, programme=self.programme_code or None)
        return data

"""Reading province figures sent as a file: CSV (one file per sheet) or XLSX (sheets `figures` and,
optionally, `indicators`), read safely by core.spreadsheets. Every cell is checked and every problem
reported with its sheet, row and column; nothing is returned unless the whole file is valid.

figures:    year, through_month, unit_code, source, content_group, plan_dong, executed_dong
indicators: year, through_month, unit_code, indicator_code, planned, achieved

At most `ImportLimits.errors` problems are listed, with a count of the rest.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.catalog.models import ContentGroup, Indicator
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.spreadsheets import (
    UNREADABLE,
    CellError,
    FileTooLarge,
    ImportLimits,
    file_kind,
    header_of,
    read_sheets,
    whole_number,
)
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import unit_on

from .live import Period

FIGURE_COLUMNS = [
    "year",
    "through_month",
    "unit_code",
    "source",
    "content_group",
    "plan_dong",
    "executed_dong",
]
INDICATOR_COLUMNS = ["year", "through_month", "unit_code", "indicator_code", "planned", "achieved"]
# What the template's first row says of each column (its code is in the hidden second row); a file
# whose header holds these names instead of the codes reads as well.
COLUMN_LABELS = {
    "year": gettext_lazy("Year"),
    "through_month": gettext_lazy("Through month"),
    "unit_code": gettext_lazy("Province code"),
    "source": gettext_lazy("Funding source"),
    "content_group": gettext_lazy("Content group"),
    "plan_dong": gettext_lazy("Plan (đồng)"),
    "executed_dong": gettext_lazy("Executed (đồng)"),
    "indicator_code": gettext_lazy("Indicator code"),
    "planned": gettext_lazy("Planned"),
    "achieved": gettext_lazy("Achieved"),
}
SOURCES = {"KCQG": "KCQG", "KCDP": "KCDP", "KCĐP": "KCDP"}


@dataclass
class ParsedFile:
    figures: dict[tuple[int, int, int], list[dict[str, Any]]] = field(
        default_factory=dict
    )  # (unit, year, month)
    indicators: dict[tuple[int, int, int], list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def error_dicts(self) -> list[dict[str, Any]]:
        """The errors listed, and one more saying how many were not."""
        listed = [e.as_dict() for e in self.errors]
        if self.errors_not_listed:
            more = CellError(
                "",
                0,
                "",
                "more_errors",
                _("… and %(n)s more error(s), not listed: correct these first.")
                % {"n": f"{self.errors_not_listed:,}".replace(",", ".")},
            )
            listed.append(more.as_dict())
        return listed

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise_import_invalid(self.error_dicts(), self.error_count)


def raise_import_invalid(errors: list[dict[str, Any]], count: int) -> None:
    raise ValidationFailed(
        _("The file has %(n)s error(s); nothing was imported.") % {"n": f"{count:,}".replace(",", ".")},
        code="import_invalid",
        errors=errors,
    )


SHEETS = ("figures", "indicators")


def _sheets(name: str, content: bytes, limits: ImportLimits) -> dict[str, list[list[Any]]]:
    """The file's sheets as rows of cell values (CSV: one sheet, named by its columns)."""
    return read_sheets(
        content, limits, SHEETS, lambda header: "indicators" if "indicator_code" in header else "figures"
    )


class _Reader:
    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.result = ParsedFile()
        self.groups = set(ContentGroup.objects.values_list("code", flat=True))
        self.indicators = set(Indicator.objects.values_list("code", flat=True))
        self._units: dict[tuple[str, int, int], AdministrativeUnit | None] = {}

    def error(self, sheet: str, row: int, column: str, code: str, message: str) -> None:
        if len(self.result.errors) < self.limits.errors:
            self.result.errors.append(CellError(sheet, row, column, code, message))
        else:
            self.result.errors_not_listed += 1

    def unit(self, code: str, period: Period) -> AdministrativeUnit | None:
        key = (code, period.year, period.through_month)
        if key not in self._units:
            try:
                self._units[key] = unit_on(code, period.end, level="province")
            except (AdministrativeUnit.DoesNotExist, ValueError):
                self._units[key] = None
        return self._units[key]

    def rows(self, sheet: str, rows: list[list[Any]], columns: list[str]):
        if not rows:
            self.error(sheet, 1, "", "empty_sheet", _("The sheet is empty."))
            return
        start, header = header_of(rows, COLUMN_LABELS)
        missing = [c for c in columns if c not in header]
        if missing:
            for column in missing:
                self.error(
                    sheet,
                    1,
                    column,
                    "missing_column",
                    _("The column “%(column)s” (%(code)s) is missing.")
                    % {"column": COLUMN_LABELS[column], "code": column},
                )
            return
        index = {c: header.index(c) for c in columns}
        for number, row in enumerate(rows[start:], start=start + 1):
            if all(v is None or str(v).strip() == "" for v in row):
                continue
            yield number, {c: (row[i] if i < len(row) else None) for c, i in index.items()}

    def key(self, sheet: str, number: int, cells: dict[str, Any]) -> tuple[int, int, int] | None:
        ok = True
        try:
            year = whole_number(cells["year"])
            if not 2000 <= year <= 2100:
                raise ValueError(year)
        except ValueError:
            self.error(sheet, number, "year", "invalid_year", _("A year such as 2025."))
            ok = False
        try:
            month = whole_number(cells["through_month"])
            if not 1 <= month <= 12:
                raise ValueError(month)
        except ValueError:
            self.error(sheet, number, "through_month", "invalid_month", _("A month from 1 to 12."))
            ok = False
        if not ok:
            return None
        code = str(cells["unit_code"] or "").strip()
        if code.endswith(".0"):
            code = code[:-2]
        unit = self.unit(code, Period(year, month)) if code.isdigit() else None
        if unit is None:
            self.error(
                sheet,
                number,
                "unit_code",
                "unknown_unit",
                _("No province had the code “%(code)s” at the end of %(month)s/%(year)s.")
                % {"code": code, "month": month, "year": year},
            )
            return None
        return (unit.pk, year, month)

    def figures(self, rows: list[list[Any]]) -> None:
        seen: set[tuple] = set()
        for number, cells in self.rows("figures", rows, FIGURE_COLUMNS):
            key = self.key("figures", number, cells)
            source = SOURCES.get(str(cells["source"] or "").strip().upper().replace("Đ", "D"))
            if source is None:
                self.error("figures", number, "source", "invalid_source", _("KCQG or KCDP."))
            group = str(cells["content_group"] or "").strip()
            if group and group not in self.groups:
                self.error(
                    "figures",
                    number,
                    "content_group",
                    "unknown_group",
                    _("Not a content-group code of the catalogue."),
                )
            amounts = {}
            for column in ("plan_dong", "executed_dong"):
                try:
                    amounts[column] = whole_number(cells[column], money=True)
                    if amounts[column] < 0:
                        raise ValueError("negative")
                except ValueError:
                    self.error(
                        "figures",
                        number,
                        column,
                        "invalid_amount",
                        _("Could not read “%(value)s” as a whole number of đồng.") % {"value": cells[column]},
                    )
            if key is None or source is None or len(amounts) < 2:
                continue
            if (key, source, group) in seen:
                self.error(
                    "figures",
                    number,
                    "source",
                    "duplicate_row",
                    _("The same province, period, source and group twice."),
                )
                continue
            seen.add((key, source, group))
            self.result.figures.setdefault(key, []).append(
                {"source": source, "content_group": group, **amounts}
            )

    def indicator_rows(self, rows: list[list[Any]]) -> None:
        seen: set[tuple] = set()
        for number, cells in self.rows("indicators", rows, INDICATOR_COLUMNS):
            key = self.key("indicators", number, cells)
            code = str(cells["indicator_code"] or "").strip()
            if code not in self.indicators:
                self.error(
                    "indicators",
                    number,
                    "indicator_code",
                    "unknown_indicator",
                    _("Not an indicator code of the catalogue."),
                )
            values: dict[str, int | None] = {}
            for column in ("planned", "achieved"):
                if cells[column] is None or str(cells[column]).strip() == "":
                    values[column] = None
                    continue
                try:
                    values[column] = whole_number(cells[column])
                    if values[column] < 0:  # type: ignore[operator]
                        raise ValueError("negative")
                except ValueError:
                    self.error("indicators", number, column, "invalid_count", _("A whole number, 0 or more."))
            if key is None or code not in self.indicators or len(values) < 2:
                continue
            if (key, code) in seen:
                self.error(
                    "indicators", number, "indicator_code", "duplicate_row", _("The same indicator twice.")
                )
                continue
            seen.add((key, code))
            self.result.indicators.setdefault(key, []).append({"indicator_code": code, **values})


def read_file(name: str, content: bytes, limits: ImportLimits | None = None) -> ParsedFile:
    reader = _Reader(limits or ImportLimits.from_settings())
    if kind := file_kind(name, content):
        reader.error(
            "",
            0,
            "",
            "wrong_file_type",
            _(
                "Wrong file type (%(kind)s); expected XLSX or CSV: download the template, fill it in and "
                "upload it."
            )
            % {"kind": kind},
        )
        return reader.result
    try:
        sheets = _sheets(name, content, reader.limits)
    except FileTooLarge as exc:
        reader.result.errors.append(exc.error)
        return reader.result
    except UNREADABLE as exc:
        # a corrupt workbook (it starts with PK, but is no valid XLSX) is one clear error, not a 500
        reader.error(
            "",
            0,
            "",
            "unreadable_file",
            _("The file is neither CSV (UTF-8) nor XLSX: %(error)s") % {"error": exc},
        )
        return reader.result
    if "figures" not in sheets and "indicators" not in sheets:
        reader.error("", 0, "", "missing_sheet", _("The file has no sheet named “figures”."))
    if "figures" in sheets:
        reader.figures(sheets["figures"])
    if "indicators" in sheets:
        reader.indicator_rows(sheets["indicators"])
    orphans = set(reader.result.indicators) - set(reader.result.figures)
    if orphans and "figures" in sheets:
        reader.error(
            "indicators",
            0,
            "unit_code",
            "no_figures",
            _("Indicators for a province and period without figures."),
        )
    return reader.result

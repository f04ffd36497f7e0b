"""The import template: an XLSX with the sheets `figures` and `indicators` carrying exactly the columns
`imports.read_file` reads — named in Vietnamese in the first row, their codes in a hidden second row —,
drop-down lists of the valid codes (sources, months, provinces in force,
content groups, indicators) and a `codes` sheet naming them. `read_file` ignores the extra sheet."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from khuyencong.catalog.models import ContentGroup, Indicator
from khuyencong.geo.selectors import provinces_on

from ..imports import COLUMN_LABELS, FIGURE_COLUMNS, INDICATOR_COLUMNS

ROWS = 1000  # rows the drop-down lists cover
FIRST_ROW = 3  # below the names and the hidden codes
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws: Worksheet, columns: list[str], widths: dict[str, int]) -> None:
    """The columns' names in the first row, their codes (what the reader reads) in the hidden second."""
    ws.append([str(COLUMN_LABELS[column]) for column in columns])
    ws.append(columns)
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = widths.get(column, 16)
    ws.row_dimensions[2].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"


def _list(
    ws: Worksheet, column: str, columns: list[str], formula: str, prompt: str, blank: bool = False
) -> None:
    letter = get_column_letter(columns.index(column) + 1)
    validation = DataValidation(type="list", formula1=formula, allow_blank=blank, showDropDown=False)
    validation.error = _("Choose a value from the list.")
    validation.errorTitle = str(COLUMN_LABELS[column])
    validation.prompt = prompt
    validation.promptTitle = str(COLUMN_LABELS[column])
    validation.showErrorMessage = True
    validation.showInputMessage = True
    ws.add_data_validation(validation)
    validation.add(f"{letter}{FIRST_ROW}:{letter}{ROWS + FIRST_ROW - 1}")


def _text_column(ws: Worksheet, column: str, columns: list[str]) -> None:
    """Codes such as "01" stay text (a number would lose the leading zero)."""
    letter = get_column_letter(columns.index(column) + 1)
    for row in range(FIRST_ROW, ROWS + FIRST_ROW):
        ws[f"{letter}{row}"].number_format = "@"


def _codes_sheet(wb: Workbook) -> dict[str, str]:
    """Columns of codes with their names; returns the range formula of each list."""
    ws = wb.create_sheet("codes")
    today = timezone.localdate()
    lists: dict[str, list[tuple[Any, str]]] = {
        "unit_code": [(p.code, p.name) for p in provinces_on(today).order_by("code")],
        "content_group": [
            (g.code, f"{g.number}. {g.name}")
            for g in ContentGroup.objects.order_by("programme__code", "number")
        ],
        "indicator_code": [(i.code, i.name) for i in Indicator.objects.order_by("code")],
    }
    formulas = {}
    for index, (column, items) in enumerate(lists.items()):
        code_col, name_col = get_column_letter(2 * index + 1), get_column_letter(2 * index + 2)
        ws[f"{code_col}1"], ws[f"{name_col}1"] = column, _("name")
        ws[f"{code_col}1"].font = ws[f"{name_col}1"].font = Font(bold=True)
        for row, (code, name) in enumerate(items, start=2):
            ws[f"{code_col}{row}"].number_format = "@"
            for cell, text in ((ws[f"{code_col}{row}"], str(code)), (ws[f"{name_col}{row}"], name)):
                cell.value = text
                cell.data_type = "s"  # text as typed: a catalogue name starting with "=" is no formula
        ws.column_dimensions[code_col].width = 22
        ws.column_dimensions[name_col].width = 48
        last = max(len(items) + 1, 2)
        formulas[column] = f"codes!${code_col}$2:${code_col}${last}"
    return formulas


def template_workbook(user: Any) -> Workbook:
    wb = Workbook()
    formulas = _codes_sheet(wb)
    months = '"' + ",".join(str(m) for m in range(1, 13)) + '"'
    figures = wb.active
    figures.title = "figures"
    _header(figures, FIGURE_COLUMNS, {"content_group": 20, "plan_dong": 20, "executed_dong": 20})
    _list(figures, "source", FIGURE_COLUMNS, '"KCQG,KCDP"', _("KCQG (national) or KCDP (local)."))
    _list(
        figures, "through_month", FIGURE_COLUMNS, months, _("The report through month 1–12 (9: nine months).")
    )
    _list(figures, "unit_code", FIGURE_COLUMNS, formulas["unit_code"], _("The GSO code of the province."))
    _list(
        figures,
        "content_group",
        FIGURE_COLUMNS,
        formulas["content_group"],
        _("Empty for the source's total; a content-group code for its breakdown."),
        blank=True,
    )
    _text_column(figures, "unit_code", FIGURE_COLUMNS)
    indicators = wb.create_sheet("indicators", 1)
    _header(indicators, INDICATOR_COLUMNS, {"indicator_code": 26})
    _list(indicators, "through_month", INDICATOR_COLUMNS, months, _("The report through month 1–12."))
    _list(
        indicators, "unit_code", INDICATOR_COLUMNS, formulas["unit_code"], _("The GSO code of the province.")
    )
    _list(
        indicators, "indicator_code", INDICATOR_COLUMNS, formulas["indicator_code"], _("An indicator code.")
    )
    _text_column(indicators, "unit_code", INDICATOR_COLUMNS)
    wb.active = 0
    return wb

"""The report as an XLSX workbook (xlsxwriter): one sheet per part of the report.

Money stays integer đồng cells (format ``#,##0``) and percentages the report's 2-decimal numbers
(format ``0.00``); every header names the denominator of its percentage. Text is written as text, never
as a formula or a URL.
"""

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

from .text import (
    basis_text,
    check_rows,
    group_rows,
    indicator_rows,
    narrative_paragraphs,
    period_text,
    project_rows,
    title_text,
    unit_rows,
)

MONEY_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


Column = tuple[str, str, str, float]  # header, row key, cell format, width


class _Sheet:
    """An xlsxwriter worksheet written row by row with the report's formats (None → an empty cell)."""

    def __init__(self, workbook: Any, name: str, formats: dict[str, Any]) -> None:
        self.ws = workbook.add_worksheet(name)
        self.formats = formats
        self.row = 0

    def title(self, report: dict, heading: str) -> None:
        self.ws.write_string(0, 0, title_text(report), self.formats["title"])
        self.ws.write_string(1, 0, f"{heading} — {period_text(report)}", self.formats["subtitle"])
        self.ws.write_string(2, 0, basis_text(report), self.formats["note"])
        self.row = 4

    def header(self, labels: list[str], widths: list[float]) -> None:
        self.ws.set_row(self.row, 45)
        for column, (label, width) in enumerate(zip(labels, widths, strict=True)):
            self.ws.set_column(column, column, width)
            self.ws.write_string(self.row, column, label, self.formats["header"])
        self.ws.freeze_panes(self.row + 1, 0)
        self.row += 1

    def table(self, columns: list[Column], rows: list[dict[str, Any]]) -> None:
        """A header and one line per row, each column's value taken from the row by its key."""
        self.header([c[0] for c in columns], [c[3] for c in columns])
        for row in rows:
            self.line([(row.get(key), kind) for _header, key, kind, _width in columns])

    def line(self, cells: list[tuple[Any, str]]) -> None:
        """One row of (value, format name) pairs."""
        for column, (value, kind) in enumerate(cells):
            self.cell(self.row, column, value, kind)
        self.row += 1

    def cell(self, row: int, column: int, value: Any, kind: str) -> None:
        if kind == "quantity" and value is not None and not isinstance(value, int):
            kind = "quantity_dec"
        fmt = self.formats[kind]
        if value is None or value == "":
            self.ws.write_blank(row, column, None, fmt)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            self.ws.write_number(row, column, value, fmt)
        else:
            self.ws.write_string(row, column, str(value), fmt)


def _xlsx_formats(workbook: Any) -> dict[str, Any]:
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    cell = {**base, "border": 1}
    header = {**cell, "bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "align": "center"}
    specs = {
        "title": {**base, "bold": True, "font_size": 14},
        "subtitle": {**base, "bold": True},
        "note": {**base, "italic": True},
        "header": {**header, "valign": "vcenter"},
        "text": {**cell, "text_wrap": True},
        "bold": {**cell, "bold": True, "text_wrap": True},
        "money": {**cell, "num_format": MONEY_FORMAT},
        "money_bold": {**cell, "num_format": MONEY_FORMAT, "bold": True},
        "percent": {**cell, "num_format": PERCENT_FORMAT},
        "quantity": {**cell, "num_format": "#,##0"},
        "quantity_dec": {**cell, "num_format": "#,##0.00"},
        "paragraph": {**base, "text_wrap": True},
    }
    return {name: workbook.add_format(spec) for name, spec in specs.items()}


SUMMARY_PERCENT_ROWS = [  # label (naming the denominator), report key
    ("Tỷ lệ giải ngân (so với kế hoạch của nguồn) (%)", "execution_rate_pct"),
    ("Tỷ trọng giải ngân (so với tổng kế hoạch) (%)", "executed_share_of_total_plan_pct"),
    ("Cơ cấu giải ngân (so với tổng giải ngân) (%)", "executed_share_of_executed_pct"),
    ("Cơ cấu kế hoạch (so với tổng kế hoạch) (%)", "plan_share_pct"),
]
SUMMARY_SCALAR_ROWS = [
    ("Tăng trưởng kế hoạch (so với kế hoạch năm trước) (%)", "plan_growth_pct"),
    ("Tăng trưởng giải ngân (so với cùng kỳ năm trước) (%)", "executed_yoy_pct"),
    ("Tỷ lệ giải ngân tăng/giảm (so với cùng kỳ năm trước) (điểm %)", "execution_rate_yoy_pp"),
]


def _summary_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Tổng hợp")
    sheet.header(["Chỉ tiêu", "KCQG", "KCĐP", "Tổng"], [62, 20, 20, 20])
    keys = ("KCQG", "KCDP", "total")
    for label, side in (("Kế hoạch (đồng)", "plan"), ("Giải ngân (đồng)", "executed")):
        sheet.line([(label, "bold"), *((report[side][k], "money") for k in keys)])
    # the total executed against the total plan is the total execution rate
    totals = {"executed_share_of_total_plan_pct": report["execution_rate_pct"].get("total")}
    national = report.get("share_of_national_pct") or {}
    percent_rows = [
        (label, {"total": totals.get(key), **(report.get(key) or {})}) for label, key in SUMMARY_PERCENT_ROWS
    ]
    percent_rows += [
        ("Tỷ trọng kế hoạch (so với kế hoạch cả nước) (%)", national.get("plan") or {}),
        ("Tỷ trọng giải ngân (so với giải ngân cả nước) (%)", national.get("executed") or {}),
    ]
    for label, values in percent_rows:
        sheet.line([(label, "text"), *((values.get(k), "percent") for k in keys)])
    for label, key in SUMMARY_SCALAR_ROWS:
        sheet.line([(label, "text"), (None, "percent"), (None, "percent"), (report.get(key), "percent")])
    for row in project_rows(report):
        blank = (None, "quantity")
        sheet.line([(f"Số dự án: {row['label']}", "text"), blank, blank, (row["count"], "quantity")])


AMOUNT_COLUMNS: list[Column] = [
    ("Kế hoạch (đồng)", "plan", "money", 20),
    ("Giải ngân (đồng)", "executed", "money", 20),
]


def _group_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Theo nhóm nội dung")
    columns: list[Column] = [
        ("Mã nhóm", "code", "text", 12),
        ("Nhóm nội dung", "name", "text", 60),
        *AMOUNT_COLUMNS,
        ("Tỷ lệ giải ngân (so với kế hoạch của nhóm) (%)", "rate", "percent", 22),
    ]
    sheet.table(columns, group_rows(report))


def _unit_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Theo đơn vị")
    columns: list[Column] = [
        ("Mã đơn vị", "code", "text", 12),
        ("Đơn vị", "name", "text", 34),
        *AMOUNT_COLUMNS,
        ("Tỷ lệ giải ngân (so với kế hoạch của đơn vị) (%)", "rate", "percent", 22),
    ]
    sheet.table(columns, unit_rows(report))
    sheet.line(
        [
            (None, "bold"),
            ("Tổng", "bold"),
            (report["plan"]["total"], "money_bold"),
            (report["executed"]["total"], "money_bold"),
            (report["execution_rate_pct"].get("total"), "percent"),
        ]
    )


def _indicator_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Chỉ tiêu")
    columns: list[Column] = [
        ("Mã chỉ tiêu", "code", "text", 20),
        ("Chỉ tiêu", "name", "text", 50),
        ("Đơn vị tính", "unit", "text", 14),
        ("Kế hoạch", "planned", "quantity", 14),
        ("Thực hiện", "achieved", "quantity", 14),
        ("Tỷ lệ thực hiện (so với kế hoạch) (%)", "rate", "percent", 20),
    ]
    sheet.table(columns, indicator_rows(report))


def _check_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Kiểm tra số liệu")
    columns: list[Column] = [
        ("Quy tắc", "rule", "text", 34),
        ("Nội dung", "message", "text", 60),
        ("Số liệu", "figures", "text", 40),
    ]
    rows = check_rows(report) or [{"rule": "Không phát hiện sai lệch"}]
    sheet.table(columns, rows)


def _narrative_sheet(sheet: _Sheet, report: dict) -> None:
    sheet.title(report, "Thuyết minh")
    sheet.ws.set_column(0, 0, 130)
    for paragraph in narrative_paragraphs(report):
        sheet.ws.set_row(sheet.row, 15 * (1 + len(paragraph) // 110))
        sheet.line([(paragraph, "paragraph")])


XLSX_SHEETS: list[tuple[str, Callable[[_Sheet, dict], None]]] = [
    ("Tổng hợp", _summary_sheet),
    ("Theo nhóm nội dung", _group_sheet),
    ("Theo đơn vị", _unit_sheet),
    ("Chỉ tiêu", _indicator_sheet),
    ("Kiểm tra", _check_sheet),
    ("Thuyết minh", _narrative_sheet),
]


def render_xlsx(report: dict, progress: Callable[[int], None]) -> bytes:
    import xlsxwriter

    buffer = BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(buffer, options)
    workbook.set_properties({"title": title_text(report), "subject": period_text(report)})
    formats = _xlsx_formats(workbook)
    for index, (name, write) in enumerate(XLSX_SHEETS):
        write(_Sheet(workbook, name, formats), report)
        progress(10 + 80 * (index + 1) // len(XLSX_SHEETS))
    workbook.close()
    return buffer.getvalue()

"""The period report (``build_report``'s dict) as a file: JSON, XLSX, DOCX or PDF.

    export = render(report, "xlsx", progress=job.set_progress)
    response = HttpResponse(export.content, content_type=export.content_type)

The documents are Vietnamese whatever the request's language: headers name the denominator of every
percentage ("so với kế hoạch của nguồn" / "so với tổng kế hoạch"), as the published reports do.
XLSX keeps money as integer đồng cells (format ``#,##0``) and percentages as the report's 2-decimal
numbers (format ``0.00``); DOCX and PDF show them as text through ``khuyencong.core.formatting``.
The Word template is ``word/bao-cao.docx`` (regenerate it with ``word/make_template.py``) unless the
setting ``KHUYENCONG_REPORT_DOCX_TEMPLATE`` names another file. The PDF is rendered offline: WeasyPrint
may read ``data:`` URIs only.
"""

import base64
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_number, format_percent, format_vnd

from .metrics import pct

Progress = Callable[[int], None]

DOCX_TEMPLATE = Path(__file__).parent / "word" / "bao-cao.docx"
CHART_TITLE = "Tỷ lệ giải ngân so với kế hoạch (%)"
FONT_FAMILY = "DejaVu Sans"
CHART_WIDTH_IN = 6.6
DOCX_CHART_MAX_MM = (150, 215)  # width, height: within the template's A4 text area
SOURCE_LABELS = {"KCQG": "KCQG", "KCDP": "KCĐP", "total": "Tổng"}
SOURCE_NAMES = {
    "KCQG": "Khuyến công quốc gia (KCQG)",
    "KCDP": "Khuyến công địa phương (KCĐP)",
    "total": "Tổng",
}
CHECK_RULES = {
    "executed_above_plan": "Giải ngân vượt kế hoạch",
    "groups_total": "Tổng các nhóm nội dung khác dòng tổng",
}
FIGURE_LABELS = {"executed": "Giải ngân", "plan": "Kế hoạch"}
NO_GROUP = "Chưa phân nhóm nội dung"
NO_UNIT = "Chưa xác định đơn vị"


@dataclass(frozen=True)
class Export:
    """A rendered report file, ready to be sent or stored."""

    content: bytes
    content_type: str
    filename: str


class _Progress:
    """Forwards strictly increasing percentages (0..100) to an optional callback."""

    def __init__(self, callback: Progress | None) -> None:
        self._callback = callback
        self._last = -1

    def __call__(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if self._callback is not None and percent > self._last:
            self._last = percent
            self._callback(percent)


# ---------------------------------------------------------------------------------------------------
# Shared: names, periods, rows joined from the report


def _period_slug(period: dict) -> str:
    """'2025-9thang', '2025-quy3', '2025-6thang-cuoi', '2021-2025' (a range of years)."""
    kind, year = period.get("kind"), period["year"]
    if kind == "quarter":
        return f"{year}-quy{period['quarter']}"
    if kind == "half":
        return f"{year}-6thang-{'dau' if period['half'] == 1 else 'cuoi'}"
    if kind == "programme":
        return f"{period['year_from']}-{period['year_to']}"
    return f"{year}-{period['through_month']}thang"


def filename_for(report: dict, extension: str) -> str:
    """``bao-cao-khuyen-cong-<scope code or ca-nuoc>-<year>-<through_month>thang.<extension>``, ASCII."""
    code = report["scope"].get("code") or "ca-nuoc"
    slug = slugify(str(code).replace("đ", "d").replace("Đ", "D")) or "ca-nuoc"
    return f"bao-cao-khuyen-cong-{slug}-{_period_slug(report['period'])}.{extension}"


def _iso_to_vn(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _period_heading(period: dict) -> str:
    """'Năm 2025', 'Lũy kế 9 tháng đầu năm 2025', 'Quý III năm 2025', 'Giai đoạn 2021–2023'…"""
    kind, year, months = period.get("kind"), period["year"], period["through_month"]
    label = period.get("label") or f"{months} tháng đầu năm {year}"
    if kind == "year" or (kind is None and months == 12):
        return f"Năm {year}"
    if kind in ("through", None):
        return f"Lũy kế {label}"
    return label[0].upper() + label[1:]


def period_text(report: dict) -> str:
    """'Năm 2025 (01/01/2025 – 31/12/2025)', 'Lũy kế 9 tháng đầu năm 2025 (01/01/2025 – 30/09/2025)',
    'Quý III năm 2025 (…)', 'Chương trình 2021–2025 (…)'."""
    period = report["period"]
    return f"{_period_heading(period)} ({_iso_to_vn(period['start'])} – {_iso_to_vn(period['end'])})"


def title_text(report: dict) -> str:
    return f"Báo cáo tình hình thực hiện kinh phí khuyến công — {report['scope']['label']}"


def basis_text(report: dict) -> str:
    """Where the figures come from, and the submissions received for a submitted report."""
    if report.get("source") == "submitted":
        text = "Số liệu tổng hợp từ báo cáo đã duyệt của các tỉnh, thành phố"
    else:
        text = "Số liệu từ kế hoạch, sổ chi và kết quả thực hiện trên hệ thống"
    text += f"; kế hoạch tính đến ngày {_iso_to_vn(report['as_of'])}."
    completeness = report.get("completeness")
    if completeness:
        text += f" Đã nhận báo cáo của {completeness['submitted']}/{completeness['expected']} tỉnh, thành phố"
        missing = ", ".join(m["name"] for m in completeness.get("missing") or [])
        text += f" (chưa nộp: {missing})." if missing else "."
    return text


def narrative_paragraphs(report: dict) -> list[str]:
    text = report.get("narrative_vi") or ""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _fraction(value: float | None) -> Decimal | None:
    """The report's percentage number (84.12) as the ratio ``format_percent`` takes (0.8412)."""
    return None if value is None else Decimal(str(value)) / 100


def _pct_text(value: float | None) -> str:
    return format_percent(_fraction(value))


def _money_text(amount: int | None) -> str:
    return format_vnd(amount, "trieu", 1)


def _quantity_text(value: Any) -> str:
    if value is None:
        return "—"
    decimals = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 2
    return format_number(value, decimals)


def source_rows(report: dict) -> list[dict[str, Any]]:
    """Plan, executed, execution rate (own plan) and share of the total plan, per source and in total."""
    rate = report["execution_rate_pct"]
    share = report.get("executed_share_of_total_plan_pct") or {}
    return [
        {
            "key": key,
            "label": SOURCE_NAMES[key],
            "plan": report["plan"][key],
            "executed": report["executed"][key],
            "rate": rate.get(key),
            # the total executed against the total plan is the total execution rate
            "share_of_total_plan": rate.get("total") if key == "total" else share.get(key),
        }
        for key in ("KCQG", "KCDP", "total")
    ]


def _unit_name(entry: dict) -> str:
    """The province's name; a legacy province (historical boundaries) says until when it existed."""
    name = entry.get("name") or NO_UNIT
    return f"{name} (đến {_iso_to_vn(entry['valid_to'])})" if entry.get("valid_to") else name


def unit_rows(report: dict) -> list[dict[str, Any]]:
    """``plan.by_unit`` and ``executed.by_unit`` joined by unit code (and ``valid_to``, which tells a
    legacy province from today's one under historical boundaries), with the execution rate."""
    rows: dict[Any, dict[str, Any]] = {}
    for side in ("plan", "executed"):
        for entry in report[side].get("by_unit") or []:
            key = (entry.get("code"), entry.get("valid_to"))
            blank = {"code": entry.get("code"), "name": _unit_name(entry), "plan": 0, "executed": 0}
            rows.setdefault(key, blank)[side] += entry["amount"]
    ordered = [rows[key] for key in sorted(rows, key=lambda k: (k[0] is None, k[0] or "", k[1] or "9999"))]
    return [{**row, "rate": pct(row["executed"], row["plan"])} for row in ordered]


def group_rows(report: dict) -> list[dict[str, Any]]:
    """Plan and executed by content group (names from ``report["groups"]``), with the execution rate."""
    plan = report["plan"].get("by_group") or {}
    executed = report["executed"].get("by_group") or {}
    names = report.get("groups") or {}
    rows = []
    for code in sorted(set(plan) | set(executed), key=lambda c: (c == "", c)):
        planned, done = plan.get(code, 0), executed.get(code, 0)
        name = names.get(code) or (code or NO_GROUP)
        rows.append(
            {"code": code, "name": name, "plan": planned, "executed": done, "rate": pct(done, planned)}
        )
    return rows


def indicator_rows(report: dict) -> list[dict[str, Any]]:
    """Indicators with the share of the target achieved (None without a target)."""
    rows = []
    for item in report.get("indicators") or []:
        planned, achieved = item.get("planned"), item.get("achieved")
        rate = pct(achieved or 0, planned) if planned else None
        rows.append({**item, "rate": rate})
    return rows


def indicator_summary(report: dict) -> list[tuple[str, float | None]]:
    """Growth, year-on-year and national shares, each label naming its denominator."""
    national = report.get("share_of_national_pct") or {}
    return [
        ("Tăng trưởng kế hoạch (so với kế hoạch năm trước)", report.get("plan_growth_pct")),
        ("Tăng trưởng giải ngân (so với cùng kỳ năm trước)", report.get("executed_yoy_pct")),
        ("Tỷ trọng kế hoạch của nguồn (so với tổng kế hoạch) — KCQG", report["plan_share_pct"].get("KCQG")),
        ("Tỷ trọng kế hoạch của nguồn (so với tổng kế hoạch) — KCĐP", report["plan_share_pct"].get("KCDP")),
        ("Tỷ trọng kế hoạch (so với kế hoạch cả nước)", (national.get("plan") or {}).get("total")),
        ("Tỷ trọng giải ngân (so với giải ngân cả nước)", (national.get("executed") or {}).get("total")),
    ]


OVERDUE_KINDS = {
    "settlement": "hồ sơ quyết toán",
    "liquidation": "thanh lý hợp đồng",
    "progress": "báo cáo tiến độ",
}


def project_rows(report: dict) -> list[dict[str, Any]]:
    """Projects of the scope by state (non-zero ones, labels in the current language) and what is overdue."""
    from khuyencong.projects.choices import ProjectState

    counts = report.get("project_counts") or {}
    labels = dict(ProjectState.choices)
    rows = [
        {"label": str(labels.get(state, state)).capitalize(), "count": n} for state, n in counts.items() if n
    ]
    overdue = report.get("overdue")
    if overdue is not None:
        kinds = ", ".join(f"{OVERDUE_KINDS.get(k, k)} {n}" for k, n in (overdue.get("by_kind") or {}).items())
        label = f"Quá hạn tại ngày {_iso_to_vn(overdue['on'])}" + (f" ({kinds})" if kinds else "")
        rows.append({"label": label, "count": overdue["count"]})
    return rows


def check_rows(report: dict) -> list[dict[str, str]]:
    """The report's consistency checks in Vietnamese words, figures formatted."""
    rows = []
    for check in report.get("checks") or []:
        figures = check.get("figures") or {}
        shown = "; ".join(
            f"{FIGURE_LABELS.get(k, k)}: {format_vnd(v) if isinstance(v, int) else v}"
            for k, v in figures.items()
        )
        rows.append(
            {
                "rule": CHECK_RULES.get(check["rule"], check["rule"]),
                "message": check["message"],
                "figures": shown,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Chart


def _chart_bars(report: dict) -> list[tuple[str, float | None]]:
    """(label, rate) by unit; by source for a single unit (or a scope with fewer than two units)."""
    units = unit_rows(report)
    if report["scope"]["kind"] == "unit" or len(units) < 2:
        rate = report["execution_rate_pct"]
        return [(SOURCE_LABELS[key], rate.get(key)) for key in ("KCQG", "KCDP", "total")]
    ranked = sorted(units, key=lambda u: (u["rate"] is None, -(u["rate"] or 0)))
    return [(u["name"], u["rate"]) for u in ranked]


def _chart_height(bars: int) -> float:
    """Inches: roomy bars for a few sources or units, compact ones for the 34 provinces."""
    return 1.3 + 0.34 * bars if bars <= 10 else 1.1 + 0.24 * bars


def _draw_bars(axes: Any, bars: list[tuple[str, float | None]]) -> None:
    from matplotlib.ticker import FuncFormatter

    values = [rate or 0.0 for _label, rate in bars]
    low, high = min([0.0, *values]) * 1.18, max([100.0, *values]) * 1.18
    positions = list(range(len(bars)))
    axes.barh(positions, values, color="#2f6f9f", height=0.6)
    axes.set_yticks(positions, [label for label, _rate in bars])
    axes.set_xlim(low, high)
    axes.set_ylim(len(bars) - 0.5, -0.9)  # first bar on top, room for the 100% label
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.axvline(100, color="#b04030", linestyle="--", linewidth=1)
    axes.text(100, -0.75, " 100% kế hoạch", color="#b04030", fontsize=7, va="bottom")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_number(x, 0, "vi")))
    for position, (_label, rate) in zip(positions, bars, strict=True):
        text = "không có kế hoạch" if rate is None else format_percent(_fraction(rate))
        backing = {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85}
        axes.text(max(rate or 0, 0) + high * 0.01, position, text, va="center", fontsize=8, bbox=backing)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(CHART_TITLE, fontsize=11, fontweight="bold")


def execution_rate_chart(report: dict, *, image_format: str = "png") -> bytes:
    """Horizontal bars of the execution rate (% of each bar's own plan): by unit, or by source for a
    single unit. PNG by default (``image_format="svg"`` for vector output), DejaVu Sans for diacritics."""
    import matplotlib
    from matplotlib.figure import Figure

    bars = _chart_bars(report)
    buffer = BytesIO()
    with matplotlib.rc_context({"font.family": FONT_FAMILY, "font.size": 9, "svg.fonttype": "path"}):
        figure = Figure(figsize=(CHART_WIDTH_IN, _chart_height(len(bars))), layout="constrained")
        _draw_bars(figure.add_subplot(), bars)
        metadata = {"Software": None} if image_format == "png" else {"Creator": None, "Date": None}
        figure.savefig(buffer, format=image_format, dpi=200, metadata=metadata)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------
# JSON


def _render_json(report: dict, progress: _Progress) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# XLSX

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


def _render_xlsx(report: dict, progress: _Progress) -> bytes:
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


# ---------------------------------------------------------------------------------------------------
# DOCX and PDF: the same content, formatted as Vietnamese text


def document_context(report: dict) -> dict[str, Any]:
    """What the Word and the PDF templates show (every figure already formatted)."""
    return {
        "title": title_text(report),
        "scope_label": report["scope"]["label"],
        "period_text": period_text(report),
        "basis_text": basis_text(report),
        "narrative": narrative_paragraphs(report),
        "chart_title": CHART_TITLE,
        "sources": [_formatted(row, share=True) for row in source_rows(report)],
        "summary": [
            {"label": label, "value": _pct_text(value)} for label, value in indicator_summary(report)
        ],
        "groups": [_formatted(row) for row in group_rows(report)],
        "units": [_formatted(row) for row in unit_rows(report)],
        "unit_total": {
            "plan": _money_text(report["plan"]["total"]),
            "executed": _money_text(report["executed"]["total"]),
            "rate": _pct_text(report["execution_rate_pct"].get("total")),
        },
        "indicators": [
            {
                "name": row["name"],
                "unit": row.get("unit") or "",
                "planned": _quantity_text(row.get("planned")),
                "achieved": _quantity_text(row.get("achieved")),
                "rate": _pct_text(row["rate"]),
            }
            for row in indicator_rows(report)
        ],
        "projects": [
            {"label": row["label"], "count": format_number(row["count"])} for row in project_rows(report)
        ],
        "checks": check_rows(report),
    }


def _formatted(row: dict[str, Any], *, share: bool = False) -> dict[str, str]:
    out = {
        "code": row.get("code") or "",
        "label": row.get("label") or row.get("name") or "",
        "plan": _money_text(row["plan"]),
        "executed": _money_text(row["executed"]),
        "rate": _pct_text(row["rate"]),
    }
    if share:
        out["share"] = _pct_text(row["share_of_total_plan"])
    return out


def docx_template_path() -> Path:
    """The Word template: the setting ``KHUYENCONG_REPORT_DOCX_TEMPLATE`` or the bundled default."""
    configured = getattr(settings, "KHUYENCONG_REPORT_DOCX_TEMPLATE", None)
    return Path(configured) if configured else DOCX_TEMPLATE


def _fit_chart(png: bytes, max_width: float, max_height: float) -> tuple[float, float]:
    """The picture's size in mm: as wide as allowed unless that makes it taller than allowed."""
    from PIL import Image

    pixels_wide, pixels_high = Image.open(BytesIO(png)).size
    scale = min(max_width / pixels_wide, max_height / pixels_high)
    return round(pixels_wide * scale, 1), round(pixels_high * scale, 1)


def _render_docx(report: dict, progress: _Progress) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = DocxTemplate(str(docx_template_path()))
    progress(10)
    chart = execution_rate_chart(report)
    progress(40)
    width, height = _fit_chart(chart, *DOCX_CHART_MAX_MM)
    image = InlineImage(template, BytesIO(chart), width=Mm(width), height=Mm(height))
    context = {**document_context(report), "chart": image}
    template.render(context, autoescape=True)
    progress(80)
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _weasyprint() -> Any:
    """WeasyPrint, imported once. Without Debian's ``libharfbuzz-subset0`` it warns (DeprecationWarning)
    that future versions will need the library and subsets fonts with fontTools meanwhile: the PDF is the
    same, so that one warning is ignored here rather than failing the export."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning
        )
        import weasyprint
        import weasyprint.urls
    return weasyprint


def offline_url_fetcher() -> Any:
    """A fetcher that reads ``data:`` URIs only and stops the rendering on any other URL."""
    return _weasyprint().urls.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def _render_pdf(report: dict, progress: _Progress) -> bytes:
    chart = execution_rate_chart(report, image_format="svg")
    progress(30)
    context = {
        **document_context(report),
        "chart_uri": "data:image/svg+xml;base64," + base64.b64encode(chart).decode("ascii"),
    }
    html = render_to_string("reporting/report_pdf.html", context)
    progress(50)
    return _weasyprint().HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()


# ---------------------------------------------------------------------------------------------------
# Entry point

FORMATS: dict[str, tuple[str, str, Callable[[dict, _Progress], bytes]]] = {
    "json": ("application/json; charset=utf-8", "json", _render_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _render_xlsx),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", _render_docx),
    "pdf": ("application/pdf", "pdf", _render_pdf),
}


def render(report: dict, fmt: str, *, progress: Progress | None = None) -> Export:
    """The report as a file in `fmt` (json, xlsx, docx, pdf); `progress(percent)` is called with
    increasing values from 0 to 100. An unknown format raises ``ValidationFailed(code="invalid_format")``."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            _("Unknown export format “%(format)s”: use one of %(formats)s.")
            % {"format": fmt, "formats": ", ".join(FORMATS)},
            code="invalid_format",
            field="format",
        )
    content_type, extension, write = FORMATS[fmt]
    tracker = _Progress(progress)
    tracker(0)
    with translation.override("vi"):
        content = write(report, tracker)
    tracker(100)
    return Export(content=content, content_type=content_type, filename=filename_for(report, extension))

"""The report's wording and the rows joined from it, shared by the XLSX, DOCX and PDF exports.

Period, title, basis and narrative texts are Vietnamese whatever the request's language; the row
builders (``source_rows``, ``unit_rows``, ``group_rows``, ``indicator_rows``, ``project_rows``,
``check_rows``, ``indicator_summary``) keep figures as numbers, for each format to write its own way.
"""

import re
from decimal import Decimal
from typing import Any

from khuyencong.core.formatting import format_vnd

from ..metrics import pct

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
OVERDUE_KINDS = {
    "settlement": "hồ sơ quyết toán",
    "liquidation": "thanh lý hợp đồng",
    "progress": "báo cáo tiến độ",
}


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


def fraction(value: float | None) -> Decimal | None:
    """The report's percentage number (84.12) as the ratio ``format_percent`` takes (0.8412)."""
    return None if value is None else Decimal(str(value)) / 100


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
            blank = {
                "id": entry.get("id"),
                "code": entry.get("code"),
                "name": _unit_name(entry),
                "plan": 0,
                "executed": 0,
            }
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

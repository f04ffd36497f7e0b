"""The report as a Word document (docxtpl) or a PDF (WeasyPrint): the same content as Vietnamese text.

Both show every figure formatted through ``khuyencong.core.formatting`` (``document_context``). The
Word template is ``word/bao-cao.docx`` (regenerate it with ``word/make_template.py``) unless the setting
``KHUYENCONG_REPORT_DOCX_TEMPLATE`` names another file. The PDF is rendered offline: WeasyPrint may read
``data:`` URIs only.
"""

import base64
import warnings
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from khuyencong.core.formatting import format_number, format_percent, format_vnd

from .chart import CHART_TITLE, execution_rate_chart
from .text import (
    basis_text,
    check_rows,
    fraction,
    group_rows,
    indicator_rows,
    indicator_summary,
    narrative_paragraphs,
    period_text,
    project_rows,
    source_rows,
    title_text,
    unit_rows,
)

DOCX_TEMPLATE = Path(__file__).parent.parent / "word" / "bao-cao.docx"
DOCX_CHART_MAX_MM = (150, 215)  # width, height: within the template's A4 text area


def _pct_text(value: float | None) -> str:
    return format_percent(fraction(value))


def _money_text(amount: int | None) -> str:
    return format_vnd(amount, "trieu", 1)


def _quantity_text(value: Any) -> str:
    if value is None:
        return "—"
    decimals = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 2
    return format_number(value, decimals)


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


def render_docx(report: dict, progress: Callable[[int], None]) -> bytes:
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


def render_pdf(report: dict, progress: Callable[[int], None]) -> bytes:
    chart = execution_rate_chart(report, image_format="svg")
    progress(30)
    context = {
        **document_context(report),
        "chart_uri": "data:image/svg+xml;base64," + base64.b64encode(chart).decode("ascii"),
    }
    html = render_to_string("reporting/report_pdf.html", context)
    progress(50)
    return _weasyprint().HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()

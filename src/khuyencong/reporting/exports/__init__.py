"""The period report (``build_report``'s dict) as a file: JSON, XLSX, DOCX or PDF.

    export = render(report, "xlsx", progress=job.set_progress)
    response = HttpResponse(export.content, content_type=export.content_type)

The documents are Vietnamese whatever the request's language: headers name the denominator of every
percentage ("so với kế hoạch của nguồn" / "so với tổng kế hoạch"), as the published reports do.
``text`` holds the wording and the rows joined from the report, ``xlsx`` the workbook, ``documents``
the DOCX and the PDF, ``chart`` the execution-rate chart; this module picks the format and names the file.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import ValidationFailed

from .chart import execution_rate_chart
from .documents import document_context, docx_template_path, offline_url_fetcher, render_docx, render_pdf
from .text import period_text
from .xlsx import render_xlsx

__all__ = [
    "FORMATS",
    "Export",
    "Progress",
    "document_context",
    "docx_template_path",
    "execution_rate_chart",
    "filename_for",
    "offline_url_fetcher",
    "period_text",
    "render",
]

Progress = Callable[[int], None]


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


def _render_json(report: dict, progress: _Progress) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


FORMATS: dict[str, tuple[str, str, Callable[[dict, _Progress], bytes]]] = {
    "json": ("application/json; charset=utf-8", "json", _render_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", render_xlsx),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", render_docx),
    "pdf": ("application/pdf", "pdf", render_pdf),
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

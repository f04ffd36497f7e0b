"""The execution-rate chart of the report (matplotlib): a PNG in the DOCX, an SVG in the PDF."""

from io import BytesIO
from typing import Any

from khuyencong.core.formatting import format_number, format_percent

from .text import SOURCE_LABELS, fraction, unit_rows

CHART_TITLE = "Tỷ lệ giải ngân so với kế hoạch (%)"
FONT_FAMILY = "DejaVu Sans"
CHART_WIDTH_IN = 6.6


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
        text = "không có kế hoạch" if rate is None else format_percent(fraction(rate))
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

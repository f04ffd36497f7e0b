"""The Vietnamese narrative of a period report, in the style of the seed reports: amounts in tỷ đồng with
decimal commas, "đạt …% kế hoạch năm", "cao hơn / thấp hơn …% so với cùng kỳ", the indicator sentences.

The words come from a template an administrator can edit (`NarrativeTemplate`, in force at the end of
the period); without one, from the default `templates/reporting/narrative_vi.txt`."""

from typing import Any

from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import translation

from khuyencong.core.formatting import format_number, format_percent, format_vnd

from .live import LiveFigures, Scope
from .metrics import pct
from .models import NarrativeTemplate
from .periods import Period

DEFAULT = "reporting/narrative_vi.txt"


def _pct_text(value: float | None) -> str:
    """'84,12%', or '' when there is nothing to compare with (the template then says so)."""
    return "" if value is None else format_percent(value / 100)


def _count(value: int | None) -> str | None:
    """A count as the reports print it, grouped by thousands ("1.255"); None stays None."""
    return None if value is None else format_number(value, 0)


def _indicators(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": row["name"],
            "unit": row["unit"],
            "planned": _count(row["planned"]) if row["planned"] else None,
            "achieved": _count(row["achieved"] or 0),
            "rate": _pct_text(pct(row["achieved"] or 0, row["planned"]) if row["planned"] else None),
        }
        for row in rows
        if row["planned"] or row["achieved"]
    ]


def _coverage(completeness: dict[str, Any] | None) -> str:
    """What a report added up from submissions is based on, when not every province sent one:
    "8/15 tỉnh, thành phố đã gửi báo cáo (chưa có: …)"; "" for live figures or a complete set."""
    if not completeness or completeness["submitted"] >= completeness["expected"]:
        return ""
    missing = ", ".join(p["name"] for p in completeness["missing"])
    return f"{completeness['submitted']}/{completeness['expected']} tỉnh, thành phố đã gửi báo cáo" + (
        f" (chưa có: {missing})" if missing else ""
    )


def narrative_context(
    scope: Scope,
    period: Period,
    live: LiveFigures,
    derived: dict[str, Any],
    indicators: list[dict[str, Any]],
    completeness: dict[str, Any] | None = None,
) -> dict:
    """Everything a narrative template may use, already worded and formatted in Vietnamese
    (`indicators`: the report's indicator rows; `completeness`: a submitted report's)."""
    figures = live.figures
    yoy, growth = derived["executed_yoy_pct"], derived["plan_growth_pct"]
    national = derived["share_of_national_pct"]
    with translation.override("vi"):
        return {
            "scope": scope,
            "period": period,
            **period.narrative_phrases(),
            "plan_total": format_vnd(figures.plan.total, "ty", 2),
            "plan_kcqg": format_vnd(figures.plan.KCQG, "ty", 2),
            "plan_kcdp": format_vnd(figures.plan.KCDP, "ty", 2),
            "executed_total": format_vnd(figures.executed.total, "ty", 2),
            "executed_kcqg": format_vnd(figures.executed.KCQG, "ty", 2),
            "executed_kcdp": format_vnd(figures.executed.KCDP, "ty", 2),
            "rate": _pct_text(derived["execution_rate_pct"]["total"]),
            "rate_kcqg": _pct_text(derived["execution_rate_pct"]["KCQG"]),
            "rate_kcdp": _pct_text(derived["execution_rate_pct"]["KCDP"]),
            "yoy": yoy,
            "yoy_abs": _pct_text(abs(yoy)) if yoy is not None else "",
            "growth": growth,
            "growth_abs": _pct_text(abs(growth)) if growth is not None else "",
            "indicators": _indicators(indicators),
            "coverage": _coverage(completeness),
            "region": scope.kind == "region",
            "national_share": _pct_text(national["executed"]["total"]),
            "national_share_kcqg": _pct_text(national["executed"]["KCQG"]),
            "national_share_kcdp": _pct_text(national["executed"]["KCDP"]),
            "national_plan_share": _pct_text(national["plan"]["total"]),
        }


def render_narrative(
    scope: Scope,
    period: Period,
    live: LiveFigures,
    derived: dict[str, Any],
    indicators: list[dict[str, Any]],
    completeness: dict[str, Any] | None = None,
) -> str:
    context = narrative_context(scope, period, live, derived, indicators, completeness)
    edited = NarrativeTemplate.objects.valid_on(period.end).order_by("-valid_from").first()
    with translation.override("vi"):
        if edited is not None:
            text = Template(edited.body).render(Context(context, autoescape=False))  # plain text
        else:
            text = get_template(DEFAULT).render(context)
    return _paragraphs(text)


def _paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line, without the template's stray spaces and empty lines."""
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return "\n\n".join(block for block in blocks if block)


def template_error(body: str) -> str | None:
    """Why `body` cannot be used as a narrative template, or None: it must compile."""
    try:
        Template(body)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None

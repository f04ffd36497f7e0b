"""The report page's choices — scope, year, period, boundaries, source, report date — and the export
form (the same fields and a format). The scope is not checked against the drop-down: whatever is asked
goes through `access.readable_scope`, so a scope out of jurisdiction answers 404 as everywhere."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from khuyencong.accounts.jurisdiction import restrict, scope_of
from khuyencong.catalog.choices import ProgrammeKind
from khuyencong.catalog.models import Programme
from khuyencong.core.forms import KcForm, VnDateField
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.plans.models import Plan

from .access import default_scope_text, may_read
from .live import Scope
from .params import ReportParams, supported_period_kinds

FORMATS = (("xlsx", "XLSX"), ("docx", "DOCX"), ("pdf", "PDF"), ("json", "JSON"))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def scope_choices(user: Any, year: int) -> list[tuple[Any, Any]]:
    """What the user may read in `year`: the nation, regions, provinces in force at the end of the year."""
    choices: list[tuple[Any, Any]] = []
    if scope_of(user).nation:
        choices.append(("nation", _("The whole country")))
    regions = [
        (f"region:{r.code}", str(r))
        for r in Region.objects.order_by("code")
        if may_read(user, Scope("region", r.code, str(r), region=r))
    ]
    if regions:
        choices.append((_("Regions"), regions))
    provinces = restrict(
        AdministrativeUnit.objects.provinces().valid_on(dt.date(year, 12, 31)).order_by("name"), user
    )
    provinces = [p for p in provinces if may_read(user, Scope("unit", p.code, p.name, unit=p))]
    if provinces:
        choices.append((_("Provinces"), [(f"unit:{p.code}", p.name) for p in provinces]))
    return choices


def year_choices(year: int) -> list[tuple[int, int]]:
    years = set(Plan.objects.values_list("year", flat=True)) | {timezone.localdate().year, year}
    return [(y, y) for y in sorted(years, reverse=True)]


def programmes_for(user: Any) -> Any:
    """The programmes a user reports on: the national ones and those of the provinces (then or now) in
    the user's jurisdiction — a province officer is not offered another province's programme."""
    programmes = Programme.objects.exclude(kind=ProgrammeKind.DECREE)
    if user is None or scope_of(user).nation:
        return programmes
    return programmes.filter(
        Q(kind=ProgrammeKind.NATIONAL) | Q(unit__in=restrict(AdministrativeUnit.objects.all(), user))
    )


def period_choices(user: Any = None) -> list[tuple[Any, Any]]:
    kinds = supported_period_kinds()
    months = [
        (f"m{m}", ngettext("%(n)s month from 1 January", "%(n)s months from 1 January", m) % {"n": m})
        for m in range(1, 12)
    ]
    choices: list[tuple[Any, Any]] = [
        ("m12", _("Whole year")),
        (_("Cumulative through a month"), months),
    ]
    if "quarter" in kinds:
        choices.append((_("Quarter"), [(f"q{q}", _("Quarter %(q)s") % {"q": ROMAN[q]}) for q in range(1, 5)]))
    if "half" in kinds:
        # The first half-year is "6 months from 1 January" (m6), listed once; a link with h1 still works.
        choices.append((_("Half-year"), [("h2", _("Second half-year"))]))
    if "programme" in kinds:
        programmes = [(f"p:{p.code}", p.name) for p in programmes_for(user)]
        if programmes:
            choices.append((_("Whole programme"), programmes))
    return choices


def default_period(year: int) -> str:
    """The current month in the current year; the usual 9-month report otherwise."""
    today = timezone.localdate()
    return f"m{today.month}" if year == today.year else "m9"


class ReportForm(KcForm):
    control_size = "sm"

    scope = forms.CharField(label=_("Scope"), required=False, widget=forms.Select)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.Select)
    period = forms.CharField(label=_("Report period"), widget=forms.Select)
    boundaries = forms.ChoiceField(
        label=_("Boundaries"),
        choices=[
            ("current", _("Current")),
            ("historical", _("Historical")),
        ],
        help_text=_("Current: the 34 provinces since 1/7/2025; historical: the units as they were then."),
    )
    source = forms.ChoiceField(
        label=_("Figures"),
        choices=[("live", _("Live figures")), ("submitted", _("Submitted reports"))],
        help_text=_("Live: from plans, payments and deliverables; submitted: the provinces' reports."),
    )
    include_unapproved = forms.BooleanField(label=_("Include reports not yet approved"), required=False)
    as_of = VnDateField(
        label=_("Plans as approved on"),
        required=False,
        help_text=_("dd/mm/yyyy; empty: the end of the period"),
    )

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        if data is not None:
            data = data.copy()
            year = self._year(data.get("year"), today.year)
            defaults = {
                "scope": default_scope_text(user),
                "year": str(year),
                "period": default_period(year),
                "boundaries": "current",
                "source": "live",
            }
            for key, value in defaults.items():
                if not data.get(key):
                    data[key] = value
        else:
            year = today.year
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["scope"].widget.choices = [("", _("— choose —")), *scope_choices(user, year)]
        self.fields["year"].widget.choices = year_choices(year)
        self.fields["period"].widget.choices = period_choices(user)

    @staticmethod
    def _year(value: Any, default: int) -> int:
        try:
            year = int(value)
        except (TypeError, ValueError):
            return default
        return year if 2000 <= year <= 2100 else default

    def params(self) -> ReportParams:
        """The cleaned choices as report parameters (ValidationFailed for a period that cannot be)."""
        data = self.cleaned_data
        period = data["period"]
        named: dict[str, Any] = {}
        if period.startswith("p:"):
            named["programme"] = period[2:]
        elif period[:1] in {"m", "q", "h"} and period[1:].isdigit():
            named[{"m": "through_month", "q": "quarter", "h": "half"}[period[0]]] = int(period[1:])
        else:
            named["through_month"] = -1  # refused by Period as invalid_period
        return ReportParams(
            scope=data["scope"],
            year=data["year"],
            boundaries=data["boundaries"],
            source=data["source"],
            include_unapproved=data["include_unapproved"],
            as_of=data["as_of"],
            **named,
        )

    def hidden_values(self) -> list[tuple[str, Any]]:
        """The bound values, for the export form's hidden inputs."""
        out = []
        for name in self.fields:
            value = self.data.get(name)
            if value not in (None, ""):
                out.append((name, value))
        return out


def report_query(params: ReportParams) -> dict[str, Any]:
    """The report page's GET parameters for `params` (the inverse of `ReportForm.params`)."""
    if params.programme:
        period = f"p:{params.programme}"
    elif params.quarter is not None:
        period = f"q{params.quarter}"
    elif params.half is not None:
        period = f"h{params.half}"
    else:
        period = f"m{params.through_month or 12}"
    query: dict[str, Any] = {
        "scope": params.scope,
        "year": params.year,
        "period": period,
        "boundaries": params.boundaries,
        "source": params.source,
    }
    if params.include_unapproved:
        query["include_unapproved"] = "on"
    if params.as_of:
        query["as_of"] = params.as_of.strftime("%d/%m/%Y")
    return query


class ExportForm(ReportForm):
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)

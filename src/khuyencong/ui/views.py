"""Thin pages over selectors and services. Scoping goes through accounts.jurisdiction only."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import get_in_scope, restrict, scope_of
from khuyencong.accounts.selectors import agencies_visible, api_tokens_of
from khuyencong.accounts.services import api_token_create, api_token_revoke
from khuyencong.core.errors import DomainError
from khuyencong.establishments.selectors import establishments_visible
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import memberships_in, regions_with_members
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.selectors import overdue_first, projects_visible
from khuyencong.reporting.selectors import decisions_awaiting, headline, reports_due

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _in_scope(queryset, request: HttpRequest, **lookup):
    return get_in_scope(queryset, request.user, **lookup)


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return parse_date(value)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    units = restrict(AdministrativeUnit.objects.all(), user)
    year = timezone.localdate().year
    region_by_province = {m.province_id: m.region for m in memberships_in(year).select_related("region")}
    provinces = list(units.current().provinces().order_by("code"))
    in_force = AdministrativeUnit.objects.filter(valid_to__isnull=True)
    communes = _count_by(in_force.filter(parent__in=provinces), "parent")
    legacy = _count_by(
        AdministrativeUnit.objects.filter(valid_to__isnull=False, current_province__in=provinces),
        "current_province",
    )
    province_rows = [
        (p, region_by_province.get(p.pk), communes.get(p.pk, 0), legacy.get(p.pk, 0)) for p in provinces
    ]
    local_units = None
    if not scope.nation and not scope.provinces:
        local_units = units.order_by("valid_to", "level", "code")[:200]
    totals = {
        "current": units.filter(valid_to__isnull=True).count(),
        "legacy": units.filter(valid_to__isnull=False).count(),
    }
    figures = headline(user)
    projects = projects_visible(user)
    by_state = dict(projects.values("state").annotate(n=Count("*")).values_list("state", "n"))
    overdue, overdue_count = overdue_first(user, limit=10, projects=projects)
    return render(
        request,
        "ui/home.html",
        {
            "nav": "home",
            "scope": scope,
            "province_rows": province_rows,
            "local_units": local_units,
            "totals": totals,
            "year": year,
            "figures": figures,
            "plan_national": figures.plan.by_source.get(FundingSource.NATIONAL, 0),
            "plan_local": figures.plan.by_source.get(FundingSource.LOCAL, 0),
            "establishment_count": establishments_visible(user).count(),
            "project_states": [(state, by_state.get(state.value, 0)) for state in ProjectState],
            "overdue": overdue,
            "overdue_count": overdue_count,
            "reports_due": reports_due(user),
            "awaiting_count": decisions_awaiting(user).count(),
        },
    )


def _count_by(qs: QuerySet[AdministrativeUnit], field: str) -> dict[int, int]:
    """How many of `qs` each value of `field` holds, counted in one grouped query."""
    return dict(qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def unit_list(request: HttpRequest) -> HttpResponse:
    qs = restrict(AdministrativeUnit.objects.select_related("province", "current_province"), request.user)
    f = request.GET
    if q := f.get("q", "").strip():
        qs = qs.search(q)
    if (level := f.get("level")) in Level.values:
        qs = qs.filter(level=level)
    generation = f.get("generation")
    if generation == "current":
        qs = qs.filter(valid_to__isnull=True)
    elif generation == "legacy":
        qs = qs.filter(valid_to__isnull=False)
    on = _parse_day(f.get("on"))
    if f.get("on") and on is None:
        messages.error(
            request, _("The date %(value)s is not valid; use dd/mm/yyyy.") % {"value": f.get("on")}
        )
    if on:
        qs = qs.valid_on(on)
    province_choices = restrict(AdministrativeUnit.objects.current().provinces(), request.user).order_by(
        "name"
    )
    if (province := f.get("province", "")).isdigit():
        qs = qs.filter(current_province_id=int(province))
    sort = f.get("sort", "code")
    if sort.lstrip("-") not in {"code", "name", "level", "valid_to"}:
        sort = "code"
    # Open-ended validity (units in force) sorts after every end date, on SQLite and PostgreSQL alike.
    by_validity = (
        F("valid_to").desc(nulls_first=True) if sort == "-valid_to" else F("valid_to").asc(nulls_last=True)
    )
    qs = qs.order_by(*([] if sort.lstrip("-") == "valid_to" else [sort]), by_validity, "pk")
    return render(
        request,
        "ui/unit_list.html",
        {
            "nav": "units",
            "page": _page(request, qs),
            "levels": Level.choices,
            "province_choices": province_choices,
            "filters": f,
            "sort": sort,
        },
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _in_scope(
        AdministrativeUnit.objects.select_related("parent", "province", "current_province", "successor"),
        request,
        pk=pk,
    )
    children = restrict(unit.children.all(), request.user).order_by("code")
    predecessors = restrict(
        AdministrativeUnit.objects.filter(successions__successor=unit), request.user
    ).distinct()
    successions = unit.successions.select_related("successor").order_by("-is_primary", "successor__code")
    return render(
        request,
        "ui/unit_detail.html",
        {
            "nav": "units",
            "unit": unit,
            "children": _page(request, children),
            "predecessors": predecessors.order_by("level", "code")[:500],
            "successions": successions,
        },
    )


def agency_list(request: HttpRequest) -> HttpResponse:
    qs = agencies_visible(request.user)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(names__name__icontains=q)).distinct()
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    from khuyencong.accounts.choices import AgencyKind

    return render(
        request,
        "ui/agency_list.html",
        {
            "nav": "agencies",
            "page": _page(request, qs.order_by("kind", "code")),
            "kinds": AgencyKind.choices,
            "filters": request.GET,
        },
    )


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _in_scope(agencies_visible(request.user), request, pk=pk)
    children = agencies_visible(request.user).filter(parent=agency)
    return render(
        request,
        "ui/agency_detail.html",
        {
            "nav": "agencies",
            "agency": agency,
            "names": agency.names.all(),
            "children": children,
        },
    )


def region_list(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    return render(
        request,
        "ui/region_list.html",
        {
            "nav": "regions",
            "year": year,
            "regions": regions_with_members(year),
            "years": range(2017, timezone.localdate().year + 2),
        },
    )


def token_list(request: HttpRequest) -> HttpResponse:
    created = None
    error = None
    if request.method == "POST":
        try:
            token, raw = api_token_create(actor=request.user, name=request.POST.get("name", ""))
        except DomainError as exc:
            error = exc.message
        else:
            created = {"name": token.name, "token": raw}
    tokens = api_tokens_of(request.user)
    return render(
        request,
        "ui/token_list.html",
        {"nav": "tokens", "tokens": tokens, "created": created, "error": error},
        status=400 if error else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("ui:token_list")

"""Thin pages over selectors and services. Scoping goes through accounts.jurisdiction only."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from khuyencong.accounts.jurisdiction import Action, allows, restrict, scope_of
from khuyencong.core import pickers
from khuyencong.core.panels import panels
from khuyencong.establishments.selectors import (
    establishments_visible,
    linked_representative,
    represented_by,
    represents_only,
)
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import memberships_in
from khuyencong.plans.choices import FundingSource, PlanStatus
from khuyencong.plans.selectors import plans_visible
from khuyencong.plans.services import approvable_sources
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.selectors import (
    adjustments_to_decide,
    overdue_first,
    projects_to_approve,
    projects_visible,
)
from khuyencong.reporting.selectors import decisions_awaiting, headline, reports_due, returned_to


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if linked_representative(user):
        return _representative_home(request, projects_visible(user))
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
    awaiting = decisions_awaiting(user).count()
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
            "awaiting_count": awaiting,
            "queue": work_queue(user, reports_awaiting=awaiting),
            "represented": [] if represents_only(user) else None,  # not linked yet: how to get linked
        },
    )


def _representative_home(request: HttpRequest, projects) -> HttpResponse:
    """A linked establishment representative's home: their establishments with the support each has
    received (the establishment page's own panels: projects, fairs, selections, titles) — not the plans
    and figures of the commune their account sits in."""
    user = request.user
    overdue, overdue_count = overdue_first(user, limit=10, projects=projects)
    return render(
        request,
        "ui/home_representative.html",
        {
            "nav": "home",
            "represented": [
                (establishment, panels("establishments.detail", request, establishment))
                for establishment in represented_by(user)[:10]
            ],
            "overdue": overdue,
            "overdue_count": overdue_count,
        },
    )


def work_queue(user, *, reports_awaiting: int) -> list[dict]:
    """What waits for this user, with how many and the page that holds them ("Việc chờ bạn"): for
    approvers, plans submitted for approval, appraised projects, requested adjustments and province
    reports to approve; for the officers who prepare them, plans and reports returned for changes."""
    sources = approvable_sources(user)
    only = f"&source={next(iter(sources))}" if len(sources) == 1 else ""
    plans = plans_visible(user, Action.APPROVE).filter(status=PlanStatus.SUBMITTED, source__in=sources)
    adjustments = adjustments_to_decide(user)
    returned_plans = plans_visible(user, Action.CHANGE).filter(status=PlanStatus.RETURNED)
    if scope_of(user).nation:  # the nation prepares the national plans; the provinces their own
        returned_plans = returned_plans.filter(unit__isnull=True)
    returned_reports = returned_to(user)
    returned_count = returned_reports.count()
    items = [
        {
            "key": "plans",
            "label": _("Plans submitted for your approval"),
            "count": plans.count(),
            "url": f"{reverse('plans:list')}?status=submitted{only}",
        },
        {
            "key": "projects",
            "label": _("Appraised projects awaiting your approval"),
            "count": projects_to_approve(user).count(),
            "url": f"{reverse('projects:list')}?state=appraised{only}",
        },
        {
            "key": "adjustments",
            "label": _("Adjustments awaiting your decision"),
            "count": len(adjustments),
            "url": reverse("projects:detail", args=[adjustments[0].project_id]) + "#pane-adjustments"
            if adjustments
            else "",
        },
        {
            "key": "reports",
            "label": _("Province reports awaiting your decision"),
            "count": reports_awaiting,
            "url": reverse("reporting:submission_list"),
        },
        {
            "key": "returned_plans",
            "label": _("Plans returned to you for changes"),
            "count": returned_plans.count(),
            "url": f"{reverse('plans:list')}?status=returned",
        },
        {
            "key": "returned_reports",
            "label": _("Period reports returned for changes"),
            "count": returned_count,
            "url": reverse("reporting:submission_detail", args=[returned_reports.first().pk])
            if returned_count == 1
            else f"{reverse('reporting:submission_list')}?status=returned",
        },
    ]
    return [item for item in items if item["count"]]


def _count_by(qs: QuerySet[AdministrativeUnit], field: str) -> dict[int, int]:
    """How many of `qs` each value of `field` holds, counted in one grouped query."""
    return dict(qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


@require_GET
def picker_options(request: HttpRequest, name: str) -> HttpResponse:
    """htmx: the <option>s of a picker's select (`core.pickers`) that match what was typed in its search
    box (`<field>-search`, or `q`), keeping the chosen one (`<field>`); for the users who may record."""
    if not allows(request.user, Action.CHANGE):
        raise PermissionDenied
    picker = pickers.picker_named(name)
    context = {key: request.GET[key] for key in picker.context if key in request.GET}
    choices = picker.choices(request.user, context)
    field = request.GET.get("field", "")
    text = request.GET.get(f"{field}-search", request.GET.get("q", "")).strip()
    chosen_id = request.GET.get(field, "")
    chosen = choices.filter(pk=chosen_id).first() if chosen_id.isdigit() else None
    found = picker.search(choices, text) if text else choices
    if chosen is not None:
        found = found.exclude(pk=chosen.pk)
    limit = pickers.SEARCH_LIMIT if text else pickers.OPTION_LIMIT
    rows = list(found[: limit + 1])
    return render(
        request,
        "core/widgets/_picker_options.html",
        {
            "options": [(row.pk, picker.label(row)) for row in rows[:limit]],
            "more": len(rows) > limit,
            "chosen": (chosen.pk, picker.label(chosen)) if chosen else None,
            "text": text,
            "empty_label": picker.empty_label,
        },
    )

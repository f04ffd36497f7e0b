"""Pages of the reference data a user looks things up in — administrative units, agencies, regions —
and of the user's own API tokens. Every list is scoped through accounts.jurisdiction."""

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.errors import DomainError
from khuyencong.core.exporters import FORMATS
from khuyencong.core.lists import ListPage
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import memberships_in, regions_with_members

from .exporters import AgencyExporter, RegionMembershipExporter, UnitExporter
from .filters import AgencyFilter, UnitFilter
from .jurisdiction import get_in_scope, restrict
from .selectors import agencies_visible, api_tokens_of
from .services import api_token_create, api_token_revoke

UNIT_SORTS = {"code", "name", "level", "valid_to"}


class UnitList(ListPage):
    name = "accounts.units"
    template_name = "accounts/unit_list.html"
    nav = "units"
    filterset_class = UnitFilter
    exporter_class = UnitExporter

    def selector(self, user):
        return restrict(AdministrativeUnit.objects.select_related("province", "current_province"), user)

    def sort(self, rows, data):
        sort = data.get("sort", "code")
        if sort.lstrip("-") not in UNIT_SORTS:
            sort = "code"
        # Open-ended validity (units in force) sorts after every end date, on SQLite and PostgreSQL alike.
        by_validity = (
            F("valid_to").desc(nulls_first=True)
            if sort == "-valid_to"
            else F("valid_to").asc(nulls_last=True)
        )
        return rows.order_by(*([] if sort.lstrip("-") == "valid_to" else [sort]), by_validity, "pk")


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_in_scope(
        AdministrativeUnit.objects.select_related("parent", "province", "current_province", "successor"),
        request.user,
        pk=pk,
    )
    children = restrict(unit.children.all(), request.user).order_by("code")
    predecessors = restrict(
        AdministrativeUnit.objects.filter(successions__successor=unit), request.user
    ).distinct()
    successions = unit.successions.select_related("successor").order_by("-is_primary", "successor__code")
    return render(
        request,
        "accounts/unit_detail.html",
        {
            "nav": "units",
            "unit": unit,
            "children": ListPage.paginate(request, children),
            "predecessors": predecessors.order_by("level", "code")[:500],
            "successions": successions,
        },
    )


class AgencyList(ListPage):
    name = "accounts.agencies"
    template_name = "accounts/agency_list.html"
    nav = "agencies"
    filterset_class = AgencyFilter
    exporter_class = AgencyExporter
    ordering = ("kind", "code")
    sorts = {"name": "name", "kind": "kind"}

    def selector(self, user):
        return agencies_visible(user)


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_in_scope(agencies_visible(request.user), request.user, pk=pk)
    children = agencies_visible(request.user).filter(parent=agency)
    return render(
        request,
        "accounts/agency_detail.html",
        {"nav": "agencies", "agency": agency, "names": agency.names.all(), "children": children},
    )


def region_list(request: HttpRequest) -> HttpResponseBase:
    """The regions and their provinces in a year (reference data, the same for everyone); the
    export lists the year's memberships."""
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    if (fmt := request.GET.get("export")) in FORMATS:
        rows = memberships_in(year).order_by("region__code", "province__name", "pk")
        return RegionMembershipExporter(rows).response(fmt)
    return render(
        request,
        "accounts/region_list.html",
        {
            "nav": "regions",
            "year": year,
            "regions": regions_with_members(year),
            "years": range(2017, timezone.localdate().year + 2),
            "export_formats": FORMATS,
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
        "accounts/token_list.html",
        {"nav": "tokens", "tokens": tokens, "created": created, "error": error},
        status=400 if error else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:token_list")

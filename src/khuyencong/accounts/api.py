import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from khuyencong.core.api_types import Date
from khuyencong.core.pagination import Paginated
from khuyencong.core.validity import valid_on_q

from .jurisdiction import get_in_scope, scope_of
from .models import Agency, User
from .selectors import agencies_visible, api_tokens_of
from .services import api_token_create, api_token_revoke

router = Router(tags=["accounts"])


class AgencyNameOut(Schema):
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    jurisdiction_kind: str
    jurisdiction_unit_id: int | None
    jurisdiction_region: str | None
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_id: int | None = Field(
        None, description="The agency that carries this one's work after `valid_to` (pre-2025 provinces)."
    )
    names: list[AgencyNameOut]

    @staticmethod
    def resolve_jurisdiction_region(obj: Agency) -> str | None:
        return obj.jurisdiction_region.code if obj.jurisdiction_region else None

    @staticmethod
    def resolve_names(obj: Agency) -> list:
        return list(obj.names.all())


@router.get(
    "/agencies", response=list[AgencyOut], summary="Agencies in your jurisdiction and those above you"
)
@paginate(Paginated)
def agency_list(request, kind: str | None = None, q: str | None = None, on: Date | None = None):
    """`on`: only the agencies in force on that day (today's 34 provinces' from 01/07/2025, the 63
    former provinces' until 30/06/2025)."""
    qs = agencies_visible(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if on:
        qs = qs.filter(valid_on_q(on))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("kind", "code")


@router.get("/agencies/{agency_id}", response=AgencyOut, summary="One agency")
def agency_detail(request, agency_id: int):
    return get_in_scope(agencies_visible(request.user), request.user, pk=agency_id)


class JurisdictionOut(Schema):
    nation: bool
    label: str
    province_ids: list[int]
    unit_ids: list[int]


class MeOut(Schema):
    username: str
    full_name: str
    agency: AgencyOut | None
    roles: list[str]
    jurisdiction: JurisdictionOut


@router.get("/me", response=MeOut, summary="Who you are, your agency, roles and jurisdiction")
def me(request):
    user: User = request.user
    scope = scope_of(user)
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        agency=user.agency,
        roles=sorted(str(r) for r in user.role_set),
        jurisdiction=JurisdictionOut(
            nation=scope.nation,
            label=scope.label,
            province_ids=sorted(scope.provinces),
            unit_ids=sorted(scope.units),
        ),
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenIn(Schema):
    name: str
    expires_at: dt.datetime | None = None


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/tokens", response=list[TokenOut], summary="Your personal API tokens")
def token_list(request):
    return list(api_tokens_of(request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a personal API token (shown once)")
def token_create(request, payload: TokenIn):
    token, raw = api_token_create(actor=request.user, name=payload.name, expires_at=payload.expires_at)
    return Status(201, TokenCreatedOut(token=raw, **TokenOut.from_orm(token).dict()))


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of your tokens")
def token_revoke(request, token_id: int):
    return api_token_revoke(actor=request.user, token_id=token_id)


__all__ = ["get_in_scope", "router"]

"""HTTP API of the establishment registry. Reads through the selectors, writes through the services;
a role that may not change records gets 403 before anything is looked up, a record out of the caller's
jurisdiction 404. Refusals of the services come back as JSON with a `code` and, for field problems,
`details.errors` (field → message), e.g. `duplicate_tax_code`, `possible_duplicate` (resend with
`confirm_duplicate: true` once checked), `stale_write` (409: reload and resend with the new `version`)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope
from khuyencong.core import errors
from khuyencong.core.api_types import Date, Year
from khuyencong.core.filters import apply_filter, query_schema
from khuyencong.core.pagination import Paginated
from khuyencong.geo.models import AdministrativeUnit

from . import services
from .choices import EDITABLE_FLAGS
from .filters import EstablishmentFilter
from .models import Establishment, Industry
from .selectors import establishments_visible

router = Router(tags=["establishments"])


class EstablishmentOut(Schema):
    id: int
    legal_form: str
    legal_form_label: str
    name: str
    tax_code: str
    household_registration_no: str
    address: str
    commune_id: int
    commune_name: str
    current_province_id: int | None
    main_products: str
    industry: str | None = Field(None, description="VSIC 2018 code")
    workers: int | None
    founded_year: int | None
    representative: str
    phone: str
    email: str
    difficult_area: bool
    women_owned: bool
    employs_ethnic_minorities: bool
    exporter: bool
    fifty_plus_workers: bool
    local_inputs: bool
    supporting_industry: bool
    typical_product: bool
    merged_into_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_legal_form_label(obj: Establishment) -> str:
        return str(obj.get_legal_form_display())

    @staticmethod
    def resolve_commune_name(obj: Establishment) -> str:
        return obj.commune.label

    @staticmethod
    def resolve_current_province_id(obj: Establishment) -> int | None:
        return obj.commune.current_province_id

    @staticmethod
    def resolve_industry(obj: Establishment) -> str | None:
        return obj.industry.code if obj.industry else None


class _Fields(Schema):
    legal_form: str = Field(..., max_length=30, description="enterprise, cooperative, household_business, …")
    name: str = Field(..., max_length=300)
    tax_code: str = Field("", max_length=20)
    household_registration_no: str = Field("", max_length=40)
    address: str = Field("", max_length=300)
    commune: int = Field(..., description="id of an administrative unit of level commune")
    main_products: str = Field("", max_length=500)
    industry: str | None = Field(None, max_length=6, description="VSIC 2018 code, e.g. 10 or C")
    workers: int | None = Field(None, ge=0, le=1_000_000, description="number of workers")
    founded_year: Year | None = None
    representative: str = Field("", max_length=150)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    difficult_area: bool = False
    women_owned: bool = False
    employs_ethnic_minorities: bool = False
    exporter: bool = False
    fifty_plus_workers: bool = False
    local_inputs: bool = False
    supporting_industry: bool = False
    typical_product: bool = False


class EstablishmentIn(_Fields):
    confirm_duplicate: bool = Field(False, description="save although a record with the same name exists")


class EstablishmentPatch(Schema):
    version: int = Field(..., description="the version you read; a newer one on the server answers 409")
    confirm_duplicate: bool = False
    legal_form: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=300)
    tax_code: str | None = Field(None, max_length=20)
    household_registration_no: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    commune: int | None = None
    main_products: str | None = Field(None, max_length=500)
    industry: str | None = Field(None, max_length=6)
    workers: int | None = Field(None, ge=0, le=1_000_000, description="number of workers")
    founded_year: Year | None = None
    representative: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    difficult_area: bool | None = None
    women_owned: bool | None = None
    employs_ethnic_minorities: bool | None = None
    exporter: bool | None = None
    fifty_plus_workers: bool | None = None
    local_inputs: bool | None = None
    supporting_industry: bool | None = None


class RuleOut(Schema):
    code: str
    legal_basis: str


class EligibilityOut(Schema):
    on: dt.date
    eligible: bool
    reasons: list[str]
    rule: RuleOut | None


TEXT_FIELDS = ("tax_code", "household_registration_no", "address", "main_products", "representative", "phone")


def _service_data(values: dict[str, Any]) -> dict[str, Any]:
    """JSON values → the services' arguments: ids and codes become objects; format errors are reported
    together, field by field, as the services report theirs."""
    data = dict(values)
    problems: dict[str, str] = {}
    if "commune" in data:
        # An unknown id stays an int: the service answers that a commune must be chosen.
        data["commune"] = AdministrativeUnit.objects.filter(pk=data["commune"]).first() or data["commune"]
    if "industry" in data and data["industry"] not in (None, ""):
        industry = Industry.objects.filter(code=str(data["industry"]).strip()).first()
        if industry is None:
            problems["industry"] = _("Unknown VSIC code: use a section letter or a division of VSIC 2018.")
        data["industry"] = industry
    elif "industry" in data:
        data["industry"] = None
    for name in TEXT_FIELDS:
        if name in data and data[name] is None:
            data[name] = ""
    if data.get("email"):
        try:
            validate_email(data["email"])
        except DjangoValidationError:
            problems["email"] = _("Enter a valid e-mail address.")
    elif "email" in data:
        data["email"] = ""
    data.pop("typical_product", None)  # kept from the certificates (events), never typed
    for flag, _label in EDITABLE_FLAGS:
        if flag in data and data[flag] is None:
            data[flag] = False
    if problems:
        raise errors.ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=problems)
    return data


def _require_change(request: Any) -> None:
    if not allows(request.user, Action.CHANGE):
        raise errors.PermissionDenied()


def _one(request: Any, establishment_id: int, action: Action = Action.VIEW) -> Establishment:
    """404 outside the caller's jurisdiction whatever the role; 403 inside it if the role may not `action`."""
    return get_in_scope(
        establishments_visible(request.user, include_merged=True).select_related("commune__province"),
        request.user,
        action,
        pk=establishment_id,
    )


@router.get("/establishments", response=list[EstablishmentOut], summary="Establishments in your jurisdiction")
@paginate(Paginated)
def establishment_list(request, filters: Query[query_schema(EstablishmentFilter)]):
    qs = establishments_visible(request.user).select_related("commune__province")
    return apply_filter(EstablishmentFilter, filters, qs, request).order_by("search_name", "pk")


@router.get("/establishments/{establishment_id}", response=EstablishmentOut, summary="One establishment")
def establishment_detail(request, establishment_id: int):
    return _one(request, establishment_id)


@router.post(
    "/establishments",
    response={201: EstablishmentOut},
    summary="Register an establishment",
)
def establishment_create(request, payload: EstablishmentIn):
    _require_change(request)
    values = payload.dict()
    confirm = values.pop("confirm_duplicate")
    establishment = services.establishment_create(
        actor=request.user, confirm_duplicate=confirm, **_service_data(values)
    )
    return Status(201, _one(request, establishment.pk))


@router.patch(
    "/establishments/{establishment_id}",
    response=EstablishmentOut,
    summary="Change an establishment (send the version you read)",
)
def establishment_update(request, establishment_id: int, payload: EstablishmentPatch):
    establishment = _one(request, establishment_id, Action.CHANGE)
    if not establishment.is_active:
        raise errors.ValidationFailed(
            _("This record was merged into another one and can no longer be changed."),
            code="merged",
            merged_into_id=establishment.merged_into_id,
        )
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    confirm = values.pop("confirm_duplicate", False)
    updated = services.establishment_update(
        actor=request.user,
        establishment=establishment,
        version=version,
        confirm_duplicate=confirm,
        **_service_data(values),
    )
    return _one(request, updated.pk)


@router.get(
    "/establishments/{establishment_id}/eligibility",
    response=EligibilityOut,
    summary="Whether the establishment may receive support on a day, and every reason why not",
)
def establishment_eligibility(request, establishment_id: int, on: Date | None = None):
    establishment = _one(request, establishment_id)
    day = on or timezone.localdate()
    result = services.establishment_eligibility(establishment, day)
    rule = RuleOut(code=result.rule.code, legal_basis=result.rule.legal_basis) if result.rule else None
    return EligibilityOut(on=day, eligible=result.eligible, reasons=result.reasons, rule=rule)

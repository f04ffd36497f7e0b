"""The programme catalogue over HTTP: reference data, the same for every authenticated user.

Amounts are integer đồng; shares are decimal strings ("0.5000" = 50%). An unknown code answers 404
`not_found`; an amount that is not a whole number of đồng answers 422 `invalid_input`.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from khuyencong.core.api_types import Date

from .choices import NormCondition
from .models import Activity, ContentGroup, Indicator, Programme, ProgrammeTarget, SupportNorm
from .selectors import (
    activity_full,
    activity_list,
    indicators,
    norm_list,
    programme_summaries,
    programme_tree,
    programmes,
)
from .services import check_support, reference_item_save

router = Router(tags=["catalogue"])


class ProgrammeOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    legal_basis: str
    year_from: int | None
    year_to: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    province_id: int | None = Field(None, alias="unit_id", description="for a provincial programme")
    note: str


class ProgrammeSummaryOut(ProgrammeOut):
    group_count: int


class GroupOut(Schema):
    code: str
    number: int
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    decree_groups: list[str] = Field(..., description="codes of the decree content groups it reports")
    activities: list[str] = Field(..., description="codes of its activities")

    @staticmethod
    def resolve_decree_groups(obj: ContentGroup) -> list[str]:
        return [g.code for g in obj.decree_groups.all()]

    @staticmethod
    def resolve_activities(obj: ContentGroup) -> list[str]:
        return [a.code for a in obj.activities.all()]


class TargetOut(Schema):
    code: str
    name: str
    minimum: Decimal | None
    maximum: Decimal | None
    unit: str
    source: str


class ProgrammeDetailOut(ProgrammeOut):
    groups: list[GroupOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_groups(obj: Programme) -> list[ContentGroup]:
        return list(programme_tree(obj))

    @staticmethod
    def resolve_targets(obj: Programme) -> list[ProgrammeTarget]:
        return list(obj.targets.all())


class ActivityGroupOut(Schema):
    programme: str = Field(..., description="programme code")
    code: str
    number: int
    name: str

    @staticmethod
    def resolve_programme(obj: ContentGroup) -> str:
        return obj.programme.code


class ActivityOut(Schema):
    code: str
    name: str
    description: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    groups: list[ActivityGroupOut]

    @staticmethod
    def resolve_groups(obj: Activity) -> list[ContentGroup]:
        return list(obj.groups.all())


class NormOut(Schema):
    code: str
    activity: str = Field(..., description="activity code")
    condition: str
    condition_label: str = Field(..., alias="get_condition_display")
    max_share: Decimal = Field(..., description="the largest share of the eligible cost, 0.5 = 50%")
    cap: int | None = Field(..., description="đồng per `cap_per`; null: no cap")
    cap_per: str
    cap_per_label: str = Field(..., alias="get_cap_per_display")
    legal_basis: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str

    @staticmethod
    def resolve_activity(obj: SupportNorm) -> str:
        return obj.activity.code


class ActivityDetailOut(ActivityOut):
    norms: list[NormOut]
    indicators: list[str] = Field(..., description="codes of the indicators measuring it")

    @staticmethod
    def resolve_norms(obj: Activity) -> list[SupportNorm]:
        return list(obj.norms.all())

    @staticmethod
    def resolve_indicators(obj: Activity) -> list[str]:
        return [i.code for i in obj.indicators.all()]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    activities: list[str] = Field(..., description="codes of the activities it measures")

    @staticmethod
    def resolve_activities(obj: Indicator) -> list[str]:
        return [a.code for a in obj.activities.all()]


class SupportCheckIn(Schema):
    activity: str = Field(..., description="activity code")
    eligible_cost: StrictInt = Field(..., description="whole đồng")
    requested_support: StrictInt = Field(..., description="whole đồng")
    on_date: Date = Field(..., description="the norms in force on this day apply")
    per_unit_count: StrictInt = Field(1, description="how many units the cap counts (establishments…)")
    condition: NormCondition = Field(NormCondition.ANY, description="circumstances some norms depend on")


class ViolationOut(Schema):
    code: str = Field(..., description="share_exceeded | cap_exceeded | support_exceeds_cost")
    message: str
    norm_code: str | None
    limit: int = Field(..., description="the most this rule allows, in đồng")


class SupportCheckOut(Schema):
    activity: str
    on_date: dt.date
    eligible_cost: int
    requested_support: int
    per_unit_count: int
    ok: bool
    limit: int | None = Field(..., description="the most every norm allows; null when no norm applies")
    norms: list[NormOut]
    violations: list[ViolationOut]


def _programme(code: str) -> Programme:
    return get_object_or_404(programmes(), code=code)


def _activity(code: str) -> Activity:
    return get_object_or_404(Activity, code=code)


@router.get("/catalog/programmes", response=list[ProgrammeSummaryOut], summary="Programmes of the catalogue")
def catalog_programme_list(request):
    return list(programme_summaries())


@router.get(
    "/catalog/programmes/{code}",
    response=ProgrammeDetailOut,
    summary="One programme with its content groups and targets",
)
def catalog_programme_detail(request, code: str):
    return _programme(code)


@router.get("/catalog/activities", response=list[ActivityOut], summary="Activities, by programme and date")
def catalog_activity_list(request, programme: str | None = None, on: Date | None = None):
    """With `programme` (a code), only its activities; with `on` (YYYY-MM-DD), only those in force."""
    return list(activity_list(programme=_programme(programme) if programme else None, on=on))


@router.get(
    "/catalog/activities/{code}",
    response=ActivityDetailOut,
    summary="One activity with its support norms over time and its indicators",
)
def catalog_activity_detail(request, code: str):
    try:
        return activity_full(code)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc


@router.get("/catalog/indicators", response=list[IndicatorOut], summary="Indicators and what they measure")
def catalog_indicator_list(request):
    return list(indicators())


@router.get("/catalog/norms", response=list[NormOut], summary="Support norms, by date and activity")
def catalog_norm_list(request, on: Date | None = None, activity: str | None = None):
    """With `on` (YYYY-MM-DD), only the norms in force that day; with `activity` (a code), only its."""
    return list(norm_list(on=on, activity=_activity(activity) if activity else None))


@router.post(
    "/catalog/check-support",
    response=SupportCheckOut,
    summary="Check a requested support against the norms in force",
)
def catalog_check_support(request, payload: SupportCheckIn):
    """Every violation is reported, each with the norm that causes it and the most that norm allows.
    Negative amounts answer 400 `negative_amount`; a unit count below 1, 400 `invalid_unit_count`."""
    result = check_support(
        activity=_activity(payload.activity),
        eligible_cost=payload.eligible_cost,
        requested_support=payload.requested_support,
        on_date=payload.on_date,
        per_unit_count=payload.per_unit_count,
        condition=NormCondition(payload.condition).value,
    )
    return {
        "activity": result.activity.code,
        "on_date": result.on_date,
        "eligible_cost": result.eligible_cost,
        "requested_support": payload.requested_support,
        "per_unit_count": result.per_unit_count,
        "ok": result.ok,
        "limit": result.limit,
        "norms": result.norms,
        "violations": [
            {
                "code": v.code,
                "message": v.message,
                "norm_code": v.norm.code if v.norm else None,
                "limit": v.limit,
            }
            for v in result.violations
        ],
    }


# --- editing (system administrators) -----------------------------------------------------------------


class NormIn(Schema):
    activity: str | None = Field(None, description="activity code")
    condition: str | None = None
    max_share: Decimal | None = Field(None, description="0.5 = 50%")
    cap: StrictInt | None = None
    cap_per: str | None = None
    legal_basis: str | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    note: str | None = None


class NormCreateIn(NormIn):
    code: str


def _values(payload: Schema, skip: tuple[str, ...] = ("code",)) -> dict:
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k not in skip}


def _norm_values(payload: NormIn) -> dict:
    values = _values(payload)
    if "activity" in values:
        values["activity"] = _activity(values["activity"])
    return values


@router.post("/catalog/norms", response={201: NormOut}, summary="Add a support norm (system administrators)")
def catalog_norm_create(request, payload: NormCreateIn):
    norm = reference_item_save(
        actor=request.user, model=SupportNorm, code=payload.code, values=_norm_values(payload), create=True
    )
    return Status(201, norm)


@router.patch(
    "/catalog/norms/{code}", response=NormOut, summary="Change a support norm (system administrators)"
)
def catalog_norm_update(request, code: str, payload: NormIn):
    return reference_item_save(
        actor=request.user, model=SupportNorm, code=code, values=_norm_values(payload), create=False
    )


class ActivityIn(Schema):
    name: str | None = None
    description: str | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    groups: list[str] | None = Field(None, description="content group codes")


class ActivityCreateIn(ActivityIn):
    code: str


def _related(field: str, model: type[ContentGroup] | type[Activity], codes: list[str] | None) -> dict:
    """{field: [rows]} for the given codes (404 if one is unknown); {} when the list was not sent."""
    if codes is None:
        return {}
    found = list(model._default_manager.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise Http404
    return {field: found}


@router.post(
    "/catalog/activities", response={201: ActivityOut}, summary="Add an activity (system administrators)"
)
def catalog_activity_create(request, payload: ActivityCreateIn):
    activity = reference_item_save(
        actor=request.user,
        model=Activity,
        code=payload.code,
        values=_values(payload, ("code", "groups")),
        create=True,
        m2m=_related("groups", ContentGroup, payload.groups),
    )
    return Status(201, activity)


@router.patch(
    "/catalog/activities/{code}", response=ActivityOut, summary="Change an activity (system administrators)"
)
def catalog_activity_update(request, code: str, payload: ActivityIn):
    return reference_item_save(
        actor=request.user,
        model=Activity,
        code=code,
        values=_values(payload, ("code", "groups")),
        create=False,
        m2m=_related("groups", ContentGroup, payload.groups),
    )


class IndicatorIn(Schema):
    name: str | None = None
    unit: str | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    activities: list[str] | None = Field(None, description="activity codes")


class IndicatorCreateIn(IndicatorIn):
    code: str


@router.post(
    "/catalog/indicators", response={201: IndicatorOut}, summary="Add an indicator (system administrators)"
)
def catalog_indicator_create(request, payload: IndicatorCreateIn):
    indicator = reference_item_save(
        actor=request.user,
        model=Indicator,
        code=payload.code,
        values=_values(payload, ("code", "activities")),
        create=True,
        m2m=_related("activities", Activity, payload.activities),
    )
    return Status(201, indicator)


@router.patch(
    "/catalog/indicators/{code}", response=IndicatorOut, summary="Change an indicator (system administrators)"
)
def catalog_indicator_update(request, code: str, payload: IndicatorIn):
    return reference_item_save(
        actor=request.user,
        model=Indicator,
        code=code,
        values=_values(payload, ("code", "activities")),
        create=False,
        m2m=_related("activities", Activity, payload.activities),
    )

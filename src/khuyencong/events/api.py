"""The events API: fairs and participations, typical-product selections (entries, scores, certificates),
artisan titles, trainings and workshops, and the counts by indicator. Writes go through the services;
their refusals (DomainError) become JSON errors centrally (api.errors)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from khuyencong.accounts.jurisdiction import Action, get_in_scope
from khuyencong.accounts.models import Agency
from khuyencong.core.api_types import Date, Year
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.filters import apply_filter, query_schema
from khuyencong.core.pagination import Paginated
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.projects.models import Project

from . import services
from .filters import FairFilter, SelectionFilter, TitleFilter, TrainingFilter
from .models import ArtisanTitle, Fair, FairParticipation, ProductSelection, SelectionEntry, Training
from .selectors import (
    entries_visible,
    event_counts,
    fairs_visible,
    participations_visible,
    selections_visible,
    titles_visible,
    trainees_visible,
    trainings_visible,
)

router = Router(tags=["events"])


def _ref(model, pk: int | None, field: str):
    """The row `pk` of `model` for a payload field (None stays None); the services check jurisdiction."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed(_("Unknown reference."), code="unknown_reference", field=field)
    return obj


# --- counts ----------------------------------------------------------------------------------------


class CountsOut(Schema):
    year: int
    counts: dict[str, int]


@router.get("/events/counts", response=CountsOut, summary="Event outputs of a year by indicator code")
def event_counts_api(request, year: Year | None = None):
    year = year or timezone.localdate().year
    return CountsOut(year=year, counts=event_counts(request.user, year))


# --- fairs -----------------------------------------------------------------------------------------


class FairOut(Schema):
    id: int
    name: str
    level: str
    place: str
    location_id: int
    organiser_id: int
    start_date: dt.date
    end_date: dt.date
    booths_total: int
    programme_fair: bool
    project_id: int | None
    note: str


class ParticipationOut(Schema):
    id: int
    fair_id: int
    establishment_id: int
    establishment_name: str
    booths: int
    support_amount: int
    project_id: int | None
    note: str

    @staticmethod
    def resolve_establishment_name(obj: FairParticipation) -> str:
        return obj.establishment.name


class FairDetailOut(FairOut):
    participations: list[ParticipationOut]

    @staticmethod
    def resolve_participations(obj: Fair, context) -> list:
        user = context["request"].user
        return list(participations_visible(user).filter(fair=obj).order_by("establishment__name", "pk"))


def _fair(request, fair_id: int) -> Fair:
    return get_in_scope(fairs_visible(request.user), request.user, Action.VIEW, pk=fair_id)


@router.get("/fairs", response=list[FairOut], summary="Fairs you may see")
@paginate(Paginated)
def event_fair_list(request, filters: Query[query_schema(FairFilter)]):
    return apply_filter(FairFilter, filters, fairs_visible(request.user), request).order_by(
        "-start_date", "pk"
    )


@router.get(
    "/fairs/{fair_id}", response=FairDetailOut, summary="One fair with the participations you may see"
)
def event_fair_detail(request, fair_id: int):
    return _fair(request, fair_id)


class FairIn(Schema):
    name: str
    level: str
    place: str
    location_id: int
    organiser_id: int
    start_date: Date
    end_date: Date
    booths_total: StrictInt = 0
    programme_fair: StrictBool = False
    project_id: int | None = None
    note: str = ""


@router.post("/fairs", response={201: FairOut}, summary="Record a fair")
def event_fair_create(request, payload: FairIn):
    data = payload.dict()
    fair = services.fair_create(
        actor=request.user,
        location=_ref(AdministrativeUnit, data.pop("location_id"), "location"),
        organiser=_ref(Agency, data.pop("organiser_id"), "organiser"),
        project=_ref(Project, data.pop("project_id"), "project"),
        **data,
    )
    return Status(201, fair)


class ParticipationIn(Schema):
    establishment_id: int
    booths: StrictInt = 1
    support_amount: StrictInt = 0
    project_id: int | None = None
    note: str = ""


@router.post(
    "/fairs/{fair_id}/participations",
    response={201: ParticipationOut},
    summary="Record the booths an establishment took at a fair",
)
def event_participation_add(request, fair_id: int, payload: ParticipationIn):
    fair = _fair(request, fair_id)
    data = payload.dict()
    participation = services.participation_add(
        actor=request.user,
        fair=fair,
        establishment=_ref(Establishment, data.pop("establishment_id"), "establishment"),
        project=_ref(Project, data.pop("project_id"), "project"),
        **data,
    )
    return Status(201, participation)


@router.delete(
    "/fairs/{fair_id}/participations/{participation_id}",
    response={204: None},
    summary="Remove a participation",
)
def event_participation_remove(request, fair_id: int, participation_id: int):
    fair = _fair(request, fair_id)
    participation = get_in_scope(
        participations_visible(request.user).filter(fair=fair), request.user, Action.VIEW, pk=participation_id
    )
    services.participation_remove(actor=request.user, participation=participation)
    return Status(204, None)


# --- typical-product selections ----------------------------------------------------------------------


class SelectionOut(Schema):
    id: int
    level: str
    year: int
    name: str
    unit_id: int | None
    region: str | None
    organiser_id: int
    pass_score: Decimal
    certificate_years: int
    decision_number: str
    decision_date: dt.date | None
    project_id: int | None

    @staticmethod
    def resolve_region(obj: ProductSelection) -> str | None:
        return obj.region.code if obj.region_id else None


class ScoreOut(Schema):
    juror: str
    score: Decimal


class EntryOut(Schema):
    id: int
    selection_id: int
    establishment_id: int
    establishment_name: str
    product_name: str
    product_group: str
    total_score: Decimal | None
    result: str
    certificate_number: str
    certificate_valid_from: dt.date | None
    certificate_valid_to: dt.date | None
    result_note: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_establishment_name(obj: SelectionEntry) -> str:
        return obj.establishment.name

    @staticmethod
    def resolve_scores(obj: SelectionEntry) -> list:
        return list(obj.scores.order_by("juror"))


class SelectionDetailOut(SelectionOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj: ProductSelection, context) -> list:
        user = context["request"].user
        return list(entries_visible(user).filter(selection=obj).order_by("pk"))


def _selection(request, selection_id: int) -> ProductSelection:
    return get_in_scope(selections_visible(request.user), request.user, Action.VIEW, pk=selection_id)


def _entry(request, selection_id: int, entry_id: int) -> SelectionEntry:
    selection = _selection(request, selection_id)
    return get_in_scope(
        entries_visible(request.user).filter(selection=selection), request.user, Action.VIEW, pk=entry_id
    )


@router.get("/selections", response=list[SelectionOut], summary="Typical-product selections you may see")
@paginate(Paginated)
def event_selection_list(request, filters: Query[query_schema(SelectionFilter)]):
    return apply_filter(SelectionFilter, filters, selections_visible(request.user), request).order_by(
        "-year", "level", "pk"
    )


@router.get(
    "/selections/{selection_id}",
    response=SelectionDetailOut,
    summary="One selection with the entries you may see and their scores",
)
def event_selection_detail(request, selection_id: int):
    return _selection(request, selection_id)


class SelectionIn(Schema):
    level: str
    year: StrictInt
    name: str
    organiser_id: int
    unit_id: int | None = None
    region: str | None = None
    pass_score: Decimal = Decimal(70)
    certificate_years: StrictInt = 3
    decision_number: str = ""
    decision_date: Date | None = None
    project_id: int | None = None


@router.post("/selections", response={201: SelectionOut}, summary="Record a typical-product selection")
def event_selection_create(request, payload: SelectionIn):
    data = payload.dict()
    region_code = data.pop("region")
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationFailed(_("Unknown region code."), code="unknown_region", field="region")
    selection = services.selection_create(
        actor=request.user,
        organiser=_ref(Agency, data.pop("organiser_id"), "organiser"),
        unit=_ref(AdministrativeUnit, data.pop("unit_id"), "unit"),
        project=_ref(Project, data.pop("project_id"), "project"),
        region=region,
        **data,
    )
    return Status(201, selection)


class EntryIn(Schema):
    establishment_id: int
    product_name: str
    product_group: str


@router.post("/selections/{selection_id}/entries", response={201: EntryOut}, summary="Enter a product")
def event_entry_add(request, selection_id: int, payload: EntryIn):
    entry = services.entry_add(
        actor=request.user,
        selection=_selection(request, selection_id),
        establishment=_ref(Establishment, payload.establishment_id, "establishment"),
        product_name=payload.product_name,
        product_group=payload.product_group,
    )
    return Status(201, entry)


class ScoreIn(Schema):
    juror: str
    score: Decimal


@router.post(
    "/selections/{selection_id}/entries/{entry_id}/scores",
    response=EntryOut,
    summary="Record one juror's score of an entry",
)
def event_entry_score(request, selection_id: int, entry_id: int, payload: ScoreIn):
    return services.entry_score(
        actor=request.user,
        entry=_entry(request, selection_id, entry_id),
        juror=payload.juror,
        score=payload.score,
    )


class CertifyIn(Schema):
    certificate_number: str
    valid_from: Date
    valid_to: Date | None = None
    note: str = ""


@router.post(
    "/selections/{selection_id}/entries/{entry_id}/certify",
    response=EntryOut,
    summary="Certify an entry as a typical product",
)
def event_entry_certify(request, selection_id: int, entry_id: int, payload: CertifyIn):
    return services.entry_certify(
        actor=request.user, entry=_entry(request, selection_id, entry_id), **payload.dict()
    )


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/selections/{selection_id}/entries/{entry_id}/reject",
    response=EntryOut,
    summary="Mark an entry as not selected",
)
def event_entry_reject(request, selection_id: int, entry_id: int, payload: NoteIn):
    return services.entry_reject(
        actor=request.user, entry=_entry(request, selection_id, entry_id), note=payload.note
    )


# --- artisan titles --------------------------------------------------------------------------------


class TitleOut(Schema):
    id: int
    person_name: str
    birth_year: int | None
    establishment_id: int | None
    craft: str
    kind: str
    level: str
    year: int
    decision_number: str
    decision_date: dt.date | None
    unit_id: int
    project_id: int | None


@router.get("/titles", response=list[TitleOut], summary="Artisan titles you may see")
@paginate(Paginated)
def event_title_list(request, filters: Query[query_schema(TitleFilter)]):
    return apply_filter(TitleFilter, filters, titles_visible(request.user), request).order_by(
        "-year", "person_name", "pk"
    )


@router.get("/titles/{title_id}", response=TitleOut, summary="One artisan title")
def event_title_detail(request, title_id: int) -> ArtisanTitle:
    return get_in_scope(titles_visible(request.user), request.user, Action.VIEW, pk=title_id)


class TitleIn(Schema):
    person_name: str
    kind: str
    level: str
    year: StrictInt
    craft: str
    decision_number: str
    unit_id: int
    establishment_id: int | None = None
    birth_year: StrictInt | None = None
    decision_date: Date | None = None
    project_id: int | None = None


@router.post("/titles", response={201: TitleOut}, summary="Record an artisan title")
def event_title_create(request, payload: TitleIn):
    data = payload.dict()
    title = services.title_create(
        actor=request.user,
        unit=_ref(AdministrativeUnit, data.pop("unit_id"), "unit"),
        establishment=_ref(Establishment, data.pop("establishment_id"), "establishment"),
        project=_ref(Project, data.pop("project_id"), "project"),
        **data,
    )
    return Status(201, title)


# --- trainings and workshops ----------------------------------------------------------------------


class TrainingOut(Schema):
    id: int
    kind: str
    title: str
    start_date: dt.date
    end_date: dt.date
    location_id: int
    organiser_id: int
    participants_count: int
    project_id: int | None
    note: str


class TraineeOut(Schema):
    id: int
    name: str
    establishment_id: int | None


class TrainingDetailOut(TrainingOut):
    trainees: list[TraineeOut]

    @staticmethod
    def resolve_trainees(obj: Training, context) -> list:
        user = context["request"].user
        return list(trainees_visible(user).filter(training=obj).order_by("name", "pk"))


def _training(request, training_id: int) -> Training:
    return get_in_scope(trainings_visible(request.user), request.user, Action.VIEW, pk=training_id)


@router.get("/trainings", response=list[TrainingOut], summary="Trainings and workshops you may see")
@paginate(Paginated)
def event_training_list(request, filters: Query[query_schema(TrainingFilter)]):
    return apply_filter(TrainingFilter, filters, trainings_visible(request.user), request).order_by(
        "-start_date", "pk"
    )


@router.get(
    "/trainings/{training_id}", response=TrainingDetailOut, summary="One training with its participants"
)
def event_training_detail(request, training_id: int):
    return _training(request, training_id)


class TrainingIn(Schema):
    kind: str
    title: str
    start_date: Date
    end_date: Date
    location_id: int
    organiser_id: int
    participants_count: StrictInt = 0
    project_id: int | None = None
    note: str = ""


@router.post("/trainings", response={201: TrainingOut}, summary="Record a training or workshop")
def event_training_create(request, payload: TrainingIn):
    data = payload.dict()
    training = services.training_create(
        actor=request.user,
        location=_ref(AdministrativeUnit, data.pop("location_id"), "location"),
        organiser=_ref(Agency, data.pop("organiser_id"), "organiser"),
        project=_ref(Project, data.pop("project_id"), "project"),
        **data,
    )
    return Status(201, training)


class TraineeIn(Schema):
    name: str
    establishment_id: int | None = None


@router.post(
    "/trainings/{training_id}/trainees",
    response={201: TraineeOut},
    summary="List a participant of a training",
)
def event_trainee_add(request, training_id: int, payload: TraineeIn):
    trainee = services.trainee_add(
        actor=request.user,
        training=_training(request, training_id),
        name=payload.name,
        establishment=_ref(Establishment, payload.establishment_id, "establishment"),
    )
    return Status(201, trainee)

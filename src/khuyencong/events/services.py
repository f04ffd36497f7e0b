"""Event writers. Each takes the acting user first, checks role and jurisdiction, validates every field
(refusing with all field errors at once and writing nothing), runs in one transaction and writes the
audit trail.

Counts are never typed twice: when an event is linked to a project, the project's deliverables for the
indicators events count are recomputed from the events (`projects.services.deliverable_sync`) in the
same transaction. A project's counts are kept from its approval until its acceptance; after that they
are final and events linked to it directly can no longer change.

A certified typical product sets its establishment's priority flag (`Establishment.typical_product`)
while the certificate is valid; `establishment_priority_refresh` (command `refresh_priority_flags`)
keeps the flags right as certificates expire.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Avg, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict, scope_of
from khuyencong.accounts.models import Agency
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.models import Indicator
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import DomainError, NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.core.formatting import format_date
from khuyencong.core.money import whole_dong
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import containment_q, region_provinces
from khuyencong.projects.models import Deliverable, Project
from khuyencong.projects.services import ACHIEVABLE_STATES, deliverable_sync

from .choices import (
    FAIR_INDICATORS,
    LOCAL_SELECTION_LAST_YEAR,
    LOCAL_SELECTION_LEVELS,
    SELECTION_INDICATORS,
    TITLE_INDICATORS,
    TRAINING_INDICATORS,
    UNIT_SELECTION_LEVELS,
    EntryResult,
    FairLevel,
    ProductGroup,
    SelectionLevel,
    TitleKind,
    TitleLevel,
    TrainingKind,
)
from .models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    JuryScore,
    ProductSelection,
    SelectionEntry,
    Trainee,
    Training,
)
from .selectors import project_event_counts, project_event_names

INVALID = _("Some fields are not valid.")
YEARS = (2000, 2100)


class WrongState(DomainError):
    code = "wrong_state"
    status = 409
    default_message = _("This action is not possible in the record's current state.")


# --- checks shared by the writers --------------------------------------------------------------


def _require_change(actor: Any) -> None:
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()


def _visible(actor: Any, model: type[models.Model], pk: int) -> None:
    """NotInJurisdiction unless the actor may read the row; then PermissionDenied unless it may change."""
    if not restrict(model._default_manager.filter(pk=pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    _require_change(actor)


def _unit_in_scope(actor: Any, unit: Any) -> bool:
    return isinstance(unit, AdministrativeUnit) and (
        restrict(AdministrativeUnit.objects.filter(pk=unit.pk), actor, Action.CHANGE).exists()
    )


def _establishment_in_scope(actor: Any, establishment: Any) -> bool:
    return isinstance(establishment, Establishment) and (
        restrict(
            Establishment.objects.filter(pk=establishment.pk, merged_into__isnull=True), actor, Action.CHANGE
        ).exists()
    )


def _text(errors: dict, field: str, value: Any, message: Any, limit: int) -> str:
    text = " ".join(str(value or "").split()) if isinstance(value, str) or value is None else ""
    if not text:
        errors[field] = str(message)
    elif len(text) > limit:
        errors[field] = str(_("At most %(limit)s characters.") % {"limit": limit})
    return text


def _optional_text(errors: dict, field: str, value: Any, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[field] = str(_("At most %(limit)s characters.") % {"limit": limit})
    return text


def _count(errors: dict, field: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors[field] = str(_("Enter a whole number, %(min)s or more.") % {"min": minimum})
        return minimum
    return value


def _year(errors: dict, field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (YEARS[0] <= value <= YEARS[1]):
        errors[field] = str(_("Enter a year between %(a)s and %(b)s.") % {"a": YEARS[0], "b": YEARS[1]})
        return 0
    return value


def _date(errors: dict, field: str, value: Any, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = str(_("Enter a date as dd/mm/yyyy, e.g. 22/08/2023."))
        return None
    return value


def _period(errors: dict, start: Any, end: Any) -> tuple[dt.date | None, dt.date | None]:
    start_date, end_date = _date(errors, "start_date", start), _date(errors, "end_date", end)
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = str(_("The end cannot be before the start."))
    return start_date, end_date


def _choice(errors: dict, field: str, value: Any, choices: Any) -> str:
    if value not in choices.values:
        errors[field] = str(_("Choose a value from the list."))
        return ""
    return value


def _agency(errors: dict, actor: Any, agency: Any) -> None:
    if not isinstance(agency, Agency) or not agencies_visible(actor).filter(pk=agency.pk).exists():
        errors["organiser"] = str(_("Choose an agency you can see."))


def _unit_contains(unit: AdministrativeUnit, commune_id: int) -> bool:
    return AdministrativeUnit.objects.filter(containment_q(unit), pk=commune_id).exists()


def _unit_in_force_in(unit: AdministrativeUnit, year: int) -> bool:
    return (unit.valid_from is None or unit.valid_from <= dt.date(year, 12, 31)) and (
        unit.valid_to is None or unit.valid_to >= dt.date(year, 1, 1)
    )


def _project_error(
    actor: Any,
    project: Any,
    indicators: Iterable[str],
    *,
    on: dt.date | None = None,
    year: int | None = None,
) -> str | None:
    """Why events of this kind cannot be linked to `project` (None when they can)."""
    if not isinstance(project, Project) or not (
        restrict(Project.objects.filter(pk=project.pk), actor, Action.CHANGE).exists()
    ):
        return str(_("This project is outside your jurisdiction."))
    if project.state not in ACHIEVABLE_STATES:
        return str(
            _(
                "Events are counted for a project from its approval until its acceptance; "
                "this project is %(state)s."
            )
            % {"state": project.get_state_display()}
        )
    activity = project.plan_line.activity
    if not activity.indicators.filter(code__in=list(indicators)).exists():
        return str(
            _("The project's activity (%(activity)s) is not one these events count for.")
            % {"activity": activity.name}
        )
    if on is not None and not (project.start_date <= on <= project.end_date):
        return str(
            _("The event (%(date)s) falls outside the project's period (%(start)s–%(end)s).")
            % {
                "date": format_date(on),
                "start": format_date(project.start_date),
                "end": format_date(project.end_date),
            }
        )
    if year is not None and not (project.start_date.year <= year <= project.end_date.year):
        return str(
            _("The project runs from %(start)s to %(end)s, not in %(year)s.")
            % {"start": format_date(project.start_date), "end": format_date(project.end_date), "year": year}
        )
    return None


def _check_project(errors: dict, actor: Any, project: Any, indicators: Iterable[str], **when: Any) -> None:
    """Add the reason to `errors` when events of this kind cannot be linked to `project` (if given).
    Skipped while the date or year it is checked against is itself invalid."""
    if project is None or any(value in (None, 0) for value in when.values()):
        return
    if message := _project_error(actor, project, indicators, **when):
        errors["project"] = message


def _require_open_project(project: Project | None) -> None:
    """Refuse to change an event whose counts are final (its project was accepted, closed or stopped)."""
    if project is not None and project.state not in ACHIEVABLE_STATES:
        raise WrongState(
            _("The project %(code)s is %(state)s: the events counted for it can no longer change.")
            % {"code": project.code, "state": project.get_state_display()}
        )


def _same_name(name: str, others: Iterable[str]) -> bool:
    """Whether `name` is among `others` whatever the case (Vietnamese letters too: "Đ" is "đ")."""
    folded = name.casefold()
    return bool(name) and any(other.casefold() == folded for other in others)


def _fail(errors: dict) -> None:
    if errors:
        raise ValidationFailed(INVALID, code="invalid_fields", errors=errors)


# --- keeping the projects' counts ----------------------------------------------------------------


def project_counts_sync(*, actor: Any, projects: Iterable[Project | None]) -> None:
    """Recompute the event counts of each project still under way and write them to its deliverables:
    the indicators its activity measures, and any indicator it already counts from events."""
    for pk in sorted({p.pk for p in projects if p is not None}):
        project = Project.objects.select_for_update().select_related("plan_line__activity").get(pk=pk)
        if project.state not in ACHIEVABLE_STATES:
            continue  # counts are final from the acceptance
        counts = project_event_counts(project)
        measured = set(project.plan_line.activity.indicators.values_list("code", flat=True))
        current = {
            d.indicator.code: d
            for d in Deliverable.objects.filter(
                project=project, indicator__code__in=list(counts)
            ).select_related("indicator")
        }
        evidence = "; ".join(project_event_names(project))[:500]
        for code, achieved in counts.items():
            existing = current.get(code)
            if code not in measured and not (existing and existing.counted_from_events):
                continue
            if (
                existing is not None
                and existing.counted_from_events
                and existing.achieved == achieved
                and existing.evidence == evidence
            ):
                continue
            indicator = Indicator.objects.filter(code=code).first()
            if indicator is not None:
                deliverable_sync(
                    actor=actor, project=project, indicator=indicator, achieved=achieved, evidence=evidence
                )


# --- fairs -----------------------------------------------------------------------------------------


@transaction.atomic
def fair_create(
    *,
    actor: Any,
    name: str,
    level: str,
    place: str,
    location: AdministrativeUnit,
    organiser: Agency,
    start_date: dt.date,
    end_date: dt.date,
    booths_total: int = 0,
    programme_fair: bool = False,
    project: Project | None = None,
    note: str = "",
) -> Fair:
    _require_change(actor)
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, _("Enter the fair's name."), 300)
    level = _choice(errors, "level", level, FairLevel)
    place = _text(errors, "place", place, _("Enter where the fair is held."), 300)
    if not _unit_in_scope(actor, location):
        errors["location"] = str(_("Choose a province or commune in your jurisdiction."))
    elif level == FairLevel.COMMUNE and location.level != Level.COMMUNE:
        errors["location"] = str(_("A commune fair is held in a commune."))
    _agency(errors, actor, organiser)
    start, end = _period(errors, start_date, end_date)
    booths_total = _count(errors, "booths_total", booths_total)
    note = _optional_text(errors, "note", note, 500)
    _check_project(errors, actor, project, FAIR_INDICATORS, on=start)
    _fail(errors)
    start_date, end_date = cast(dt.date, start), cast(dt.date, end)
    fair = Fair.objects.create(
        name=name,
        level=level,
        place=place,
        location=location,
        organiser=organiser,
        start_date=start_date,
        end_date=end_date,
        booths_total=booths_total,
        programme_fair=bool(programme_fair),
        project=project,
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.fair_create",
        obj=fair,
        after={
            "name": name,
            "level": level,
            "location": location.pk,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "booths_total": booths_total,
            "project": project.pk if project else None,
        },
    )
    project_counts_sync(actor=actor, projects=[project])
    return fair


@transaction.atomic
def participation_add(
    *,
    actor: Any,
    fair: Fair,
    establishment: Establishment,
    booths: int = 1,
    support_amount: int = 0,
    project: Project | None = None,
    note: str = "",
) -> FairParticipation:
    """Record the booths an establishment of the actor's jurisdiction took at a fair it may see."""
    _visible(actor, Fair, fair.pk)
    fair = Fair.objects.select_for_update().get(pk=fair.pk)  # serialises the booth count
    errors: dict[str, str] = {}
    if not _establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    elif fair.participations.filter(establishment=establishment).exists():
        errors["establishment"] = str(_("This establishment is already recorded at this fair."))
    booths = _count(errors, "booths", booths, 1)
    try:
        support_amount = whole_dong(support_amount, field="support_amount")
    except ValidationFailed as exc:
        errors["support_amount"] = str(exc.message)
    if "booths" not in errors and fair.booths_total:
        taken = sum(fair.participations.values_list("booths", flat=True))
        if taken + booths > fair.booths_total:
            errors["booths"] = str(
                _("The fair has %(total)s booths and %(taken)s are already taken.")
                % {"total": fair.booths_total, "taken": taken}
            )
    note = _optional_text(errors, "note", note, 500)
    _check_project(errors, actor, project, FAIR_INDICATORS, on=fair.start_date)
    _fail(errors)
    participation = FairParticipation.objects.create(
        fair=fair,
        establishment=establishment,
        booths=booths,
        support_amount=support_amount,
        project=project,
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.participation_add",
        obj=fair,
        after={
            "establishment": establishment.pk,
            "name": establishment.name,
            "booths": booths,
            "support_amount": support_amount,
            "project": project.pk if project else None,
        },
    )
    project_counts_sync(actor=actor, projects=[project, fair.project])
    return participation


@transaction.atomic
def participation_remove(*, actor: Any, participation: FairParticipation) -> None:
    _visible(actor, FairParticipation, participation.pk)
    participation = FairParticipation.objects.select_related("fair", "project", "establishment").get(
        pk=participation.pk
    )
    _require_open_project(participation.project)
    fair = participation.fair
    before = {
        "establishment": participation.establishment_id,
        "name": participation.establishment.name,
        "booths": participation.booths,
        "project": participation.project_id,
    }
    project = participation.project
    participation.delete()
    audit_record(actor=actor, action="event.participation_remove", obj=fair, before=before)
    project_counts_sync(actor=actor, projects=[project, fair.project])


# --- typical-product selections -------------------------------------------------------------------


def can_organise(actor: Any, selection: ProductSelection) -> tuple[bool, str]:
    """May `actor` score, certify and reject entries of `selection`? Its area must be in the actor's
    jurisdiction (regional and national selections: the ministry)."""
    if not allows(actor, Action.CHANGE):
        return False, str(_("Your role does not allow this action."))
    if selection.unit_id is None:
        if scope_of(actor).nation:
            return True, ""
        return False, str(_("Regional and national selections are run by the ministry."))
    if _unit_in_scope(actor, selection.unit):
        return True, ""
    return False, str(_("This selection is organised outside your jurisdiction."))


def _selection_for_change(actor: Any, selection: ProductSelection) -> ProductSelection:
    _visible(actor, ProductSelection, selection.pk)
    allowed, reason = can_organise(actor, selection)
    if not allowed:
        raise PermissionDenied(reason)
    return ProductSelection.objects.select_for_update().get(pk=selection.pk)


@transaction.atomic
def selection_create(
    *,
    actor: Any,
    level: str,
    year: int,
    name: str,
    organiser: Agency,
    unit: AdministrativeUnit | None = None,
    region: Region | None = None,
    pass_score: Any = 70,
    certificate_years: int = 3,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    project: Project | None = None,
) -> ProductSelection:
    _require_change(actor)
    errors: dict[str, str] = {}
    level = _choice(errors, "level", level, SelectionLevel)
    year = _year(errors, "year", year)
    name = _text(errors, "name", name, _("Enter the selection's name."), 300)
    _agency(errors, actor, organiser)
    if level in LOCAL_SELECTION_LEVELS and year and year > LOCAL_SELECTION_LAST_YEAR:
        errors["level"] = str(
            _("Commune and district selections were held until %(year)s; choose the provincial level.")
            % {"year": LOCAL_SELECTION_LAST_YEAR}
        )
    if level in UNIT_SELECTION_LEVELS:
        if not isinstance(unit, AdministrativeUnit):
            errors["unit"] = str(_("Choose the unit that holds the selection."))
        elif unit.level != level:
            errors["unit"] = str(
                _("A %(level)s selection is held by a unit of that level.")
                % {"level": SelectionLevel(level).label}
            )
        elif year and not _unit_in_force_in(unit, year):
            errors["unit"] = str(
                _("%(unit)s was not in force in %(year)s.") % {"unit": unit.label, "year": year}
            )
        elif not _unit_in_scope(actor, unit):
            errors["unit"] = str(_("This unit is outside your jurisdiction."))
        region = None
    elif level:
        unit = None
        if not scope_of(actor).nation:
            errors["level"] = str(_("Regional and national selections are run by the ministry."))
        if level == SelectionLevel.REGION and not isinstance(region, Region):
            errors["region"] = str(_("Choose the region."))
        if level == SelectionLevel.NATIONAL:
            region = None
    score = _score(errors, "pass_score", pass_score)
    certificate_years = _count(errors, "certificate_years", certificate_years, 1)
    if "certificate_years" not in errors and certificate_years > 10:
        errors["certificate_years"] = str(_("At most 10 years."))
    decision_number = _optional_text(errors, "decision_number", decision_number, 60)
    decision_date = _date(errors, "decision_date", decision_date, required=False)
    _check_project(errors, actor, project, SELECTION_INDICATORS, year=year)
    if not errors and (
        ProductSelection.objects.filter(level=level, year=year, unit=unit, region=region).exists()
    ):
        errors["year"] = str(
            _("This area already has a selection of that level in %(year)s.") % {"year": year}
        )
    _fail(errors)
    selection = ProductSelection.objects.create(
        level=level,
        year=year,
        name=name,
        unit=unit,
        region=region,
        organiser=organiser,
        pass_score=score,
        certificate_years=certificate_years,
        decision_number=decision_number,
        decision_date=decision_date,
        project=project,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.selection_create",
        obj=selection,
        after={
            "level": level,
            "year": year,
            "unit": unit.pk if unit else None,
            "region": region.code if region else None,
            "pass_score": str(score),
            "project": project.pk if project else None,
        },
    )
    project_counts_sync(actor=actor, projects=[project])
    return selection


def _in_selection_area(selection: ProductSelection, establishment: Establishment) -> bool:
    if selection.unit is not None:
        return _unit_contains(selection.unit, establishment.commune_id)
    if selection.region is not None:
        provinces = region_provinces(selection.region, selection.year)
        commune = establishment.commune
        return provinces.filter(current_province_id=commune.current_province_id).exists()
    return True


@transaction.atomic
def entry_add(
    *,
    actor: Any,
    selection: ProductSelection,
    establishment: Establishment,
    product_name: str,
    product_group: str,
) -> SelectionEntry:
    """Enter a product. The organiser enters products of its area; at a regional or national selection
    a province also nominates products of its own establishments."""
    _visible(actor, ProductSelection, selection.pk)
    organiser, reason = can_organise(actor, selection)
    if not organiser and selection.unit_id is not None:
        raise PermissionDenied(reason)
    selection = ProductSelection.objects.select_for_update().get(pk=selection.pk)
    errors: dict[str, str] = {}
    if not _establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    elif not _in_selection_area(selection, establishment):
        errors["establishment"] = str(_("This establishment is not in the selection's area."))
    product_name = _text(errors, "product_name", product_name, _("Enter the product's name."), 300)
    product_group = _choice(errors, "product_group", product_group, ProductGroup)
    if "establishment" not in errors and _same_name(
        product_name,
        selection.entries.filter(establishment=establishment).values_list("product_name", flat=True),
    ):
        errors["product_name"] = str(_("This product of the establishment is already entered."))
    _fail(errors)
    entry = SelectionEntry.objects.create(
        selection=selection,
        establishment=establishment,
        product_name=product_name,
        product_group=product_group,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.entry_add",
        obj=selection,
        after={"entry": entry.pk, "establishment": establishment.pk, "product": product_name},
    )
    return entry


def _score(errors: dict, field: str, value: Any) -> Decimal:
    try:
        if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
            raise InvalidOperation
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = str(_("Enter a score from 0 to 100, e.g. 82,5."))
        return Decimal(0)
    if not number.is_finite() or not (0 <= number <= 100) or number != number.quantize(Decimal("0.01")):
        errors[field] = str(_("Enter a score from 0 to 100 with at most two decimals."))
        return Decimal(0)
    return number.quantize(Decimal("0.01"))


def _entry_for_decision(actor: Any, entry: SelectionEntry) -> tuple[ProductSelection, SelectionEntry]:
    if not restrict(SelectionEntry.objects.filter(pk=entry.pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    selection = _selection_for_change(actor, entry.selection)
    entry = SelectionEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.result != EntryResult.PENDING:
        raise WrongState(
            _("This entry is already decided (%(result)s).") % {"result": entry.get_result_display()}
        )
    return selection, entry


@transaction.atomic
def entry_score(*, actor: Any, entry: SelectionEntry, juror: str, score: Any) -> SelectionEntry:
    """Record (or correct) one juror's score; the entry's score is the jury's average, rounded half up
    to two decimals."""
    _selection, entry = _entry_for_decision(actor, entry)
    errors: dict[str, str] = {}
    juror = _text(errors, "juror", juror, _("Enter the juror's name."), 150)
    value = _score(errors, "score", score)
    _fail(errors)
    previous = entry.scores.filter(juror=juror).first()
    JuryScore.objects.update_or_create(
        entry=entry, juror=juror, defaults={"score": value, "recorded_by": actor}
    )
    before_total = entry.total_score
    average = entry.scores.aggregate(avg=Avg("score"))["avg"]
    entry.total_score = Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    entry.save(update_fields=["total_score"])
    audit_record(
        actor=actor,
        action="event.entry_score",
        obj=entry.selection,
        before={
            "entry": entry.pk,
            "juror": juror,
            "score": str(previous.score) if previous else None,
            "total": str(before_total) if before_total is not None else None,
        },
        after={"entry": entry.pk, "juror": juror, "score": str(value), "total": str(entry.total_score)},
    )
    return entry


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def entry_certify(
    *,
    actor: Any,
    entry: SelectionEntry,
    certificate_number: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
) -> SelectionEntry:
    """Certify a scored entry that reached the pass mark; its establishment gets the typical-product
    priority flag while the certificate is valid. Without an end date the certificate runs for the
    selection's validity (years)."""
    selection, entry = _entry_for_decision(actor, entry)
    errors: dict[str, str] = {}
    if entry.total_score is None:
        errors["score"] = str(_("Score the entry before certifying it."))
    elif entry.total_score < selection.pass_score:
        errors["score"] = str(
            _("The entry scored %(score)s, below the pass mark of %(mark)s.")
            % {"score": entry.total_score, "mark": selection.pass_score}
        )
    number = _text(errors, "certificate_number", certificate_number, _("Enter the certificate number."), 60)
    if number and selection.entries.filter(certificate_number=number).exclude(pk=entry.pk).exists():
        errors["certificate_number"] = str(_("This certificate number is already used in this selection."))
    start = _date(errors, "valid_from", valid_from)
    end = _date(errors, "valid_to", valid_to, required=False)
    if start and end is None and "valid_to" not in errors:
        end = _add_years(start, selection.certificate_years) - dt.timedelta(days=1)
    if start and end and end < start:
        errors["valid_to"] = str(_("The certificate cannot end before it starts."))
    note = _optional_text(errors, "note", note, 500)
    _fail(errors)
    start, end = cast(dt.date, start), cast(dt.date, end)
    entry.result = EntryResult.CERTIFIED
    entry.certificate_number = number
    entry.certificate_valid_from = start
    entry.certificate_valid_to = end
    entry.result_note = note
    entry.save(
        update_fields=[
            "result",
            "certificate_number",
            "certificate_valid_from",
            "certificate_valid_to",
            "result_note",
        ]
    )
    audit_record(
        actor=actor,
        action="event.entry_certify",
        obj=selection,
        before={"entry": entry.pk, "result": EntryResult.PENDING},
        after={
            "entry": entry.pk,
            "result": entry.result,
            "certificate": number,
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat(),
            "score": str(entry.total_score),
        },
        reason=note,
    )
    establishment_priority_refresh(actor=actor, establishments=[entry.establishment_id])
    project_counts_sync(actor=actor, projects=[selection.project])
    return entry


@transaction.atomic
def entry_reject(*, actor: Any, entry: SelectionEntry, note: str = "") -> SelectionEntry:
    selection, entry = _entry_for_decision(actor, entry)
    errors: dict[str, str] = {}
    note = _optional_text(errors, "note", note, 500)
    _fail(errors)
    entry.result = EntryResult.NOT_SELECTED
    entry.result_note = note
    entry.save(update_fields=["result", "result_note"])
    audit_record(
        actor=actor,
        action="event.entry_reject",
        obj=selection,
        before={"entry": entry.pk, "result": EntryResult.PENDING},
        after={"entry": entry.pk, "result": entry.result},
        reason=note,
    )
    return entry


@transaction.atomic
def establishment_priority_refresh(
    *, on: dt.date | None = None, actor: Any = None, establishments: Iterable[int] | None = None
) -> int:
    """Set `Establishment.typical_product` exactly on the establishments holding a typical-product
    certificate valid on `on` (today by default); only `establishments` (ids) when given. Each change is
    audited and bumps the record's version (an officer's form opened before it then reports a stale
    write instead of writing the old flag back). Returns the number of records changed."""
    on = on or timezone.localdate()
    certified = set(
        SelectionEntry.objects.filter(
            result=EntryResult.CERTIFIED, certificate_valid_from__lte=on, certificate_valid_to__gte=on
        ).values_list("establishment_id", flat=True)
    )
    qs = Establishment.objects.all()
    if establishments is not None:
        qs = qs.filter(pk__in=list(establishments))
    to_set = list(
        qs.filter(pk__in=certified, typical_product=False, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    to_clear = list(
        qs.filter(typical_product=True).exclude(pk__in=certified).order_by("pk").values_list("pk", flat=True)
    )
    for ids, value in ((to_set, True), (to_clear, False)):
        if not ids:
            continue
        Establishment.objects.filter(pk__in=ids).update(typical_product=value, version=F("version") + 1)
        for est in Establishment.objects.filter(pk__in=ids).order_by("pk"):
            audit_record(
                actor=actor,
                action="establishment.typical_product_refresh",
                obj=est,
                before={"typical_product": not value},
                after={"typical_product": value, "on": on.isoformat()},
            )
    return len(to_set) + len(to_clear)


# --- artisan titles ---------------------------------------------------------------------------------


@transaction.atomic
def title_create(
    *,
    actor: Any,
    person_name: str,
    kind: str,
    level: str,
    year: int,
    craft: str,
    decision_number: str,
    unit: AdministrativeUnit,
    establishment: Establishment | None = None,
    birth_year: int | None = None,
    decision_date: dt.date | None = None,
    project: Project | None = None,
) -> ArtisanTitle:
    _require_change(actor)
    errors: dict[str, str] = {}
    person_name = _text(errors, "person_name", person_name, _("Enter the person's full name."), 150)
    kind = _choice(errors, "kind", kind, TitleKind)
    level = _choice(errors, "level", level, TitleLevel)
    year = _year(errors, "year", year)
    craft = _text(errors, "craft", craft, _("Enter the craft."), 200)
    decision_number = _text(
        errors, "decision_number", decision_number, _("Enter the number of the awarding decision."), 60
    )
    decision_date = _date(errors, "decision_date", decision_date, required=False)
    if decision_date and year and decision_date.year != year:
        errors["decision_date"] = str(_("The decision date is not in %(year)s.") % {"year": year})
    if birth_year is not None:
        birth_year = _count(errors, "birth_year", birth_year, 1900)
        if "birth_year" not in errors and year and birth_year >= year:
            errors["birth_year"] = str(_("The year of birth must be before the title's year."))
    if not _unit_in_scope(actor, unit):
        errors["unit"] = str(_("Choose a province or commune in your jurisdiction."))
    if establishment is not None:
        if not _establishment_in_scope(actor, establishment):
            errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
        elif "unit" not in errors and not _unit_contains(unit, establishment.commune_id):
            errors["establishment"] = str(_("This establishment is not in the chosen province or commune."))
    _check_project(errors, actor, project, TITLE_INDICATORS, year=year)
    if not errors and _same_name(
        person_name,
        ArtisanTitle.objects.filter(kind=kind, level=level, year=year, unit=unit).values_list(
            "person_name", flat=True
        ),
    ):
        errors["person_name"] = str(_("This title is already recorded for this person."))
    _fail(errors)
    title = ArtisanTitle.objects.create(
        person_name=person_name,
        birth_year=birth_year,
        establishment=establishment,
        craft=craft,
        kind=kind,
        level=level,
        year=year,
        decision_number=decision_number,
        decision_date=decision_date,
        unit=unit,
        project=project,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.title_create",
        obj=title,
        after={
            "person": person_name,
            "kind": kind,
            "level": level,
            "year": year,
            "decision": decision_number,
            "unit": unit.pk,
            "establishment": establishment.pk if establishment else None,
            "project": project.pk if project else None,
        },
    )
    project_counts_sync(actor=actor, projects=[project])
    return title


# --- trainings and workshops ----------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    location: AdministrativeUnit,
    organiser: Agency,
    participants_count: int = 0,
    project: Project | None = None,
    note: str = "",
) -> Training:
    """A training course or workshop. `participants_count` is the number typed when the participants
    are not listed; listing them (`trainee_add`) replaces it by the number listed."""
    _require_change(actor)
    errors: dict[str, str] = {}
    kind = _choice(errors, "kind", kind, TrainingKind)
    title = _text(errors, "title", title, _("Enter the title."), 300)
    start, end = _period(errors, start_date, end_date)
    if not _unit_in_scope(actor, location):
        errors["location"] = str(_("Choose a province or commune in your jurisdiction."))
    _agency(errors, actor, organiser)
    participants_count = _count(errors, "participants_count", participants_count)
    note = _optional_text(errors, "note", note, 500)
    if kind:
        _check_project(errors, actor, project, TRAINING_INDICATORS[TrainingKind(kind)], on=start)
    _fail(errors)
    start_date, end_date = cast(dt.date, start), cast(dt.date, end)
    training = Training.objects.create(
        kind=kind,
        title=title,
        start_date=start_date,
        end_date=end_date,
        location=location,
        organiser=organiser,
        participants_count=participants_count,
        project=project,
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.training_create",
        obj=training,
        after={
            "kind": kind,
            "title": title,
            "start_date": start_date.isoformat(),
            "location": location.pk,
            "participants": participants_count,
            "project": project.pk if project else None,
        },
    )
    project_counts_sync(actor=actor, projects=[project])
    return training


@transaction.atomic
def trainee_add(
    *, actor: Any, training: Training, name: str, establishment: Establishment | None = None
) -> Trainee:
    """List one participant; the training's number of participants becomes the number listed."""
    _visible(actor, Training, training.pk)
    training = Training.objects.select_for_update().get(pk=training.pk)
    _require_open_project(training.project)
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, _("Enter the participant's full name."), 150)
    if establishment is not None and not _establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    _fail(errors)
    trainee = Trainee.objects.create(
        training=training, name=name, establishment=establishment, created_by=actor
    )
    before = training.participants_count
    training.participants_count = training.trainees.count()
    training.save(update_fields=["participants_count"])
    audit_record(
        actor=actor,
        action="event.trainee_add",
        obj=training,
        before={"participants": before},
        after={
            "participants": training.participants_count,
            "name": name,
            "establishment": establishment.pk if establishment else None,
        },
    )
    project_counts_sync(actor=actor, projects=[training.project])
    return trainee

"""Typical-product selections: entries, jury scores, certificates and the priority flags they set."""

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from django.db import transaction
from django.db.models import Avg, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict, scope_of
from khuyencong.accounts.models import Agency
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import region_provinces
from khuyencong.projects.models import Project

from ..choices import (
    LOCAL_SELECTION_LAST_YEAR,
    LOCAL_SELECTION_LEVELS,
    SELECTION_INDICATORS,
    UNIT_SELECTION_LEVELS,
    EntryResult,
    ProductGroup,
    SelectionLevel,
)
from ..models import JuryScore, ProductSelection, SelectionEntry
from .rules import (
    WrongState,
    check_agency,
    check_choice,
    check_count,
    check_date,
    check_optional_text,
    check_project,
    check_text,
    check_year,
    establishment_in_scope,
    project_counts_sync,
    raise_if_any,
    require_change,
    require_visible,
    same_name,
    unit_contains,
    unit_in_scope,
)


def can_organise(actor: Any, selection: ProductSelection) -> tuple[bool, str]:
    """May `actor` score, certify and reject entries of `selection`? Its area must be in the actor's
    jurisdiction (regional and national selections: the ministry)."""
    if not allows(actor, Action.CHANGE):
        return False, str(_("Your role does not allow this action."))
    if selection.unit_id is None:
        if scope_of(actor).nation:
            return True, ""
        return False, str(_("Regional and national selections are run by the ministry."))
    if unit_in_scope(actor, selection.unit):
        return True, ""
    return False, str(_("This selection is organised outside your jurisdiction."))


def _selection_for_change(actor: Any, selection: ProductSelection) -> ProductSelection:
    require_visible(actor, ProductSelection, selection.pk)
    allowed, reason = can_organise(actor, selection)
    if not allowed:
        raise PermissionDenied(reason)
    return ProductSelection.objects.select_for_update().get(pk=selection.pk)


def _selection_area(
    errors: dict[str, str], actor: Any, level: str, year: int, unit: Any, region: Any
) -> tuple[AdministrativeUnit | None, Region | None]:
    """Who holds the selection: a unit of its level (in force that year, in the actor's jurisdiction),
    a region, or the nation (the ministry's)."""
    if level in UNIT_SELECTION_LEVELS:
        if not isinstance(unit, AdministrativeUnit):
            errors["unit"] = str(_("Choose the unit that holds the selection."))
        elif unit.level != level:
            errors["unit"] = str(
                _("A %(level)s selection is held by a unit of that level.")
                % {"level": SelectionLevel(level).label}
            )
        elif year and not unit.in_force_during(year):
            errors["unit"] = str(
                _("%(unit)s was not in force in %(year)s.") % {"unit": unit.label, "year": year}
            )
        elif not unit_in_scope(actor, unit):
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
    return unit, region


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
    require_change(actor)
    errors: dict[str, str] = {}
    level = check_choice(errors, "level", level, SelectionLevel)
    year = check_year(errors, "year", year)
    name = check_text(errors, "name", name, _("Enter the selection's name."), 300)
    check_agency(errors, actor, organiser)
    if level in LOCAL_SELECTION_LEVELS and year and year > LOCAL_SELECTION_LAST_YEAR:
        errors["level"] = str(
            _("Commune and district selections were held until %(year)s; choose the provincial level.")
            % {"year": LOCAL_SELECTION_LAST_YEAR}
        )
    unit, region = _selection_area(errors, actor, level, year, unit, region)
    score = _score(errors, "pass_score", pass_score)
    certificate_years = check_count(errors, "certificate_years", certificate_years, 1)
    if "certificate_years" not in errors and certificate_years > 10:
        errors["certificate_years"] = str(_("At most 10 years."))
    decision_number = check_optional_text(errors, "decision_number", decision_number, 60)
    decision_date = check_date(errors, "decision_date", decision_date, required=False)
    check_project(errors, actor, project, SELECTION_INDICATORS, year=year)
    if not errors and (
        ProductSelection.objects.filter(level=level, year=year, unit=unit, region=region).exists()
    ):
        errors["year"] = str(
            _("This area already has a selection of that level in %(year)s.") % {"year": year}
        )
    raise_if_any(errors)
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
        return unit_contains(selection.unit, establishment.commune_id)
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
    require_visible(actor, ProductSelection, selection.pk)
    organiser, reason = can_organise(actor, selection)
    if not organiser and selection.unit_id is not None:
        raise PermissionDenied(reason)
    selection = ProductSelection.objects.select_for_update().get(pk=selection.pk)
    errors: dict[str, str] = {}
    if not establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    elif not _in_selection_area(selection, establishment):
        errors["establishment"] = str(_("This establishment is not in the selection's area."))
    product_name = check_text(errors, "product_name", product_name, _("Enter the product's name."), 300)
    product_group = check_choice(errors, "product_group", product_group, ProductGroup)
    if "establishment" not in errors and same_name(
        product_name,
        selection.entries.filter(establishment=establishment).values_list("product_name", flat=True),
    ):
        errors["product_name"] = str(_("This product of the establishment is already entered."))
    raise_if_any(errors)
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
    juror = check_text(errors, "juror", juror, _("Enter the juror's name."), 150)
    value = _score(errors, "score", score)
    raise_if_any(errors)
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
    number = check_text(
        errors, "certificate_number", certificate_number, _("Enter the certificate number."), 60
    )
    if number and selection.entries.filter(certificate_number=number).exclude(pk=entry.pk).exists():
        errors["certificate_number"] = str(_("This certificate number is already used in this selection."))
    start = check_date(errors, "valid_from", valid_from)
    end = check_date(errors, "valid_to", valid_to, required=False)
    if start and end is None and "valid_to" not in errors:
        end = _add_years(start, selection.certificate_years) - dt.timedelta(days=1)
    if start and end and end < start:
        errors["valid_to"] = str(_("The certificate cannot end before it starts."))
    note = check_optional_text(errors, "note", note, 500)
    raise_if_any(errors)
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
    note = check_optional_text(errors, "note", note, 500)
    raise_if_any(errors)
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

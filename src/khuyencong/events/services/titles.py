"""Artisan titles."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.core.audit import audit_record
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.models import Project

from ..choices import TITLE_INDICATORS, TitleKind, TitleLevel
from ..models import ArtisanTitle
from .base import (
    _check_project,
    _choice,
    _count,
    _date,
    _establishment_in_scope,
    _fail,
    _require_change,
    _same_name,
    _text,
    _unit_contains,
    _unit_in_scope,
    _year,
    project_counts_sync,
)


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

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
from .rules import (
    check_choice,
    check_count,
    check_date,
    check_project,
    check_text,
    check_year,
    establishment_in_scope,
    project_counts_sync,
    raise_if_any,
    require_change,
    same_name,
    unit_contains,
    unit_in_scope,
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
    require_change(actor)
    errors: dict[str, str] = {}
    person_name = check_text(errors, "person_name", person_name, _("Enter the person's full name."), 150)
    kind = check_choice(errors, "kind", kind, TitleKind)
    level = check_choice(errors, "level", level, TitleLevel)
    year = check_year(errors, "year", year)
    craft = check_text(errors, "craft", craft, _("Enter the craft."), 200)
    decision_number = check_text(
        errors, "decision_number", decision_number, _("Enter the number of the awarding decision."), 60
    )
    decision_date = check_date(errors, "decision_date", decision_date, required=False)
    if decision_date and year and decision_date.year != year:
        errors["decision_date"] = str(_("The decision date is not in %(year)s.") % {"year": year})
    if birth_year is not None:
        birth_year = check_count(errors, "birth_year", birth_year, 1900)
        if "birth_year" not in errors and year and birth_year >= year:
            errors["birth_year"] = str(_("The year of birth must be before the title's year."))
    if not unit_in_scope(actor, unit):
        errors["unit"] = str(_("Choose a province or commune in your jurisdiction."))
    if establishment is not None:
        if not establishment_in_scope(actor, establishment):
            errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
        elif "unit" not in errors and not unit_contains(unit, establishment.commune_id):
            errors["establishment"] = str(_("This establishment is not in the chosen province or commune."))
    check_project(errors, actor, project, TITLE_INDICATORS, year=year)
    if not errors and same_name(
        person_name,
        ArtisanTitle.objects.filter(kind=kind, level=level, year=year, unit=unit).values_list(
            "person_name", flat=True
        ),
    ):
        errors["person_name"] = str(_("This title is already recorded for this person."))
    raise_if_any(errors)
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

"""Fairs and their participations."""

import datetime as dt
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import scope_of
from khuyencong.accounts.models import Agency
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.money import whole_dong
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.models import Project

from ..choices import FAIR_INDICATORS, OPEN_FAIR_LEVELS, FairLevel
from ..models import Fair, FairParticipation
from .rules import (
    check_agency,
    check_choice,
    check_count,
    check_optional_text,
    check_period,
    check_project,
    check_text,
    establishment_in_scope,
    project_counts_sync,
    raise_if_any,
    require_change,
    require_open_project,
    require_visible,
    unit_in_scope,
)


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
    require_change(actor)
    errors: dict[str, str] = {}
    name = check_text(errors, "name", name, _("Enter the fair's name."), 300)
    level = check_choice(errors, "level", level, FairLevel)
    place = check_text(errors, "place", place, _("Enter where the fair is held."), 300)
    if not unit_in_scope(actor, location):
        errors["location"] = str(_("Choose a province or commune in your jurisdiction."))
    elif level == FairLevel.COMMUNE and location.level != Level.COMMUNE:
        errors["location"] = str(_("A commune fair is held in a commune."))
    if level in OPEN_FAIR_LEVELS and not scope_of(actor).nation:
        # every province sees these fairs (to record their establishments' booths): the ministry's record
        errors["level"] = str(
            _(
                "Regional, national and international fairs are recorded by the ministry; record your "
                "establishments' booths on the ministry's record of the fair."
            )
        )
    check_agency(errors, actor, organiser)
    start, end = check_period(errors, start_date, end_date)
    booths_total = check_count(errors, "booths_total", booths_total)
    note = check_optional_text(errors, "note", note, 500)
    check_project(errors, actor, project, FAIR_INDICATORS, on=start)
    raise_if_any(errors)
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
    require_visible(actor, Fair, fair.pk)
    fair = Fair.objects.select_for_update().get(pk=fair.pk)  # serialises the booth count
    errors: dict[str, str] = {}
    if not establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    elif fair.participations.filter(establishment=establishment).exists():
        errors["establishment"] = str(_("This establishment is already recorded at this fair."))
    booths = check_count(errors, "booths", booths, 1)
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
    note = check_optional_text(errors, "note", note, 500)
    check_project(errors, actor, project, FAIR_INDICATORS, on=fair.start_date)
    raise_if_any(errors)
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
    require_visible(actor, FairParticipation, participation.pk)
    participation = FairParticipation.objects.select_related("fair", "project", "establishment").get(
        pk=participation.pk
    )
    require_open_project(participation.project)
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

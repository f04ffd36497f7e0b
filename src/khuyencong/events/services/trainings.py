"""Trainings and workshops, and their trainees."""

import datetime as dt
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Agency
from khuyencong.core.audit import audit_record
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.models import Project

from ..choices import TRAINING_INDICATORS, TrainingKind
from ..models import Trainee, Training
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
    require_change(actor)
    errors: dict[str, str] = {}
    kind = check_choice(errors, "kind", kind, TrainingKind)
    title = check_text(errors, "title", title, _("Enter the title."), 300)
    start, end = check_period(errors, start_date, end_date)
    if not unit_in_scope(actor, location):
        errors["location"] = str(_("Choose a province or commune in your jurisdiction."))
    check_agency(errors, actor, organiser)
    participants_count = check_count(errors, "participants_count", participants_count)
    note = check_optional_text(errors, "note", note, 500)
    if kind:
        check_project(errors, actor, project, TRAINING_INDICATORS[TrainingKind(kind)], on=start)
    raise_if_any(errors)
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
    require_visible(actor, Training, training.pk)
    training = Training.objects.select_for_update().get(pk=training.pk)
    require_open_project(training.project)
    errors: dict[str, str] = {}
    name = check_text(errors, "name", name, _("Enter the participant's full name."), 150)
    if establishment is not None and not establishment_in_scope(actor, establishment):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    raise_if_any(errors)
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

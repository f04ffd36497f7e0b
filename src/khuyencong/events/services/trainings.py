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
from .base import (
    _agency,
    _check_project,
    _choice,
    _count,
    _establishment_in_scope,
    _fail,
    _optional_text,
    _period,
    _require_change,
    _require_open_project,
    _text,
    _unit_in_scope,
    _visible,
    project_counts_sync,
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

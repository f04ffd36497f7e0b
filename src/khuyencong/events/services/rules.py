"""The rules every event writer applies: field checks that collect every field's error before one
refusal (`raise_if_any`), jurisdiction checks, the project an event counts toward, and keeping the
projects' counts in step (`project_counts_sync`)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.models import Indicator
from khuyencong.core.errors import (
    NotInJurisdiction,
    PermissionDenied,
    ValidationFailed,
    WrongState,
)
from khuyencong.core.formatting import format_date
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import containment_q
from khuyencong.projects.models import Deliverable, Project
from khuyencong.projects.services import ACHIEVABLE_STATES, deliverable_sync

from ..selectors import project_event_counts, project_event_names

INVALID = _("Some fields are not valid.")
YEARS = (2000, 2100)


# --- checks shared by the writers --------------------------------------------------------------


def require_change(actor: Any) -> None:
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()


def require_visible(actor: Any, model: type[models.Model], pk: int) -> None:
    """NotInJurisdiction unless the actor may read the row; then PermissionDenied unless it may change."""
    if not restrict(model._default_manager.filter(pk=pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    require_change(actor)


def unit_in_scope(actor: Any, unit: Any) -> bool:
    return isinstance(unit, AdministrativeUnit) and (
        restrict(AdministrativeUnit.objects.filter(pk=unit.pk), actor, Action.CHANGE).exists()
    )


def establishment_in_scope(actor: Any, establishment: Any) -> bool:
    return isinstance(establishment, Establishment) and (
        restrict(
            Establishment.objects.filter(pk=establishment.pk, merged_into__isnull=True), actor, Action.CHANGE
        ).exists()
    )


def check_text(errors: dict, field: str, value: Any, message: Any, limit: int) -> str:
    text = " ".join(str(value or "").split()) if isinstance(value, str) or value is None else ""
    if not text:
        errors[field] = str(message)
    elif len(text) > limit:
        errors[field] = str(_("At most %(limit)s characters.") % {"limit": limit})
    return text


def check_optional_text(errors: dict, field: str, value: Any, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[field] = str(_("At most %(limit)s characters.") % {"limit": limit})
    return text


def check_count(errors: dict, field: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors[field] = str(_("Enter a whole number, %(min)s or more.") % {"min": minimum})
        return minimum
    return value


def check_year(errors: dict, field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (YEARS[0] <= value <= YEARS[1]):
        errors[field] = str(_("Enter a year between %(a)s and %(b)s.") % {"a": YEARS[0], "b": YEARS[1]})
        return 0
    return value


def check_date(errors: dict, field: str, value: Any, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = str(_("Enter a date as dd/mm/yyyy, e.g. 22/08/2023."))
        return None
    return value


def check_period(errors: dict, start: Any, end: Any) -> tuple[dt.date | None, dt.date | None]:
    start_date, end_date = check_date(errors, "start_date", start), check_date(errors, "end_date", end)
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = str(_("The end cannot be before the start."))
    return start_date, end_date


def check_choice(errors: dict, field: str, value: Any, choices: Any) -> str:
    if value not in choices.values:
        errors[field] = str(_("Choose a value from the list."))
        return ""
    return value


def check_agency(errors: dict, actor: Any, agency: Any) -> None:
    if not isinstance(agency, Agency) or not agencies_visible(actor).filter(pk=agency.pk).exists():
        errors["organiser"] = str(_("Choose an agency you can see."))


def unit_contains(unit: AdministrativeUnit, commune_id: int) -> bool:
    return AdministrativeUnit.objects.filter(containment_q(unit), pk=commune_id).exists()


def project_error(
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


def check_project(errors: dict, actor: Any, project: Any, indicators: Iterable[str], **when: Any) -> None:
    """Add the reason to `errors` when events of this kind cannot be linked to `project` (if given).
    Skipped while the date or year it is checked against is itself invalid."""
    if project is None or any(value in (None, 0) for value in when.values()):
        return
    if message := project_error(actor, project, indicators, **when):
        errors["project"] = message


def require_open_project(project: Project | None) -> None:
    """Refuse to change an event whose counts are final (its project was accepted, closed or stopped)."""
    if project is not None and project.state not in ACHIEVABLE_STATES:
        raise WrongState(
            _("The project %(code)s is %(state)s: the events counted for it can no longer change.")
            % {"code": project.code, "state": project.get_state_display()}
        )


def same_name(name: str, others: Iterable[str]) -> bool:
    """Whether `name` is among `others` whatever the case (Vietnamese letters too: "Đ" is "đ")."""
    folded = name.casefold()
    return bool(name) and any(other.casefold() == folded for other in others)


def raise_if_any(errors: dict) -> None:
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

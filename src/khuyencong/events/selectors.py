"""Reads of events: scoped lists, what a project's events count for each indicator, and the counts by
indicator that reports use."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from khuyencong.accounts.jurisdiction import Action, restrict, scope_of
from khuyencong.projects.models import Project

from .choices import EntryResult, EventIndicator, TrainingKind
from .models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    ProductSelection,
    SelectionEntry,
    Trainee,
    Training,
)


def fairs_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Fair]:
    return restrict(Fair.objects.select_related("location", "organiser", "project"), user, action)


def participations_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[FairParticipation]:
    return restrict(
        FairParticipation.objects.select_related(
            "fair", "establishment", "establishment__commune", "establishment__commune__province", "project"
        ),
        user,
        action,
    )


def selections_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[ProductSelection]:
    return restrict(
        ProductSelection.objects.select_related("unit", "unit__province", "region", "organiser", "project"),
        user,
        action,
    )


def entries_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[SelectionEntry]:
    return restrict(
        SelectionEntry.objects.select_related(
            "selection", "establishment", "establishment__commune", "establishment__commune__province"
        ),
        user,
        action,
    )


def titles_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[ArtisanTitle]:
    return restrict(
        ArtisanTitle.objects.select_related("unit", "unit__province", "establishment", "project"),
        user,
        action,
    )


def trainings_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Training]:
    return restrict(
        Training.objects.select_related("location", "location__province", "organiser", "project"),
        user,
        action,
    )


def trainees_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Trainee]:
    return restrict(Trainee.objects.select_related("establishment", "training"), user, action)


def _sum(qs: QuerySet, field: str) -> int:
    return int(qs.aggregate(total=Sum(field))["total"] or 0)


def project_event_counts(project: Project) -> dict[str, int]:
    """What the events linked to `project` count, by indicator code (unscoped: the project's own figures).

    - a fair organised under the project counts once, with its booths (the fair's standard booths, or
      the booths of its recorded participations if more) and all its participations;
    - a participation paid by the project (in a fair organised elsewhere) adds its fair, booths and one
      establishment-participation;
    - certified entries of selections organised under it; titles awarded under it; trainees of its
      trainings; its workshops and their delegates.
    """
    organised = list(
        Fair.objects.filter(project=project).annotate(
            part_booths=Sum("participations__booths"), parts=Count("participations")
        )
    )
    paid = FairParticipation.objects.filter(project=project).exclude(fair__project=project)
    fairs = {f.pk for f in organised} | set(paid.values_list("fair_id", flat=True))
    trainings = Training.objects.filter(project=project)
    workshops = trainings.filter(kind=TrainingKind.WORKSHOP)
    return {
        EventIndicator.FAIRS: len(fairs),
        EventIndicator.BOOTHS: sum(max(f.booths_total, f.part_booths or 0) for f in organised)
        + _sum(paid, "booths"),
        EventIndicator.PARTICIPATIONS: sum(f.parts for f in organised) + paid.count(),
        EventIndicator.TYPICAL_PRODUCTS: SelectionEntry.objects.filter(
            selection__project=project, result=EntryResult.CERTIFIED
        ).count(),
        EventIndicator.TITLES: ArtisanTitle.objects.filter(project=project).count(),
        EventIndicator.TRAINEES: _sum(trainings.filter(kind=TrainingKind.TRAINING), "participants_count"),
        EventIndicator.WORKSHOPS: workshops.count(),
        EventIndicator.DELEGATES: _sum(workshops, "participants_count"),
    }


def project_event_names(project: Project) -> list[str]:
    """The events behind a project's counts, as evidence on its deliverables."""
    names = [str(f) for f in Fair.objects.filter(project=project)]
    names += [
        str(f)
        for f in Fair.objects.filter(participations__project=project).exclude(project=project).distinct()
    ]
    names += [str(s) for s in ProductSelection.objects.filter(project=project)]
    names += [str(t) for t in ArtisanTitle.objects.filter(project=project)]
    names += [str(t) for t in Training.objects.filter(project=project)]
    return names


def fairs_taken_part_in(user: Any) -> QuerySet[Fair]:
    """Fairs held in the user's jurisdiction or with a participation of one of its establishments (not
    every regional or national fair the user may read)."""
    scope = scope_of(user)
    parts = restrict(FairParticipation.objects.all(), user)
    return restrict(Fair.objects.all(), user).filter(
        scope.unit_q("location") | Q(pk__in=parts.values("fair"))
    )


def event_counts(user: Any, year: int) -> dict[str, int]:
    """Counts by indicator code of the events of `year` (by start date, or by the selection's and the
    title's year) in the user's jurisdiction. Booths and participations are those of the jurisdiction's
    establishments, wherever the fair; fairs are those held in it or where its establishments took part."""
    counts: dict[str, int] = defaultdict(int)
    parts = restrict(FairParticipation.objects.filter(fair__start_date__year=year), user)
    counts[EventIndicator.FAIRS] = fairs_taken_part_in(user).filter(start_date__year=year).count()
    counts[EventIndicator.BOOTHS] = _sum(parts, "booths")
    counts[EventIndicator.PARTICIPATIONS] = parts.count()
    counts[EventIndicator.TYPICAL_PRODUCTS] = restrict(
        SelectionEntry.objects.filter(selection__year=year, result=EntryResult.CERTIFIED), user
    ).count()
    counts[EventIndicator.TITLES] = restrict(ArtisanTitle.objects.filter(year=year), user).count()
    trainings = restrict(Training.objects.filter(start_date__year=year), user)
    workshops = trainings.filter(kind=TrainingKind.WORKSHOP)
    counts[EventIndicator.TRAINEES] = _sum(trainings.filter(kind=TrainingKind.TRAINING), "participants_count")
    counts[EventIndicator.WORKSHOPS] = workshops.count()
    counts[EventIndicator.DELEGATES] = _sum(workshops, "participants_count")
    return dict(counts)


def fair_booths_taken(fair: Fair) -> int:
    return _sum(FairParticipation.objects.filter(fair=fair), "booths")

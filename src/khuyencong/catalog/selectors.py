"""Reads of the catalogue (reference data: the same for every signed-in user)."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from .models import Activity, ContentGroup, Indicator, Programme, SupportNorm


def programme_for(year: int, kind: str = "national") -> Programme | None:
    """The programme of `kind` that covers `year` (e.g. 2023 → 2021–2025)."""
    return (
        Programme.objects.filter(kind=kind, year_from__lte=year)
        .filter(year_to__gte=year)
        .order_by("-year_from")
        .first()
    )


def programmes() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("unit")
        .prefetch_related("targets")
        .order_by("kind", "year_from", "code")
    )


def programme_tree(programme: Programme) -> QuerySet[ContentGroup]:
    """The programme's content groups with their activities and the decree groups they report."""
    return programme.groups.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("name")), "decree_groups"
    ).order_by("number")


def activities_of(programme: Programme, on: dt.date | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.filter(groups__programme=programme).distinct()
    return qs.valid_on(on) if on else qs


def activity_detail(code: str) -> Activity:
    return Activity.objects.prefetch_related("groups__programme", "norms", "indicators").get(code=code)


def norms_on(on: dt.date) -> QuerySet[SupportNorm]:
    return SupportNorm.objects.valid_on(on).select_related("activity").order_by("activity__name", "code")


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.prefetch_related("activities").order_by("name")

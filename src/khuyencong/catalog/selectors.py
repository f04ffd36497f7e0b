"""Reads of the catalogue (reference data: the same for every signed-in user)."""

import datetime as dt

from django.db.models import Count, Prefetch, QuerySet

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
    activities = Prefetch("activities", queryset=Activity.objects.order_by("name"))
    decree_groups = Prefetch(
        "decree_groups", queryset=ContentGroup.objects.select_related("programme").order_by("number")
    )
    return programme.groups.prefetch_related(activities).prefetch_related(decree_groups).order_by("number")


def activities_of(programme: Programme, on: dt.date | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.filter(groups__programme=programme).distinct()
    return qs.valid_on(on) if on else qs


def activity_detail(code: str) -> Activity:
    return Activity.objects.prefetch_related("groups__programme", "norms", "indicators").get(code=code)


def norms_on(on: dt.date) -> QuerySet[SupportNorm]:
    return SupportNorm.objects.valid_on(on).select_related("activity").order_by("activity__name", "code")


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.prefetch_related("activities").order_by("name")


def programme_summaries() -> QuerySet[Programme]:
    """The programmes with the number of their content groups (`group_count`)."""
    return programmes().annotate(group_count=Count("groups", distinct=True))


def _groups_with_programme() -> Prefetch:
    return Prefetch(
        "groups",
        queryset=ContentGroup.objects.select_related("programme").order_by(
            "programme__kind", "programme__year_from", "programme__code", "number"
        ),
    )


def activity_choices() -> QuerySet[Activity]:
    """Every activity, by name, for drop-downs (reference data: no jurisdiction)."""
    return Activity.objects.order_by("name")


def activity_list(*, programme: Programme | None = None, on: dt.date | None = None) -> QuerySet[Activity]:
    """Activities (of `programme`, in force on `on` when given) with their groups and programmes."""
    if programme is not None:
        qs = activities_of(programme, on)
    else:
        qs = Activity.objects.valid_on(on) if on is not None else Activity.objects.all()
    return qs.prefetch_related(_groups_with_programme()).order_by("code")


def activity_full(code: str) -> Activity:
    """One activity with its groups (and programmes), norms over time and indicators."""
    return Activity.objects.prefetch_related(
        _groups_with_programme(),
        Prefetch("norms", queryset=SupportNorm.objects.order_by("valid_from", "code")),
        Prefetch("indicators", queryset=Indicator.objects.order_by("name")),
    ).get(code=code)


def norm_list(*, on: dt.date | None = None, activity: Activity | None = None) -> QuerySet[SupportNorm]:
    """Support norms (in force on `on` when given; of `activity` when given)."""
    qs = norms_on(on) if on is not None else SupportNorm.objects.select_related("activity")
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs.order_by("activity__name", "valid_from", "code")


def catalogue_counts(on: dt.date) -> dict[str, int]:
    """How much the catalogue holds: activities, indicators and the norms in force on `on`."""
    return {
        "activities": Activity.objects.count(),
        "indicators": Indicator.objects.count(),
        "norms_in_force": norms_on(on).count(),
    }

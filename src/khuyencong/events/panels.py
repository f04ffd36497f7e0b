"""What events adds to the pages of the apps below it (core.panels; registered in EventsConfig.ready)."""

from typing import Any

from django.http import HttpRequest

from khuyencong.establishments.models import Establishment

from .selectors import entries_visible, participations_visible, titles_visible


def establishment_events(request: HttpRequest, establishment: Establishment) -> dict[str, Any]:
    """The establishment's profile: the fairs it took part in, its typical-product entries, its titles."""
    user = request.user
    return {
        "fair_participations": participations_visible(user)
        .filter(establishment=establishment)
        .select_related("fair", "project")
        .order_by("-fair__start_date"),
        "selection_entries": entries_visible(user)
        .filter(establishment=establishment)
        .select_related("selection")
        .order_by("-selection__year"),
        "titles": titles_visible(user).filter(establishment=establishment).order_by("-year"),
    }

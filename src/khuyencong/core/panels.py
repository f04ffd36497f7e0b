"""Panels that an app higher in the layers adds to a page of an app below it.

An establishment's profile shows the fairs it took part in (events) and the support it received
(finance); a project's page shows its ledger (finance). The page belongs to the lower app, which
cannot import the higher ones (ARCHITECTURE.md), so the higher app contributes the panel's context
when it loads: `contribute("establishments.detail", fairs_panel)` in its `AppConfig.ready`. The page
merges what every contributor returns (`panels("establishments.detail", request, establishment)`)
and its template draws the panels from those names."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Contribution = Callable[[HttpRequest, Any], dict[str, Any]]

_contributions: dict[str, list[Contribution]] = defaultdict(list)


def contribute(page: str, contribution: Contribution) -> None:
    if contribution not in _contributions[page]:
        _contributions[page].append(contribution)


def panels(page: str, request: HttpRequest, obj: Any) -> dict[str, Any]:
    """The context every contributor gives `page` about `obj`; two contributors may not share a name."""
    context: dict[str, Any] = {}
    for contribution in _contributions[page]:
        part = contribution(request, obj)
        if clash := context.keys() & part.keys():
            raise ValueError(f"{page}: {sorted(clash)} contributed twice")
        context.update(part)
    return context

"""Access-harness registrations for the finance pages (projects from testing.projects)."""

from django.urls import reverse

from khuyencong.projects.tests.doors import CHANGE_ROLES
from khuyencong.testing.access import door
from khuyencong.testing.projects import make_project

_made: dict = {}


def _project(w, target, state):
    _made["project"] = make_project(w, target, state)
    return _made["project"]


def _page(name, **kwargs):
    return reverse(f"finance:{name}", kwargs=kwargs)


door(
    "finance:ledger",
    lambda w, t, u: (_project(w, t, "in_progress"), _page("ledger") + "?q=UNC")[1],
    is_list=True,
    own_marker=lambda w, u: _made["project"].code,
    foreign_marker=lambda w, u: _made["project"].code,
)
door(
    "finance:contract_create",
    lambda w, t, u: _page("contract_create", pk=_project(w, t, "approved").pk),
    roles=CHANGE_ROLES,
)
door(
    "finance:entry_create",
    lambda w, t, u: _page("entry_create", pk=_project(w, t, "in_progress").pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "entry-kind": "payment",
        "entry-amount": "1 triệu",
        "entry-value_date": "01/07/2025",
        "entry-reference": "UNC 9",
    },
    ok=302,
)
door(
    "finance:entry_reverse",
    lambda w, t, u: _page(
        "entry_reverse", entry_pk=_project(w, t, "in_progress").ledger_entries.filter(kind="advance").get().pk
    ),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        f"rev{_made['project'].ledger_entries.filter(kind='advance').get().pk}-reason": "nhầm số"
    },
    ok=302,
)

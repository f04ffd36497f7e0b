"""Access-harness registrations for the event pages (see khuyencong.testing.access). "own" events take
place in phường Phan Rang, "foreign" ones in Hà Nội (events.tests.builders). Reading is for every role;
recording is for the roles that may change records."""

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.events.tests import builders as b
from khuyencong.testing.access import door

CHANGE_ROLES = frozenset(
    {
        Role.MINISTRY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.PROVINCE_APPROVER,
        Role.COMMUNE_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)
_made: dict = {}


def _page(name, **kwargs):
    return reverse(f"events:{name}", kwargs=kwargs)


def _remember(target, **objects):
    _made.update(target=target, **objects)
    return objects


def _fair(w, t):
    return _remember(t, fair=b.fair(w, t))["fair"]


def _participation(w, t):
    p = b.participation(w, t)
    return _remember(t, fair=p.fair, participation=p)["participation"]


def _entry(w, t):
    e = b.entry(w, t, scores=(80, 86))
    return _remember(t, selection=e.selection, entry=e)["entry"]


def _selection(w, t):
    return _remember(t, selection=b.selection(w, t))["selection"]


def _title(w, t):
    return _remember(t, title=b.title(w, t))["title"]


def _training(w, t):
    return _remember(t, training=b.training(w, t))["training"]


def _marker(name, key):
    return lambda w, u: _page(name, pk=_made[key].pk)


def _entry_establishment(w, u):
    return b.establishment(w, b.selection_area(w, _made["target"])[1]).pk


door(
    "events:home",
    lambda w, t, u: (_fair(w, t), _page("home") + "?year=2025")[1],
    is_list=True,
    own_marker=_marker("fair_detail", "fair"),
    foreign_marker=_marker("fair_detail", "fair"),
)
door(
    "events:fair_list",
    lambda w, t, u: (_fair(w, t), _page("fair_list"))[1],
    is_list=True,
    own_marker=_marker("fair_detail", "fair"),
    foreign_marker=_marker("fair_detail", "fair"),
)
door("events:fair_create", lambda w, t, u: _page("fair_create"), scoped=False, roles=CHANGE_ROLES)
door("events:fair_detail", lambda w, t, u: _page("fair_detail", pk=_participation(w, t).fair_id))
door(
    "events:participation_add",
    lambda w, t, u: _page("participation_add", pk=_fair(w, t).pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"establishment": b.establishment(w, w.phan_rang).pk, "booths": "2"},
    ok=302,
)
door(
    "events:participation_remove",
    lambda w, t, u: _page(
        "participation_remove", pk=_participation(w, t).fair_id, part_pk=_made["participation"].pk
    ),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door(
    "events:selection_list",
    lambda w, t, u: (_selection(w, t), _page("selection_list"))[1],
    is_list=True,
    own_marker=_marker("selection_detail", "selection"),
    foreign_marker=_marker("selection_detail", "selection"),
)
door("events:selection_create", lambda w, t, u: _page("selection_create"), scoped=False, roles=CHANGE_ROLES)
door("events:selection_detail", lambda w, t, u: _page("selection_detail", pk=_entry(w, t).selection_id))
door(
    "events:entry_add",
    lambda w, t, u: _page("entry_add", pk=_selection(w, t).pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "establishment": _entry_establishment(w, u),
        "product_name": "Bánh tráng nướng",
        "product_group": "food",
    },
    ok=302,
)
door(
    "events:entry_score",
    lambda w, t, u: _page("entry_score", pk=_entry(w, t).selection_id, entry_pk=_made["entry"].pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"juror": "Ông Trần Văn Ba", "score": "85,5"},
    ok=302,
)
door(
    "events:entry_certify",
    lambda w, t, u: _page("entry_certify", pk=_entry(w, t).selection_id, entry_pk=_made["entry"].pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"certificate_number": "GCN-01", "valid_from": "01/09/2025"},
    ok=302,
)
door(
    "events:entry_reject",
    lambda w, t, u: _page("entry_reject", pk=_entry(w, t).selection_id, entry_pk=_made["entry"].pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"note": "Chưa đạt"},
    ok=302,
)
door(
    "events:title_list",
    lambda w, t, u: (_title(w, t), _page("title_list"))[1],
    is_list=True,
    own_marker=lambda w, u: f'data-title="{_made["title"].pk}"',
    foreign_marker=lambda w, u: f'data-title="{_made["title"].pk}"',
)
door("events:title_create", lambda w, t, u: _page("title_create"), scoped=False, roles=CHANGE_ROLES)
door(
    "events:training_list",
    lambda w, t, u: (_training(w, t), _page("training_list"))[1],
    is_list=True,
    own_marker=_marker("training_detail", "training"),
    foreign_marker=_marker("training_detail", "training"),
)
door("events:training_create", lambda w, t, u: _page("training_create"), scoped=False, roles=CHANGE_ROLES)
door("events:training_detail", lambda w, t, u: _page("training_detail", pk=_training(w, t).pk))
door(
    "events:trainee_add",
    lambda w, t, u: _page("trainee_add", pk=_training(w, t).pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"name": "Nguyễn Thị Hoa"},
    ok=302,
)

"""Access-harness registrations for the events API (see khuyencong.testing.access and doors.py)."""

from django.urls import reverse

from khuyencong.events.tests import builders as b
from khuyencong.events.tests.doors import (
    CHANGE_ROLES,
    _entry,
    _fair,
    _made,
    _participation,
    _selection,
    _title,
    _training,
)
from khuyencong.testing.access import door


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _id_marker(key):
    return lambda w, u: f'"id": {_made[key].pk},'


def _entry_establishment(w, u):
    return b.establishment(w, b.selection_area(w, _made["target"])[1]).pk


door(
    "api:event_counts_api",
    lambda w, t, u: _url("event_counts_api") + "?year=2025",
    kind="api",
    scoped=False,
)
door(
    "api:event_fair_list",
    lambda w, t, u: (_fair(w, t), _url("event_fair_list") + "?year=2025")[1],
    kind="api",
    is_list=True,
    own_marker=_id_marker("fair"),
    foreign_marker=_id_marker("fair"),
)
door(
    "api:event_fair_detail",
    lambda w, t, u: _url("event_fair_detail", _participation(w, t).fair_id),
    kind="api",
)
door(
    "api:event_fair_create",
    lambda w, t, u: _url("event_fair_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "name": "Hội chợ Công Thương Phan Rang",
        "level": "province",
        "place": "Quảng trường 16/4",
        "location_id": w.phan_rang.pk,
        "organiser_id": w.agency("ubnd-phan-rang").pk,
        "start_date": "2025-08-01",
        "end_date": "2025-08-05",
        "booths_total": 120,
    },
    ok=201,
)
door(
    "api:event_participation_add",
    lambda w, t, u: _url("event_participation_add", _fair(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"establishment_id": b.establishment(w, w.phan_rang).pk, "booths": 2},
    ok=201,
)
door(
    "api:event_participation_remove",
    lambda w, t, u: _url(
        "event_participation_remove", _participation(w, t).fair_id, _made["participation"].pk
    ),
    kind="api",
    method="delete",
    roles=CHANGE_ROLES,
    ok=204,
)
door(
    "api:event_selection_list",
    lambda w, t, u: (_selection(w, t), _url("event_selection_list"))[1],
    kind="api",
    is_list=True,
    own_marker=_id_marker("selection"),
    foreign_marker=_id_marker("selection"),
)
door(
    "api:event_selection_detail",
    lambda w, t, u: _url("event_selection_detail", _entry(w, t).selection_id),
    kind="api",
)
door(
    "api:event_selection_create",
    lambda w, t, u: _url("event_selection_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "level": "commune",
        "year": 2024,
        "name": "Bình chọn sản phẩm CNNT tiêu biểu cấp xã 2024",
        "unit_id": w.phan_rang_predecessor.pk,
        "organiser_id": w.agency("ubnd-phan-rang").pk,
    },
    ok=201,
)
door(
    "api:event_entry_add",
    lambda w, t, u: _url("event_entry_add", _selection(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "establishment_id": _entry_establishment(w, u),
        "product_name": "Nước mắm cá cơm",
        "product_group": "food",
    },
    ok=201,
)
door(
    "api:event_entry_score",
    lambda w, t, u: _url("event_entry_score", _entry(w, t).selection_id, _made["entry"].pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"juror": "Bà Lê Thị Cúc", "score": "91.5"},
)
door(
    "api:event_entry_certify",
    lambda w, t, u: _url("event_entry_certify", _entry(w, t).selection_id, _made["entry"].pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"certificate_number": "GCN-07", "valid_from": "2025-09-01"},
)
door(
    "api:event_entry_reject",
    lambda w, t, u: _url("event_entry_reject", _entry(w, t).selection_id, _made["entry"].pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"note": "Chưa đạt"},
)
door(
    "api:event_title_list",
    lambda w, t, u: (_title(w, t), _url("event_title_list") + "?year=2025")[1],
    kind="api",
    is_list=True,
    own_marker=_id_marker("title"),
    foreign_marker=_id_marker("title"),
)
door("api:event_title_detail", lambda w, t, u: _url("event_title_detail", _title(w, t).pk), kind="api")
door(
    "api:event_title_create",
    lambda w, t, u: _url("event_title_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "person_name": "Đàng Thị Phan",
        "kind": "artisan",
        "level": "province",
        "year": 2025,
        "craft": "gốm Bàu Trúc",
        "decision_number": "45/QĐ-UBND",
        "unit_id": w.phan_rang.pk,
    },
    ok=201,
)
door(
    "api:event_training_list",
    lambda w, t, u: (_training(w, t), _url("event_training_list") + "?year=2025")[1],
    kind="api",
    is_list=True,
    own_marker=_id_marker("training"),
    foreign_marker=_id_marker("training"),
)
door(
    "api:event_training_detail", lambda w, t, u: _url("event_training_detail", _training(w, t).pk), kind="api"
)
door(
    "api:event_training_create",
    lambda w, t, u: _url("event_training_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "kind": "workshop",
        "title": "Hội thảo chuyển đổi số cho cơ sở CNNT",
        "start_date": "2025-09-10",
        "end_date": "2025-09-10",
        "location_id": w.phan_rang.pk,
        "organiser_id": w.agency("ubnd-phan-rang").pk,
        "participants_count": 80,
    },
    ok=201,
)
door(
    "api:event_trainee_add",
    lambda w, t, u: _url("event_trainee_add", _training(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"name": "Nguyễn Văn Tâm"},
    ok=201,
)

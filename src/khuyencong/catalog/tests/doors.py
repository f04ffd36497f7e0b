"""Access-harness registrations for the programme catalogue: reference data, the same for every
signed-in user (scoped=False); anonymous visitors are sent to the login page or get a 401."""

from urllib.parse import urlencode

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.access import door

PROGRAMME = "ctkcqg-2021-2025"
ACTIVITY = "may-moc-thiet-bi"
CHECK = {
    "activity": ACTIVITY,
    "eligible_cost": "300.000.000",
    "requested_support": "180 triệu",
    "on": "01/06/2016",
}

# pages
door(
    "catalog:home",
    lambda w, t, u: reverse("catalog:home"),
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: reverse("catalog:programme_detail", args=[PROGRAMME]),
)
door(
    "catalog:programme_detail",
    lambda w, t, u: reverse("catalog:programme_detail", args=[PROGRAMME]),
    scoped=False,
    own_marker=lambda w, u: reverse("catalog:activity_detail", args=[ACTIVITY]),
)
door(
    "catalog:activity_detail",
    lambda w, t, u: reverse("catalog:activity_detail", args=[ACTIVITY]),
    scoped=False,
    own_marker=lambda w, u: 'data-norm-code="may-moc-2014"',
)
door(
    "catalog:norm_list",
    lambda w, t, u: reverse("catalog:norm_list") + "?on=01/06/2016",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: 'data-norm-code="mo-hinh-2014"',
)
door(
    "catalog:indicator_list",
    lambda w, t, u: reverse("catalog:indicator_list"),
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: reverse("catalog:activity_detail", args=[ACTIVITY]),
)
door(
    "catalog:support_check",
    lambda w, t, u: reverse("catalog:support_check") + "?" + urlencode(CHECK),
    scoped=False,
    own_marker=lambda w, u: 'data-code="share_exceeded"',
)

# API
door(
    "api:catalog_programme_list",
    lambda w, t, u: reverse("api:catalog_programme_list"),
    kind="api",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: f'"code": "{PROGRAMME}"',
)
door(
    "api:catalog_programme_detail",
    lambda w, t, u: reverse("api:catalog_programme_detail", args=[PROGRAMME]),
    kind="api",
    scoped=False,
    own_marker=lambda w, u: '"code": "ct21-1"',
)
door(
    "api:catalog_activity_list",
    lambda w, t, u: reverse("api:catalog_activity_list") + f"?programme={PROGRAMME}",
    kind="api",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: f'"code": "{ACTIVITY}"',
)
door(
    "api:catalog_activity_detail",
    lambda w, t, u: reverse("api:catalog_activity_detail", args=[ACTIVITY]),
    kind="api",
    scoped=False,
    own_marker=lambda w, u: '"code": "may-moc-2014"',
)
door(
    "api:catalog_indicator_list",
    lambda w, t, u: reverse("api:catalog_indicator_list"),
    kind="api",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: f'"{ACTIVITY}"',
)
door(
    "api:catalog_norm_list",
    lambda w, t, u: reverse("api:catalog_norm_list") + "?on=2016-06-01",
    kind="api",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: '"code": "mo-hinh-2014"',
)
door(
    "api:catalog_check_support",
    lambda w, t, u: reverse("api:catalog_check_support"),
    kind="api",
    method="post",
    scoped=False,
    data=lambda w, u: {
        "activity": ACTIVITY,
        "eligible_cost": 300_000_000,
        "requested_support": 180_000_000,
        "on_date": "2016-06-01",
    },
    own_marker=lambda w, u: '"code": "share_exceeded"',
)


# Editing the catalogue: system administrators only (reference data, the same for everyone).
_ADMIN = frozenset({Role.SYSTEM_ADMIN})
door(
    "api:catalog_norm_create",
    lambda w, t, u: reverse("api:catalog_norm_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {
        "code": "may-moc-2018",
        "activity": "may-moc-thiet-bi",
        "max_share": "0.5",
        "cap": 300_000_000,
        "cap_per": "establishment",
        "legal_basis": "Thông tư 28/2018/TT-BTC",
        "valid_from": "2018-05-12",
    },
    ok=201,
)
door(
    "api:catalog_norm_update",
    lambda w, t, u: reverse("api:catalog_norm_update", args=["may-moc-2014"]),
    kind="api",
    method="patch",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {"valid_to": "2018-05-11"},
)
door(
    "api:catalog_activity_create",
    lambda w, t, u: reverse("api:catalog_activity_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {
        "code": "thuong-mai-dien-tu",
        "name": "Hỗ trợ bán hàng trên sàn thương mại điện tử",
        "groups": ["nd-11"],
    },
    ok=201,
)
door(
    "api:catalog_activity_update",
    lambda w, t, u: reverse("api:catalog_activity_update", args=["hoi-thao"]),
    kind="api",
    method="patch",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {"description": "Hội thảo chuyên đề"},
)
door(
    "api:catalog_indicator_create",
    lambda w, t, u: reverse("api:catalog_indicator_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {"code": "san-tmdt", "name": "Cơ sở lên sàn thương mại điện tử", "unit": "cơ sở"},
    ok=201,
)
door(
    "api:catalog_indicator_update",
    lambda w, t, u: reverse("api:catalog_indicator_update", args=["hoi-thao"]),
    kind="api",
    method="patch",
    scoped=False,
    roles=_ADMIN,
    data=lambda w, u: {"name": "Hội thảo, tập huấn, hội nghị"},
)

"""Access-harness registrations for the geography pages and endpoints."""

from django.urls import reverse

from khuyencong.testing.access import door


def _unit(w, target):
    return w.phan_rang_predecessor if target == "own" else w.ha_noi_commune


def _search(w, target):
    unit = _unit(w, target)
    return unit.name.split(" ", 1)[1]  # "Xã Văn Hải" -> "Văn Hải"


door(
    "accounts:unit_list",
    lambda w, t, u: reverse("accounts:unit_list") + f"?q={_search(w, t)}",
    is_list=True,
    own_marker=lambda w, u: reverse("accounts:unit_detail", args=[w.phan_rang_predecessor.pk]),
    foreign_marker=lambda w, u: reverse("accounts:unit_detail", args=[w.ha_noi_commune.pk]),
)
door("accounts:unit_detail", lambda w, t, u: reverse("accounts:unit_detail", args=[_unit(w, t).pk]))
door(
    "api:unit_list",
    lambda w, t, u: reverse("api:unit_list") + f"?q={_search(w, t)}",
    kind="api",
    is_list=True,
    own_marker=lambda w, u: f'"id": {w.phan_rang_predecessor.pk},',
    foreign_marker=lambda w, u: f'"id": {w.ha_noi_commune.pk},',
)
door("api:unit_detail", lambda w, t, u: reverse("api:unit_detail", args=[_unit(w, t).pk]), kind="api")
door(
    "accounts:region_list",
    lambda w, t, u: reverse("accounts:region_list") + "?year=2026",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: w.khanh_hoa.name,
)
door(
    "api:region_list",
    lambda w, t, u: reverse("api:region_list"),
    kind="api",
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: '"code": "mttn"',
)
door(
    "api:region_detail", lambda w, t, u: reverse("api:region_detail", args=["mttn"]), kind="api", scoped=False
)

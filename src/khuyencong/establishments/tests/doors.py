"""Access-harness registrations for the establishment registry.

Each door's `path` registers the target establishment through the service (as the ministry officer, who
may register anywhere): "own" in phường Phan Rang, "foreign" in a Hà Nội ward. Reading is for every
role; registering, editing and merging only for the roles that may change records (a foreign record is
404 for every scoped role, an own one 403 for the read-only roles).
"""

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.services import establishment_create
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
NAMES = {"own": "Cơ sở bánh tráng Cửa Cổng", "foreign": "Cơ sở mây tre đan Phú Vinh"}


def _register(w, name, commune, **extra):
    return establishment_create(
        actor=w.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=LegalForm.HOUSEHOLD_BUSINESS,
        name=name,
        commune=commune,
        industry=Industry.objects.get(code="10"),
        **extra,
    )


def _target(w, target):
    commune = w.phan_rang if target == "own" else w.ha_noi_commune
    return _register(w, NAMES[target], commune)


def _marker(target):
    def marker(w, u):
        est = Establishment.objects.filter(name=NAMES[target]).order_by("-pk").first()
        return reverse("establishments:detail", args=[est.pk]) if est else f"(no {target} establishment)"

    return marker


def _api_marker(target):
    def marker(w, u):
        est = Establishment.objects.filter(name=NAMES[target]).order_by("-pk").first()
        return f'"id": {est.pk},' if est else f"(no {target} establishment)"

    return marker


def _form_data(w, u):
    return {
        "legal_form": LegalForm.COOPERATIVE,
        "name": "Hợp tác xã gốm Bàu Trúc (kiểm thử)",
        "tax_code": "",
        "commune": w.phan_rang.pk,
        "industry": "23",
        "workers": "35",
        "founded_year": "1998",
        "women_owned": "on",
        "version": "1",
    }


def _merge_data(w, u):
    duplicate = _register(w, "Cơ sở bánh tráng Cửa Cổng (nhập trùng)", w.phan_rang)
    return {"duplicate": duplicate.pk, "reason": "Cùng một cơ sở, nhập hai lần"}


def _api_data(w, u):
    return {
        "legal_form": "cooperative",
        "name": "Hợp tác xã gốm Bàu Trúc (API)",
        "commune": w.phan_rang.pk,
        "industry": "23",
        "workers": 35,
    }


def _search(target):
    return "banh trang cua cong" if target == "own" else "may tre dan phu vinh"


# --- pages -------------------------------------------------------------------------------------------

door(
    "establishments:list",
    lambda w, t, u: (_target(w, t), reverse("establishments:list") + f"?q={_search(t)}")[1],
    is_list=True,
    own_marker=_marker("own"),
    foreign_marker=_marker("foreign"),
)
door("establishments:detail", lambda w, t, u: reverse("establishments:detail", args=[_target(w, t).pk]))
door(
    "establishments:create",
    lambda w, t, u: reverse("establishments:create"),
    roles=CHANGE_ROLES,
    scoped=False,
)
door(
    "establishments:create",
    lambda w, t, u: reverse("establishments:create"),
    method="post",
    roles=CHANGE_ROLES,
    scoped=False,
    data=_form_data,
    ok=302,
)
door(
    "establishments:update",
    lambda w, t, u: reverse("establishments:update", args=[_target(w, t).pk]),
    roles=CHANGE_ROLES,
)
door(
    "establishments:update",
    lambda w, t, u: reverse("establishments:update", args=[_target(w, t).pk]),
    method="post",
    roles=CHANGE_ROLES,
    data=_form_data,
    ok=302,
)
door(
    "establishments:merge",
    lambda w, t, u: reverse("establishments:merge", args=[_target(w, t).pk]),
    method="post",
    roles=CHANGE_ROLES,
    data=_merge_data,
    ok=302,
)
# --- API -----------------------------------------------------------------------------------------------

door(
    "api:establishment_list",
    lambda w, t, u: (_target(w, t), reverse("api:establishment_list") + f"?q={_search(t)}")[1],
    kind="api",
    is_list=True,
    own_marker=_api_marker("own"),
    foreign_marker=_api_marker("foreign"),
)
door(
    "api:establishment_detail",
    lambda w, t, u: reverse("api:establishment_detail", args=[_target(w, t).pk]),
    kind="api",
)
door(
    "api:establishment_eligibility",
    lambda w, t, u: reverse("api:establishment_eligibility", args=[_target(w, t).pk]) + "?on=2026-01-01",
    kind="api",
    own_marker=lambda w, u: '"eligible": true',
)
door(
    "api:establishment_create",
    lambda w, t, u: reverse("api:establishment_create"),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    scoped=False,
    data=_api_data,
    ok=201,
)
door(
    "api:establishment_update",
    lambda w, t, u: reverse("api:establishment_update", args=[_target(w, t).pk]),
    kind="api",
    method="patch",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"version": 1, "workers": 12, "exporter": True},
)

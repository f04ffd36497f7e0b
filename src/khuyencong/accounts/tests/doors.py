"""Access-harness registrations for agencies, the user's own data and API tokens."""

from django.urls import reverse

from khuyencong.accounts.models import ApiToken, User
from khuyencong.accounts.services import api_token_create
from khuyencong.testing.access import door


def _agency(w, target):
    return w.agency("ubnd-phan-rang") if target == "own" else w.agency("sct-01")


def _other(user) -> User:
    return User.objects.exclude(pk=user.pk).order_by("pk").first()


def _token(w, target, user) -> ApiToken:
    owner = user if target == "own" else _other(user)
    token, _raw = api_token_create(actor=owner, name=f"token of {owner.username}")
    return token


door(
    "accounts:agency_list",
    lambda w, t, u: reverse("accounts:agency_list") + ("?kind=" if t == "own" else "?q=Hà Nội"),
    is_list=True,
    own_marker=lambda w, u: reverse("accounts:agency_detail", args=[u.agency.pk]),
    foreign_marker=lambda w, u: reverse("accounts:agency_detail", args=[w.agency("sct-01").pk]),
)
door("accounts:agency_detail", lambda w, t, u: reverse("accounts:agency_detail", args=[_agency(w, t).pk]))
door(
    "api:agency_list",
    lambda w, t, u: reverse("api:agency_list") + ("?limit=500" if t == "own" else "?q=Hà Nội"),
    kind="api",
    is_list=True,
    own_marker=lambda w, u: f'"code": "{u.agency.code}"',
    foreign_marker=lambda w, u: '"code": "sct-01"',
)
door("api:agency_detail", lambda w, t, u: reverse("api:agency_detail", args=[_agency(w, t).pk]), kind="api")
door(
    "api:me",
    lambda w, t, u: reverse("api:me"),
    kind="api",
    scoped=False,
    own_marker=lambda w, u: f'"username": "{u.username}"',
)

# API tokens belong to a person: "own" is the requester's token, "foreign" somebody else's.
door(
    "accounts:token_list",
    lambda w, t, u: (_token(w, t, u), reverse("accounts:token_list"))[1],
    scoped=False,
    per_user=True,
    is_list=True,
    own_marker=lambda w, u: f"token of {u.username}",
    foreign_marker=lambda w, u: f"token of {_other(u).username}",
)
door(
    "accounts:token_revoke",
    lambda w, t, u: reverse("accounts:token_revoke", args=[_token(w, t, u).pk]),
    method="post",
    per_user=True,
    ok=302,
)
door(
    "api:token_list",
    lambda w, t, u: (_token(w, t, u), reverse("api:token_list"))[1],
    kind="api",
    per_user=True,
    is_list=True,
    own_marker=lambda w, u: f"token of {u.username}",
    foreign_marker=lambda w, u: f"token of {_other(u).username}",
)
door(
    "api:token_create",
    lambda w, t, u: reverse("api:token_create"),
    kind="api",
    method="post",
    scoped=False,
    data=lambda w, u: {"name": "harness"},
    ok=201,
)
door(
    "api:token_revoke",
    lambda w, t, u: reverse("api:token_revoke", args=[_token(w, t, u).pk]),
    kind="api",
    method="delete",
    per_user=True,
)

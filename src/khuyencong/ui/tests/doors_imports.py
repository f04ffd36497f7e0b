"""Access-harness registrations for the import pages and API (core.imports): for the roles that may
change records; an import is its uploader's only — anybody else's is not found, whatever their role."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.accounts.models import User
from khuyencong.core.imports import import_upload
from khuyencong.establishments.tests.doors import CHANGE_ROLES
from khuyencong.testing.access import door


def _csv(w, bad: bool = False) -> bytes:
    phone = "09x" if bad else ""
    row = f"hộ kinh doanh,Cơ sở nhập thử,{w.phan_rang.code},{phone}"
    return f"legal_form,name,commune_code,phone\n{row}\n".encode()


def _run(w, user, target: str, bad: bool = False):
    owner = user if target == "own" else User.objects.exclude(pk=user.pk).order_by("pk").first()
    return import_upload(actor=owner, name="nhap-thu.csv", content=_csv(w, bad))


def _api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


door("ui:import_home", lambda w, t, u: reverse("ui:import_home"), roles=CHANGE_ROLES, scoped=False)
door(
    "ui:import_home",
    lambda w, t, u: reverse("ui:import_home"),
    method="post",
    roles=CHANGE_ROLES,
    scoped=False,
    data=lambda w, u: {"file": SimpleUploadedFile("nhap-thu.csv", _csv(w), "text/csv"), "kind": ""},
    ok=302,
    note="the upload is kept and checked (nothing written to the records); its page shows the outcome",
)
door("ui:import_template", lambda w, t, u: reverse("ui:import_template"), roles=CHANGE_ROLES, scoped=False)
door(
    "ui:import_template_kind",
    lambda w, t, u: reverse("ui:import_template_kind", args=["establishments"]),
    roles=CHANGE_ROLES,
    scoped=False,
)
door(
    "ui:import_detail",
    lambda w, t, u: reverse("ui:import_detail", args=[_run(w, u, t).pk]),
    roles=CHANGE_ROLES,
    per_user=True,
    own_marker=lambda w, u: 'data-testid="import-counts"',
)
door(
    "ui:import_confirm",
    lambda w, t, u: reverse("ui:import_confirm", args=[_run(w, u, t).pk]),
    method="post",
    roles=CHANGE_ROLES,
    per_user=True,
    data=lambda w, u: {},
    ok=302,
)
door(
    "ui:import_marked",
    lambda w, t, u: reverse("ui:import_marked", args=[_run(w, u, t, bad=True).pk]),
    roles=CHANGE_ROLES,
    per_user=True,
)
door(
    "api:import_create",
    lambda w, t, u: _api("import_create"),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    scoped=False,
    ok=400,
    note="The harness posts JSON, which carries no file: 400 `required` (file) shows that the role was "
    "passed; imports and dry runs through the API are tested in ui/tests/test_imports.py.",
)
door(
    "api:import_list",
    lambda w, t, u: (_run(w, u, "own"), _api("import_list"))[1],
    kind="api",
    roles=CHANGE_ROLES,
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: '"file_name": "nhap-thu.csv"',
)
door(
    "api:import_detail",
    lambda w, t, u: _api("import_detail", _run(w, u, t).pk),
    kind="api",
    roles=CHANGE_ROLES,
    per_user=True,
)

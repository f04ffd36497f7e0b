"""Access-harness registrations for the submission pages (reporting/urls.py, under /bao-cao/nop/). "own" is a
report of Khánh Hòa (56), "foreign" one of Hà Nội (01), each imported awaiting approval.

- Reading: a province's officers, approver and auditor, its region and the nation. A commune's users
  (commune officer, establishment representative) work inside the province but do not read its
  report: 403 on their province's submissions, 404 on others'; their list is empty.
- Submitting and importing: the roles that change records and whose jurisdiction covers the province
  (the province's officer and approver, the ministry, the administrator).
- Approving and returning: the region's or the ministry's approvers (here the ministry officer and the
  administrator); the province approver never decides on its own province's report (403).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.jurisdiction import scope_of
from khuyencong.reporting.imports import FIGURE_COLUMNS
from khuyencong.reporting.services import submissions_import
from khuyencong.reporting.submissions.views import sign_upload
from khuyencong.testing.access import ALL_ROLES, door

CODE = {"own": "56", "foreign": "01"}
COMMUNE_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.ESTABLISHMENT_REP})
READERS = ALL_ROLES - COMMUNE_ROLES
SUBMITTERS = frozenset(
    {Role.MINISTRY_OFFICER, Role.PROVINCE_OFFICER, Role.PROVINCE_APPROVER, Role.SYSTEM_ADMIN}
)
DECIDERS = frozenset({Role.MINISTRY_OFFICER, Role.SYSTEM_ADMIN})
_made: dict = {}


def csv_of(code: str) -> bytes:
    return (",".join(FIGURE_COLUMNS) + f"\n2025,9,{code},KCDP,,9000000000,1000000000\n").encode()


def page(name: str, *args) -> str:
    return reverse(f"reporting:{name}", args=args)


def submission(w, target: str):
    (made,) = submissions_import(
        actor=w.user(Role.SYSTEM_ADMIN), name=f"{target}.csv", content=csv_of(CODE[target])
    )
    _made.update(submission=made, target=target)
    return made


def commune_level(user) -> bool:
    scope = scope_of(user)
    return not (scope.nation or scope.provinces)


def _list_marker(w, u):
    if commune_level(u):
        return 'data-testid="submissions-empty"'
    return f'href="{page("submission_detail", _made["submission"].pk)}"'


def _detail(w, t, name="submission_detail"):
    return page(name, submission(w, t).pk)


def _stash(target: str, path: str) -> str:
    _made["target"] = target
    return path


door(
    "reporting:submission_list",
    lambda w, t, u: (submission(w, t), page("submission_list"))[1],
    is_list=True,
    own_marker=_list_marker,
    foreign_marker=lambda w, u: f'href="{page("submission_detail", _made["submission"].pk)}"',
)
door("reporting:submission_detail", lambda w, t, u: _detail(w, t), roles=READERS)
door(
    "reporting:submission_approve",
    lambda w, t, u: _detail(w, t, "submission_approve"),
    method="post",
    roles=DECIDERS,
    ok=302,
)
door(
    "reporting:submission_return",
    lambda w, t, u: _detail(w, t, "submission_return"),
    method="post",
    roles=DECIDERS,
    data=lambda w, u: {"decision-comment": "Bổ sung số liệu nhóm nội dung 2"},
    ok=302,
)
door(
    "reporting:submission_submit",
    lambda w, t, u: _stash(t, page("submission_submit")),
    method="post",
    roles=SUBMITTERS,
    data=lambda w, u: {"submit-unit": CODE[_made["target"]], "submit-year": 2025, "submit-through_month": 9},
    ok=302,
    note="the unit is in the form: the province's code decides the jurisdiction before the role",
)
door(
    "reporting:submission_overview",
    lambda w, t, u: page("submission_overview") + f"?scope=unit:{CODE[t]}&year=2025&through_month=9",
    roles=READERS,
    own_marker=lambda w, u: 'data-testid="overview-table"',
)
door(
    "reporting:submission_import",
    lambda w, t, u: page("submission_import"),
    scoped=False,
    roles=SUBMITTERS,
)
door(
    "reporting:submission_import",
    lambda w, t, u: page("submission_import"),
    method="post",
    scoped=False,
    roles=SUBMITTERS,
    data=lambda w, u: {"file": SimpleUploadedFile("khanh-hoa.csv", csv_of("56"), "text/csv")},
    own_marker=lambda w, u: 'data-testid="import-confirm-form"',
    note="the dry-run preview of an upload of the own province",
)
door(
    "reporting:submission_import_confirm",
    lambda w, t, u: page("submission_import_confirm"),
    method="post",
    scoped=False,
    roles=SUBMITTERS,
    data=lambda w, u: {"payload": sign_upload(u.pk, "khanh-hoa.csv", csv_of("56"))},
    ok=302,
)
door(
    "reporting:submission_import_template",
    lambda w, t, u: page("submission_import_template"),
    scoped=False,
    roles=SUBMITTERS,
)

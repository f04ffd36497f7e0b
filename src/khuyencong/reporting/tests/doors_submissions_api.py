"""Access-harness registrations for the submissions API (reporting/submissions/api.py), with the same
expectations as the pages (doors_submissions.py): "own" is Khánh Hòa's report, "foreign" Hà Nội's;
a commune's users get 403 on their province's and an empty list; deciding is the ministry's."""

from django.urls import reverse

from khuyencong.testing.access import door

from .doors_submissions import CODE, DECIDERS, READERS, SUBMITTERS, _made, commune_level, submission


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _marker(w, u):
    return f'"id": {_made["submission"].pk},'


def _stash(target, path):
    _made["target"] = target
    return path


door(
    "api:submission_list",
    lambda w, t, u: (submission(w, t), _url("submission_list") + "?year=2025&through_month=9")[1],
    kind="api",
    is_list=True,
    own_marker=lambda w, u: '"count": 0' if commune_level(u) else _marker(w, u),
    foreign_marker=_marker,
)
door(
    "api:submission_detail",
    lambda w, t, u: _url("submission_detail", submission(w, t).pk),
    kind="api",
    roles=READERS,
    own_marker=_marker,
)
door(
    "api:submission_create",
    lambda w, t, u: _stash(t, _url("submission_create")),
    kind="api",
    method="post",
    roles=SUBMITTERS,
    data=lambda w, u: {"unit_code": CODE[_made["target"]], "year": 2025, "through_month": 9, "comment": ""},
    ok=201,
)
door(
    "api:submission_approve",
    lambda w, t, u: _url("submission_approve", submission(w, t).pk),
    kind="api",
    method="post",
    roles=DECIDERS,
    data=lambda w, u: {},
)
door(
    "api:submission_return",
    lambda w, t, u: _url("submission_return", submission(w, t).pk),
    kind="api",
    method="post",
    roles=DECIDERS,
    data=lambda w, u: {"comment": "Bổ sung số liệu nhóm nội dung 2"},
)
door(
    "api:submission_import",
    lambda w, t, u: _url("submission_import"),
    kind="api",
    method="post",
    scoped=False,
    roles=SUBMITTERS,
    ok=400,
    note="The harness posts JSON, which carries no file: 400 `required` (file) shows that the role was "
    "passed; imports and dry runs are tested in reporting/tests/test_submission_api.py.",
)

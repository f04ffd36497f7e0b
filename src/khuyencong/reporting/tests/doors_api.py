"""Access-harness registrations for the reports API (see doors.py for "own" and "foreign"). The
harness cannot express that commune-level users (commune officer, establishment representative)
read no report at all — their "own" province answers 404, not 200 or 403 — so those two cases are
skipped here and tested in reporting/tests/test_api.py."""

import pytest
from django.urls import reverse

from khuyencong.testing.access import door

from .doors import YEAR, _made, finished_job, remember


def _readable(user, target: str) -> str:
    scope = remember(user, target)
    if not scope:
        pytest.skip("commune-level users read no report: 404 everywhere, tested in test_api.py")
    return scope


door(
    "api:report_read",
    lambda w, t, u: reverse("api:report_read") + f"?year={YEAR}&through_month=9&scope={_readable(u, t)}",
    kind="api",
    own_marker=lambda w, u: '"schema": "khuyencong.report/1"',
)
door(
    "api:report_export_create",
    lambda w, t, u: (_readable(u, t), reverse("api:report_export_create"))[1],
    kind="api",
    method="post",
    data=lambda w, u: {"scope": _made["scope"], "year": YEAR, "through_month": 9, "format": "json"},
    ok=202,
)
door(
    "api:report_export_status",
    lambda w, t, u: reverse("api:report_export_status", args=[finished_job(u, t).pk]),
    kind="api",
    per_user=True,
    own_marker=lambda w, u: '"status": "done"',
)
door(
    "api:report_export_file",
    lambda w, t, u: reverse("api:report_export_file", args=[finished_job(u, t).pk]),
    kind="api",
    per_user=True,
)

"""Access-harness registrations for the report pages. "own" is the report of Khánh Hòa (unit:56) for
whoever may read it — its officers, approver and auditor, the mttn region viewer, the nation — and the
user's default report otherwise; "foreign" is Hà Nội's (unit:01). Commune-level users read no province
report: their own page explains it (200) and every province answers 404 (reporting/tests/test_views.py).
Export jobs belong to the user who asked: "own" is the requester's job, "foreign" another user's."""

from django.urls import reverse

from khuyencong.accounts.models import User
from khuyencong.reporting.access import default_scope_text, may_read
from khuyencong.reporting.live import parse_scope
from khuyencong.reporting.models import ExportJob
from khuyencong.reporting.params import ReportParams
from khuyencong.testing.access import door

YEAR = 2025
_made: dict = {}


def scope_for(user, target: str) -> str:
    """The scope a door asks for: Hà Nội for "foreign"; Khánh Hòa, or the user's default, for "own"."""
    if target == "foreign":
        return "unit:01"
    if may_read(user, parse_scope("unit:56", YEAR)):
        return "unit:56"
    return default_scope_text(user)


def remember(user, target: str) -> str:
    _made["scope"] = scope_for(user, target)
    return _made["scope"]


def finished_job(user, target: str) -> ExportJob:
    """A finished JSON export of the requester ("own") or of somebody else ("foreign")."""
    owner = user if target == "own" else User.objects.exclude(pk=user.pk).order_by("pk").first()
    return ExportJob.objects.create(
        requested_by=owner,
        params=ReportParams(scope="unit:56", year=YEAR).as_json(),
        format="json",
        status="done",
        progress=100,
        content=b"{}",
        filename="bao-cao.json",
        content_type="application/json",
    )


def _page(name, **kwargs):
    return reverse(f"reporting:{name}", kwargs=kwargs)


door(
    "reporting:report",
    lambda w, t, u: _page("report") + f"?year={YEAR}&period=m9&scope={remember(u, t)}",
    own_marker=lambda w, u: 'data-testid="report-form"',
)
door(
    "reporting:export",
    lambda w, t, u: (remember(u, t), _page("export"))[1],
    method="post",
    data=lambda w, u: {"scope": _made["scope"], "year": YEAR, "period": "m9", "format": "json"},
    ok=302,
    note="the job page, or back to the report with a message for a user without a report of their own",
)
door(
    "reporting:export_job",
    lambda w, t, u: _page("export_job", pk=finished_job(u, t).pk),
    per_user=True,
    own_marker=lambda w, u: 'data-testid="export-download"',
)
door(
    "reporting:export_file",
    lambda w, t, u: _page("export_file", pk=finished_job(u, t).pk),
    per_user=True,
)

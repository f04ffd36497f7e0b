"""Submission pages: the list (with the decider's inbox and the province's "submit" form), one
submission (figures, indicators, checks, versions, audit trail, approve / return), the period
overview (every expected province, its latest status and lateness) and the file import (template,
dry-run preview, confirm). Thin over `selectors`, `submissions.reads` and `services`."""

import base64
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.catalog.models import ContentGroup
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError, NotInJurisdiction, PermissionDenied
from khuyencong.core.exporters import DATE, FORMATS, INTEGER, TEXT, Exporter
from khuyencong.core.views import attempt, report_form_errors, show_refusal

from .. import services
from ..access import default_scope_text, may_decide, may_send, may_submit, readable_scope, sent_when_submitted
from ..choices import SubmissionStatus
from ..live import Period, parse_scope
from ..models import ReportDeadline, Submission
from ..presenters import SOURCE_LABELS
from ..selectors import decisions_awaiting, latest_only, period_overview, submissions_visible
from ..validation import changes_since_approval
from .forms import DecisionForm, ImportForm, OverviewForm, SubmissionFilterForm, SubmitForm
from .reads import (
    check_items,
    figure_tables,
    grand_total,
    import_preview,
    indicator_lines,
    inside_province,
    period_label,
    province_to_submit,
    require_import,
    submit_provinces,
    visible_submission,
)
from .template import template_workbook

AUDIT_LABELS = {
    "report.submit": gettext_lazy("submitted"),
    "report.import": gettext_lazy("imported from a file"),
    "report.send": gettext_lazy("approved by the Department and sent"),
    "report.approve": gettext_lazy("approved"),
    "report.return": gettext_lazy("returned for changes"),
    "submission.changed_after_approval": gettext_lazy("corrected after approval"),
}
SIGNING_SALT = "khuyencong.reporting.submission_import"
SIGNED_MAX_AGE = 60 * 60  # an hour between the preview and the confirmation


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    return reverse(f"reporting:{name}", args=args)


def _urls(request: HttpRequest) -> dict[str, str]:
    return {
        name: _url(request, f"submission_{name}")
        for name in ("list", "submit", "overview", "import", "import_confirm", "import_template")
    }


def report_url(code: str, year: int, through_month: int) -> str:
    """The report page on the province's live figures for the period (what a submission would freeze)."""
    query = {
        "scope": f"unit:{code}",
        "year": year,
        "period": f"m{through_month}",
        "through_month": through_month,
    }
    return f"{reverse('reporting:report')}?{urlencode(query)}"


def _dress(request: HttpRequest, submissions) -> list[Submission]:
    items = list(submissions)
    for s in items:
        s.url = _url(request, "submission_detail", s.pk)
        s.period_label = period_label(s.year, s.through_month)
        s.checks_count = len(s.checks or [])
    return items


# --- the list, the inbox and the "submit" form ------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[SubmissionFilterForm, Any]:
    form = SubmissionFilterForm(request.GET or None, user=request.user)
    qs = submissions_visible(request.user)
    all_versions = False
    if form.is_valid():
        data = form.cleaned_data
        all_versions = data["all_versions"]
        if data["year"]:
            qs = qs.filter(year=data["year"])
        if data["through_month"]:
            qs = qs.filter(through_month=data["through_month"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["province"]:
            qs = qs.filter(unit__code=data["province"])
    if not all_versions:
        qs = latest_only(qs)
    return form, qs.order_by("-year", "-through_month", "unit__name", "-version")


class SubmissionExporter(Exporter):
    """The filtered submissions; a row is more than a database row (due date, lateness, checks)."""

    filename = "bao-cao-da-gui"
    sheet = _("Submissions")

    def kinds(self):
        return [TEXT, TEXT, INTEGER, INTEGER, INTEGER, TEXT, TEXT, TEXT, TEXT, DATE, TEXT, INTEGER, TEXT]

    def header(self):
        return [
            _("Province code"),
            _("Province"),
            _("Year"),
            _("Through month"),
            _("Version"),
            _("Status"),
            _("Origin"),
            _("Submitted by"),
            _("Submitted"),
            _("Due"),
            _("Late"),
            _("Failed checks"),
            _("Comment"),
        ]

    def rows(self):
        for s in self.source.iterator(chunk_size=500):
            yield (
                s.unit.code,
                s.unit.name,
                s.year,
                s.through_month,
                s.version,
                s.get_status_display(),
                s.get_origin_display(),
                str(s.submitted_by),
                timezone.localtime(s.submitted_at).strftime("%d/%m/%Y %H:%M"),
                s.due_on,
                s.late,
                len(s.checks or []),
                s.comment,
            )


def _list_page(
    request: HttpRequest, submit_form: SubmitForm | None = None, status: int = 200
) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = _dress(request, page.object_list)
    awaiting = _dress(request, decisions_awaiting(request.user))
    provinces = submit_provinces(request.user)
    if submit_form is None and provinces:
        submit_form = SubmitForm(provinces=provinces, prefix="submit")
    preview_url = ""
    if submit_form is not None:
        values = {
            **submit_form.initial,
            **(submit_form.cleaned_data if submit_form.is_bound and submit_form.is_valid() else {}),
        }
        preview_url = report_url(values["unit"], values["year"], values["through_month"])
    return render(
        request,
        "reporting/submissions/list.html",
        {
            "nav": "reports",
            "urls": _urls(request),
            "form": form,
            "page": page,
            "export_formats": FORMATS,
            "awaiting": awaiting,
            "submit_form": submit_form,
            "submit_collapsed": len(provinces) > 1,  # the ministry loads figures now and then
            "sent_at_once": sent_when_submitted(request.user),
            "preview_url": preview_url,
            "report_base": reverse("reporting:report"),
            "filtered": bool(
                request.GET.get("year") or request.GET.get("status") or request.GET.get("province")
            ),
        },
        status=status,
    )


@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    if (fmt := request.GET.get("export")) in FORMATS:
        _form, qs = _filtered(request)
        return SubmissionExporter(qs).response(fmt)
    return _list_page(request)


@require_POST
def submission_submit(request: HttpRequest) -> HttpResponse:
    """Submit a province's report (from the list's form or the "resubmit" form of a returned one)."""
    unit = province_to_submit(request.user, request.POST.get("submit-unit", ""))
    form = SubmitForm(request.POST, provinces=submit_provinces(request.user), prefix="submit")
    if form.is_valid():
        data = form.cleaned_data
        submission = attempt(
            request,
            lambda: services.submission_submit(
                actor=request.user,
                unit=unit,
                year=data["year"],
                through_month=data["through_month"],
                comment=data["comment"],
            ),
            success=lambda s: (
                (
                    _("%(province)s: the report for %(period)s was submitted as version %(v)s.")
                    if s.status != SubmissionStatus.PREPARED
                    else _(
                        "%(province)s: the report for %(period)s was prepared as version %(v)s; it awaits "
                        "the Department's approval before it is sent."
                    )
                )
                % {"province": s.unit.name, "period": period_label(s.year, s.through_month), "v": s.version}
            ),
            form=form,
        )
        if submission:
            return redirect(_url(request, "submission_detail", submission.pk))
    return _list_page(request, submit_form=form, status=400)


# --- one submission ----------------------------------------------------------------------------------


def _status_label(value: str | None) -> str:
    return str(SubmissionStatus(value).label) if value in SubmissionStatus.values else ""


def _history(submissions: list[Submission]) -> list[Any]:
    entries = []
    for s in submissions:
        for entry in audit_for(s)[:100]:
            entry.label = AUDIT_LABELS.get(entry.action, entry.action)
            entry.version = s.version
            entry.change = [
                _status_label((entry.before or {}).get("status")),
                _status_label(entry.after.get("status")),
            ]
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.at, e.pk), reverse=True)


@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = visible_submission(request.user, pk)
    submission = Submission.objects.select_related("unit", "submitted_by", "sent_by", "decided_by").get(
        pk=submission.pk
    )
    versions = _dress(
        request,
        Submission.objects.filter(
            unit=submission.unit, year=submission.year, through_month=submission.through_month
        )
        .select_related("submitted_by", "decided_by")
        .order_by("-version"),
    )
    latest = versions[0]
    for older in versions[1:]:  # a version left pending when a later one was submitted is not pending
        older.superseded = older.status in (SubmissionStatus.PREPARED, SubmissionStatus.SUBMITTED)
    _dress(request, [submission])
    tables = figure_tables(list(submission.figures.all()))
    pending = latest.pk == submission.pk and submission.status in (
        SubmissionStatus.PREPARED,
        SubmissionStatus.SUBMITTED,
    )
    at_department = submission.status == SubmissionStatus.PREPARED
    may = may_send if at_department else may_decide
    resubmit = (
        latest.pk == submission.pk
        and submission.status == SubmissionStatus.RETURNED
        and may_submit(request.user, submission.unit)
    )
    changes = corrections = None
    if submission.changed_after_approval:
        groups = dict(ContentGroup.objects.values_list("code", "name"))
        changes = [
            {
                **row,
                "source_label": SOURCE_LABELS.get(row["source"], row["source"]),
                "group_name": groups.get(row["content_group"], row["content_group"]),
            }
            for row in changes_since_approval(submission)
        ]
        corrections = audit_for(submission).filter(action="submission.changed_after_approval")
    return render(
        request,
        "reporting/submissions/detail.html",
        {
            "nav": "reports",
            "urls": _urls(request),
            "submission": submission,
            "changes": changes,
            "corrections": corrections,
            "latest": latest,
            "versions": versions,
            "tables": tables,
            "grand": grand_total(tables) if len(tables) > 1 else None,
            "indicators": indicator_lines(list(submission.indicators.all())),
            "checks": check_items(submission.checks),
            "history": _history(versions),
            "can_decide": pending and may(request.user, submission.unit),
            "at_department": at_department,
            "decision_form": DecisionForm(prefix="decision"),
            "resubmit": resubmit,
            "approve_url": _url(request, "submission_approve", submission.pk),
            "return_url": _url(request, "submission_return", submission.pk),
            "preview_url": report_url(submission.unit.code, submission.year, submission.through_month),
            "overview_url": f"{_url(request, 'submission_overview')}?"
            + urlencode({"year": submission.year, "through_month": submission.through_month}),
        },
    )


def _success(submission: Submission, approve: bool) -> str:
    if submission.status == SubmissionStatus.PREPARED:
        if approve:
            return _("The report was approved by the Department and sent up for acceptance.")
        return _("The report was returned to the khuyến công centre.")
    return _("The report was approved.") if approve else _("The report was returned to the province.")


def _decide(request: HttpRequest, pk: int, approve: bool) -> HttpResponse:
    submission = visible_submission(request.user, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(_url(request, "submission_detail", submission.pk))
    attempt(
        request,
        lambda: services.submission_decide(
            actor=request.user,
            submission_id=submission.pk,
            approve=approve,
            comment=form.cleaned_data["comment"],
        ),
        success=_success(submission, approve),
    )
    return redirect(_url(request, "submission_detail", submission.pk))


@require_POST
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


# --- the period overview -------------------------------------------------------------------------------


def _readable(request: HttpRequest, text: str, year: int):
    try:
        return readable_scope(request.user, text, year)
    except NotInJurisdiction as exc:
        scope = parse_scope(text, year)
        if scope.unit is not None and inside_province(request.user, scope.unit):
            raise Forbidden from exc
        raise Http404 from exc
    except PermissionDenied:
        raise  # 403 (core.middleware.AccessRefusals)


@require_GET
def submission_overview(request: HttpRequest) -> HttpResponse:
    form = OverviewForm(request.GET, user=request.user, scope=default_scope_text(request.user))
    context: dict[str, Any] = {"nav": "reports", "urls": _urls(request), "form": form}
    if form.is_valid() and form.cleaned_data["scope"]:
        data = form.cleaned_data
        try:
            scope = _readable(request, data["scope"], data["year"])
        except DomainError as exc:  # an unknown scope: said next to the field
            show_refusal(request, exc, form)
        else:
            context.update(_overview(request, scope, Period(data["year"], data["through_month"])))
    return render(request, "reporting/submissions/overview.html", context)


def _overview(request: HttpRequest, scope, period: Period) -> dict[str, Any]:
    due = ReportDeadline.due(period.year, period.through_month)
    rows = period_overview(scope, period, due)
    for row in rows:
        if row.latest is not None:
            _dress(request, [row.latest])
        row.preview_url = report_url(row.unit.code, period.year, period.through_month)
    latest = [r.latest for r in rows if r.latest is not None]
    return {
        "scope": scope,
        "period": period,
        "period_label": period.label,
        "due": due,
        "rows": rows,
        "counts": {
            "expected": len(rows),
            "submitted": len(latest),
            "prepared": sum(1 for s in latest if s.status == SubmissionStatus.PREPARED),
            "approved": sum(1 for s in latest if s.status == SubmissionStatus.APPROVED),
            "pending": sum(1 for s in latest if s.status == SubmissionStatus.SUBMITTED),
            "returned": sum(1 for s in latest if s.status == SubmissionStatus.RETURNED),
            "missing": len(rows) - len(latest),
            "late": sum(1 for r in rows if r.late),
        },
        "past_due": due is not None and timezone.localdate() > due,
    }


# --- import: template, dry-run preview, confirm -----------------------------------------------------------


@require_GET
def submission_import_template(request: HttpRequest) -> HttpResponse:
    require_import(request.user)
    buffer = io.BytesIO()
    template_workbook(request.user).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-bao-cao.xlsx"'
    return response


def sign_upload(user_pk: int, name: str, content: bytes) -> str:
    """The previewed file, carried to the confirmation signed (and bound to the user who uploaded it)."""
    return signing.dumps(
        {"user": user_pk, "name": name, "content": base64.b64encode(content).decode()},
        salt=SIGNING_SALT,
        compress=True,
    )


def _unsign_upload(request: HttpRequest, token: str) -> tuple[str, bytes] | None:
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=SIGNED_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != request.user.pk:
        return None
    return data["name"], base64.b64decode(data["content"])


def _import_page(
    request: HttpRequest, form: ImportForm, preview=None, name: str = "", token: str = "", status=200
):
    return render(
        request,
        "reporting/submissions/import.html",
        {
            "nav": "reports",
            "urls": _urls(request),
            "form": form,
            "preview": preview,
            "file_name": name,
            "token": token,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def submission_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the dry-run preview of the uploaded file (nothing is written)."""
    require_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    name, content = upload.name or "", upload.read()
    preview = import_preview(request.user, name, content)
    token = "" if preview.errors else sign_upload(request.user.pk, name, content)
    return _import_page(request, form, preview, name, token, status=400 if preview.errors else 200)


@require_POST
def submission_import_confirm(request: HttpRequest) -> HttpResponse:
    """Re-validate the previewed file and import it (all or nothing; awaiting approval)."""
    require_import(request.user)
    upload = _unsign_upload(request, request.POST.get("payload", ""))
    if upload is None:
        messages.error(request, _("The preview has expired or was altered. Upload the file again."))
        return redirect(_url(request, "submission_import"))
    name, content = upload
    preview = import_preview(request.user, name, content)
    if preview.errors:  # the data changed since the preview (a province merged, a code removed…)
        return _import_page(request, ImportForm(), preview, name, status=400)
    try:
        created = services.submissions_import(actor=request.user, name=name, content=content, approve=False)
    except PermissionDenied:
        raise  # 403 (core.middleware.AccessRefusals)
    except DomainError as exc:
        errors = exc.details.get("errors")
        if isinstance(errors, list):
            preview.errors = errors
            return _import_page(request, ImportForm(), preview, name, status=400)
        messages.error(request, str(exc.message))
        return redirect(_url(request, "submission_import"))
    if not created:
        messages.info(request, _("Nothing was imported: these figures are already submitted."))
        return redirect(_url(request, "submission_list"))
    messages.success(
        request,
        ngettext(
            "%(n)s report imported from %(file)s; it awaits approval.",
            "%(n)s reports imported from %(file)s; they await approval.",
            len(created),
        )
        % {"n": len(created), "file": name},
    )
    if len(created) == 1:
        return redirect(_url(request, "submission_detail", created[0].pk))
    return redirect(_url(request, "submission_list"))

"""Report pages: the period report for a chosen scope and period (figures, chart, narrative), and its
downloads as background jobs with a progress bar. Reading goes through `access.readable_scope`
(out of jurisdiction answers 404), figures through `report.build_report`, files through `tasks`."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from khuyencong.core.errors import DomainError, NotInJurisdiction, PermissionDenied
from khuyencong.core.views import report_form_errors, show_refusal

from .access import may_submit, readable_scope
from .forms import FORMATS, ExportForm, ReportForm, report_query
from .models import ExportJob, ExportStatus
from .params import ReportParams
from .presenters import describe, report_page
from .report import build_report
from .tasks import export_request


def _readable(request: HttpRequest, scope_text: str, year: int):
    return readable_scope(request.user, scope_text, year)


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET, user=request.user)
    context = {"nav": "reports", "form": form, "formats": FORMATS}
    if form.is_valid() and form.cleaned_data["scope"]:
        try:
            params = form.params()
            scope = _readable(request, params.scope, params.year)
            period = params.period()
            data = build_report(scope, period, **params.report_kwargs())
        except (NotInJurisdiction, PermissionDenied):
            raise  # 404 / 403 (core.middleware.AccessRefusals)
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            context.update(report_page(data), period_label=period.label)
            context["export_values"] = form.hidden_values()
            context["submit"] = _submittable(request, scope, period, data)
    return render(request, "reporting/report.html", context)


def _submittable(request: HttpRequest, scope, period, data: dict) -> dict | None:
    """What the province may submit from this page: its live report from 1 January to a month's end."""
    if (
        data["source"] != "live"
        or scope.unit is None
        or period.kind not in ("through", "year")
        or timezone.localdate() <= period.end  # a period is reported once it has ended
        or not may_submit(request.user, scope.unit)
    ):
        return None
    return {"unit": scope.unit.code, "year": period.year, "through_month": period.through_month}


def _back_to_report(form: ExportForm) -> HttpResponse:
    values = [(name, value) for name, value in form.hidden_values() if name != "format"]
    return redirect(f"{reverse('reporting:report')}?{urlencode(values)}")


@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST, user=request.user)
    if not form.is_valid():
        report_form_errors(request, form)
        return _back_to_report(form)
    try:
        job = export_request(actor=request.user, params=form.params(), fmt=form.cleaned_data["format"])
    except (NotInJurisdiction, PermissionDenied):
        raise  # 404 / 403 (core.middleware.AccessRefusals)
    except DomainError as exc:
        show_refusal(request, exc)
        return _back_to_report(form)
    return redirect("reporting:export_job", pk=job.pk)


def _own_job(request: HttpRequest, pk) -> ExportJob:
    """A job of the requesting user; anybody else's does not exist for them."""
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, requested_by=request.user)


def _report_url(job: ExportJob) -> str:
    try:
        query = urlencode(report_query(ReportParams.from_json(job.params)))
    except (DomainError, TypeError, ValueError):
        query = ""
    return f"{reverse('reporting:report')}?{query}" if query else reverse("reporting:report")


@require_GET
def export_job(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    context = {
        "nav": "reports",
        "job": job,
        "about": describe(job.params),
        "back": _report_url(job),
        "status_url": reverse("reporting:export_job", args=[job.pk]),
        "file_url": reverse("reporting:export_file", args=[job.pk]),
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/_export_status.html", context)
    return render(request, "reporting/export_job.html", context)


@require_GET
def export_file(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.filename)
    return response

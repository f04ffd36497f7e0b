"""The page of a list export made in the background, and its file. A job belongs to the user who asked;
anybody else's does not exist for them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from .exporters import CONTENT_TYPES
from .models import ExportStatus, ListExport


def _own_job(request: HttpRequest, pk) -> ListExport:
    return get_object_or_404(ListExport.objects.defer("content"), pk=pk, requested_by=request.user)


@require_GET
def export_job(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    context = {
        "job": job,
        "back": job.list_url,
        "status_url": reverse("core:export_job", args=[job.pk]),
        "file_url": reverse("core:export_file", args=[job.pk]),
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/_export_status.html", context)
    return render(request, "core/export_job.html", context)


@require_GET
def export_file(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    content = ListExport.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[job.format])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.filename)
    return response

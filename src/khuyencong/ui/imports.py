"""The import pages (core.imports): upload a file, see its dry run (counts per sheet and outcome, the
first errors, the copy with the bad cells marked), confirm, and follow what an import wrote. Large
files are checked and imported by the worker, with progress on the import's page.

An import belongs to the officer who uploaded it, as a list export does: nobody else finds it. What
it wrote stays visible to everyone on the records themselves, in their history."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.core.errors import DomainError
from khuyencong.core.exporters import CONTENT_TYPES
from khuyencong.core.forms import KcForm
from khuyencong.core.imports import (
    KINDS,
    ImportInvalid,
    import_confirm,
    import_upload,
    kinds_for,
    marked_copy,
    template_workbook,
    workbook_bytes,
)
from khuyencong.core.models import AuditEntry, ImportRun, ImportStatus
from khuyencong.core.tasks import run_import_check, run_import_confirm

XLSX = CONTENT_TYPES["xlsx"]


class UploadForm(KcForm):
    file = forms.FileField(
        label=gettext_lazy("File (XLSX or CSV)"),
        help_text=gettext_lazy("The template's sheets, filled in; a CSV file holds one kind of record."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Records"), required=False)

    def __init__(self, *args: Any, kinds: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every sheet of the template found in the file"))] + [
            (kind.code, str(kind.title)) for kind in kinds
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.KHUYENCONG_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it by year or by province.")
                % {"mb": limit // (1024 * 1024)},
                code="file_too_large",
            )
        return upload


def _kinds(request: HttpRequest) -> list:
    from django.core.exceptions import PermissionDenied

    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    return kinds


def _visible_runs(user: Any) -> Any:
    return (
        ImportRun.objects.defer("content", "layout").select_related("requested_by").filter(requested_by=user)
    )


@require_http_methods(["GET", "POST"])
def import_home(request: HttpRequest) -> HttpResponse:
    """GET: the templates and the upload form, with the user's imports. POST: keep the file and check
    it (here, or by the worker for a large file), then show its import page."""
    kinds = _kinds(request)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        background = len(content) > settings.KHUYENCONG_IMPORT_BACKGROUND_BYTES
        run = import_upload(
            actor=request.user,
            name=upload.name or "",
            content=content,
            kind=form.cleaned_data["kind"],
            check=not background,
        )
        if background:
            transaction.on_commit(lambda: run_import_check.enqueue(run.pk))
        return redirect("ui:import_detail", pk=run.pk)
    runs = Paginator(_visible_runs(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "ui/imports/home.html",
        {"nav": "imports", "form": form, "kinds": kinds, "runs": runs},
        status=400 if form.is_bound else 200,
    )


def _run(request: HttpRequest, pk: int) -> ImportRun:
    run = get_object_or_404(_visible_runs(request.user), pk=pk)  # anybody else's: not found
    _kinds(request)
    return run


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    titles = {code: str(kind.title) for code, kind in KINDS.items()}
    labels = {code: {c.code: str(c.label) for c in kind.columns} for code, kind in KINDS.items()}
    counts = [
        {"sheet": sheet, "title": titles.get(sheet, sheet), **numbers}
        for sheet, numbers in (run.counts or {}).items()
    ]
    errors = [
        {
            **error,
            "title": titles.get(error["sheet"], error["sheet"]),
            "label": labels.get(error["sheet"], {}).get(error["column"], error["column"]),
        }
        for error in run.errors
    ]
    updates = [
        {
            "title": titles.get(sheet, sheet),
            "row": row,
            "fields": _field_names(labels.get(sheet, {}), changed),
        }
        for sheet, layout in (run.layout or {}).items()
        for row, changed in layout.get("updates", [])
    ]
    entries = None
    if run.status == ImportStatus.DONE:
        entries = Paginator(
            AuditEntry.objects.filter(import_run=run).select_related("content_type").order_by("pk"), 50
        ).get_page(request.GET.get("page"))
        pages = {
            (k.model._meta.app_label, k.model._meta.model_name): k.url_name for k in KINDS.values() if k.model
        }
        for entry in entries:
            name = pages.get((entry.content_type.app_label, entry.content_type.model))
            entry.url = reverse(name, args=[entry.object_id]) if name else ""
            _describe(entry)
    context = {
        "nav": "imports",
        "run": run,
        "counts": counts,
        "errors": errors,
        "updates": updates,
        "entries": entries,
        "own": run.requested_by_id == request.user.pk,
        "writes": run.total("new") + run.total("update"),
        "status_url": reverse("ui:import_detail", args=[run.pk]),
    }
    if request.headers.get("HX-Request") and run.running:
        return render(request, "ui/imports/_progress.html", context)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "ui/imports/detail.html", context)


# what a row changes, besides its columns
CHANGED = {
    "lines": gettext_lazy("the plan's lines"),
    "state": gettext_lazy("state"),
    "status": gettext_lazy("status"),
    "started": gettext_lazy("implementation started"),
}


def _field_names(labels: dict[str, str], changed: list[str]) -> str:
    """The fields a row will update, by the names of their columns."""
    return ", ".join(str(labels.get(name) or CHANGED.get(name) or name) for name in changed)


def _action_labels() -> dict[str, Any]:
    """How each audit action an import writes reads: the labels of the records' own history."""
    from khuyencong.events.choices import AUDIT_LABELS as EVENTS
    from khuyencong.plans.workflow import AUDIT_LABELS as PLANS
    from khuyencong.projects.workflow import AUDIT_LABELS as PROJECTS

    return {
        **PLANS,
        **PROJECTS,
        **EVENTS,
        "establishment.create": gettext_lazy("establishment registered"),
        "establishment.update": gettext_lazy("establishment edited"),
        "import.confirm": gettext_lazy("file imported"),
    }


def _describe(entry: AuditEntry) -> None:
    """The entry's action in words and, for a change of state or status, from what to what."""
    from khuyencong.plans.choices import PlanStatus
    from khuyencong.projects.choices import ProjectState

    fallback = pgettext("audit action", "updated") if entry.before else pgettext("audit action", "created")
    entry.label = _action_labels().get(entry.action, fallback)
    before, after = entry.before or {}, entry.after or {}
    entry.change = None
    for key, choices in (("state", ProjectState), ("status", PlanStatus)):
        if before.get(key) and after.get(key):
            labels = dict(choices.choices)
            entry.change = (labels.get(before[key], before[key]), labels.get(after[key], after[key]))


@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.status not in (ImportStatus.CHECKED, ImportStatus.INVALID):
        messages.info(request, _("This import is not waiting for confirmation."))
        return redirect("ui:import_detail", pk=run.pk)
    if run.size > settings.KHUYENCONG_IMPORT_BACKGROUND_BYTES:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.IMPORTING, progress=0)
        transaction.on_commit(lambda: run_import_confirm.enqueue(run.pk))
        return redirect("ui:import_detail", pk=run.pk)
    try:
        import_confirm(actor=request.user, run=run)
    except ImportInvalid:
        messages.error(
            request,
            _("The file has errors now (the records changed since it was checked): nothing was imported."),
        )
        return redirect("ui:import_detail", pk=run.pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("ui:import_detail", pk=run.pk)
    messages.success(
        request,
        _("%(file)s is imported: %(new)s new, %(update)s updated.")
        % {"file": run.file_name, "new": run.total("new"), "update": run.total("update")},
    )
    return redirect("ui:import_detail", pk=run.pk)


@require_GET
def import_marked(request: HttpRequest, pk: int) -> HttpResponse:
    """The file sent, its bad cells marked and commented."""
    run = _run(request, pk)
    if not run.errors or not run.layout:
        raise Http404
    run = ImportRun.objects.select_related("requested_by").get(pk=run.pk)
    response = HttpResponse(workbook_bytes(lambda target: marked_copy(run, target)), content_type=XLSX)
    stem = run.file_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-loi.xlsx"
    )
    return response


@require_GET
def import_template(request: HttpRequest, kind: str = "") -> HttpResponse:
    """The template of one kind of record, or of every kind the user may import."""
    kinds = _kinds(request)
    if kind:
        kinds = [k for k in kinds if k.code == kind]
        if not kinds:
            raise Http404
    response = HttpResponse(
        workbook_bytes(lambda target: template_workbook(request.user, target, kinds)), content_type=XLSX
    )
    name = f"mau-nhap-{kind.replace('_', '-')}.xlsx" if kind else "mau-nhap.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response

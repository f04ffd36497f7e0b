"""Project pages: thin over selectors, services and the lifecycle table."""

from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope
from khuyencong.core.audit import audit_for
from khuyencong.core.exporters import FORMATS
from khuyencong.core.lists import ListPage, form_page, require_change
from khuyencong.core.panels import panels
from khuyencong.core.views import attempt, kept, report_form_errors

from . import services
from .choices import EDITABLE_STATES, ProjectKind, ProjectState
from .exporters import OverdueExporter, ProjectExporter
from .filters import ProjectFilter
from .forms import (
    AchievedForm,
    AdjustmentDecisionForm,
    AdjustmentForm,
    DeliverableForm,
    DocumentUploadForm,
    InspectionForm,
    ParticipantForm,
    ProgressForm,
    ProjectForm,
    TransitionForm,
)
from .models import Adjustment, Deliverable, Document, Participant, Project
from .ports import money
from .presenters import change_rows, state_label
from .selectors import (
    liquidation_due,
    overdue_by_project,
    overdue_in,
    overdue_items,
    projects_visible,
    settlement_due,
)
from .workflow import AUDIT_LABELS, BY_ACTION, may, offers_for


def project_or_404(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Project:
    """The project, if the user may take `action` on it (else 404 / 403: core.middleware.AccessRefusals)."""
    return get_in_scope(projects_visible(request.user), request.user, action, pk=pk)


class ProjectList(ListPage):
    name = "projects.list"
    template_name = "projects/list.html"
    nav = "projects"
    filterset_class = ProjectFilter
    exporter_class = ProjectExporter
    import_kind = "projects"
    ordering = ("-year", "code", "pk")
    sorts = {
        "code": "code",
        "title": "title",
        "province": "location__current_province__name",
        "location": "location__name",
        "state": "state",
        "support": "support_amount",
    }

    def selector(self, user):
        return projects_visible(user).select_related("location__current_province")

    def extra_context(self, request, rows, filterset) -> dict:
        return {
            "total_support": rows.aggregate(total=Sum("support_amount"))["total"] or 0,
            "total_disbursed": money().disbursed_total(rows),
            "overdue_count": len(overdue_in(rows)),
            "can_create": allows(request.user, Action.CHANGE),
            "many_provinces": filterset.filters["province"].shown,
        }

    def decorate(self, request, projects: list[Project]) -> None:
        on_page = Project.objects.filter(pk__in=[p.pk for p in projects])
        disbursed = money().disbursed_by_project(on_page)
        late = overdue_by_project(on_page)
        for project in projects:
            project.disbursed = disbursed.get(project.pk, 0)
            project.overdue = late.get(project.pk, [])


def _labelled(entry):
    entry.label = AUDIT_LABELS.get(entry.action, entry.action)
    before, after = entry.before or {}, entry.after or {}
    if before.get("state") and after.get("state"):
        entry.state_change = (state_label(before["state"]), state_label(after["state"]))
    return entry


DELIVERABLE_STATES = (*EDITABLE_STATES, ProjectState.APPRAISED, *services.ACHIEVABLE_STATES)


def _open_sections(project: Project, may_change: bool) -> dict[str, bool]:
    """Which of the page's sections take changes now, by the project's state."""
    return {
        "editable": project.state in EDITABLE_STATES and may_change,
        "adjustable": project.state in services.ADJUSTABLE_STATES and may_change,
        "participants_open": project.kind == ProjectKind.GROUP
        and project.state
        not in (
            ProjectState.ACCEPTED,
            ProjectState.LIQUIDATED,
            ProjectState.SETTLED,
            ProjectState.STOPPED,
        )
        and may_change,
        "deliverables_open": project.state
        in (*EDITABLE_STATES, ProjectState.APPRAISED, *services.ACHIEVABLE_STATES)
        and may_change,
        "money_open": project.state
        in (
            ProjectState.CONTRACTED,
            ProjectState.IN_PROGRESS,
            ProjectState.ACCEPTED,
            ProjectState.LIQUIDATED,  # corrections before settlement (settle needs a balanced ledger)
            ProjectState.STOPPED,
        )
        and may_change,
    }


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk)
    balance = money().balance(project)
    offers = offers_for(request.user, project)
    may_change = allows(request.user, Action.CHANGE)
    for offer in offers:
        if offer.action == "contract":
            offer.form = None
        else:
            offer.form = kept(
                request,
                TransitionForm,
                prefix=offer.action,
                initial={"version": project.version, "final_value": balance.disbursed},
                transition=offer.transition,
                project=project,
                user=request.user,
            )
    adjustments = list(project.adjustments.select_related("requested_by", "decided_by"))
    for adjustment in adjustments:
        adjustment.rows = change_rows(adjustment.changes, adjustment.before)
        adjustment.approver_ok = (
            adjustment.status == "requested"
            and may(request.user, services.adjustment_approver(adjustment), project)[0]
        )
    deliverables = list(project.deliverables.select_related("indicator"))
    achievable = project.state in services.ACHIEVABLE_STATES and may_change
    for d in deliverables:
        d.form = (
            kept(
                request,
                AchievedForm,
                prefix=f"d{d.pk}",
                initial={"achieved": d.achieved, "evidence": d.evidence},
            )
            if achievable
            else None
        )
    return render(
        request,
        "projects/detail.html",
        {
            "nav": "projects",
            "project": project,
            "offers": offers,
            "balance": balance,
            "contracts": list(project.contracts.all()),
            "participants": list(
                project.participants.select_related("establishment", "establishment__commune")
            ),
            "deliverables": deliverables,
            "documents": list(project.documents.select_related("form", "uploaded_by")),
            "inspections": list(project.inspections.all()),
            "progress": list(project.progress_reports.select_related("submitted_by")),
            "adjustments": adjustments,
            "history": [_labelled(e) for e in audit_for(project)[:200]],
            "overdue": list(overdue_items(request.user, projects=Project.objects.filter(pk=project.pk))),
            "settlement_due": settlement_due(project),
            "liquidation_due": liquidation_due(project),
            "may_change": may_change,
            **_open_sections(project, may_change),
            "participant_form": kept(request, ParticipantForm, prefix="participant", user=request.user),
            "deliverable_form": kept(request, DeliverableForm, prefix="deliverable", project=project),
            "document_form": DocumentUploadForm(prefix="document"),  # a file cannot be kept
            "inspection_form": kept(request, InspectionForm, prefix="inspection"),
            "progress_form": kept(
                request, ProgressForm, prefix="progress", initial={"month": timezone.localdate()}
            ),
            "decision_form": AdjustmentDecisionForm(prefix="decision"),
            "today": timezone.localdate(),
            # the ledger's statement and entry form (finance, above projects: core.panels)
            **panels("projects.detail", request, project),
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    require_change(request, allows(request.user, Action.CHANGE))
    initial: dict = {"units_count": 1}
    if (line := request.GET.get("plan_line", "")).isdigit():
        initial["plan_line"] = int(line)  # "Create a project" from a plan line (offered if visible)
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)

    def create(data: dict) -> Project:
        data = dict(data)
        return services.project_create(actor=request.user, plan_line=data.pop("plan_line"), **data)

    return form_page(
        request,
        form,
        create,
        template="projects/form.html",
        context={"nav": "projects"},
        success=lambda p: _("Project %(code)s created as a draft.") % {"code": p.code},
        redirect_to=lambda p: redirect("projects:detail", pk=p.pk),
    )


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
    initial["plan_line"] = project.plan_line_id
    form = ProjectForm(request.POST or None, user=request.user, project=project, initial=initial)
    version = int(request.POST.get("version", 0) or 0)

    def save(data: dict) -> None:
        data = {key: value for key, value in data.items() if key != "plan_line"}
        services.project_update(actor=request.user, project=project, version=version, **data)

    return form_page(
        request,
        form,
        save,
        template="projects/form.html",
        context={"nav": "projects", "project": project},
        success=_("Project saved."),
        redirect_to=lambda _result: redirect("projects:detail", pk=project.pk),
    )


@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = project_or_404(request, pk)
    transition = BY_ACTION.get(action)
    if transition is None or action == "contract":
        raise Http404
    form = TransitionForm(
        request.POST, transition=transition, project=project, user=request.user, prefix=action
    )
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        version = form.cleaned_data["version"]
        attempt(
            request,
            lambda: services.lifecycle_take(
                actor=request.user, project=project, action=action, version=version, **data
            ),
            success=_("%(action)s: done.") % {"action": transition.label},
            form=form,
            keep_form=True,
        )
    else:
        report_form_errors(request, form)
    return redirect("projects:detail", pk=project.pk)


# The tab of the project page that holds each small form (by its prefix): a refused form is shown
# there again, with what was typed and its errors next to its fields.
FORM_TABS = {
    "participant": "pane-participants",
    "deliverable": "pane-deliverables",
    "document": "pane-documents",
    "inspection": "pane-follow",
    "progress": "pane-follow",
    "entry": "pane-money",
}


def back_to_project(project: Project, prefix: str = "") -> HttpResponse:
    """The project page, on the tab of the form `prefix` when it has one."""
    url = reverse("projects:detail", args=[project.pk])
    tab = FORM_TABS.get(prefix) or (FORM_TABS["deliverable"] if prefix.startswith("d") else "")
    return redirect(f"{url}#{tab}" if tab else url)


def _post_on_project(request, pk, form_class, prefix, call, success, **form_kwargs):
    """A small form posted from the project page: run the service, report, go back to the page (a
    refused form comes back filled in, on its tab)."""
    project = project_or_404(request, pk, Action.CHANGE)
    form = form_class(request.POST, request.FILES, prefix=prefix, **form_kwargs)
    if form.is_valid():
        attempt(request, lambda: call(project, form.cleaned_data), success=success, form=form, keep_form=True)
    else:
        report_form_errors(request, form)
    return back_to_project(project, prefix)


@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_project(
        request,
        pk,
        ParticipantForm,
        "participant",
        lambda p, d: services.participant_add(actor=request.user, project=p, **d),
        _("Participant added."),
        user=request.user,
    )


@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    participant = Participant.objects.filter(project=project, pk=participant_pk).first()
    if participant is None:
        raise Http404
    attempt(
        request,
        lambda: services.participant_remove(actor=request.user, participant=participant),
        success=_("Participant removed."),
    )
    return redirect("projects:detail", pk=project.pk)


@require_POST
def deliverable_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    return _post_on_project(
        request,
        pk,
        DeliverableForm,
        "deliverable",
        lambda p, d: services.deliverable_set(actor=request.user, project=p, **d),
        _("Deliverable saved."),
        project=project,
    )


@require_POST
def deliverable_record(request: HttpRequest, pk: int, deliverable_pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    deliverable = Deliverable.objects.filter(project=project, pk=deliverable_pk).first()
    if deliverable is None:
        raise Http404
    return _post_on_project(
        request,
        pk,
        AchievedForm,
        f"d{deliverable.pk}",
        lambda p, d: services.deliverable_record(actor=request.user, deliverable=deliverable, **d),
        _("Achieved value recorded."),
    )


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    def call(project, data):
        upload = data["file"]
        services.document_upload(
            actor=request.user,
            project=project,
            form=data["form"],
            name=upload.name,
            content=services.upload_content(upload),
            note=data["note"],
        )

    return _post_on_project(request, pk, DocumentUploadForm, "document", call, _("Document uploaded."))


def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    project = project_or_404(request, pk)
    document = Document.objects.filter(project=project, pk=document_pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def inspection_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_project(
        request,
        pk,
        InspectionForm,
        "inspection",
        lambda p, d: services.inspection_record(actor=request.user, project=p, **d),
        _("Inspection recorded."),
    )


@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_project(
        request,
        pk,
        ProgressForm,
        "progress",
        lambda p, d: services.progress_report_submit(actor=request.user, project=p, **d),
        _("Progress report saved."),
    )


def adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    form = AdjustmentForm(request.POST or None, user=request.user, project=project)
    return form_page(
        request,
        form,
        lambda data: services.adjustment_request(
            actor=request.user,
            project=project,
            kind=data["kind"],
            reason=data["reason"],
            changes=form.changes(),
        ),
        template="projects/adjustment_form.html",
        context={"nav": "projects", "project": project},
        success=_("Adjustment requested; it waits for a decision."),
        redirect_to=lambda _result: redirect("projects:detail", pk=project.pk),
    )


@require_POST
def adjustment_decide(request: HttpRequest, pk: int, adjustment_pk: int, decision: str) -> HttpResponse:
    project = project_or_404(request, pk)
    adjustment = Adjustment.objects.filter(project=project, pk=adjustment_pk).first()
    if adjustment is None or decision not in ("approve", "reject"):
        raise Http404
    form = AdjustmentDecisionForm(request.POST, prefix="decision")
    form.is_valid()
    attempt(
        request,
        lambda: services.adjustment_decide(
            actor=request.user,
            adjustment=adjustment,
            approve=decision == "approve",
            note=form.cleaned_data.get("note", ""),
            decision_number=form.cleaned_data.get("decision_number", ""),
        ),
        success=_("Adjustment approved.") if decision == "approve" else _("Adjustment rejected."),
    )
    return redirect("projects:detail", pk=project.pk)


def overdue_list(request: HttpRequest) -> HttpResponseBase:
    items = overdue_items(request.user)
    if (fmt := request.GET.get("export")) in FORMATS:
        return OverdueExporter(items).response(fmt)
    return render(
        request, "projects/overdue.html", {"nav": "projects", "items": items, "export_formats": FORMATS}
    )


def lifecycle(request: HttpRequest) -> HttpResponse:
    from .workflow import TRANSITIONS, WHO_LABELS

    return render(
        request,
        "projects/lifecycle.html",
        {"nav": "projects", "transitions": TRANSITIONS, "who": WHO_LABELS, "states": ProjectState},
    )

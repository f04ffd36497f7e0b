"""Plan pages: thin over selectors, services and the workflow table."""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope
from khuyencong.core.audit import audit_for
from khuyencong.core.lists import ListPage, form_page, require_change
from khuyencong.core.views import attempt, kept, report_form_errors

from . import services
from .exporters import PlanExporter
from .filters import PlanFilter
from .forms import (
    DecisionForm,
    LineAmountForm,
    LineForm,
    PlanCreateForm,
    ReasonForm,
    SubmitForm,
)
from .models import Plan, PlanLine, PlanRevision
from .ports import line_use
from .selectors import lines_in_force_q, plans_visible, with_amount_in_force
from .workflow import AUDIT_LABELS, actions_for


def _plan(request: HttpRequest, pk: int) -> Plan:
    return get_in_scope(plans_visible(request.user), request.user, Action.VIEW, pk=pk)


class PlanList(ListPage):
    name = "plans.list"
    template_name = "plans/list.html"
    nav = "plans"
    filterset_class = PlanFilter
    exporter_class = PlanExporter
    import_kind = "plans"
    ordering = ("-year", "agency__name", "source", "pk")
    sorts = {
        "year": "year",
        "agency": "agency__name",
        "source": "source",
        "status": "status",
        "amount": "total_now",
    }

    def selector(self, user):
        return with_amount_in_force(plans_visible(user), timezone.localdate())

    def extra_context(self, request, rows, filterset) -> dict:
        return {
            "grand_total": rows.aggregate(total=Sum("total_now"))["total"] or 0,
            "can_create": allows(request.user, Action.CHANGE),
        }


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    lines = list(
        plan.lines.select_related("activity", "unit", "added_by", "removed_by", "replaces").prefetch_related(
            "targets__indicator", "activity__groups"
        )
    )
    today = timezone.localdate()
    in_force_ids = set(
        PlanLine.objects.filter(plan=plan).filter(lines_in_force_q(today)).values_list("pk", flat=True)
    )
    approved = plan.status in ("approved", "revised")
    counted = (
        [ln for ln in lines if ln.pk in in_force_ids]
        if approved
        else [ln for ln in lines if ln.added_by_id is None]
    )
    by_group: dict = defaultdict(int)
    targets: dict = defaultdict(int)
    for line in counted:
        group = next((g for g in line.activity.groups.all() if g.programme_id == plan.programme_id), None)
        by_group[group] += line.amount
        for t in line.targets.all():
            targets[t.indicator] += t.planned
    used = line_use().used([ln for ln in lines if ln.pk in in_force_ids], today) if approved else {}
    may_create = allows(request.user, Action.CHANGE)
    for line in lines:
        line.in_force = line.pk in in_force_ids
        if approved and line.in_force:
            line.used = used.get(line.pk, 0)
            line.room = line.amount - line.used
            line.create_url = (
                f"{reverse('projects:create')}?plan_line={line.pk}" if may_create and line.room > 0 else ""
            )
    revisions = list(plan.revisions.order_by("number"))
    for revision in revisions:
        revision.added = [ln for ln in lines if ln.added_by_id == revision.pk]
        revision.removed = [ln for ln in lines if ln.removed_by_id == revision.pk]
        revision.net = sum(ln.amount for ln in revision.added) - sum(ln.amount for ln in revision.removed)
    draft_revision = next((r for r in revisions if r.status == "draft"), None)
    return render(
        request,
        "plans/detail.html",
        {
            "nav": "plans",
            "plan": plan,
            "lines": lines,
            "total": sum(ln.amount for ln in counted),
            "approved": approved,
            "by_group": sorted(by_group.items(), key=lambda kv: kv[0].number if kv[0] else 99),
            "targets": sorted(targets.items(), key=lambda kv: kv[0].name),
            "revisions": revisions,
            "draft_revision": draft_revision,
            "actions": actions_for(request.user, plan),
            "editable": plan.status in ("draft", "returned") and allows(request.user, Action.CHANGE),
            "decision_form": kept(request, DecisionForm),
            "reason_form": ReasonForm(),
            "history": [_labelled(e) for e in audit_for(plan)[:100]],
            "can_approve_revision": draft_revision is not None
            and services.can_approve(request.user, plan)[0],
            "today": today,
        },
    )


def _labelled(entry):
    entry.label = AUDIT_LABELS.get(entry.action, entry.action)
    return entry


def plan_create(request: HttpRequest) -> HttpResponse:
    require_change(request, allows(request.user, Action.CHANGE))
    form = PlanCreateForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        lambda data: services.plan_create(
            actor=request.user,
            agency=data["agency"],
            year=data["year"],
            source=data["source"],
            budget_level=data["budget_level"] or None,
        ),
        template="plans/create.html",
        context={"nav": "plans"},
        success=_("Plan created. Add its lines, then submit it."),
        redirect_to=lambda plan: redirect("plans:detail", pk=plan.pk),
    )


def _line_form_page(request, plan, *, revision=None):
    form = LineForm(request.POST or None, plan=plan, user=request.user)

    def add(data: dict) -> None:
        fields = {name: data[name] for name in ("activity", "amount", "unit", "note", "targets")}
        if revision is None:
            services.plan_line_add(actor=request.user, plan=plan, **fields)
        else:
            services.revision_add_line(actor=request.user, revision=revision, **fields)

    return form_page(
        request,
        form,
        add,
        template="plans/line_form.html",
        context={"nav": "plans", "plan": plan, "revision": revision},
        success=_("Line added."),
        redirect_to=lambda _result: redirect("plans:detail", pk=plan.pk),
    )


def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    require_change(request, allows(request.user, Action.CHANGE))
    return _line_form_page(request, plan)


def revision_line_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = _plan(request, pk)
    require_change(request, allows(request.user, Action.CHANGE))
    revision = get_object_or_404(PlanRevision, plan=plan, number=number)
    return _line_form_page(request, plan, revision=revision)


def _act(request, plan, call, success, form=None):
    attempt(request, call, success=success, form=form, keep_form=form is not None)
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def line_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    line = get_object_or_404(PlanLine, pk=line_pk, plan=plan)
    return _act(
        request, plan, lambda: services.plan_line_delete(actor=request.user, line=line), _("Line deleted.")
    )


@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = _plan(request, pk)
    post = request.POST
    if action == "submit":
        version = int(post.get("version") or 0)
        sent = SubmitForm(post)
        if not sent.is_valid():
            messages.error(request, _("Enter the date the plan was sent as dd/mm/yyyy, or leave it empty."))
            return redirect("plans:detail", pk=plan.pk)
        return _act(
            request,
            plan,
            lambda: services.plan_submit(
                actor=request.user,
                plan=plan,
                version=version,
                submitted_on=sent.cleaned_data["submitted_on"],
            ),
            _("Plan submitted."),
        )
    if action in ("approve", "revision_approve"):
        form = DecisionForm(post)
        if not form.is_valid():
            report_form_errors(request, form)  # each error by its field; what was typed is kept
            return redirect("plans:detail", pk=plan.pk)
        d = form.cleaned_data
        if action == "approve":
            call = lambda: services.plan_approve(  # noqa: E731
                actor=request.user,
                plan=plan,
                decision_number=d["decision_number"],
                decision_date=d["decision_date"],
            )
            return _act(request, plan, call, _("Plan approved."), form=form)
        revision = get_object_or_404(PlanRevision, plan=plan, status="draft")
        call = lambda: services.revision_approve(  # noqa: E731
            actor=request.user,
            revision=revision,
            decision_number=d["decision_number"],
            decision_date=d["decision_date"],
            correction_reason=post.get("correction_reason", ""),
        )
        return _act(
            request,
            plan,
            call,
            _("Revision approved: the plan in force has changed from the decision date."),
            form=form,
        )
    if action in ("return", "revise"):
        reason = post.get("reason", "")
        if action == "return":
            return _act(
                request,
                plan,
                lambda: services.plan_return(actor=request.user, plan=plan, reason=reason),
                _("Plan returned."),
            )
        return _act(
            request,
            plan,
            lambda: services.revision_create(actor=request.user, plan=plan, reason=reason),
            _("Revision started."),
        )
    raise Http404


@require_POST
def revision_line_remove(request: HttpRequest, pk: int, number: int, line_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    revision = get_object_or_404(PlanRevision, plan=plan, number=number)
    line = get_object_or_404(PlanLine, pk=line_pk, plan=plan)
    return _act(
        request,
        plan,
        lambda: services.revision_remove_line(actor=request.user, revision=revision, line=line),
        _("The line will go out of force when the revision is approved."),
    )


@require_POST
def revision_line_change(request: HttpRequest, pk: int, number: int, line_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    revision = get_object_or_404(PlanRevision, plan=plan, number=number)
    line = get_object_or_404(PlanLine, pk=line_pk, plan=plan)
    form = LineAmountForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("plans:detail", pk=plan.pk)
    amount = form.cleaned_data["amount"]
    return _act(
        request,
        plan,
        lambda: services.revision_change_line(
            actor=request.user, revision=revision, line=line, amount=amount
        ),
        _("The new amount will be in force when the revision is approved."),
    )

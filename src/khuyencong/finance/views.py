"""Finance pages: the ledger list, the contract form and the entry forms posted from the project page."""

from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import Action
from khuyencong.core.lists import ListPage, form_page
from khuyencong.core.views import attempt, report_form_errors
from khuyencong.projects.views import back_to_project, project_or_404

from . import services
from .exporters import LedgerExporter
from .filters import LedgerFilter
from .forms import ContractForm, EntryForm, ReversalForm
from .selectors import ledger_visible


class LedgerList(ListPage):
    name = "finance.ledger"
    template_name = "finance/ledger.html"
    nav = "finance"
    filterset_class = LedgerFilter
    exporter_class = LedgerExporter
    import_kind = "ledger"
    ordering = ("-value_date", "-pk")
    sorts = {
        "date": "value_date",
        "project": "project__code",
        "kind": "kind",
        "committed": "committed_delta",
        "disbursed": "disbursed_delta",
    }

    def selector(self, user):
        return ledger_visible(user)

    def extra_context(self, request, rows, filterset) -> dict:
        totals = rows.aggregate(disbursed=Sum("disbursed_delta"), committed=Sum("committed_delta"))
        return {"disbursed": totals["disbursed"] or 0, "committed": totals["committed"] or 0}


def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    initial = {
        "party_a": str(project.managing_agency),
        "party_b": project.implementer_label,
        "value": project.support_amount - (project.contracts.aggregate(s=Sum("value"))["s"] or 0),
    }
    form = ContractForm(request.POST or None, project=project, initial=initial)
    version = int(request.POST.get("version") or 0) or None
    return form_page(
        request,
        form,
        lambda data: services.contract_sign(actor=request.user, project=project, version=version, **data),
        template="finance/contract_form.html",
        context={"nav": "projects", "project": project},
        success=_("Contract recorded and its value committed in the ledger."),
        redirect_to=lambda _contract: redirect("projects:detail", pk=project.pk),
    )


@require_POST
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    form = EntryForm(request.POST, project=project, prefix="entry")
    if form.is_valid():
        attempt(
            request,
            lambda: services.entry_record(actor=request.user, project=project, **form.cleaned_data),
            success=_("Entry recorded."),
            form=form,
            keep_form=True,
        )
    else:
        report_form_errors(request, form)
    return back_to_project(project, "entry")


@require_POST
def entry_reverse(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = ledger_visible(request.user).filter(pk=entry_pk).first()
    if entry is None:
        raise Http404
    project_or_404(request, entry.project_id, Action.CHANGE)
    form = ReversalForm(request.POST, prefix=f"rev{entry.pk}")
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.entry_reverse(
                actor=request.user,
                entry=entry,
                reason=data["reason"],
                amount=data["amount"],
                value_date=data["value_date"],
                correction_reason=data["correction_reason"],
            ),
            success=_("Reversing entry recorded."),
        )
    else:
        report_form_errors(request, form)
    return redirect("projects:detail", pk=entry.project_id)

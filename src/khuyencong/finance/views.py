"""Finance pages: the ledger list, the contract form and the entry forms posted from the project page."""

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import Action
from khuyencong.core.exporters import Exporter
from khuyencong.core.views import attempt, report_form_errors
from khuyencong.projects.views import project_or_404

from . import services
from .forms import ContractForm, EntryForm, LedgerFilterForm, ReversalForm
from .selectors import ledger_filtered, ledger_visible


class LedgerExporter(Exporter):
    filename = "so-cai"

    def __init__(self, entries):
        self.entries = entries

    def header(self):
        return [
            _("Value date"),
            _("Project"),
            _("Kind"),
            _("Amount (đồng)"),
            _("Effect on disbursed (đồng)"),
            _("Contract"),
            _("Document reference"),
            _("Reverses entry"),
            _("Recorded by"),
            _("Note"),
        ]

    def rows(self):
        for e in self.entries:
            yield (
                e.value_date.strftime("%d/%m/%Y"),
                e.project.code,
                e.get_kind_display(),
                e.amount,
                e.disbursed_delta,
                e.contract.number if e.contract else "",
                e.reference,
                e.reverses_id or "",
                str(e.recorded_by),
                e.note,
            )


def ledger_list(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    criteria = form.criteria()
    entries = ledger_visible(request.user)
    entries = entries.none() if criteria is None else ledger_filtered(entries, **criteria)
    entries = entries.order_by("-value_date", "-pk")
    if request.GET.get("export") == "csv":
        return LedgerExporter(entries.iterator()).csv_response()
    totals = entries.aggregate(disbursed=Sum("disbursed_delta"), committed=Sum("committed_delta"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/ledger.html",
        {
            "nav": "finance",
            "form": form,
            "page": page,
            "disbursed": totals["disbursed"] or 0,
            "committed": totals["committed"] or 0,
        },
    )


def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk, Action.CHANGE)
    initial = {
        "party_a": str(project.managing_agency),
        "party_b": project.implementer_label,
        "value": project.support_amount - (project.contracts.aggregate(s=Sum("value"))["s"] or 0),
    }
    form = ContractForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = int(request.POST.get("version") or 0) or None
        if attempt(
            request,
            lambda: services.contract_sign(
                actor=request.user, project=project, version=version, **form.cleaned_data
            ),
            success=_("Contract recorded and its value committed in the ledger."),
            form=form,
        ):
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "finance/contract_form.html",
        {"nav": "projects", "project": project, "form": form},
        status=400 if form.errors else 200,
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
        )
    else:
        report_form_errors(request, form)
    return redirect("projects:detail", pk=project.pk)


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

"""Event pages: thin over selectors and services. A service's refusal comes back on the form's fields
(and at the top of the page) through core.views; out of jurisdiction is 404, a role that may not act
is 403."""

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope
from khuyencong.catalog.models import Indicator
from khuyencong.core.audit import audit_for
from khuyencong.core.lists import ListPage, form_page, require_change
from khuyencong.core.views import attempt, report_form_errors

from . import services
from .choices import ALL_INDICATORS, AUDIT_LABELS
from .exporters import FairExporter, SelectionExporter, TitleExporter, TrainingExporter
from .filters import FairFilter, SelectionFilter, TitleFilter, TrainingFilter
from .forms import (
    CertifyForm,
    EntryForm,
    FairForm,
    ParticipationForm,
    RejectForm,
    ScoreForm,
    SelectionForm,
    TitleForm,
    TraineeForm,
    TrainingForm,
)
from .models import FairParticipation, JuryScore, SelectionEntry
from .selectors import (
    entries_visible,
    event_counts,
    fair_booths_taken,
    fairs_taken_part_in,
    fairs_visible,
    participations_visible,
    selections_visible,
    titles_visible,
    trainees_visible,
    trainings_visible,
)


def _get(qs, request: HttpRequest, pk: int):
    return get_in_scope(qs, request.user, Action.VIEW, pk=pk)


def _require_change(request: HttpRequest) -> None:
    require_change(request, allows(request.user, Action.CHANGE))


def _form_page(request: HttpRequest, form, call, *, context: dict, **kwargs) -> HttpResponse:
    return form_page(
        request, form, call, template="events/form.html", context={"nav": "events", **context}, **kwargs
    )


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _history(obj) -> list:
    entries = list(audit_for(obj)[:50])
    for entry in entries:
        entry.label = AUDIT_LABELS.get(entry.action, entry.action)
    return entries


class EventList(ListPage):
    nav = "events"

    def extra_context(self, request, rows, filterset) -> dict:
        return {"can_change": allows(request.user, Action.CHANGE)}


# --- overview --------------------------------------------------------------------------------------


def events_home(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    counts = event_counts(request.user, year)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=ALL_INDICATORS)}
    tiles = [(indicators[code], counts.get(code, 0)) for code in ALL_INDICATORS if code in indicators]
    user = request.user
    return render(
        request,
        "events/home.html",
        {
            "nav": "events",
            "tab": "home",
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "tiles": tiles,
            "fairs": fairs_taken_part_in(user)
            .filter(start_date__year=year)
            .select_related("location")
            .order_by("-start_date", "name")[:8],
            "selections": selections_visible(user).filter(year=year).order_by("level", "name")[:8],
            "titles": titles_visible(user).filter(year=year).order_by("person_name")[:8],
            "trainings": trainings_visible(user).filter(start_date__year=year).order_by("-start_date")[:8],
            "can_change": allows(user, Action.CHANGE),
        },
    )


# --- fairs -----------------------------------------------------------------------------------------


class FairList(EventList):
    name = "events.fairs"
    template_name = "events/fair_list.html"
    tab = "fairs"
    filterset_class = FairFilter
    exporter_class = FairExporter
    import_kind = "fairs"
    ordering = ("-start_date", "name", "pk")
    sorts = {
        "name": "name",
        "level": "level",
        "start": "start_date",
        "booths": "booths_total",
        "taken": "booths_taken",
        "establishments": "establishments",
    }

    def selector(self, user):
        return fairs_visible(user).annotate(
            booths_taken=Coalesce(Sum("participations__booths"), 0), establishments=Count("participations")
        )


def fair_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    form = FairForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: services.fair_create(actor=request.user, **data),
        context={"tab": "fairs", "title": _("New fair"), "back": reverse("events:fair_list")},
        success=_("Fair recorded. Add the establishments that took booths."),
        redirect_to=lambda fair: redirect("events:fair_detail", pk=fair.pk),
    )


def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fair = _get(fairs_visible(request.user), request, pk)
    participations = participations_visible(request.user).filter(fair=fair).order_by("establishment__name")
    visible = list(participations)
    can_change = allows(request.user, Action.CHANGE)
    return render(
        request,
        "events/fair_detail.html",
        {
            "nav": "events",
            "tab": "fairs",
            "fair": fair,
            "participations": visible,
            "visible_booths": sum(p.booths for p in visible),
            "visible_support": sum(p.support_amount for p in visible),
            "booths_taken": fair_booths_taken(fair),
            "all_participations": FairParticipation.objects.filter(fair=fair).count(),
            "form": ParticipationForm(user=request.user) if can_change else None,
            "can_change": can_change,
            "history": _history(fair),
        },
    )


def participation_add(request: HttpRequest, pk: int) -> HttpResponse:
    fair = _get(fairs_visible(request.user), request, pk)
    _require_change(request)
    form = ParticipationForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: services.participation_add(actor=request.user, fair=fair, **data),
        context={
            "tab": "fairs",
            "title": _("Add a participation"),
            "subtitle": fair,
            "back": reverse("events:fair_detail", args=[fair.pk]),
        },
        success=_("Participation recorded."),
        redirect_to=lambda _p: redirect("events:fair_detail", pk=fair.pk),
    )


@require_POST
def participation_remove(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    fair = _get(fairs_visible(request.user), request, pk)
    participation = get_object_or_404(participations_visible(request.user), pk=part_pk, fair=fair)
    attempt(
        request,
        lambda: services.participation_remove(actor=request.user, participation=participation),
        success=_("Participation removed."),
    )
    return redirect("events:fair_detail", pk=fair.pk)


# --- selections ------------------------------------------------------------------------------------


class SelectionList(EventList):
    name = "events.selections"
    template_name = "events/selection_list.html"
    tab = "selections"
    filterset_class = SelectionFilter
    exporter_class = SelectionExporter
    import_kind = "selections"
    ordering = ("-year", "level", "name", "pk")
    sorts = {"year": "year", "name": "name", "level": "level", "entries": "entry_count"}

    def selector(self, user):
        return selections_visible(user).annotate(entry_count=Count("entries", distinct=True))


def selection_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    form = SelectionForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: services.selection_create(actor=request.user, **data),
        context={"tab": "selections", "title": _("New selection"), "back": reverse("events:selection_list")},
        success=_("Selection recorded. Enter the products."),
        redirect_to=lambda selection: redirect("events:selection_detail", pk=selection.pk),
    )


def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selection = _get(selections_visible(request.user), request, pk)
    entries = list(
        entries_visible(request.user)
        .filter(selection=selection)
        .prefetch_related(Prefetch("scores", queryset=JuryScore.objects.order_by("juror")))
        .order_by("result", "-total_score", "product_name", "pk")
    )
    organiser = services.can_organise(request.user, selection)[0]
    nominate = allows(request.user, Action.CHANGE) and (organiser or selection.unit_id is None)
    return render(
        request,
        "events/selection_detail.html",
        {
            "nav": "events",
            "tab": "selections",
            "selection": selection,
            "entries": entries,
            "certified": sum(1 for e in entries if e.result == "certified"),
            "organiser": organiser,
            "can_enter": nominate,
            "score_form": ScoreForm(auto_id="score_%s"),
            "certify_form": CertifyForm(auto_id="certify_%s"),
            "reject_form": RejectForm(auto_id="reject_%s"),
            "today": timezone.localdate(),
            "history": _history(selection),
        },
    )


def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    selection = _get(selections_visible(request.user), request, pk)
    _require_change(request)
    form = EntryForm(request.POST or None, user=request.user, selection=selection)
    return _form_page(
        request,
        form,
        lambda data: services.entry_add(actor=request.user, selection=selection, **data),
        context={
            "tab": "selections",
            "title": _("Enter a product"),
            "subtitle": selection,
            "back": reverse("events:selection_detail", args=[selection.pk]),
        },
        success=_("Product entered."),
        redirect_to=lambda _e: redirect("events:selection_detail", pk=selection.pk),
    )


def _entry(request: HttpRequest, pk: int, entry_pk: int) -> SelectionEntry:
    selection = _get(selections_visible(request.user), request, pk)
    return get_object_or_404(entries_visible(request.user), pk=entry_pk, selection=selection)


def _entry_action(request: HttpRequest, pk: int, entry_pk: int, form_class, call, success) -> HttpResponse:
    entry = _entry(request, pk, entry_pk)
    form = form_class(request.POST)
    if form.is_valid():
        attempt(request, lambda: call(entry, form.cleaned_data), success=success)
    else:
        report_form_errors(request, form)
    return redirect("events:selection_detail", pk=pk)


@require_POST
def entry_score(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        entry_pk,
        ScoreForm,
        lambda entry, data: services.entry_score(actor=request.user, entry=entry, **data),
        _("Score recorded."),
    )


@require_POST
def entry_certify(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        entry_pk,
        CertifyForm,
        lambda entry, data: services.entry_certify(actor=request.user, entry=entry, **data),
        _("Product certified; its establishment now has the typical-product priority."),
    )


@require_POST
def entry_reject(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        entry_pk,
        RejectForm,
        lambda entry, data: services.entry_reject(actor=request.user, entry=entry, **data),
        _("Entry marked as not selected."),
    )


# --- titles ----------------------------------------------------------------------------------------


class TitleList(EventList):
    name = "events.titles"
    template_name = "events/title_list.html"
    tab = "titles"
    filterset_class = TitleFilter
    exporter_class = TitleExporter
    import_kind = "artisan_titles"
    ordering = ("-year", "person_name", "pk")
    sorts = {"year": "year", "name": "person_name", "kind": "kind", "craft": "craft"}

    def selector(self, user):
        return titles_visible(user)


def title_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    form = TitleForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: services.title_create(actor=request.user, **data),
        context={"tab": "titles", "title": _("New title"), "back": reverse("events:title_list")},
        success=_("Title recorded."),
        redirect_to=lambda _t: redirect("events:title_list"),
    )


# --- trainings -------------------------------------------------------------------------------------


class TrainingList(EventList):
    name = "events.trainings"
    template_name = "events/training_list.html"
    tab = "trainings"
    filterset_class = TrainingFilter
    exporter_class = TrainingExporter
    import_kind = "trainings"
    ordering = ("-start_date", "title", "pk")
    sorts = {"title": "title", "kind": "kind", "start": "start_date", "participants": "participants_count"}

    def selector(self, user):
        return trainings_visible(user)


def training_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    form = TrainingForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda data: services.training_create(actor=request.user, **data),
        context={
            "tab": "trainings",
            "title": _("New training or workshop"),
            "back": reverse("events:training_list"),
        },
        success=_("Training recorded."),
        redirect_to=lambda training: redirect("events:training_detail", pk=training.pk),
    )


def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _get(trainings_visible(request.user), request, pk)
    can_change = allows(request.user, Action.CHANGE)
    return render(
        request,
        "events/training_detail.html",
        {
            "nav": "events",
            "tab": "trainings",
            "training": training,
            "trainees": trainees_visible(request.user).filter(training=training).order_by("name", "pk"),
            "form": TraineeForm(user=request.user) if can_change else None,
            "can_change": can_change,
            "history": _history(training),
        },
    )


@require_POST
def trainee_add(request: HttpRequest, pk: int) -> HttpResponse:
    training = _get(trainings_visible(request.user), request, pk)
    _require_change(request)
    form = TraineeForm(request.POST, user=request.user)
    if form.is_valid():
        attempt(
            request,
            lambda: services.trainee_add(actor=request.user, training=training, **form.cleaned_data),
            success=_("Participant added."),
        )
    else:
        report_form_errors(request, form)
    return redirect("events:training_detail", pk=training.pk)

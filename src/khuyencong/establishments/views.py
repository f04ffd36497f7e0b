"""Pages of the establishment registry: thin over selectors and services.

Reads go through `establishments_visible` (jurisdiction: out of scope is 404), writes through the
services; a role that may not change records gets 403 before anything is looked up. A DomainError from
a service becomes a message on the form field it concerns (or at the top of the form) here, never a 500.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope
from khuyencong.core import errors
from khuyencong.core.audit import audit_for
from khuyencong.core.lists import ListPage
from khuyencong.core.panels import panels
from khuyencong.geo.models import AdministrativeUnit

from . import services
from .choices import PRIORITY_FLAGS, LegalForm
from .exporters import EstablishmentExporter
from .filters import DEFAULT_SORT, SORTS, EstablishmentFilter
from .forms import EstablishmentForm, MergeForm
from .models import Establishment, Industry
from .selectors import establishment_duplicates, establishments_visible

NAV = "establishments"
PAGE_SIZE = 50

COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("legal_form", gettext_lazy("Legal form")),
    ("tax_code", gettext_lazy("Tax code")),
    ("commune", gettext_lazy("Commune")),
    ("province", gettext_lazy("Province (today)")),
    ("workers", gettext_lazy("Workers")),
]

AUDIT_ACTIONS = {
    "establishment.create": gettext_lazy("Registered"),
    "establishment.update": gettext_lazy("Changed"),
    "establishment.merge": gettext_lazy("Merged into another record"),
    "establishment.absorb": gettext_lazy("Took in a duplicate record"),
}


def _require_change(request: HttpRequest) -> None:
    if not allows(request.user, Action.CHANGE):
        raise PermissionDenied


def _get(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Establishment:
    """One record in the user's jurisdiction (merged ones included): 404 outside it, whatever the role;
    403 inside it when the role does not allow `action`."""
    qs = establishments_visible(request.user, include_merged=True).select_related(
        "commune__province", "merged_into"
    )
    return get_in_scope(qs, request.user, action, pk=pk)


# --- list ------------------------------------------------------------------------------------------


class EstablishmentList(ListPage):
    name = "establishments.list"
    template_name = "establishments/list.html"
    nav = NAV
    filterset_class = EstablishmentFilter
    exporter_class = EstablishmentExporter
    import_kind = "establishments"
    sorts = SORTS
    default_sort = DEFAULT_SORT
    ordering = ("search_name", "pk")  # ties broken by name and id, so that pages never overlap

    def selector(self, user):
        return establishments_visible(user).select_related("commune__province")

    def extra_context(self, request, rows, filterset) -> dict:
        return {
            "columns": [
                (key, label, "num" if key == "workers" else "") for key, label in COLUMNS if key in SORTS
            ],
            "in_scope": self.selector(request.user).count() if filterset.active else None,
            "can_change": allows(request.user, Action.CHANGE),
        }


# --- detail ----------------------------------------------------------------------------------------


def _display(
    name: str, value: Any, units: dict[int, AdministrativeUnit], industries: dict[int, Industry]
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "legal_form" and value in LegalForm.values:
        return str(capfirst(LegalForm(value).label))
    if name == "commune" and value in units:
        return units[value].label
    if name == "industry" and value in industries:
        return str(industries[value])
    return str(value)


def _field_label(name: str) -> str:
    try:
        return str(capfirst(getattr(Establishment._meta.get_field(name), "verbose_name", name)))
    except FieldDoesNotExist:  # a field that no longer exists, in an old audit entry
        return name


def _history(establishment: Establishment) -> list[dict[str, Any]]:
    """The audit trail of the record, newest first, with values shown as on the page."""
    entries = list(audit_for(establishment)[:200])
    unit_ids: set[int] = set()
    industry_ids: set[int] = set()
    for entry in entries:
        for values in (entry.before or {}, entry.after or {}):
            if isinstance(values.get("commune"), int):
                unit_ids.add(values["commune"])
            if isinstance(values.get("industry"), int):
                industry_ids.add(values["industry"])
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related("province")}
    industries = {i.pk: i for i in Industry.objects.filter(pk__in=industry_ids)}
    rows = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes: list[tuple[str, str | None, str]] = []
        other = None
        if entry.action == "establishment.create":
            changes = [
                (_field_label(k), None, _display(k, v, units, industries))
                for k, v in after.items()
                if v not in (None, "", False)
            ]
        elif entry.action == "establishment.update":
            changes = [
                (
                    _field_label(k),
                    _display(k, before.get(k), units, industries),
                    _display(k, v, units, industries),
                )
                for k, v in after.items()
            ]
        else:
            other = after.get("merged_into") or after.get("absorbed")
        rows.append(
            {
                "entry": entry,
                "label": AUDIT_ACTIONS.get(entry.action, entry.action),
                "changes": changes,
                "other": other,
            }
        )
    return rows


def _detail_context(request: HttpRequest, establishment: Establishment, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    can_change = allows(user, Action.CHANGE) and establishment.is_active
    merged_into = establishment.merged_into
    return {
        # the fairs, selections, titles (events) and the support received (finance): apps above the
        # registry contribute their panels (core.panels)
        **panels("establishments.detail", request, establishment),
        "nav": NAV,
        "est": establishment,
        "today": today,
        "eligibility": services.establishment_eligibility(establishment, today),
        "flags": [label for flag, label in PRIORITY_FLAGS if getattr(establishment, flag)],
        "history": _history(establishment),
        "merged_into_visible": merged_into is not None
        and establishments_visible(user, include_merged=True).filter(pk=merged_into.pk).exists(),
        "merged_records": establishments_visible(user, include_merged=True).filter(merged_into=establishment),
        "can_change": can_change,
        "duplicates": establishment_duplicates(user, establishment) if can_change else [],
        "merge_form": extra.pop("merge_form", None) or MergeForm(),
        **extra,
    }


@require_GET
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(request, pk)
    return render(request, "establishments/detail.html", _detail_context(request, establishment))


# --- create and edit -------------------------------------------------------------------------------


def _apply_error(request: HttpRequest, form: EstablishmentForm, exc: errors.DomainError) -> dict[str, Any]:
    """Put a service's refusal on the form; returns what the template shows besides field errors."""
    if isinstance(exc, errors.PermissionDenied | errors.NotInJurisdiction):
        raise exc  # 403 / 404 (core.middleware.AccessRefusals)
    if isinstance(exc, services.DuplicateTaxCode):
        form.add_error("tax_code", str(exc.message))
        existing_id = exc.details.get("existing_id")
        visible = (
            establishments_visible(request.user, include_merged=True).filter(pk=existing_id).first()
            if isinstance(existing_id, int)
            else None
        )
        return {"existing": visible, "existing_elsewhere": visible is None}
    if isinstance(exc, services.PossibleDuplicate):
        return {"candidates": exc.details.get("candidates", []), "ask_confirm": True, "warning": exc.message}
    if isinstance(exc, errors.StaleWrite):
        # Keep what was typed; the next save is made against the record as it is now.
        fresh = Establishment.objects.get(pk=form.instance.pk) if form.instance else None
        if fresh is not None:
            data = QueryDict(mutable=True)
            data.update(form.data)
            data[form.add_prefix("version")] = str(fresh.version)
            form.data = data
        return {"stale": exc.message}
    field_errors = exc.details.get("errors")
    if isinstance(field_errors, dict):
        for field, message in field_errors.items():
            form.add_error(field if field in form.fields else None, str(message))
        if not any(f in form.fields for f in field_errors):
            form.add_error(None, str(exc.message))
    else:
        field = exc.details.get("field")
        form.add_error(field if field in form.fields else None, str(exc.message))
    return {}


def _render_form(
    request: HttpRequest, form: EstablishmentForm, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "nav": NAV,
        "form": form,
        "est": form.instance,
        "show_confirm": extra.get("ask_confirm") or bool(form["confirm_duplicate"].value()),
        **extra,
    }
    return render(request, "establishments/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def establishment_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    form = EstablishmentForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return _render_form(request, form)
    if not form.is_valid():
        form.add_tax_code_hint()
        return _render_form(request, form, status=400)
    try:
        establishment = services.establishment_create(
            actor=request.user,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **form.service_data(),
        )
    except errors.DomainError as exc:
        return _render_form(request, form, status=400, **_apply_error(request, form, exc))
    messages.success(request, _("Establishment “%(name)s” registered.") % {"name": establishment.name})
    return redirect("establishments:detail", pk=establishment.pk)


@require_http_methods(["GET", "POST"])
def establishment_update(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(request, pk, Action.CHANGE)
    if not establishment.is_active:
        messages.error(request, _("This record was merged into another one and can no longer be changed."))
        return redirect("establishments:detail", pk=establishment.pk)
    form = EstablishmentForm(request.POST or None, user=request.user, instance=establishment)
    if request.method != "POST":
        return _render_form(request, form)
    if not form.is_valid():
        form.add_tax_code_hint()
        return _render_form(request, form, status=400)
    version = form.cleaned_data["version"]
    try:
        updated = services.establishment_update(
            actor=request.user,
            establishment=establishment,
            version=version if version is not None else -1,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **form.service_data(),
        )
    except errors.DomainError as exc:
        return _render_form(request, form, status=400, **_apply_error(request, form, exc))
    if updated.version == version:
        messages.info(request, _("Nothing was changed."))
    else:
        messages.success(request, _("Changes to “%(name)s” saved.") % {"name": updated.name})
    return redirect("establishments:detail", pk=updated.pk)


# --- merge -----------------------------------------------------------------------------------------


@require_POST
def establishment_merge(request: HttpRequest, pk: int) -> HttpResponse:
    keep = _get(request, pk, Action.CHANGE)
    if not keep.is_active:
        messages.error(request, _("This record was merged into another one and can no longer be changed."))
        return redirect("establishments:detail", pk=keep.pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        duplicate = (
            establishments_visible(request.user, Action.CHANGE)
            .filter(pk=form.cleaned_data["duplicate"])
            .first()
        )
        if duplicate is None:
            form.add_error("duplicate", _("There is no active record with this number in your jurisdiction."))
        else:
            try:
                services.establishment_merge(
                    actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
                )
            except errors.PermissionDenied:
                raise  # 403 (core.middleware.AccessRefusals)
            except errors.DomainError as exc:
                field = exc.details.get("field")
                form.add_error(field if field in form.fields else "duplicate", str(exc.message))
            else:
                messages.success(
                    request,
                    _("Record no. %(number)s (“%(name)s”) was merged into this one.")
                    % {"number": duplicate.pk, "name": duplicate.name},
                )
                return redirect("establishments:detail", pk=keep.pk)
    context = _detail_context(request, keep, merge_form=form, merge_open=True)
    return render(request, "establishments/detail.html", context, status=400)

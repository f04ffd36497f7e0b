"""Pages of the programme catalogue: reference data, the same for every signed-in user (no jurisdiction).

Reads go through catalog.selectors, the support check through catalog.services.check_support; a
DomainError from the service becomes a form error here, never a 500.
"""

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from khuyencong.core.errors import DomainError
from khuyencong.core.exporters import FORMATS
from khuyencong.core.formatting import format_number

from . import selectors
from .exporters import IndicatorExporter, NormExporter
from .forms import NormFilterForm, SupportCheckForm
from .models import Activity, ProgrammeTarget
from .services import check_support, norm_limit

NAV = "catalog"


def _plain_number(value: Decimal | None) -> str:
    """5.0000 → '5', 5.4000 → '5,4', 900000000 → '900.000.000' (as many decimals as it has)."""
    if value is None:
        return "—"
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, decimals)


def _target_range(target: ProgrammeTarget) -> str:
    low, high = _plain_number(target.minimum), _plain_number(target.maximum)
    if target.minimum is None or target.maximum is None or target.minimum == target.maximum:
        return high if target.minimum is None else low
    return f"{low}–{high}"


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "catalog/home.html",
        {
            "nav": NAV,
            "programmes": selectors.programme_summaries(),
            "counts": selectors.catalogue_counts(today),
            "today": today,
        },
    )


def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(selectors.programmes(), code=code)
    return render(
        request,
        "catalog/programme_detail.html",
        {
            "nav": NAV,
            "programme": programme,
            "groups": selectors.programme_tree(programme),
            "targets": [(t, _target_range(t)) for t in programme.targets.all()],
        },
    )


def activity_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        activity = selectors.activity_full(code)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    return render(
        request,
        "catalog/activity_detail.html",
        {
            "nav": NAV,
            "activity": activity,
            "groups": activity.groups.all(),
            "norms": [(n, n.is_valid_on(today)) for n in activity.norms.all()],
            "indicators": activity.indicators.all(),
        },
    )


def norm_list(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = NormFilterForm(request.GET or None, initial={"on": today})
    on, activity = today, None
    if form.is_bound:
        form.is_valid()
        # A field with an error is left out of cleaned_data: its filter falls back to the default.
        on = form.cleaned_data.get("on") or today
        activity = form.cleaned_data.get("activity")
    norms = selectors.norm_list(on=on, activity=activity)
    if (fmt := request.GET.get("export")) in FORMATS:
        return NormExporter(norms).response(fmt)
    return render(
        request,
        "catalog/norm_list.html",
        {
            "nav": NAV,
            "form": form,
            "on": on,
            "activity": activity,
            "norms": norms,
            "export_formats": FORMATS,
        },
    )


def indicator_list(request: HttpRequest) -> HttpResponseBase:
    indicators = selectors.indicators()
    if (fmt := request.GET.get("export")) in FORMATS:
        return IndicatorExporter(indicators).response(fmt)
    return render(
        request,
        "catalog/indicator_list.html",
        {"nav": NAV, "indicators": indicators, "export_formats": FORMATS},
    )


SUBMITTED_WITH = ("eligible_cost", "requested_support")


def support_check(request: HttpRequest) -> HttpResponse:
    submitted = any(name in request.GET for name in SUBMITTED_WITH)
    initial = {"on": timezone.localdate(), "per_unit_count": 1, "activity": request.GET.get("activity")}
    form = SupportCheckForm(request.GET if submitted else None, initial=initial)
    result, norm_rows = None, []
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            result = check_support(
                activity=data["activity"],
                eligible_cost=data["eligible_cost"],
                requested_support=data["requested_support"],
                on_date=data["on"],
                per_unit_count=data["per_unit_count"],
                condition=data["condition"],
            )
        except DomainError as exc:
            field = exc.details.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            norm_rows = [
                (n, norm_limit(n, result.eligible_cost, result.per_unit_count)) for n in result.norms
            ]
    return render(
        request,
        "catalog/support_check.html",
        {
            "nav": NAV,
            "form": form,
            "result": result,
            "requested": form.cleaned_data.get("requested_support") if result else None,
            "norm_rows": norm_rows,
        },
    )

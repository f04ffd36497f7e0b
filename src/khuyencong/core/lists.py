"""The one page layer of lists, detail pages and simple forms.

A list page is a selector (the rows the user may see), a filter (`<app>/filters.py`), a template that
draws one page of rows, and an exporter that writes the same filtered rows as CSV or XLSX:

    class FairList(ListPage):
        name = "events.fairs"
        template_name = "events/fair_list.html"
        nav, tab = "events", "fairs"
        filterset_class = FairFilter
        exporter_class = FairExporter
        ordering = ("-start_date", "name", "pk")

        def selector(self, user):
            return fairs_visible(user).annotate(booths_taken=Sum("participations__booths"))

`?export=csv` or `?export=xlsx` downloads exactly the filtered rows; above `EXPORT_BACKGROUND_ROWS`
rows the file is made by the worker (`core.tasks`), with progress on the job's page. Filtering,
counting and the page's slice happen in the database.

A form page runs one service with a valid form's cleaned data (`FormPage`); refusals come back on the
form's fields. Access refusals (out of jurisdiction, a role that may not act) are not caught here:
`core.middleware.AccessRefusals` makes them 404 and 403 for every page.
"""

import tempfile
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from .exporters import CONTENT_TYPES, FORMATS, Exporter
from .filters import ListFilter
from .imports import KINDS, template_workbook
from .tasks import list_export_request
from .views import attempt

LISTS: dict[str, type["ListPage"]] = {}


class ListPage(View):
    name: ClassVar[str] = ""
    template_name: ClassVar[str]
    nav: ClassVar[str] = ""
    tab: ClassVar[str | None] = None
    filterset_class: ClassVar[type[ListFilter] | None] = None
    exporter_class: ClassVar[type[Exporter] | None] = None
    ordering: ClassVar[tuple[str, ...]] = ("pk",)
    # The columns a user may sort by: the key in the URL (`?sort=key`, `?sort=-key` descending) and the
    # field or annotation it orders by; `ordering` breaks the ties so that pages never overlap.
    sorts: ClassVar[dict[str, str]] = {}
    default_sort: ClassVar[str] = ""  # the key shown as the order when the URL names none
    page_size: ClassVar[int] = 50
    # The import kind (core.imports) whose layout `?export=import` writes the filtered rows in: the
    # "for editing" workbook, which imports back unchanged.
    import_kind: ClassVar[str] = ""
    http_method_names = ["get", "head", "options"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            if cls.name in LISTS and LISTS[cls.name].__qualname__ != cls.__qualname__:
                raise ValueError(f"two list pages are named {cls.name!r}")
            LISTS[cls.name] = cls

    # --- what a subclass provides ------------------------------------------------------------------

    def selector(self, user: Any) -> QuerySet:
        raise NotImplementedError

    def extra_context(self, request: HttpRequest, rows: QuerySet, filterset: ListFilter | None) -> dict:
        return {}

    def decorate(self, request: HttpRequest, objects: list) -> None:
        """Add to the rows of the page shown what the selector does not annotate (one query for the
        page, not one per row)."""

    # --- the rows ----------------------------------------------------------------------------------

    def filtered(
        self, user: Any, data: QueryDict, request: HttpRequest | None = None
    ) -> tuple[ListFilter | None, QuerySet]:
        """The filter bound to `data` and the rows it selects, ordered; the same for the page, its
        export and the background export (which has a user and no request)."""
        rows = self.selector(user)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(data or None, queryset=rows, request=request, user=user)
            rows = filterset.qs
        return filterset, self.sort(rows, data)

    def sort_key(self, data: QueryDict) -> str:
        """The `?sort=` asked for when it is one of `sorts`, else `default_sort`."""
        key = (data or {}).get("sort") or ""
        return key if key.lstrip("-") in self.sorts else self.default_sort

    def sort(self, rows: QuerySet, data: QueryDict) -> QuerySet:
        """The rows in the order asked for (`sorts`), then the page's own order. Empty values sort first
        going up and last going down, on SQLite and PostgreSQL alike."""
        key = self.sort_key(data)
        if not key:
            return rows.order_by(*self.ordering)
        field = F(self.sorts[key.lstrip("-")])
        order = field.desc(nulls_last=True) if key.startswith("-") else field.asc(nulls_first=True)
        return rows.order_by(order, *self.ordering)

    @classmethod
    def paginate(cls, request: HttpRequest, rows: QuerySet) -> Any:
        """One page of `rows` (`?page=`), counted and sliced in the database."""
        return Paginator(rows, cls.page_size).get_page(request.GET.get("page"))

    # --- the page ----------------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset, rows = self.filtered(request.user, request.GET, request)
        fmt = request.GET.get("export")
        if fmt:
            return self.export(request, rows, fmt)
        page = self.paginate(request, rows)
        page.object_list = list(page.object_list)
        self.decorate(request, page.object_list)
        context = {
            "nav": self.nav,
            "tab": self.tab,
            "filter": filterset,
            "form": filterset.form if filterset is not None else None,
            "page": page,
            "sort": self.sort_key(request.GET),
            "export_formats": FORMATS if self.exporter_class else (),
            "import_kind": self._import_kind(request.user),
            **self.extra_context(request, rows, filterset),
        }
        return render(request, self.template_name, context)

    def _import_kind(self, user: Any) -> Any:
        kind = KINDS.get(self.import_kind)
        return kind if kind is not None and kind.allowed(user) else None

    def export(self, request: HttpRequest, rows: QuerySet, fmt: str) -> HttpResponseBase:
        if fmt == "import" and (kind := self._import_kind(request.user)) is not None:
            target = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
            sheets = kind.export_sheets(rows, request.user)
            template_workbook(request.user, target, [KINDS[code] for code in sheets], sheets)
            target.seek(0)
            return FileResponse(
                target,
                as_attachment=True,
                filename=f"{kind.code.replace('_', '-')}-de-sua-{timezone.localdate():%Y%m%d}.xlsx",
                content_type=CONTENT_TYPES["xlsx"],
            )
        if self.exporter_class is None or fmt not in FORMATS:
            raise Http404
        exporter = self.exporter_class(rows)
        if (exporter.count() or 0) > settings.EXPORT_BACKGROUND_ROWS:
            job = list_export_request(
                actor=request.user, name=self.name, path=request.path, query=request.GET, fmt=fmt
            )
            return redirect("core:export_job", pk=job.pk)
        return exporter.response(fmt)


def require_change(request: HttpRequest, allowed: bool) -> None:
    """403 for a role that may not make the change a page offers."""
    if not allowed:
        raise Forbidden


def form_page(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict], Any],
    *,
    template: str,
    context: dict,
    success: Any,
    redirect_to: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """A page with one form that runs one service: on a valid POST, `call(cleaned_data)`; a refusal
    is shown on the form (400), success redirects to `redirect_to(result)`."""
    if request.method == "POST" and form.is_valid():
        result = attempt(request, lambda: call(form.cleaned_data), success=success, form=form)
        if result:
            return redirect_to(result)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)

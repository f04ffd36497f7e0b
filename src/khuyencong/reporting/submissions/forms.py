"""Forms of the submission pages: the list's filters, submitting a province's report, deciding on it,
the period overview's choices and the import upload. They only read and clean what was typed; the
rules (who may submit or decide, when a period may be submitted) are the services'."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import KcForm
from khuyencong.geo.models import AdministrativeUnit

from ..choices import SubmissionStatus
from ..forms import scope_choices
from ..selectors import submissions_visible
from .reads import IMPORT_MAX_BYTES, default_period


def month_choices() -> list[tuple[int, str]]:
    return [(m, _("month %(n)s") % {"n": m}) for m in range(1, 13)]


def recent_years(extra: set[int] | None = None) -> list[tuple[int, int]]:
    today = timezone.localdate().year
    years = {today, today - 1, today - 2} | (extra or set())
    return [(y, y) for y in sorted(years, reverse=True)]


class SubmissionFilterForm(KcForm):
    control_size = "sm"

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    through_month = forms.TypedChoiceField(
        label=_("Through month"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    all_versions = forms.BooleanField(label=_("Show every version"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = submissions_visible(user)
        years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
        any_choice = ("", _("— all —"))
        self.fields["year"].choices = [any_choice, *((y, y) for y in years)]
        self.fields["through_month"].choices = [any_choice, *month_choices()]
        self.fields["status"].choices = [any_choice, *SubmissionStatus.choices]
        units = AdministrativeUnit.objects.filter(pk__in=visible.values("unit")).order_by("name")
        self.fields["province"].choices = [any_choice, *((u.code, u.name) for u in units)]


class SubmitForm(KcForm):
    """Submit the province's live figures for a period (`services.submission_submit`)."""

    unit = forms.ChoiceField(label=_("Province"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    through_month = forms.TypedChoiceField(
        label=_("Report through month"),
        coerce=int,
    )
    comment = forms.CharField(
        label=_("Comment for the approver"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, provinces: list[AdministrativeUnit], **kwargs: Any) -> None:
        year, month = default_period()
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"year": year, "through_month": month, **kwargs["initial"]}
        if provinces:
            kwargs["initial"].setdefault("unit", provinces[0].code)
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(p.code, p.name) for p in provinces]
        if len(provinces) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
        self.fields["year"].choices = recent_years()
        self.fields["through_month"].choices = month_choices()


class DecisionForm(KcForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverviewForm(KcForm):
    """The scope is not checked against the drop-down: `access.readable_scope` decides (404 outside)."""

    control_size = "sm"

    scope = forms.CharField(label=_("Scope"), required=False, widget=forms.Select)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    through_month = forms.TypedChoiceField(label=_("Report through month"), coerce=int)

    def __init__(self, data: Any, *, user: Any, scope: str, **kwargs: Any) -> None:
        year, month = default_period()
        data = data.copy()
        for key, value in {"scope": scope, "year": str(year), "through_month": str(month)}.items():
            if not data.get(key):
                data[key] = value
        super().__init__(data, **kwargs)
        try:
            chosen = int(data.get("year"))
        except (TypeError, ValueError):
            chosen = year
        self.fields["scope"].widget.choices = [("", _("— choose —")), *scope_choices(user, chosen)]
        self.fields["year"].choices = recent_years({chosen} if 2000 <= chosen <= 2100 else set())
        self.fields["through_month"].choices = month_choices()


class ImportForm(KcForm):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_("Sheets “figures” and “indicators” as in the template; at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it by year or by province.")
                % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)},
                code="file_too_large",
            )
        return upload

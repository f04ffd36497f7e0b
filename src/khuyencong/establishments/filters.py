"""The filters of the establishment list (side panel and CSV export share them): every filter lives in
the URL, so a filtered list can be shared as a link and exported exactly as shown."""

from typing import Any, cast

from django import forms
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import restrict
from khuyencong.core.forms import KcForm
from khuyencong.geo.models import AdministrativeUnit

from .choices import PRIORITY_FLAGS
from .forms import industry_choices, legal_form_choices
from .models import Establishment
from .selectors import eligibility_rule_on, establishment_search, establishments_eligible_q

# sort key in the URL -> field; ties are broken by name and id so that pages never overlap, and empty
# values sort first going up and last going down, on SQLite and PostgreSQL alike.
SORTS: dict[str, str] = {
    "name": "search_name",
    "tax_code": "tax_code",
    "legal_form": "legal_form",
    "commune": "commune__name",
    "province": "commune__current_province__name",
    "workers": "workers",
    "updated": "updated_at",
}
DEFAULT_SORT = "name"


class EstablishmentFilterForm(KcForm):
    control_size = "sm"

    q = forms.CharField(
        label=_("Name or tax code"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. banh trang, 0100109106"), "type": "search"}),
    )
    province = forms.ModelChoiceField(
        label=_("Province (today)"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("All in your jurisdiction"),
    )
    legal_form = forms.ChoiceField(label=_("Legal form"), required=False)
    industry = forms.ChoiceField(label=_("Industry (VSIC)"), required=False)
    flags = forms.MultipleChoiceField(
        label=_("Priority groups"),
        required=False,
        choices=[(flag, capfirst(label)) for flag, label in PRIORITY_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Establishments with every ticked mark."),
    )
    eligible = forms.ChoiceField(
        label=_("Eligible for support today"),
        required=False,
        choices=[("", _("Eligible or not")), ("yes", _("Eligible")), ("no", _("Not eligible"))],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = restrict(
            AdministrativeUnit.objects.current().provinces(), user
        ).order_by("name")
        cast(forms.ChoiceField, self.fields["legal_form"]).choices = legal_form_choices(_("All legal forms"))
        cast(forms.ChoiceField, self.fields["industry"]).choices = industry_choices(_("All industries"))

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the sort does not)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.fields if name != "sort")


def establishment_filter(
    qs: QuerySet[Establishment], form: EstablishmentFilterForm
) -> QuerySet[Establishment]:
    """Apply the valid filters of `form` (an invalid one is ignored and shown with its error)."""
    form.is_valid()
    data = form.cleaned_data
    qs = establishment_search(qs, data.get("q", ""))
    if province := data.get("province"):
        qs = qs.filter(commune__current_province=province)
    if legal_form := data.get("legal_form"):
        qs = qs.filter(legal_form=legal_form)
    if industry := data.get("industry"):
        qs = (
            qs.filter(industry__section=industry)
            if industry.isalpha()
            else qs.filter(industry__code=industry)
        )
    for flag in data.get("flags") or []:
        qs = qs.filter(**{flag: True})
    if eligible := data.get("eligible"):
        condition = establishments_eligible_q(eligibility_rule_on(timezone.localdate()))
        qs = qs.filter(condition) if eligible == "yes" else qs.exclude(condition)
    sort = data.get("sort") or DEFAULT_SORT
    field = F(SORTS[sort.lstrip("-")])
    order = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_first=True)
    return qs.order_by(order, "search_name", "pk")

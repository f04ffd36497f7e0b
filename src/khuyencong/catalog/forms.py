"""Forms of the catalogue pages. Both are submitted with GET so that a result can be shared as a link."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import KcForm, MoneyField, VnDateField

from .choices import NormCondition
from .selectors import activity_choices


def _activity_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=activity_choices(), to_field_name="code", label=_("Activity"), **kwargs
    )


class NormFilterForm(KcForm):
    """Which support norms to list: those in force on a day, optionally of one activity."""

    control_size = "sm"

    on = VnDateField(label=_("In force on"), required=False, help_text=_("dd/mm/yyyy; empty: today"))
    activity = _activity_field(required=False, empty_label=_("All activities"))

    def clean_on(self) -> dt.date:
        return self.cleaned_data.get("on") or timezone.localdate()


class SupportCheckForm(KcForm):
    """What `catalog.services.check_support` needs; field names are the service's argument names."""

    activity = _activity_field(empty_label=_("Choose an activity…"))
    eligible_cost = MoneyField(
        label=_("Eligible cost"),
        min_value=0,
        help_text=_("In đồng: 1.500.000.000, 1,5 tỷ or 200 triệu."),
    )
    requested_support = MoneyField(
        label=_("Requested support"),
        min_value=0,
        help_text=_("The amount asked from the khuyến công budget."),
    )
    on = VnDateField(label=_("Norms in force on"), required=False, help_text=_("dd/mm/yyyy; empty: today"))
    per_unit_count = forms.IntegerField(
        label=_("Number of units the cap counts"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Establishments, models, brands, booths… in the project; empty: 1."),
    )
    condition = forms.ChoiceField(
        label=_("Circumstances"),
        required=False,
        choices=[
            (NormCondition.ANY.value, _("None of these")),
            *(
                (value, capfirst(label))
                for value, label in NormCondition.choices
                if value != NormCondition.ANY
            ),
        ],
        help_text=_("Some norms apply only in these circumstances; otherwise only the general norms apply."),
    )

    def clean_on(self) -> dt.date:
        return self.cleaned_data.get("on") or timezone.localdate()

    def clean_per_unit_count(self) -> int:
        count = self.cleaned_data.get("per_unit_count")
        return 1 if count is None else count

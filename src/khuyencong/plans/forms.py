from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import AgencyKind
from khuyencong.accounts.jurisdiction import Action
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.models import Indicator
from khuyencong.catalog.selectors import activities_of
from khuyencong.core.forms import KcForm, MoneyField, VnDateField
from khuyencong.core.pickers import PickerField

from .choices import BudgetLevel, FundingSource

TARGET_ROWS = 3


class PlanCreateForm(KcForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    year = forms.IntegerField(label=_("Plan year"), min_value=2012, max_value=2100)
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    budget_level = forms.ChoiceField(
        label=_("Budget level (KCĐP)"),
        choices=[
            ("", _("by the agency")),
            (BudgetLevel.PROVINCE, BudgetLevel.PROVINCE.label),
            (BudgetLevel.COMMUNE, BudgetLevel.COMMUNE.label),
        ],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            agencies_visible(user, Action.CHANGE)
            .filter(
                kind__in=[
                    AgencyKind.PROVINCE_CENTRE,
                    AgencyKind.PROVINCE_DEPARTMENT,
                    AgencyKind.COMMUNE_COMMITTEE,
                    AgencyKind.MINISTRY_DEPARTMENT,
                ]
            )
            .order_by(F("valid_to").desc(nulls_first=True), "name")
        )  # today's agencies first, then the old
        self.fields["agency"].help_text = _(
            "A plan of a year before the 2025 reform belongs to the old province's agency "
            "(marked “until 30/06/2025”)."
        )
        self.fields["year"].initial = timezone.localdate().year + 1


class LineForm(KcForm):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None)
    amount = MoneyField(label=_("Amount"), min_value=0, help_text=_("In đồng: 1.500.000.000 or 1,5 tỷ."))
    unit = PickerField("plan-communes", label=_("Commune (optional)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities_of(plan.programme).order_by("name")
        self.fields["unit"].bind(user, plan=plan.pk)
        indicators = Indicator.objects.order_by("name")
        for i in range(TARGET_ROWS):
            self.fields[f"indicator_{i}"] = forms.ModelChoiceField(
                label=_("Indicator"), queryset=indicators, required=False
            )
            self.fields[f"planned_{i}"] = forms.IntegerField(label=_("Planned"), min_value=0, required=False)

    def target_rows(self):
        return [(self[f"indicator_{i}"], self[f"planned_{i}"]) for i in range(TARGET_ROWS)]

    def clean(self):
        cleaned = super().clean()
        targets = {}
        for i in range(TARGET_ROWS):
            indicator, planned = cleaned.get(f"indicator_{i}"), cleaned.get(f"planned_{i}")
            if indicator and planned is None:
                self.add_error(f"planned_{i}", _("Enter the planned number."))
            elif planned is not None and not indicator:
                self.add_error(f"indicator_{i}", _("Choose the indicator."))
            elif indicator:
                targets[indicator] = planned
        cleaned["targets"] = targets
        return cleaned


class DecisionForm(KcForm):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = VnDateField(label=_("Decision date"))


class SubmitForm(KcForm):
    submitted_on = VnDateField(
        label=_("Sent on"),
        required=False,
        help_text=_("The date the dossier was sent for approval; empty: today"),
    )


class ReasonForm(KcForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LineAmountForm(KcForm):
    amount = MoneyField(label=_("New amount"), min_value=0)

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import restrict, scope_of
from khuyencong.catalog.models import ContentGroup
from khuyencong.core.forms import KcForm, MoneyField, VnDateField
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.models import Document, Project

from .choices import EntryKind

MONEY_HELP = _("In đồng: 1.500.000.000 or 1,5 tỷ.")


class ContractForm(KcForm):
    number = forms.CharField(label=_("Contract number"), max_length=60)
    signed_on = VnDateField(label=_("Signed on"))
    party_a = forms.CharField(label=_("Party A (paying)"), max_length=300)
    party_b = forms.CharField(label=_("Party B (receiving)"), max_length=300)
    value = MoneyField(label=_("Value"), min_value=1, help_text=MONEY_HELP)
    document = forms.ModelChoiceField(
        label=_("Signed copy (uploaded document)"), queryset=None, required=False
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(project=project).select_related("form")


class EntryForm(KcForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in (EntryKind.ADVANCE, EntryKind.PAYMENT, EntryKind.RECOVERY)],
    )
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=None, required=False)
    amount = MoneyField(label=_("Amount"), min_value=1, help_text=MONEY_HELP)
    value_date = VnDateField(label=_("Value date"))
    reference = forms.CharField(
        label=_("Document reference"), max_length=100, help_text=_("e.g. the payment order number")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    correction_reason = forms.CharField(
        label=_("Reason for a correction after approval"),
        required=False,
        max_length=500,
        help_text=_(
            "Only when the value date falls in a period whose report is already approved (ministry "
            "officers, the province's approver)."
        ),
    )

    confirm_duplicate = forms.BooleanField(
        label=_("Record it although it looks like a duplicate"),
        required=False,
        help_text=_("Only for a second, separate entry of the same amount, date and document."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = project.contracts.all()
        self.fields["contract"].empty_label = _("the project's contract")
        self.fields["value_date"].initial = timezone.localdate()


class ReversalForm(KcForm):
    reason = forms.CharField(label=_("What was wrong"), max_length=500)
    amount = MoneyField(
        label=_("Amount to take back"), min_value=1, required=False, help_text=_("Empty: all of it.")
    )
    value_date = VnDateField(label=_("Value date"), required=False)
    correction_reason = forms.CharField(
        label=_("Reason for a correction after approval"), required=False, max_length=500
    )


class LedgerFilterForm(KcForm):
    """The ledger list's criteria (`selectors.ledger_filtered`); the links behind every executed amount
    of the home page and the report fill them in."""

    control_size = "sm"
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Project code or document reference"))
    year = forms.IntegerField(
        label=_("Plan year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("The year of the projects' plan, whatever the value date"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    source = forms.ChoiceField(label=_("Funding source"), required=False)
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, to_field_name="code"
    )
    group = forms.ModelChoiceField(
        label=_("Content group"), queryset=ContentGroup.objects.all(), required=False, to_field_name="code"
    )
    boundaries = forms.ChoiceField(
        label=_("Boundaries"),
        required=False,
        choices=[("", _("current boundaries")), ("historical", _("historical boundaries"))],
        help_text=_("Historical: only the places the province held in its own time"),
    )
    start = VnDateField(label=_("Value date from"), required=False)
    end = VnDateField(label=_("Value date to"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["kind"].choices = everything + list(EntryKind.choices)
        self.fields["source"].choices = [
            *everything,
            (FundingSource.NATIONAL, "KCQG"),
            (FundingSource.LOCAL, "KCĐP"),
        ]
        provinces = restrict(AdministrativeUnit.objects.provinces(), user)
        self.fields["province"].queryset = provinces.order_by("valid_to", "name")
        self.fields["province"].label_from_instance = lambda unit: unit.label
        self.fields["group"].queryset = ContentGroup.objects.select_related("programme").order_by(
            "programme__code", "number"
        )
        self.fields["group"].label_from_instance = lambda group: f"{group.programme}: {group.name}"
        for name in ("province", "region", "group"):
            self.fields[name].empty_label = _("all")
        if not scope_of(user).nation and len(scope_of(user).provinces) < 2:
            del self.fields["region"]

    def criteria(self) -> dict | None:
        """The keyword arguments of `selectors.ledger_filtered`; {} for no criteria, None when they are
        not valid (the list then shows no entries rather than all of them, and says why)."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = dict(self.cleaned_data)
        data["group"] = data["group"].code if data.get("group") else ""
        data["boundaries"] = data.get("boundaries") or "current"
        return {key: value for key, value in data.items() if value not in (None, "")}

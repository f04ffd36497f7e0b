from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import KcForm, MoneyField, VnDateField
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


class LedgerFilterForm(KcForm):
    control_size = "sm"
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Project code or document reference"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    source = forms.ChoiceField(label=_("Funding source"), required=False)
    start = VnDateField(label=_("From"), required=False)
    end = VnDateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["kind"].choices = everything + list(EntryKind.choices)
        self.fields["source"].choices = [
            *everything,
            (FundingSource.NATIONAL, "KCQG"),
            (FundingSource.LOCAL, "KCĐP"),
        ]

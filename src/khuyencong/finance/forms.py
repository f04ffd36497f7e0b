from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import KcForm, MoneyField, VnDateField
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

"""Forms of the event pages. Field names are the keyword arguments of the services, so a valid form's
cleaned data goes straight to them; the rules (jurisdiction, booths left, pass mark…) stay in services,
whose field errors the views put back on these fields. Drop-downs offer only what the user may use."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.selectors import agencies_visible
from khuyencong.core.forms import KcForm, MoneyField, VnDateField
from khuyencong.core.pickers import PickerField
from khuyencong.geo.models import Region

from .choices import (
    FairLevel,
    ProductGroup,
    SelectionLevel,
    TitleKind,
    TitleLevel,
    TrainingKind,
)


def _choices(choices: Any, empty: Any = None) -> list[tuple[str, Any]]:
    items = [(value, capfirst(label)) for value, label in choices.choices]
    return [("", empty), *items] if empty is not None else items


def _project_field(label: Any) -> PickerField:
    return PickerField(
        "event-projects",
        label=label,
        required=False,
        help_text=_(
            "The approved project under way that pays for it; its deliverables are counted from here."
        ),
    )


class FairForm(KcForm):
    name = forms.CharField(label=_("Name"), max_length=300)
    level = forms.ChoiceField(label=_("Level"), choices=[])
    place = forms.CharField(
        label=_("Venue"), max_length=300, help_text=_("e.g. Quảng trường 16/4, Phan Rang")
    )
    location = PickerField("units", label=_("Province or commune"))
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    start_date = VnDateField(label=_("Start"))
    end_date = VnDateField(label=_("End"))
    booths_total = forms.IntegerField(label=_("Standard booths in the fair"), min_value=0, initial=0)
    programme_fair = forms.BooleanField(label=_("Fair of the khuyến công programme"), required=False)
    project = _project_field(_("Organised under project"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _choices(FairLevel, self.empty_choice)
        self.fields["location"].bind(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        self.fields["project"].bind(user, counts="fair")


class ParticipationForm(KcForm):
    establishment = PickerField("establishments", label=_("Establishment"))
    booths = forms.IntegerField(label=_("Booths"), min_value=1, initial=1)
    support_amount = MoneyField(
        label=_("Booth support"), min_value=0, required=False, help_text=_("In đồng: 12.000.000 or 12 triệu.")
    )
    project = _project_field(_("Paid by project"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].bind(user)
        self.fields["project"].bind(user, counts="fair")

    def clean_support_amount(self) -> int:
        return self.cleaned_data.get("support_amount") or 0


class SelectionForm(KcForm):
    level = forms.ChoiceField(label=_("Level"), choices=[])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        help_text=_("e.g. Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2025"),
    )
    unit = PickerField(
        "selection-units",
        label=_("Administrative unit"),
        required=False,
        help_text=_("For a commune, district or provincial selection."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("For a regional selection."),
    )
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    pass_score = forms.DecimalField(
        label=_("Pass mark"), min_value=0, max_value=100, decimal_places=2, initial=70, localize=True
    )
    certificate_years = forms.IntegerField(
        label=_("Certificate validity (years)"), min_value=1, max_value=10, initial=3
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = VnDateField(label=_("Decision date"), required=False)
    project = _project_field(_("Organised under project"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = _choices(SelectionLevel, self.empty_choice)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["unit"].bind(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        self.fields["project"].bind(user, counts="selection")


class EntryForm(KcForm):
    establishment = PickerField("establishments", label=_("Establishment"))
    product_name = forms.CharField(label=_("Product"), max_length=300)
    product_group = forms.ChoiceField(label=_("Product group"), choices=[])

    def __init__(self, *args: Any, user: Any, selection: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].bind(user, within=selection.unit_id)
        self.fields["product_group"].choices = _choices(ProductGroup, self.empty_choice)


class ScoreForm(KcForm):
    control_size = "sm"
    juror = forms.CharField(label=_("Juror"), max_length=150)
    score = forms.CharField(label=_("Score (out of 100)"), max_length=10)


class CertifyForm(KcForm):
    control_size = "sm"
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60)
    valid_from = VnDateField(label=_("Valid from"))
    valid_to = VnDateField(
        label=_("Valid to"), required=False, help_text=_("Empty: the selection's validity.")
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RejectForm(KcForm):
    control_size = "sm"
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)


class TitleForm(KcForm):
    person_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1900, max_value=2100, required=False)
    kind = forms.ChoiceField(label=_("Honorary title"), choices=[])
    level = forms.ChoiceField(label=_("Level"), choices=[])
    craft = forms.CharField(label=_("Craft"), max_length=200, help_text=_("e.g. gốm Bàu Trúc, dệt thổ cẩm"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = VnDateField(label=_("Decision date"), required=False)
    unit = PickerField("units", label=_("Where the person works"))
    establishment = PickerField("establishments", label=_("Establishment"), required=False)
    project = _project_field(_("Awarded under project"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(TitleKind, self.empty_choice)
        self.fields["level"].choices = _choices(TitleLevel, self.empty_choice)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["unit"].bind(user)
        self.fields["establishment"].bind(user)
        self.fields["project"].bind(user, counts="title")


class TrainingForm(KcForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=300)
    start_date = VnDateField(label=_("Start"))
    end_date = VnDateField(label=_("End"))
    location = PickerField("units", label=_("Province or commune"))
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    participants_count = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        initial=0,
        help_text=_("Or list them on the training's page: the number then follows the list."),
    )
    project = _project_field(_("Held under project"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(TrainingKind, self.empty_choice)
        self.fields["location"].bind(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        self.fields["project"].bind(user, counts="training")


class TraineeForm(KcForm):
    control_size = "sm"
    name = forms.CharField(label=_("Full name"), max_length=150)
    establishment = PickerField("establishments", label=_("Establishment"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].bind(user)

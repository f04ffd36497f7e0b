"""Forms of the event pages. Field names are the keyword arguments of the services, so a valid form's
cleaned data goes straight to them; the rules (jurisdiction, booths left, pass mark…) stay in services,
whose field errors the views put back on these fields. Drop-downs offer only what the user may use."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, restrict, scope_of
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.core.forms import KcForm, MoneyField, VnDateField
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_visible
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import projects_visible
from khuyencong.projects.services import ACHIEVABLE_STATES

from .choices import (
    FAIR_INDICATORS,
    SELECTION_INDICATORS,
    TITLE_INDICATORS,
    TRAINING_INDICATORS,
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


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return obj.label


class EstablishmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Establishment) -> str:
        return f"{obj.name} — {obj.commune.name}"


class ProjectField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} — {obj.title}"


def current_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Provinces and communes in force today in the user's jurisdiction, provinces first."""
    units = AdministrativeUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    return restrict(units, user, Action.CHANGE).select_related("province").order_by("-level", "name", "pk")


def selection_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Units that hold selections: provinces (today's and former) and former districts; communes too
    when the jurisdiction is not the whole country (the list stays short)."""
    levels = [Level.PROVINCE, Level.DISTRICT]
    if not scope_of(user).nation:
        levels.append(Level.COMMUNE)
    units = AdministrativeUnit.objects.filter(level__in=levels)
    return (
        restrict(units, user, Action.CHANGE)
        .select_related("province")
        .order_by("-level", "valid_to", "name", "pk")
    )


def establishments_for(user: Any) -> QuerySet[Establishment]:
    return establishments_visible(user, Action.CHANGE).order_by("name", "pk")


def projects_for(user: Any, indicators: Any) -> QuerySet[Project]:
    """Projects under way that the user may change, whose activity these events count for."""
    return (
        projects_visible(user, Action.CHANGE)
        .filter(state__in=ACHIEVABLE_STATES, plan_line__activity__indicators__code__in=list(indicators))
        .distinct()
        .order_by("-year", "code")
    )


def _project_field(label: Any) -> ProjectField:
    return ProjectField(
        label=label,
        queryset=Project.objects.none(),
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
    location = UnitField(label=_("Province or commune"), queryset=AdministrativeUnit.objects.none())
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
        self.fields["location"].queryset = current_units(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        self.fields["project"].queryset = projects_for(user, FAIR_INDICATORS)


class ParticipationForm(KcForm):
    establishment = EstablishmentField(label=_("Establishment"), queryset=Establishment.objects.none())
    booths = forms.IntegerField(label=_("Booths"), min_value=1, initial=1)
    support_amount = MoneyField(
        label=_("Booth support"), min_value=0, required=False, help_text=_("In đồng: 12.000.000 or 12 triệu.")
    )
    project = _project_field(_("Paid by project"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments_for(user).select_related("commune")
        self.fields["project"].queryset = projects_for(user, FAIR_INDICATORS)

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
    unit = UnitField(
        label=_("Administrative unit"),
        queryset=AdministrativeUnit.objects.none(),
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
        self.fields["unit"].queryset = selection_units(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        self.fields["project"].queryset = projects_for(user, SELECTION_INDICATORS)


class EntryForm(KcForm):
    establishment = EstablishmentField(label=_("Establishment"), queryset=Establishment.objects.none())
    product_name = forms.CharField(label=_("Product"), max_length=300)
    product_group = forms.ChoiceField(label=_("Product group"), choices=[])

    def __init__(self, *args: Any, user: Any, selection: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        establishments = establishments_for(user).select_related("commune")
        if selection.unit_id is not None:
            from khuyencong.geo.selectors import containment_q

            establishments = establishments.filter(containment_q(selection.unit, "commune__"))
        self.fields["establishment"].queryset = establishments
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
    unit = UnitField(label=_("Where the person works"), queryset=AdministrativeUnit.objects.none())
    establishment = EstablishmentField(
        label=_("Establishment"), queryset=Establishment.objects.none(), required=False
    )
    project = _project_field(_("Awarded under project"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(TitleKind, self.empty_choice)
        self.fields["level"].choices = _choices(TitleLevel, self.empty_choice)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["unit"].queryset = current_units(user)
        self.fields["establishment"].queryset = establishments_for(user).select_related("commune")
        self.fields["project"].queryset = projects_for(user, TITLE_INDICATORS)


class TrainingForm(KcForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=300)
    start_date = VnDateField(label=_("Start"))
    end_date = VnDateField(label=_("End"))
    location = UnitField(label=_("Province or commune"), queryset=AdministrativeUnit.objects.none())
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
        self.fields["location"].queryset = current_units(user)
        self.fields["organiser"].queryset = agencies_visible(user).order_by("name")
        indicators = {code for codes in TRAINING_INDICATORS.values() for code in codes}
        self.fields["project"].queryset = projects_for(user, indicators)


class TraineeForm(KcForm):
    control_size = "sm"
    name = forms.CharField(label=_("Full name"), max_length=150)
    establishment = EstablishmentField(
        label=_("Establishment"), queryset=Establishment.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments_for(user).select_related("commune")

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.choices import NormCondition
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.core.forms import KcForm, MoneyField, VnDateField
from khuyencong.core.pickers import PickerField
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import PlanLine

from .choices import AdjustmentKind, ImplementerKind, ProjectKind, ProjectState, StopDestination
from .models import DocumentForm, Project
from .services import ACHIEVABLE_STATES

MONEY_HELP = _("In đồng: 1.500.000.000 or 1,5 tỷ.")


class ProjectFilterForm(KcForm):
    control_size = "sm"
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Code or title"))
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int)
    state = forms.ChoiceField(label=_("State"), required=False)
    source = forms.ChoiceField(label=_("Funding source"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.order_by("name"), required=False
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["year"].choices = everything + [(y, y) for y in years]
        self.fields["state"].choices = everything + list(ProjectState.choices)
        self.fields["source"].choices = [
            *everything,
            (FundingSource.NATIONAL, "KCQG"),
            (FundingSource.LOCAL, "KCĐP"),
        ]
        self.fields["kind"].choices = everything + list(ProjectKind.choices)
        self.fields["activity"].empty_label = _("all")


class ProjectForm(KcForm):
    plan_line = forms.ModelChoiceField(label=_("Plan line"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    implementer_kind = forms.ChoiceField(label=_("Implemented by"), choices=ImplementerKind.choices)
    implementer_establishment = PickerField(
        "establishments", label=_("Implementing establishment"), required=False
    )
    implementer_agency = forms.ModelChoiceField(label=_("Implementing agency"), queryset=None, required=False)
    implementer_name = forms.CharField(label=_("Service provider"), required=False, max_length=300)
    location = PickerField("all-units", label=_("Location"))
    start_date = VnDateField(label=_("Start"))
    end_date = VnDateField(label=_("End"))
    support_amount = MoneyField(label=_("Khuyến công support"), min_value=1, help_text=MONEY_HELP)
    counterpart_amount = MoneyField(label=_("Beneficiary's counterpart"), min_value=0, required=False)
    other_amount = MoneyField(label=_("Other sources"), min_value=0, required=False)
    units_count = forms.IntegerField(
        label=_("Units counted by the norm"),
        min_value=1,
        initial=1,
        help_text=_("How many establishments, models, brands or booths the norm's cap is counted for."),
    )
    norm_condition = forms.ChoiceField(
        label=_("Circumstances"), choices=NormCondition.choices, required=False
    )
    machine_name = forms.CharField(label=_("Machine name"), required=False, max_length=300)
    machine_spec = forms.CharField(
        label=_("Machine specification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # the page's two columns, by field name (every field in exactly one of them)
    COLUMNS = (
        ("plan_line", "title", "kind", "location", "start_date", "end_date", "units_count", "norm_condition"),
        (
            "implementer_kind",
            "implementer_establishment",
            "implementer_agency",
            "implementer_name",
            "support_amount",
            "counterpart_amount",
            "other_amount",
            "machine_name",
            "machine_spec",
        ),
    )

    def columns(self) -> list[list]:
        """The bound fields of each column of the page, in order."""
        return [[self[name] for name in names if name in self.fields] for names in self.COLUMNS]

    def __init__(self, *args, user, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        lines = restrict(
            PlanLine.objects.filter(removed_by__isnull=True, plan__year__gte=timezone.localdate().year - 1),
            user,
            Action.CHANGE,
        ).select_related("plan", "plan__agency", "activity")
        if project is not None:
            lines = PlanLine.objects.filter(pk=project.plan_line_id).select_related("plan", "activity")
            self.fields["plan_line"].disabled = True
        self.fields["plan_line"].queryset = lines.order_by(
            "-plan__year", "plan__agency__name", "activity__name"
        )
        self.fields["plan_line"].label_from_instance = lambda line: (
            f"{line.plan.source_short} {line.plan.year} · {line.plan.agency} · {line.activity}"
        )
        self.fields["implementer_establishment"].bind(user)
        self.fields["implementer_agency"].queryset = agencies_visible(user).order_by("name")
        self.fields["location"].bind(user)
        for name in ("counterpart_amount", "other_amount"):
            self.fields[name].help_text = MONEY_HELP

    def clean(self):
        """What the form can tell by itself is said with the other field errors at once (the service
        checks it again, with the rules that need the database)."""
        data = super().clean()
        for name in ("counterpart_amount", "other_amount"):
            if data.get(name) is None:
                data[name] = 0
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class TransitionForm(KcForm):
    """The fields any lifecycle action may ask for; the view keeps the ones the action declares."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    on = VnDateField(label=_("Date"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        label=_("Reason for going beyond the norms"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    decision_date = VnDateField(label=_("Decision date"), required=False)
    final_value = MoneyField(label=_("Liquidated value"), min_value=0, required=False)
    destination = forms.ChoiceField(
        label=_("Remaining money goes"), choices=StopDestination.choices, required=False
    )
    target = forms.ModelChoiceField(
        label=_("Receiving project"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, transition, project: Project, user, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = {f.name for f in transition.fields} | {"version"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for spec in transition.fields:
            if spec.name in self.fields:
                self.fields[spec.name].required = spec.required
        if "target" in self.fields:
            self.fields["target"].queryset = (
                restrict(Project.objects.filter(plan_line__plan=project.plan_line.plan), user, Action.CHANGE)
                .exclude(pk=project.pk)
                .exclude(state__in=[ProjectState.SETTLED, ProjectState.STOPPED, ProjectState.LIQUIDATED])
                .order_by("code")
            )
        if "on" in self.fields:
            self.fields["on"].initial = timezone.localdate()


class ParticipantForm(KcForm):
    establishment = PickerField("establishments", label=_("Establishment"))
    support_amount = MoneyField(label=_("Support"), min_value=0, help_text=MONEY_HELP)
    eligible_cost = MoneyField(label=_("Eligible cost"), min_value=0, help_text=MONEY_HELP)
    machine_name = forms.CharField(label=_("Machine name"), required=False, max_length=300)
    machine_spec = forms.CharField(label=_("Machine specification"), required=False, max_length=500)
    booths = forms.IntegerField(label=_("Booths"), min_value=0, initial=0)
    trainees = forms.IntegerField(label=_("Trainees"), min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].bind(user)


class DeliverableForm(KcForm):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    planned = forms.IntegerField(label=_("Planned"), min_value=0)
    reason = forms.CharField(label=_("Reason (the project is approved)"), required=False, max_length=500)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        if project.state not in ACHIEVABLE_STATES:
            del self.fields["reason"]  # before approval deliverables change freely
        else:
            self.fields["reason"].required = True
        measured = Indicator.objects.filter(activities=project.plan_line.activity)
        self.fields["indicator"].queryset = (measured if measured.exists() else Indicator.objects).order_by(
            "name"
        )


class AchievedForm(KcForm):
    achieved = forms.IntegerField(label=_("Achieved"), min_value=0)
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=500)


class DocumentUploadForm(KcForm):
    form = forms.ModelChoiceField(label=_("Dossier form"), queryset=DocumentForm.objects.order_by("order"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG."))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class InspectionForm(KcForm):
    date = VnDateField(label=_("Date"))
    inspectors = forms.CharField(label=_("Inspectors"), max_length=500)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_required = forms.BooleanField(label=_("Follow-up required"), required=False)
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(KcForm):
    month = VnDateField(label=_("Month"), help_text=_("Any day of the month reported on."))
    percent_done = forms.IntegerField(label=_("Work done (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Progress"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AdjustmentForm(KcForm):
    """One form for every kind: the fields of the chosen kind are read, the others ignored."""

    kind = forms.ChoiceField(label=_("Change of"), choices=AdjustmentKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    support_amount = MoneyField(
        label=_("Khuyến công support"), min_value=0, required=False, help_text=MONEY_HELP
    )
    counterpart_amount = MoneyField(label=_("Beneficiary's counterpart"), min_value=0, required=False)
    other_amount = MoneyField(label=_("Other sources"), min_value=0, required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    location = PickerField("units", label=_("Location"), required=False)
    implementer_establishment = PickerField(
        "establishments", label=_("Implementing establishment"), required=False
    )
    machine_name = forms.CharField(label=_("Machine name"), required=False, max_length=300)
    machine_spec = forms.CharField(label=_("Machine specification"), required=False, max_length=500)
    start_date = VnDateField(label=_("Start"), required=False)
    end_date = VnDateField(label=_("End"), required=False)

    KIND_FIELDS = {
        AdjustmentKind.BUDGET: ("support_amount", "counterpart_amount", "other_amount"),
        AdjustmentKind.CONTENT: ("title",),
        AdjustmentKind.LOCATION: ("location",),
        AdjustmentKind.BENEFICIARY: ("implementer_establishment",),
        AdjustmentKind.MACHINE: ("machine_name", "machine_spec"),
        AdjustmentKind.DATES: ("start_date", "end_date"),
        AdjustmentKind.EXTENSION: ("end_date",),
    }

    def __init__(self, *args, user, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].bind(user)
        self.fields["implementer_establishment"].bind(user)
        for name in (
            "support_amount",
            "counterpart_amount",
            "other_amount",
            "title",
            "machine_name",
            "machine_spec",
        ):
            self.fields[name].initial = getattr(project, name)
        self.fields["location"].initial = project.location_id
        self.fields["implementer_establishment"].initial = project.implementer_establishment_id
        self.fields["start_date"].initial = project.start_date
        self.fields["end_date"].initial = project.end_date

    def changes(self) -> dict:
        """The values of the chosen kind's fields that were filled in."""
        data = self.cleaned_data
        changes = {
            name: data[name] for name in self.KIND_FIELDS[data["kind"]] if data.get(name) not in (None, "")
        }
        if data["kind"] == AdjustmentKind.BENEFICIARY and "implementer_establishment" in changes:
            changes["implementer_kind"] = ImplementerKind.ESTABLISHMENT
        return changes


class AdjustmentDecisionForm(KcForm):
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

"""Reference data of the reporting app, edited by system administrators: report deadlines and the
narrative templates. Submissions change only through the services (pages, API, import), never here."""

from django import forms
from django.contrib import admin
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import NarrativeTemplate, ReportDeadline
from .narrative import DEFAULT, template_error


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(AuditedAdmin):
    list_display = ["through_month", "days", "valid_from", "valid_to", "legal_basis"]
    list_filter = ["through_month"]


class NarrativeTemplateForm(forms.ModelForm):
    class Meta:
        model = NarrativeTemplate
        fields = ["name", "body", "valid_from", "valid_to"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "cols": 110})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.initial.get("body"):
            self.initial["body"] = get_template(DEFAULT).template.source  # start from the default

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        error = template_error(body)
        if error:
            raise forms.ValidationError(_("The template cannot be used: %(error)s") % {"error": error})
        return body


@admin.register(NarrativeTemplate)
class NarrativeTemplateAdmin(AuditedAdmin, SimpleHistoryAdmin):
    form = NarrativeTemplateForm
    list_display = ["name", "valid_from", "valid_to"]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "khuyencong.reporting"
    verbose_name = _("Reports")

    def ready(self):
        from khuyencong.core import closing

        from .closing import ReportingClosing

        closing.bind(ReportingClosing())

    def load_reference(self, *, report, only_provinces=None):
        from .services import reporting_reference_load

        reporting_reference_load(report=report)

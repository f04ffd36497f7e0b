from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "khuyencong.plans"
    verbose_name = _("Annual plans")

    def load_reference(self, *, report, only_provinces=None):
        from .services import deadlines_load

        deadlines_load(report=report)

    def ready(self):
        from . import imports, pickers, revision_imports  # noqa: F401 (register the import kinds and pickers)

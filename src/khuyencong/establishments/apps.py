from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    name = "khuyencong.establishments"
    verbose_name = _("Establishment registry")

    def load_reference(self, *, report, only_provinces=None):
        from .services import reference_load

        reference_load(report=report)

    def ready(self):
        from . import imports, pickers  # noqa: F401 (registers the pickers and the import's kind)

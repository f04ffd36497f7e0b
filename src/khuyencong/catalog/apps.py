from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "khuyencong.catalog"
    verbose_name = _("Programme catalogue")

    def load_reference(self, *, report, only_provinces=None):
        from .services import catalog_load

        catalog_load(report=report)

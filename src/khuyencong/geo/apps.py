from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "khuyencong.geo"
    verbose_name = _("Administrative geography")

    def load_reference(self, *, report, only_provinces=None):
        from .services import reference_load

        reference_load(only_provinces=only_provinces, report=report)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "khuyencong.accounts"
    verbose_name = _("Agencies and users")

    def load_reference(self, *, report, only_provinces=None):
        from .services import agencies_load

        agencies_load(report=report)

    def ready(self):
        from . import pickers  # noqa: F401 (registers the pickers)

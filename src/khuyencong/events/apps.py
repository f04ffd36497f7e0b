from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "khuyencong.events"
    verbose_name = _("Events and outputs")

    def ready(self):
        from khuyencong.core.panels import contribute

        from . import imports, pickers  # noqa: F401 (register the import kinds and the pickers)
        from .panels import establishment_events

        contribute("establishments.detail", establishment_events)

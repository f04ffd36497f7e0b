from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "khuyencong.events"
    verbose_name = _("Events and outputs")

    def ready(self):
        from khuyencong.core.panels import contribute

        # the import kinds and the pickers register themselves
        from . import fair_imports, imports, pickers, selection_imports  # noqa: F401
        from .panels import establishment_events

        contribute("establishments.detail", establishment_events)

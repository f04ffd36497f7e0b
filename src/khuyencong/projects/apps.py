from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "khuyencong.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from khuyencong.plans.ports import bind_line_use

        from . import imports  # noqa: F401 (registers the import kinds)
        from .services.core import LineUse

        bind_line_use(LineUse())

    def load_reference(self, *, report, only_provinces=None):
        from .services import project_reference_load

        project_reference_load(report=report)

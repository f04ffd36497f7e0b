from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "khuyencong.finance"
    verbose_name = _("Contracts and ledger")

    def ready(self):
        """Answer the money questions projects asks, and take the lifecycle actions that move money
        (khuyencong.projects.ports; projects sits below finance and cannot import it)."""
        from khuyencong.core.panels import contribute
        from khuyencong.projects import ports, workflow

        from . import contract_imports, imports, services  # noqa: F401 (register the import kinds)
        from .panels import establishment_money, project_ledger
        from .ports import ProjectMoney

        contribute("establishments.detail", establishment_money)
        contribute("projects.detail", project_ledger)

        ports.bind_money(ProjectMoney())
        for action, service in (
            ("contract", services.contract_sign),
            ("liquidate", services.project_liquidate),
            ("stop", services.project_stop),
        ):
            workflow.bind_service(action, service)

    def load_reference(self, *, report, only_provinces=None):
        from .services import advance_rules_load

        advance_rules_load(report=report)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "khuyencong.finance"
    verbose_name = _("Contracts and ledger")

    def load_reference(self, *, report, only_provinces=None):
        from .services import advance_rules_load

        advance_rules_load(report=report)

    def seed_demo(self, *, report):
        from .demo import demo_seed

        demo_seed(report=report)

from django.apps import apps
from django.core.management.base import BaseCommand

from khuyencong.core.reference import LoadReport


class Command(BaseCommand):
    help = (
        "Load demonstration data (agencies, one user per role, …) on top of the reference data. Idempotent."
    )

    def handle(self, *args, **options):
        report = LoadReport()
        for config in apps.get_app_configs():
            seeder = getattr(config, "seed_demo", None)
            if seeder:
                seeder(report=report)
        self.stdout.write(f"Demo data: {report}")

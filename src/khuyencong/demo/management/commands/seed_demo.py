from django.core.management.base import BaseCommand

from khuyencong.core.reference import LoadReport
from khuyencong.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Load demonstration data (agencies, one user per role, …) on top of the reference data. Idempotent."
    )

    def handle(self, *args, **options):
        report = LoadReport()
        seed(report=report)
        self.stdout.write(f"Demo data: {report}")

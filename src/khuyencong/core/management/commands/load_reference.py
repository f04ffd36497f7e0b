from django.apps import apps
from django.core.management.base import BaseCommand

from khuyencong.core.reference import LoadReport


class Command(BaseCommand):
    help = (
        "Load or refresh reference data: administrative units and successions, regions, agencies. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            help="only these current province codes and their legacy units (demos)",
        )

    def handle(self, *args, province=None, **options):
        report = LoadReport()
        # Each app that owns reference data exposes `load_reference(report, only_provinces)` on its
        # AppConfig; they run in INSTALLED_APPS order, which follows the layers (geo before accounts…).
        for config in apps.get_app_configs():
            loader = getattr(config, "load_reference", None)
            if loader:
                loader(report=report, only_provinces=province)
        self.stdout.write(f"Reference data: {report}")

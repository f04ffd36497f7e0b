import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from khuyencong.events.services import establishment_priority_refresh


class Command(BaseCommand):
    help = (
        "Set each establishment's typical-product priority flag from the certificates valid on a date "
        "(today by default). Run it daily: certificates expire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the date, as yyyy-mm-dd (default: today)")

    def handle(self, *args, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise CommandError(f"--on must be a date as yyyy-mm-dd, not {on!r}") from exc
        changed = establishment_priority_refresh(on=day)
        self.stdout.write(f"Typical-product flags changed: {changed}")

"""khuyencong import_submissions FILE [--as USERNAME]: load provinces' period figures from CSV or XLSX
as approved submissions (an administrator's tool; see reporting.imports for the columns)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khuyencong.accounts.models import User
from khuyencong.core.errors import DomainError
from khuyencong.reporting.services import submissions_import


class Command(BaseCommand):
    help = "Import provinces' figures (CSV or XLSX) as approved submissions; all rows or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--as",
            dest="username",
            help="the administrator recorded as importing (default: the first superuser)",
        )

    def handle(self, *args, file, username=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        actor = (
            User.objects.filter(username=username).first()
            if username
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("no administrator to record the import under: pass --as USERNAME")
        try:
            created = submissions_import(actor=actor, name=path.name, content=path.read_bytes(), approve=True)
        except DomainError as exc:
            for error in exc.details.get("errors", []):
                where = f"{error['sheet']} row {error['row']}, column {error['column']}"
                self.stderr.write(f"{where}: {error['message']} [{error['code']}]")
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"{len(created)} submission(s) created")
        for submission in created:
            self.stdout.write(f"  {submission}")

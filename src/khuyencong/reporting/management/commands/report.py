"""khuyencong report --scope nation|region:CODE|unit:GSO_CODE --year Y [--through-month M] [--as-of DATE]
--format json [--output FILE]: the period report from live figures (the JSON of docs/report-schema.md)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report


class Command(BaseCommand):
    help = "Compute a period report (live figures) for the nation, a region or a province."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="nation, region:CODE or unit:GSO_CODE")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--through-month", type=int, default=12)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="plans as approved on this day")
        parser.add_argument("--boundaries", choices=["current"], default="current")
        parser.add_argument("--source", choices=["live", "submitted"], default="live")
        parser.add_argument(
            "--include-unapproved",
            action="store_true",
            help="with --source submitted: count submitted versions too",
        )
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, scope, year, through_month, as_of, boundaries, output, **options):
        try:
            report = build_report(
                parse_scope(scope, year), Period(year, through_month), as_of=as_of, boundaries=boundaries
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)

"""khuyencong report --scope nation|region:CODE|unit:GSO_CODE --year Y
[--through-month M | --quarter Q | --half H | --programme CODE] [--as-of DATE]
[--boundaries historical|current] [--source live|submitted] [--include-unapproved]
--format json|xlsx|docx|pdf [--output FILE]

The period report (the JSON of docs/report-schema.md, or a file from reporting.exports). Without a
period option the whole year; with --programme, the programme's years up to Y (Y = its last year: the
whole programme)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report

BINARY_FORMATS = ("xlsx", "docx", "pdf")


def period_from(options: dict) -> Period:
    """The period the options name (at most one of them, argparse sees to that)."""
    year = options["year"]
    if options["quarter"] is not None:
        return Period.quarter(year, options["quarter"])
    if options["half"] is not None:
        return Period.half(year, options["half"])
    if options["programme"]:
        return Period.programme(options["programme"], through_year=year)
    month = options["through_month"]
    return Period.through(year, 12 if month is None else month)


class Command(BaseCommand):
    help = "Compute a period report (live or submitted figures) for the nation, a region or a province."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="nation, region:CODE or unit:GSO_CODE")
        parser.add_argument("--year", type=int, required=True, help="with --programme: its last year covered")
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--through-month", type=int, help="cumulative from 1 January (default 12)")
        period.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        period.add_argument("--half", type=int, choices=[1, 2])
        period.add_argument("--programme", help="a programme's code: its years, up to --year")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="plans as approved on this day")
        parser.add_argument("--boundaries", choices=["historical", "current"], default="current")
        parser.add_argument("--source", choices=["live", "submitted"], default="live")
        parser.add_argument(
            "--include-unapproved",
            action="store_true",
            help="with --source submitted: count submitted versions too",
        )
        parser.add_argument("--format", choices=["json", *BINARY_FORMATS], default="json")
        parser.add_argument("--output", help="file to write (default: standard output; required for files)")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if fmt in BINARY_FORMATS and not output:
            raise CommandError(f"--format {fmt} writes a file: give --output FILE")
        try:
            period = period_from(options)
            report = build_report(
                parse_scope(options["scope"], period.year),
                period,
                as_of=options["as_of"],
                boundaries=options["boundaries"],
                source=options["source"],
                include_unapproved=options["include_unapproved"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if fmt in BINARY_FORMATS:
            self._write_file(report, fmt, output)
            return
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)

    def _write_file(self, report: dict, fmt: str, output: str) -> None:
        from khuyencong.reporting.exports import render  # the exports pull in heavy libraries

        try:
            export = render(report, fmt)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        with open(output, "wb") as fh:
            fh.write(export.content)
        self.stdout.write(f"{export.filename}: {len(export.content)} bytes written to {output}")

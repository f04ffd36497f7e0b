"""khuyencong import FILE [--kind KIND] [--dry-run] [--as USERNAME]: bring records in from a spreadsheet
(core.imports) as the import page does: every row checked, then all rows written in one transaction
or none. The import is recorded (who, when, the file's SHA-256, the counts) and its audit entries
name it; `--dry-run` only checks and writes nothing."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.core.imports import KINDS, ImportInvalid, check_file, import_confirm, import_upload


class Command(BaseCommand):
    help = "Import records from an XLSX or CSV file in the import template's layout; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=sorted(KINDS), help="the one kind of record the file holds")
        parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="the user recorded as importing, whose jurisdiction applies (default: the first superuser)",
        )

    def handle(self, *args, file, kind=None, dry_run=False, username=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        users = get_user_model().objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("no user to record the import under: pass --as USERNAME")
        content = path.read_bytes()
        started = time.perf_counter()
        if dry_run:
            checked = check_file(actor, content, kind=kind or "")
            counts, errors, error_count, rows = (
                checked.counts(),
                [e.as_dict() for e in checked.errors.items],
                checked.errors.count,
                checked.rows,
            )
        else:
            run = import_upload(actor=actor, name=path.name, content=content, kind=kind or "")
            try:
                import_confirm(actor=actor, run=run)
            except ImportInvalid:
                pass
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
            counts, errors, error_count, rows = run.counts, run.errors, run.error_count, run.rows_total
        seconds = time.perf_counter() - started
        for sheet, numbers in counts.items():
            self.stdout.write(
                f"{sheet}: {numbers['new']} new, {numbers['update']} to update, "
                f"{numbers['unchanged']} unchanged, {numbers['errors']} with errors"
            )
        for error in errors:
            where = f"{error['sheet'] or '-'} row {error['row']}, column {error['column'] or '-'}"
            value = f" ({error['value']!r})" if error.get("value") else ""
            self.stderr.write(f"{where}{value}: {error['message']} [{error['code']}]")
        rate = rows / seconds if seconds else 0
        self.stdout.write(f"{rows} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")
        if error_count:
            raise CommandError(f"{error_count} error(s): nothing was imported")
        self.stdout.write(
            "checked, nothing written (--dry-run)" if dry_run else f"imported as import #{run.pk}"
        )

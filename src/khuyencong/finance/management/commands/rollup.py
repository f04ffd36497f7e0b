"""khuyencong rollup [--rebuild]: compare the disbursed-by-month aggregate with the ledger (exit status 1
when they differ), or recompute it from the ledger (see finance.rollup)."""

from django.core.management.base import BaseCommand, CommandError

from khuyencong.finance.rollup import rollup_check, rollup_rebuild


class Command(BaseCommand):
    help = "Check the disbursed-by-month aggregate against the ledger, or rebuild it (--rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute the aggregate from the ledger")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            self.stdout.write(f"aggregate rebuilt: {rollup_rebuild():,} rows")
            return
        differences = rollup_check()
        if not differences:
            self.stdout.write("aggregate = ledger")
            return
        for row in differences[:50]:
            what = (
                f"ledger {row['ledger']:,}, aggregate {row['aggregate']:,}"
                if row["ledger"] != row["aggregate"]
                else "the year, source, programme or activity copied from the plan line differ"
            )
            self.stderr.write(
                f"plan line {row['plan_line']}, province {row['province']}, {row['month']}: {what}"
            )
        raise CommandError(f"{len(differences)} month(s) differ from the ledger: run rollup --rebuild")

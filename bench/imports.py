"""Benchmark: importing a large workbook (issue 15). Not a unit test: run it by hand on a database of
its own (see README.md, "Imports").

It migrates the database and loads the reference data if needed, writes a workbook of `--rows`
records of `--kind` in the import template's layout, then times, as the ministry's officer:

- establishments: spread over the country's communes in force, a third with a tax code;
- ledger: payments on the contracts of the projects under way in the latest plan year of the data
  `bench/run.py --generate` wrote (each within what its contract has left, dated after the generated
  ledger stops), then compares the disbursed-by-month aggregate with the ledger.


1. the dry run (`check_file`: reading, every row checked, matched against the registry);
2. the import (`import_upload`, then `import_confirm`: checked again, written with the audit);
3. the dry run of the same workbook again (every row now "unchanged").

The import is timed in its two steps, as an officer makes them: the upload (the dry run, its outcome
kept on the ImportRun) and the confirmation (the file checked again, then every row written).

Each step runs in a process of its own, as a request or the worker would take it: it prints rows/s
for each and the step's peak memory (resident set, Django's own ~100 MB included), and PASS/FAIL against
`--rate` (5,000 rows/s) and `--memory` (500 MB). Exit status 0 PASS, 2 FAIL.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only, never used to sign anything")
os.environ.setdefault("KHUYENCONG_IMPORT_MAX_UNPACKED", str(400 * 1024 * 1024))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402

from khuyencong.accounts.choices import Role  # noqa: E402
from khuyencong.accounts.models import Agency, User  # noqa: E402
from khuyencong.accounts.services import user_create  # noqa: E402
from khuyencong.core.imports import KINDS, check_file, import_confirm, import_upload  # noqa: E402
from khuyencong.establishments.identity import tax_check_digit  # noqa: E402
from khuyencong.establishments.models import Establishment  # noqa: E402
from khuyencong.geo.choices import Level  # noqa: E402
from khuyencong.geo.models import AdministrativeUnit  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def ministry_officer() -> User:
    return User.objects.filter(username="bench.import").first() or user_create(
        actor=None,
        username="bench.import",
        password=None,
        agency=Agency.objects.get(code="bct-cuc-kc"),
        roles=[Role.MINISTRY_OFFICER],
    )


def tax_code(n: int) -> str:
    stem = f"{8_000_000_00 + n:09d}"
    digit = tax_check_digit(stem)
    return f"{stem}{digit}" if digit is not None else ""


def write_establishments(path: Path, rows: int, seed: int) -> int:
    import random

    import xlsxwriter

    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    communes = list(
        AdministrativeUnit.objects.current()
        .filter(level=Level.COMMUNE)
        .order_by("code")
        .values_list("code", "name")
    )
    kind = KINDS["establishments"]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    with translation.override("vi"):
        sheet = book.add_worksheet(str(kind.title))
        codes = [c.code for c in kind.columns]
        sheet.write_row(0, 0, [str(c.label) for c in kind.columns])
        sheet.write_row(1, 0, codes)
    forms = ["hộ kinh doanh", "hợp tác xã", "tổ hợp tác"]
    products = ["Mây tre đan", "Gốm mỹ nghệ", "Bánh tráng", "Dệt thổ cẩm", "Cơ khí nhỏ", "Chế biến nông sản"]
    for n in range(rows):
        code, name = rng.choice(communes)
        taxed = tax_code(n) if n % 3 == 0 else ""
        values = {
            "legal_form": "doanh nghiệp" if taxed and n % 6 == 0 else rng.choice(forms),
            "name": f"Cơ sở {rng.choice(products).lower()} số {n + 1}",
            "tax_code": taxed,
            "household_registration_no": f"HKD{n:07d}",
            "commune_code": f"{code} – {name}",
            "address": f"Thôn {n % 17 + 1}",
            "main_products": rng.choice(products),
            "industry_code": "",
            "workers": rng.randint(2, 80),
            "founded_year": rng.randint(1990, 2024),
            "representative": f"Nguyễn Văn {n % 997}",
            "phone": f"09{n % 100_000_000:08d}",
            "email": "",
        }
        sheet.write_row(n + 2, 0, [values[c] for c in codes])
    book.close()
    return rows


def write_ledger(path: Path, rows: int, seed: int) -> int:
    """`rows` payments on the contracts of projects under way (contracted or in progress) of the latest
    plan year, spread over them, each within what its contract has left, dated after the generated
    ledger stops and not after today; document references of their own (a run's prefix)."""
    import datetime as dt
    import random

    import xlsxwriter
    from django.db.models import Sum
    from django.utils import timezone

    from khuyencong.finance.models import Contract, LedgerEntry
    from khuyencong.projects.choices import ProjectState

    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    today = timezone.localdate()
    year = Contract.objects.order_by("-project__year").values_list("project__year", flat=True).first()
    contracts = list(
        Contract.objects.filter(
            project__year=year, project__state__in=[ProjectState.CONTRACTED, ProjectState.IN_PROGRESS]
        )
        .values("pk", "project__code", "number", "value", "signed_on")
        .order_by("pk")
    )
    sums = dict(
        LedgerEntry.objects.filter(contract__in=[c["pk"] for c in contracts])
        .values("contract")
        .annotate(room=Sum("committed_delta") - Sum("disbursed_delta"))
        .values_list("contract", "room")
    )
    contracts = [c | {"room": min(sums.get(c["pk"]) or 0, c["value"])} for c in contracts]
    contracts = [c for c in contracts if c["room"] >= 1_000_000]
    if not contracts:
        raise SystemExit("no contract with money left: generate the data first (bench/run.py --generate)")
    per = -(-rows // len(contracts))  # rows per contract, rounded up
    last = LedgerEntry.objects.order_by("-value_date").values_list("value_date", flat=True).first() or today
    first_day = min(last + dt.timedelta(days=1), today)
    prefix = f"B{int(time.time()) % 100_000:05d}"
    kind = KINDS["ledger"]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    with translation.override("vi"):
        sheet = book.add_worksheet(str(kind.title))
        codes = [c.code for c in kind.columns]
        sheet.write_row(0, 0, [str(c.label) for c in kind.columns])
        sheet.write_row(1, 0, codes)
    n = 0
    for contract in contracts:
        amount = contract["room"] // (per + 1)
        start = max(contract["signed_on"], first_day)
        for _ in range(per):
            if n == rows:
                break
            day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
            values = {
                "project_code": contract["project__code"],
                "project_reference": "",
                "contract_number": contract["number"],
                "kind": "thanh toán",
                "reversal": "",
                "amount": amount,
                "value_date": day.strftime("%d/%m/%Y"),
                "reference": f"UNC-{prefix}-{n:07d}",
                "note": "",
            }
            sheet.write_row(n + 2, 0, [values[c] for c in codes])
            n += 1
    book.close()
    return n


def written() -> int:
    from khuyencong.finance.models import LedgerEntry

    return Establishment.objects.count() + LedgerEntry.objects.count()


def step(name: str, path: Path, run_id: int | None) -> dict:
    """One step in a process of its own (its peak memory is the step's): the dry run, the upload or
    the confirmation of the upload `run_id`."""
    from khuyencong.core.models import ImportRun

    actor = ministry_officer()
    content = path.read_bytes()
    started = time.perf_counter()
    with translation.override("vi"):
        if name == "dry":
            checked = check_file(actor, content)
            counts, errors, first, run = (
                checked.counts(),
                checked.errors.count,
                checked.errors.items[:3],
                None,
            )
        else:
            if name == "upload":
                run = import_upload(actor=actor, name=path.name, content=content)
            else:
                run = import_confirm(actor=actor, run=ImportRun.objects.get(pk=run_id))
            counts, errors, first = run.counts, run.error_count, run.errors[:3]
    return {
        "seconds": time.perf_counter() - started,
        "peak": peak_mb(),
        "counts": counts,
        "errors": errors,
        "first": [str(e) for e in first],
        "run": run.pk if run else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["establishments", "ledger"], default="establishments")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=5_000, help="rows/s each step must reach")
    parser.add_argument("--memory", type=float, default=500, help="peak MB a step's process may reach")
    parser.add_argument("--step", choices=["dry", "upload", "confirm"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.file, args.run), default=str))
        return 0

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        call_command("load_reference", verbosity=0)
    if args.kind == "establishments":
        # a previous run's (nothing refers to them): deleted in SQL, not collected as 100,000 instances
        previous = Establishment.objects.filter(household_registration_no__startswith="HKD")
        previous._raw_delete(previous.db)
    ministry_officer()  # made once, before the steps' processes
    before = written()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{args.kind}.xlsx"
        started = time.perf_counter()
        rows = (write_establishments if args.kind == "establishments" else write_ledger)(
            path, args.rows, args.seed
        )
        took = time.perf_counter() - started
        print(f"workbook: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {took:.1f} s")
        results = []
        peaks = []
        run = None
        for label, name in (
            ("dry run", "dry"),
            ("upload (dry run kept)", "upload"),
            ("confirm (checked again, written)", "confirm"),
            ("dry run again (unchanged)", "dry"),
        ):
            command = [sys.executable, __file__, "--step", name, "--file", str(path)]
            if run is not None:
                command += ["--run", str(run)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode:
                print(done.stdout, done.stderr)
                return 1
            result = json.loads(done.stdout.strip().splitlines()[-1])
            run = result["run"] or run
            rate = rows / result["seconds"]
            results.append(rate)
            peaks.append(result["peak"])
            print(
                f"{label:33} {result['seconds']:6.1f} s {rate:8,.0f} rows/s  "
                f"peak {result['peak']:4.0f} MB  {result['counts']}"
            )
            if result["errors"]:
                print(f"  {result['errors']} errors, first: {result['first']}")
                return 1
    new = written() - before
    print(f"{args.kind} written: {new:,}")
    if args.kind == "ledger":
        from khuyencong.finance.rollup import rollup_check

        differences = rollup_check()
        print(f"disbursed-by-month aggregate against the ledger: {len(differences)} differences")
        if differences:
            return 1
    ok = min(results) >= args.rate and max(peaks) <= args.memory and new == rows
    print(
        f"{'PASS' if ok else 'FAIL'}: slowest {min(results):,.0f} rows/s (≥ {args.rate:,.0f}), "
        f"peak {max(peaks):.0f} MB (≤ {args.memory:.0f})"
    )
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())

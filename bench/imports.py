"""Benchmark: importing a large workbook (issue 15). Not a unit test: run it by hand on a database of
its own (see README.md, "Imports").

It migrates the database and loads the reference data if needed, writes a workbook of `--rows`
establishments in the import template's layout (spread over the country's communes in force, a
third with a tax code), then times, as the ministry's officer:

1. the dry run (`check_file`: reading, every row checked, matched against the registry);
2. the import (`import_upload`, then `import_confirm`: checked again, written with the audit);
3. the dry run of the same workbook again (every row now "unchanged").

The import is timed in its two steps, as an officer makes them: the upload (the dry run, its outcome
kept on the ImportRun) and the confirmation (the file checked again, then every row written).

It prints rows/s for each and the process's peak memory (resident set), and PASS/FAIL against
`--rate` (5,000 rows/s) and `--memory` (500 MB). Exit status 0 PASS, 2 FAIL.
"""

import argparse
import os
import resource
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


def write_workbook(path: Path, rows: int, seed: int) -> None:
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=5_000, help="rows/s each step must reach")
    parser.add_argument("--memory", type=float, default=500, help="peak MB the process may reach")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        call_command("load_reference", verbosity=0)
    Establishment.objects.filter(household_registration_no__startswith="HKD").delete()  # a previous run
    actor = ministry_officer()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "co-so.xlsx"
        started = time.perf_counter()
        write_workbook(path, args.rows, args.seed)
        took = time.perf_counter() - started
        print(f"workbook: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {took:.1f} s")
        content = path.read_bytes()

    def dry_run():
        checked = check_file(actor, content)
        return checked.counts(), checked.errors.count, checked.errors.items[:3]

    run = None

    def upload():
        nonlocal run
        run = import_upload(actor=actor, name="co-so.xlsx", content=content)
        return run.counts, run.error_count, run.errors[:3]

    def confirm():
        import_confirm(actor=actor, run=run)
        return run.counts, run.error_count, run.errors[:3]

    results = []
    with translation.override("vi"):
        for label, step in (
            ("dry run", dry_run),
            ("upload (dry run kept)", upload),
            ("confirm (checked again, written)", confirm),
            ("dry run again (unchanged)", dry_run),
        ):
            started = time.perf_counter()
            counts, errors, first = step()
            seconds = time.perf_counter() - started
            rate = args.rows / seconds
            results.append(rate)
            print(f"{label:33} {seconds:6.1f} s {rate:8,.0f} rows/s  peak {peak_mb():4.0f} MB  {counts}")
            if errors:
                print(f"  {errors} errors, first: {first}")
                return 1
    written = Establishment.objects.filter(household_registration_no__startswith="HKD").count()
    print(f"establishments written: {written:,}")
    ok = min(results) >= args.rate and peak_mb() <= args.memory and written == args.rows
    print(
        f"{'PASS' if ok else 'FAIL'}: slowest {min(results):,.0f} rows/s (≥ {args.rate:,.0f}), "
        f"peak {peak_mb():.0f} MB (≤ {args.memory:.0f})"
    )
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())

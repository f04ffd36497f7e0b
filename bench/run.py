"""Time the national report through month 9 against the one SQL statement that computes its core figures.

    KHUYENCONG_VAR=var/bench .venv/bin/python bench/run.py --generate --years 2017-2026 --seed 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/run.py --generate ...

See bench/README.md for what is measured. Exit status 1 when the figures differ, 2 when the report takes
more than --target times the raw aggregate.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections import defaultdict, deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
# Timed as in production: with DEBUG on, Django also logs every query it runs. The bench serves nothing,
# so its secret key is only there to let the settings load.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only, never used to sign anything")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the test client's host

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from khuyencong.finance.models import LedgerEntry  # noqa: E402
from khuyencong.finance.rollup import rollup_check  # noqa: E402
from khuyencong.geo.models import AdministrativeUnit  # noqa: E402
from khuyencong.plans.models import Plan  # noqa: E402
from khuyencong.projects.models import Project  # noqa: E402
from khuyencong.reporting.choices import SOURCE_KEYS  # noqa: E402
from khuyencong.reporting.live import NATION, Period  # noqa: E402
from khuyencong.reporting.metrics import growth_pct  # noqa: E402
from khuyencong.reporting.report import build_report  # noqa: E402

# Plan as of a date: lines of plans approved (or approved and revised) by then, either original or added
# by a revision approved by then, and not removed by a revision approved by then (plans.selectors).
# Executed: disbursed deltas with value dates from 1 January to the period's end, of the year's projects,
# by the source of the project's plan (finance.selectors.executed). Both for the year and the year before.
RAW_SQL = """
SELECT 'plan' AS figure, p.year, p.source, SUM(l.amount)
FROM (SELECT %s AS year, %s AS on_date UNION ALL SELECT %s, %s) d
JOIN plans_plan p ON p.year = d.year
JOIN plans_planline l ON l.plan_id = p.id
LEFT JOIN plans_planrevision a ON a.id = l.added_by_id
LEFT JOIN plans_planrevision r ON r.id = l.removed_by_id
WHERE p.status IN ('approved', 'revised')
  AND p.decision_date <= d.on_date
  AND (l.added_by_id IS NULL OR (a.status = 'approved' AND a.decision_date <= d.on_date))
  AND (l.removed_by_id IS NULL OR r.status <> 'approved' OR r.decision_date > d.on_date)
GROUP BY p.year, p.source
UNION ALL
SELECT 'executed', pr.year, p.source, SUM(e.disbursed_delta)
FROM (SELECT %s AS year, %s AS start_date, %s AS end_date UNION ALL SELECT %s, %s, %s) d
JOIN projects_project pr ON pr.year = d.year
JOIN finance_ledgerentry e ON e.project_id = pr.id AND e.value_date BETWEEN d.start_date AND d.end_date
JOIN plans_planline l ON l.id = pr.plan_line_id
JOIN plans_plan p ON p.id = l.plan_id
GROUP BY pr.year, p.source
"""


def raw_aggregate(period: Period) -> dict[tuple[str, int, str], int]:
    previous = period.previous()
    params = [period.year, period.end, previous.year, previous.end]
    params += [period.year, period.start, period.end, previous.year, previous.start, previous.end]
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, params)
        return {
            (figure, int(year), SOURCE_KEYS[source]): int(total or 0)
            for figure, year, source, total in cursor
        }


# Each query returns the rows that break a rule the services enforce; the data is valid when all are empty.
VERIFY_SQL = {
    "a contract's disbursed running total (end of day) goes above its value or below 0": """
        SELECT contract_id FROM (
            SELECT e.contract_id, c.value,
                   SUM(e.disbursed_delta) OVER (PARTITION BY e.contract_id ORDER BY e.value_date) AS running
            FROM finance_ledgerentry e JOIN finance_contract c ON c.id = e.contract_id
        ) t WHERE running > value OR running < 0""",
    "a contract's commitment ends below what it disbursed": """
        SELECT contract_id FROM finance_ledgerentry GROUP BY contract_id
        HAVING SUM(committed_delta) < SUM(disbursed_delta)""",
    "a project's contracts exceed its support": """
        SELECT p.id FROM projects_project p JOIN finance_contract c ON c.project_id = p.id
        GROUP BY p.id, p.support_amount HAVING SUM(c.value) > p.support_amount""",
    "a reversal is larger than, earlier than, or of another kind or contract than its entry": """
        SELECT r.id FROM finance_ledgerentry r JOIN finance_ledgerentry o ON o.id = r.reverses_id
        WHERE r.amount > o.amount OR r.value_date < o.value_date OR r.kind <> o.kind
           OR r.contract_id <> o.contract_id OR o.reverses_id IS NOT NULL""",
    "an entry is dated before its contract was signed, or after today": """
        SELECT e.id FROM finance_ledgerentry e JOIN finance_contract c ON c.id = e.contract_id
        WHERE e.value_date < c.signed_on OR e.value_date > %s""",
    "a plan line's projects need more than the line": """
        SELECT l.id FROM plans_planline l JOIN projects_project p ON p.plan_line_id = l.id
        GROUP BY l.id, l.amount HAVING SUM(p.support_amount) > l.amount""",
}


def verify() -> list[str]:
    problems = []
    with connection.cursor() as cursor:
        for rule, sql in VERIFY_SQL.items():
            cursor.execute(sql, [dt.date.today()] if "%s" in sql else [])
            rows = cursor.fetchall()
            if rows:
                problems.append(f"{rule}: {len(rows)} rows, e.g. {rows[:3]}")
    drifted = rollup_check()
    if drifted:
        problems.append(f"the disbursed-by-month aggregate differs from the ledger: {drifted[:3]}")
    return problems


def _sum(raw: dict, figure: str, year: int) -> tuple[int, int]:
    return raw.get((figure, year, "KCQG"), 0), raw.get((figure, year, "KCDP"), 0)


def check(report: dict, raw: dict, period: Period) -> list[str]:
    """What differs between the report and the raw aggregate (nothing, we hope)."""
    y, py = period.year, period.year - 1
    problems = []
    for figure in ("plan", "executed"):
        kcqg, kcdp = _sum(raw, figure, y)
        got = (report[figure]["KCQG"], report[figure]["KCDP"])
        if got != (kcqg, kcdp):
            problems.append(f"{figure} {y}: report {got}, raw SQL {(kcqg, kcdp)}")
    # the previous year shows only through the growth figures
    for key, figure in (("plan_growth_pct", "plan"), ("executed_yoy_pct", "executed")):
        expected = growth_pct(sum(_sum(raw, figure, y)), sum(_sum(raw, figure, py)))
        if report[key] != expected:
            problems.append(f"{key}: report {report[key]}, raw SQL {expected}")
    return problems


def timed(runs: int, block: int = 3, **fns) -> dict[str, tuple[float, object]]:
    """Each function's median time over `runs` runs. The functions take turns in blocks of `block` runs,
    each block after an untimed warm-up run: a machine that slows down or speeds up meanwhile weighs on
    all alike, and no function is timed right after another one emptied the caches it uses."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, object] = {}
    while len(times[next(iter(fns))]) < runs:
        for name, fn in fns.items():
            results[name] = fn()  # warm-up
            for _ in range(min(block, runs - len(times[name]))):
                t = time.perf_counter()
                results[name] = fn()
                times[name].append(time.perf_counter() - t)
    return {name: (statistics.median(times[name]), results[name]) for name in fns}


def profile(period: Period) -> None:
    """One report under CaptureQueriesContext: queries grouped by their first words, slowest first."""
    connection.queries_log = deque(maxlen=1_000_000)  # the default keeps 9,000
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        build_report(NATION, period)
    total = time.perf_counter() - t
    shapes: dict[str, list[float]] = defaultdict(list)
    for q in ctx.captured_queries:
        shapes[q["sql"][:150]].append(float(q["time"]))
    in_sql = sum(sum(times) for times in shapes.values())
    print(
        f"\nprofile: {len(ctx.captured_queries)} queries, {in_sql * 1000:.0f} ms in SQL, "
        f"{(total - in_sql) * 1000:.0f} ms in Python, of {total * 1000:.0f} ms"
    )
    for sql, times in sorted(shapes.items(), key=lambda kv: -sum(kv[1]))[:8]:
        print(f"  {sum(times) * 1000:8.1f} ms {len(times):5} × {sql}")


HOME_USER = "bench.ministry"


def home_client():
    """A test client logged in as a ministry officer (created once): the home page as the ministry sees
    it, through the whole middleware stack, over HTTPS as production serves it."""
    from django.test import Client, override_settings

    from khuyencong.accounts.choices import Role
    from khuyencong.accounts.models import Agency, User
    from khuyencong.accounts.services import user_create

    user = User.objects.filter(username=HOME_USER).first() or user_create(
        actor=None,
        username=HOME_USER,
        password=None,
        agency=Agency.objects.get(code="bct-cuc-kc"),
        roles=[Role.MINISTRY_OFFICER],
    )
    # The static files' manifest comes from collectstatic, which a bench database has no need of.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    client = Client()
    client.force_login(user)
    return client


def home_page(client) -> int:
    """The number of queries one ministry home page runs (and asserts it answered 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/", secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"the home page answered {response.status_code}")
    return len(ctx.captured_queries)


def _years(text: str) -> list[int]:
    first, _sep, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generate", action="store_true", help="create the data when it is not there yet")
    parser.add_argument("--years", default="2017-2026", help="years to generate, e.g. 2017-2026")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="projects per plan line (1.0: ≥ 60,000 in 10 years)"
    )
    parser.add_argument("--year", type=int, help="report year (default: the latest year with plans)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target", type=float, default=1.5)
    parser.add_argument(
        "--home-target", type=float, default=300, help="the ministry's home page, in milliseconds"
    )
    parser.add_argument("--analyze", action="store_true", help="refresh the planner statistics first")
    parser.add_argument("--verify", action="store_true", help="check the ledger and plans against the rules")
    parser.add_argument("--profile", action="store_true", help="list the report's slowest queries")
    args = parser.parse_args()

    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    if args.generate:
        years = _years(args.years)
        if Plan.objects.filter(year__in=years).exists():
            print("data present: not generating (use a fresh database to regenerate)")
        else:
            if not AdministrativeUnit.objects.exists() or not Plan.objects.exists():
                t = time.perf_counter()
                call_command("load_reference")
                print(f"reference data loaded in {time.perf_counter() - t:.1f} s")
            from generate import generate

            print(f"generating {years[0]}–{years[-1]} (seed {args.seed})")
            stats = generate(years, args.seed, scale=args.scale)
            print(f"generated: {stats}")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics, as a database in use would have them
            args.verify = True
    if args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.verify:
        t = time.perf_counter()
        invalid = verify()
        print(
            f"verified in {time.perf_counter() - t:.1f} s: "
            + ("; ".join(invalid) if invalid else "data valid")
        )
        if invalid:
            return 1
    year = args.year or Plan.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        print("no data: run with --generate")
        return 1
    print(
        f"data: {Plan.objects.count():,} plans, {Project.objects.count():,} projects, "
        f"{LedgerEntry.objects.count():,} ledger entries"
    )
    period = Period(year, 9)
    print(
        f"report: national, {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}, "
        f"median of {args.runs} runs, in turns of 3 after a warm-up run"
    )

    client = home_client()
    timings = timed(
        args.runs,
        raw=lambda: raw_aggregate(period),
        report=lambda: build_report(NATION, period),
        home=lambda: home_page(client),
    )
    (raw_time, raw), (report_time, report) = timings["raw"], timings["report"]
    home_time, home_queries = timings["home"]
    problems = check(report, raw, period)
    ratio = report_time / raw_time
    for figure in ("plan", "executed"):
        kcqg, kcdp = _sum(raw, figure, year)
        print(f"  {figure:8} {year}: KCQG {kcqg:>22,} đ  KCĐP {kcdp:>22,} đ")
    print(
        f"  plan growth {report['plan_growth_pct']} %, executed year-over-year {report['executed_yoy_pct']} %"
    )
    print(f"raw SQL aggregate: {raw_time * 1000:9.1f} ms")
    print(f"build_report:      {report_time * 1000:9.1f} ms")
    verdict = "PASS" if ratio <= args.target else "FAIL"
    print(f"ratio:             {ratio:9.2f}  {verdict} (target ≤ {args.target})")
    home_ok = home_time * 1000 <= args.home_target
    print(
        f"ministry home page:{home_time * 1000:9.1f} ms  {'PASS' if home_ok else 'FAIL'} "
        f"(target ≤ {args.home_target:.0f} ms), {home_queries} queries"
    )
    if args.profile or ratio > args.target:
        profile(period)
    if problems:
        print("FIGURES DIFFER:\n  " + "\n  ".join(problems))
        return 1
    print("figures: report = raw SQL")
    return 0 if ratio <= args.target and home_ok else 2


if __name__ == "__main__":
    sys.exit(main())

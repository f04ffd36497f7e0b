"""The live report: figures from plans, the ledger and deliverables for a province, a region, the nation."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import ValidationFailed
from khuyencong.plans.models import Plan
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report
from khuyencong.reporting.services import submissions_import
from khuyencong.testing.projects import LINE_AMOUNT, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(world):
    """Khánh Hòa: one settled project (advance 15/03, payment 10/10/2025); Hà Nội: another."""
    own = make_project(world, state="settled", support=150_000_000)
    foreign = make_project(world, "foreign", state="settled", support=90_000_000)
    return own, foreign


def test_province_report_from_live_figures(projects):
    report = build_report(parse_scope("unit:56", 2025), Period(2025, 12))
    plan = 5 * LINE_AMOUNT  # the test plan of Khánh Hòa's centre: five lines
    assert report["plan"]["KCDP"] == plan
    assert report["plan"]["KCQG"] == 0
    assert report["executed"]["total"] == 150_000_000
    assert report["execution_rate_pct"]["KCDP"] == round(150_000_000 * 100 / plan, 2)
    assert report["execution_rate_pct"]["KCQG"] is None  # no KCQG plan: null, not 0
    assert report["plan_growth_pct"] is None  # no 2024 plan
    assert report["share_of_national_pct"]["executed"]["total"] == round(150 * 100 / 240, 2)
    assert [u["code"] for u in report["executed"]["by_unit"]] == ["56"]
    machinery = next(i for i in report["indicators"] if i["code"] == "co-so-may-moc")
    assert machinery["achieved"] == 1
    assert "đạt" in report["narrative_vi"]
    assert "0,30%" in report["narrative_vi"]  # 150 triệu of 50 tỷ, with a decimal comma


def test_through_month_counts_what_was_disbursed_by_the_end_of_that_month(projects):
    march = build_report(parse_scope("unit:56", 2025), Period(2025, 3))
    assert march["executed"]["total"] == 75_000_000  # the advance of 15/03; the payment came in October
    assert march["period"]["end"] == "2025-03-31"


def test_region_and_nation_scopes(projects):
    region = build_report(parse_scope("region:mttn", 2025), Period(2025, 12))
    nation = build_report(parse_scope("nation", 2025), Period(2025, 12))
    assert region["executed"]["total"] == 150_000_000  # Khánh Hòa is in miền Trung – Tây Nguyên, Hà Nội not
    assert nation["executed"]["total"] == 240_000_000
    assert nation["share_of_national_pct"]["executed"]["total"] == 100.0


def test_unknown_scope_is_refused_with_a_code(world):
    with pytest.raises(ValidationFailed) as refused:
        parse_scope("unit:99", 2025)
    assert refused.value.code == "invalid_scope"


def test_command_writes_the_json(projects):
    out = StringIO()
    call_command("report", "--scope", "unit:56", "--year", "2025", "--through-month", "9", stdout=out)
    report = json.loads(out.getvalue())
    assert report["period"]["through_month"] == 9
    assert isinstance(report["executed"]["total"], int)
    with pytest.raises(CommandError):
        call_command("report", "--scope", "somewhere", "--year", "2025")


def run(*args: str) -> dict:
    out = StringIO()
    call_command("report", "--scope", "unit:56", "--year", "2025", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_passes_the_source_and_unapproved_versions_on(world, projects):
    """The command used to drop --source and --include-unapproved: it reported live figures regardless."""
    submissions_import(
        actor=world.user(Role.MINISTRY_OFFICER),  # loaded by the nation: sent, awaiting approval
        name="kh.csv",
        content=b"year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n2025,12,56,KCDP,,9,7\n",
        approve=False,
    )
    assert run()["executed"]["total"] == 150_000_000  # live
    approved_only = run("--source", "submitted")
    assert approved_only["source"] == "submitted"
    assert approved_only["completeness"]["submitted"] == 0
    assert approved_only["executed"]["total"] == 0
    with_unapproved = run("--source", "submitted", "--include-unapproved")
    assert with_unapproved["executed"]["total"] == 7


def test_command_periods_and_boundaries(projects):
    quarter = run("--quarter", "4")
    assert (quarter["period"]["kind"], quarter["executed"]["total"]) == ("quarter", 75_000_000)
    assert run("--half", "1")["period"]["label"] == "6 tháng đầu năm 2025"
    assert run("--through-month", "3")["period"]["label"] == "3 tháng đầu năm 2025"
    assert run()["period"]["kind"] == "year"
    assert run("--boundaries", "historical")["boundaries"] == "historical"
    programme = run("--programme", "ctkcqg-2021-2025")
    assert programme["period"]["label"] == "chương trình 2021–2025"
    assert programme["executed"]["total"] == 150_000_000
    with pytest.raises(CommandError, match="invalid_period"):
        run("--programme", "ctkcqg-2026-2030")  # 2025 is not one of its years
    with pytest.raises(CommandError):
        run("--quarter", "1", "--half", "1")  # one period only
    with pytest.raises(CommandError, match="period_not_submitted"):
        run("--quarter", "1", "--source", "submitted")


def test_command_writes_files_for_the_other_formats(projects, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        run("--format", "xlsx")
    target = tmp_path / "bao-cao.xlsx"
    call_command(
        "report",
        "--scope",
        "unit:56",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=StringIO(),
    )
    assert target.read_bytes()[:2] == b"PK"  # a zip: the XLSX container


def test_plans_registered_late_are_listed(projects):
    own = Plan.objects.filter(year=2025, unit__code="56")
    assert own.exists()
    on_time = timezone.make_aware(dt.datetime(2024, 6, 10, 9, 0))
    own.update(registration_deadline=dt.date(2024, 6, 15), submitted_at=on_time)
    assert build_report(parse_scope("unit:56", 2025), Period(2025, 12))["plans_registered_late"] == []

    own.update(submitted_at=timezone.make_aware(dt.datetime(2024, 7, 2, 9, 0)))
    late = build_report(parse_scope("unit:56", 2025), Period(2025, 12))["plans_registered_late"]
    assert {(p["year"], p["deadline"], p["submitted"]) for p in late} == {(2025, "2024-06-15", "2024-07-02")}
    assert len(late) == own.count()
    # Hà Nội's test plan was sent today, long after its deadline of 2024.
    foreign = build_report(parse_scope("unit:01", 2025), Period(2025, 12))["plans_registered_late"]
    assert [p["agency"] for p in foreign] == [
        p.agency.name for p in Plan.objects.filter(year=2025, unit__code="01")
    ]

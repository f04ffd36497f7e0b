"""Province figures that add up to the seed reports' totals, imported as approved submissions, make the
report reproduce every percentage the miền Trung – Tây Nguyên reports print (domain notes §5), to ±0.01.

In the test world the region holds four provinces of the time (Đà Nẵng 48, Quảng Nam 49, Khánh Hòa 56,
Ninh Thuận 58); Hà Nội (01) carries the rest of the national figures the shares are taken of."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from khuyencong.accounts.choices import Role
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report
from khuyencong.reporting.services import submission_decide, submissions_import

pytestmark = pytest.mark.django_db

REGION = ("48", "49", "56", "58")
HEADER = "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"


def ty(text: str) -> int:
    return int(Decimal(text) * 1_000_000_000)


def spread(total: int) -> list[int]:
    """A total split over the four provinces (unequally, whole đồng, adding up exactly)."""
    parts = [total * 4 // 10, total * 3 // 10, total * 2 // 10]
    return [*parts, total - sum(parts)]


def rows(year: int, month: int, *, kcqg: tuple[str, str], kcdp: tuple[str, str], national=None) -> str:
    """CSV rows: the region's (plan, executed) per source spread over its provinces, and Hà Nội's."""
    lines = []
    for source, (plan, executed) in (("KCQG", kcqg), ("KCDP", kcdp)):
        for code, p, e in zip(REGION, spread(ty(plan)), spread(ty(executed)), strict=True):
            lines.append(f"{year},{month},{code},{source},,{p},{e}")
    for source, (plan, executed) in (national or {}).items():
        lines.append(f"{year},{month},01,{source},,{ty(plan)},{ty(executed)}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def imported(world):
    text = HEADER
    # 37,725 rather than 37,73: the printed 48,79 total and 95,24% need the unrounded figure
    text += rows(2021, 12, kcqg=("11.14", "11.07"), kcdp=("40.09", "37.725"),
                 national={"KCQG": ("100", "64.19"), "KCDP": ("160", "121.06")})  # fmt: skip
    # the same period of 2021 for the 7-month comparison (its executed total as +62,15% implies)
    text += rows(2021, 7, kcqg=("11.14", "2.772"), kcdp=("40.09", "10"))
    text += rows(2022, 7, kcqg=("29.21", "3.54"), kcdp=("43.59", "17.17"),
                 national={"KCQG": ("110.79", "10"), "KCDP": ("100", "20")})  # fmt: skip
    return submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN), name="mttn.csv", content=text.encode(), approve=True
    )


def printed(value, text: str) -> bool:
    return value is not None and abs(Decimal(str(value)) - Decimal(text)) <= Decimal("0.01")


def test_mttn_2021_full_year(imported):
    report = build_report(parse_scope("region:mttn", 2021), Period(2021, 12), source="submitted")
    assert report["source"] == "submitted"
    assert report["executed"]["total"] == ty("48.795")
    assert printed(report["execution_rate_pct"]["total"], "95.24")
    assert printed(report["execution_rate_pct"]["KCQG"], "99.37")
    assert printed(report["execution_rate_pct"]["KCDP"], "94.11")
    assert printed(report["executed_share_of_executed_pct"]["KCQG"], "22.68")
    assert printed(report["executed_share_of_executed_pct"]["KCDP"], "77.32")
    assert printed(report["share_of_national_pct"]["executed"]["KCDP"], "23.76")
    assert printed(report["share_of_national_pct"]["executed"]["KCQG"], "14.71")
    assert report["completeness"]["expected"] == 4
    assert report["completeness"]["missing"] == []


def test_mttn_2022_through_month_7(imported):
    report = build_report(parse_scope("region:mttn", 2022), Period(2022, 7), source="submitted")
    assert printed(report["plan_growth_pct"], "42.11")
    assert printed(report["plan_share_pct"]["KCQG"], "40.12")
    assert printed(report["share_of_national_pct"]["plan"]["KCQG"], "20.86")
    assert printed(report["execution_rate_pct"]["total"], "28.44")
    assert printed(report["execution_rate_pct"]["KCQG"], "12.11")
    assert printed(report["execution_rate_pct"]["KCDP"], "39.38")
    assert printed(report["executed_yoy_pct"], "62.15")
    assert "42,1" in report["narrative_vi"]


def test_completeness_and_unapproved_versions(world, imported):
    officer = world.user(Role.PROVINCE_OFFICER)
    (prepared,) = submissions_import(
        actor=officer, name="kh.csv", content=(HEADER + "2022,12,56,KCQG,,5,5\n").encode(), approve=False
    )
    scope = parse_scope("region:mttn", 2022)
    at_department = build_report(scope, Period(2022, 12), source="submitted", include_unapproved=True)
    assert at_department["completeness"]["submitted"] == 0  # not sent up by the Department yet
    submission_decide(actor=world.user(Role.PROVINCE_APPROVER), submission_id=prepared.pk, approve=True)
    approved_only = build_report(parse_scope("region:mttn", 2022), Period(2022, 12), source="submitted")
    assert approved_only["completeness"]["submitted"] == 0
    assert len(approved_only["completeness"]["missing"]) == 4
    with_submitted = build_report(
        parse_scope("region:mttn", 2022), Period(2022, 12), source="submitted", include_unapproved=True
    )
    assert with_submitted["completeness"]["submitted"] == 1
    assert with_submitted["executed"]["KCQG"] == 5


def test_the_command_prints_the_same_report(imported):
    out = StringIO()
    call_command("report", "--scope", "region:mttn", "--year", "2021", "--source", "submitted", stdout=out)
    report = json.loads(out.getvalue())
    assert printed(report["execution_rate_pct"]["total"], "95.24")
    assert printed(report["share_of_national_pct"]["executed"]["KCDP"], "23.76")

"""miền Trung – Tây Nguyên 2023 (seed 002/004): the plan of 78,7 tỷ = 28,4 KCQG + 50,3 KCĐP (36,1% /
63,9% of the region's plan, 24,5% of the national KCĐP plan), 9 months at 58,3% of the plan (KCQG
64,4%, KCĐP 54,9%), +85,8% against the same period of 2022, and the indicator sentences (282 → 129
establishments with machinery; 826 booths for 498 participations → 312) — through `khuyencong report
--format json` on imported figures. The seed prints one decimal: compared to ±0,05."""

import io
import json
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from khuyencong.accounts.choices import Role
from khuyencong.reporting.services import submissions_import

from .test_seed_reports import HEADER, REGION, spread, ty

pytestmark = pytest.mark.django_db

INDICATOR_HEADER = "year,through_month,unit_code,indicator_code,planned,achieved\n"


def near(value, text: str, tolerance: str = "0.05") -> bool:
    return value is not None and abs(Decimal(str(value)) - Decimal(text)) <= Decimal(tolerance)


def _rows(year: int, month: int, source: str, plan: str, executed: str) -> list[str]:
    return [
        f"{year},{month},{code},{source},,{p},{e}"
        for code, p, e in zip(REGION, spread(ty(plan)), spread(ty(executed)), strict=True)
    ]


def _indicators(year: int, month: int, code: str, planned: int, achieved: int) -> list[str]:
    return [
        f"{year},{month},{unit},{code},{p},{a}"
        for unit, p, a in zip(REGION, spread(planned), spread(achieved), strict=True)
    ]


def _workbook(figures: list[str], indicators: list[str]) -> bytes:
    """One workbook with both sheets: a submission holds a province's figures and its indicators."""
    book = openpyxl.Workbook()
    for sheet, header, lines in (("figures", HEADER, figures), ("indicators", INDICATOR_HEADER, indicators)):
        ws = book.create_sheet(sheet)
        for line in [header.strip(), *lines]:
            ws.append([int(c) if c.isdigit() else c for c in line.split(",")])
    del book["Sheet"]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def imported(world):
    lines = _rows(2023, 9, "KCQG", "28.4", "18.2896")  # 64,4% of 28,4
    lines += _rows(2023, 9, "KCDP", "50.3", "27.6147")  # 54,9% of 50,3
    lines += ["2023,9,01,KCDP,,155010000000,60000000000"]  # the rest of the national KCĐP plan (205,31)
    lines += _rows(2022, 9, "KCQG", "29.21", "10")  # 2022 through month 9: 45,9043 / 1,858 = 24,706
    lines += _rows(2022, 9, "KCDP", "43.59", "14.706")
    indicators = _indicators(2023, 9, "co-so-may-moc", 282, 129)
    indicators += _indicators(2023, 9, "gian-hang", 826, 0)
    indicators += _indicators(2023, 9, "luot-co-so-hoi-cho", 498, 312)
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN),
        name="mttn-2023.xlsx",
        content=_workbook(lines, indicators),
        approve=True,
    )


def report(*args: str) -> dict:
    out = StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_mttn_2023_plan_and_nine_months(imported):
    mttn = report("--scope", "region:mttn", "--year", "2023", "--through-month", "9", "--source", "submitted")
    assert mttn["plan"]["total"] == ty("78.7")
    assert (mttn["plan"]["KCQG"], mttn["plan"]["KCDP"]) == (ty("28.4"), ty("50.3"))
    assert near(mttn["plan_share_pct"]["KCQG"], "36.1")
    assert near(mttn["plan_share_pct"]["KCDP"], "63.9")
    assert near(mttn["share_of_national_pct"]["plan"]["KCDP"], "24.5")
    assert near(mttn["execution_rate_pct"]["total"], "58.3")
    assert near(mttn["execution_rate_pct"]["KCQG"], "64.4")
    assert near(mttn["execution_rate_pct"]["KCDP"], "54.9")
    assert near(mttn["executed_yoy_pct"], "85.8")
    assert "cao hơn 85,8" in mttn["narrative_vi"]


def test_mttn_2023_indicator_sentences(imported):
    mttn = report("--scope", "region:mttn", "--year", "2023", "--through-month", "9", "--source", "submitted")
    rows = {row["code"]: row for row in mttn["indicators"]}
    assert (rows["co-so-may-moc"]["planned"], rows["co-so-may-moc"]["achieved"]) == (282, 129)
    assert (rows["luot-co-so-hoi-cho"]["planned"], rows["luot-co-so-hoi-cho"]["achieved"]) == (498, 312)
    assert rows["gian-hang"]["planned"] == 826
    narrative = mttn["narrative_vi"]
    assert "129/282" in narrative
    assert "(đạt 45,74% kế hoạch)" in narrative
    assert "312/498" in narrative
    assert "826" in narrative

"""phía Nam 2017 (domain notes §5, seed 001): the 20 southern provinces' figures, imported as approved
submissions, make `khuyencong report --format json` print the seed's 84,12% of the annual plan and
+2,61% against 2016.

The test world holds three provinces; this test loads the nine of today that the South's twenty of 2017
became (with their legacy units), so that the region is the real one of 2017."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from khuyencong.accounts.choices import Role
from khuyencong.geo.models import Region
from khuyencong.geo.selectors import region_provinces
from khuyencong.reporting.services import submissions_import

pytestmark = pytest.mark.django_db

SOUTH = ["68", "75", "79", "80", "82", "86", "91", "92", "96"]  # the 2025 provinces of the 2017 South
HEADER = "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"


def trieu(text: str) -> int:
    return int(Decimal(text.replace(".", "").replace(",", ".")) * 1_000_000)


def spread(total: int, n: int) -> list[int]:
    """`total` over `n` provinces, unequally, in whole đồng, adding up exactly."""
    weights = list(range(1, n + 1))
    parts = [total * w // sum(weights) for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def rows(year: int, codes: list[str], plan: int, executed: int) -> list[str]:
    """Each province's figures, a third national (KCQG) and the rest local (KCĐP)."""
    lines = []
    for code, p, e in zip(codes, spread(plan, len(codes)), spread(executed, len(codes)), strict=True):
        lines.append(f"{year},12,{code},KCQG,,{p // 3},{e // 3}")
        lines.append(f"{year},12,{code},KCDP,,{p - p // 3},{e - e // 3}")
    return lines


def report(*args: str) -> dict:
    out = StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def printed(value, text: str) -> bool:
    return value is not None and abs(Decimal(str(value)) - Decimal(text)) <= Decimal("0.01")


def test_nam_2017_full_year_against_2016(world):
    call_command("load_reference", province=SOUTH, verbosity=0)
    region = Region.objects.get(code="nam")
    codes = {
        year: sorted(region_provinces(region, year).values_list("code", flat=True)) for year in (2016, 2017)
    }
    assert len(codes[2017]) == 20
    lines = rows(2017, codes[2017], trieu("68.495,1"), trieu("57.615,3"))
    # 2016: its plan is not printed (any will do), its executed total is 56.147 triệu.
    lines += rows(2016, codes[2016], trieu("60.000"), trieu("56.147"))
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN),
        name="phia-nam-2016-2017.csv",
        content=(HEADER + "\n".join(lines) + "\n").encode(),
        approve=True,
    )

    nam = report("--scope", "region:nam", "--year", "2017", "--source", "submitted")
    assert nam["source"] == "submitted"
    assert nam["executed"]["total"] == trieu("57.615,3")
    assert nam["plan"]["total"] == trieu("68.495,1")
    assert nam["execution_rate_pct"]["total"] == 84.12  # "đạt 84,12% so với kế hoạch năm"
    assert printed(nam["executed_yoy_pct"], "2.61")  # "tăng thêm 2,61% so với … năm 2016"
    assert nam["completeness"]["expected"] == 20
    assert nam["completeness"]["missing"] == []
    assert "84,12%" in nam["narrative_vi"]
    # The seed truncates 2,6155% to 2,61; the narrative rounds half-up, as every percentage here.
    assert "cao hơn 2,62% so với cùng kỳ năm 2016" in nam["narrative_vi"], nam["narrative_vi"]


def _by_source(year: int, month: int, codes: list[str], source: str, plan: int, executed: int) -> list[str]:
    return [
        f"{year},{month},{code},{source},,{p},{e}"
        for code, p, e in zip(codes, spread(plan, len(codes)), spread(executed, len(codes)), strict=True)
    ]


def test_nam_2018_through_month_7(world):
    """Seed 001, 7 months of 2018: 26,59% of the 73.781 triệu plan, KCQG 30,89%, KCĐP 24,67%, −1,64%
    against the same period of 2017. The sources add up to 19.623,7 triệu where the seed prints
    19.619,2 (§6): the system keeps the sources' figures, so the total rate is 26,60%."""
    call_command("load_reference", province=SOUTH, verbosity=0)
    region = Region.objects.get(code="nam")
    codes = {
        year: sorted(region_provinces(region, year).values_list("code", flat=True)) for year in (2017, 2018)
    }
    kcqg_plan = trieu("22.756,2")  # 7.029,4 / 30,89%
    lines = _by_source(2018, 7, codes[2018], "KCQG", kcqg_plan, trieu("7.029,4"))
    lines += _by_source(2018, 7, codes[2018], "KCDP", trieu("73.781") - kcqg_plan, trieu("12.594,3"))
    # the same period of 2017: what −1,64% implies (19.623,7 / 0,9836)
    lines += _by_source(2017, 7, codes[2017], "KCQG", trieu("20.000"), trieu("7.000"))
    lines += _by_source(2017, 7, codes[2017], "KCDP", trieu("48.495,1"), trieu("12.950,9"))
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN),
        name="phia-nam-2018.csv",
        content=(HEADER + "\n".join(lines) + "\n").encode(),
        approve=True,
    )
    nam = report("--scope", "region:nam", "--year", "2018", "--through-month", "7", "--source", "submitted")
    assert nam["plan"]["total"] == trieu("73.781")
    assert nam["executed"]["total"] == trieu("19.623,7")
    assert printed(nam["execution_rate_pct"]["total"], "26.59")
    assert printed(nam["execution_rate_pct"]["KCQG"], "30.89")
    assert printed(nam["execution_rate_pct"]["KCDP"], "24.67")
    assert printed(nam["executed_yoy_pct"], "-1.64")
    assert "thấp hơn 1,64% so với cùng kỳ năm 2017" in nam["narrative_vi"], nam["narrative_vi"]

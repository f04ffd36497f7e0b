"""Reports across the 2025 reform on a world whose plans belong to the agencies of their time.

The figures below were worked out by hand (KCĐP plans, approved on 20/12 of the year before; each
project advances half its support and is paid the rest a month later):

| year | agency (plan)               | plan    | project in                   | disbursed |
|------|-----------------------------|---------|------------------------------|-----------|
| 2024 | TTKC Khánh Hòa (old, 56)    | 2,0 tỷ  | an old Khánh Hòa commune     | 1,0 tỷ    |
| 2024 | TTKC Ninh Thuận (old, 58)   | 1,0 tỷ  | an old Ninh Thuận commune    | 0,4 tỷ    |
| 2024 | TTKC Quảng Nam (old, 49)    | 1,5 tỷ  | —                            | —         |
| 2024 | TTKC Hà Nội (old, 01)       | 3,0 tỷ  | an old Hà Nội commune        | 1,2 tỷ    |
| 2025 | TTKC Khánh Hòa (old, 56)    | 2,5 tỷ  | an old Khánh Hòa commune     | 0,6 tỷ    |
| 2025 | TTKC Ninh Thuận (old, 58)   | 1,1 tỷ  | phường Phan Rang (after 1/7) | 0,3 tỷ    |
| 2025 | TTKC Hà Nội (old, 01)       | 2,0 tỷ  | —                            | —         |
| 2026 | TTKC Khánh Hòa              | 4,0 tỷ  | a Khánh Hòa commune          | 2,0 tỷ    |
| 2026 | TTKC Đà Nẵng                | 1,0 tỷ  | —                            | —         |
| 2026 | TTKC Hà Nội                 | 2,5 tỷ  | —                            | —         |

Nation: plan 7,5 / 5,6 / 7,5 tỷ, disbursed 2,6 / 0,9 / 2,0 tỷ, rates 34,67% / 16,07% / 26,67%, plan
growth −25,33% (2025) and +33,93% (2026). Miền Trung – Tây Nguyên (old Khánh Hòa, Ninh Thuận,
Quảng Nam in 2024; today's Khánh Hòa and Đà Nẵng from 2025): plan 4,5 / 3,6 / 5,0 tỷ, disbursed
1,4 / 0,9 / 2,0 tỷ, plan growth −20,00% and +38,89%.
"""

import datetime as dt

import pytest

from khuyencong.accounts.models import Agency
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report
from khuyencong.reporting.tests.test_periods import approved_line, disbursed_project

B = 1_000_000_000
M = 1_000_000
OLD_END = dt.date(2025, 6, 30)


def _old_commune(province_code: str) -> AdministrativeUnit:
    return (
        AdministrativeUnit.objects.legacy()
        .filter(level="commune", province__code=province_code, province__valid_to=OLD_END)
        .order_by("code")
        .first()
    )


@pytest.fixture
def reform_world(world):
    def plan(code: str, year: int, amount: int):
        return approved_line(world, Agency.objects.get(code=code), year, amount)

    line = plan("ttkc-56-cu", 2024, 2 * B)
    disbursed_project(world, line, _old_commune("56"), 1 * B, dt.date(2024, 5, 10))
    line = plan("ttkc-58-cu", 2024, 1 * B)
    disbursed_project(world, line, world.phan_rang_predecessor, 400 * M, dt.date(2024, 6, 10))
    plan("ttkc-49-cu", 2024, 1500 * M)
    line = plan("ttkc-01-cu", 2024, 3 * B)
    disbursed_project(world, line, _old_commune("01"), 1200 * M, dt.date(2024, 4, 10))

    line = plan("ttkc-56-cu", 2025, 2500 * M)
    disbursed_project(world, line, _old_commune("56"), 600 * M, dt.date(2025, 3, 10))
    line = plan("ttkc-58-cu", 2025, 1100 * M)
    # carried by today's Khánh Hòa after the reform: the project sits in today's phường Phan Rang
    disbursed_project(world, line, world.phan_rang, 300 * M, dt.date(2025, 8, 10))
    plan("ttkc-01-cu", 2025, 2 * B)

    line = plan("ttkc-56", 2026, 4 * B)
    commune = AdministrativeUnit.objects.current().filter(parent=world.khanh_hoa).order_by("code").first()
    disbursed_project(world, line, commune, 2 * B, dt.date(2026, 3, 10))
    plan("ttkc-48", 2026, 1 * B)
    plan("ttkc-01", 2026, 2500 * M)
    return world


def _report(scope: str, year: int, boundaries: str) -> dict:
    return build_report(parse_scope(scope, year), Period(year, 12), boundaries=boundaries)


def _units(section: dict) -> dict[tuple[str, str | None], int]:
    return {(u["name"], u["valid_to"]): u["amount"] for u in section["by_unit"]}


NATION = {
    2024: (7500 * M, 2600 * M, 34.67, None),
    2025: (5600 * M, 900 * M, 16.07, -25.33),
    2026: (7500 * M, 2000 * M, 26.67, 33.93),
}
MTTN = {
    2024: (4500 * M, 1400 * M, 31.11, None),
    2025: (3600 * M, 900 * M, 25.0, -20.0),
    2026: (5000 * M, 2000 * M, 40.0, 38.89),
}


@pytest.mark.parametrize("boundaries", ["current", "historical"])
@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize(("scope", "expected"), [("nation", NATION), ("region:mttn", MTTN)])
def test_totals_rates_and_growth_across_the_reform(reform_world, scope, expected, year, boundaries):
    report = _report(scope, year, boundaries)
    plan, executed, rate, growth = expected[year]
    assert report["plan"]["total"] == plan
    assert report["executed"]["total"] == executed
    assert report["execution_rate_pct"]["total"] == rate
    assert report["plan_growth_pct"] == growth
    assert sum(u["amount"] for u in report["plan"]["by_unit"]) == plan
    assert sum(u["amount"] for u in report["executed"]["by_unit"]) == executed


def test_current_boundaries_roll_the_old_provinces_into_todays(reform_world):
    kh, dn, hn = ("Tỉnh Khánh Hòa", None), ("Thành phố Đà Nẵng", None), ("Thành phố Hà Nội", None)
    r2024 = _report("nation", 2024, "current")
    assert _units(r2024["plan"]) == {kh: 3 * B, dn: 1500 * M, hn: 3 * B}
    assert _units(r2024["executed"]) == {kh: 1400 * M, hn: 1200 * M}
    r2025 = _report("region:mttn", 2025, "current")
    assert _units(r2025["plan"]) == {kh: 3600 * M}
    assert _units(r2025["executed"]) == {kh: 900 * M}


def test_historical_boundaries_list_the_units_of_the_year_each_once(reform_world):
    old = "2025-06-30"
    r2024 = _report("nation", 2024, "historical")
    assert _units(r2024["plan"]) == {
        ("Tỉnh Khánh Hòa", old): 2 * B,
        ("Tỉnh Ninh Thuận", old): 1 * B,
        ("Tỉnh Quảng Nam", old): 1500 * M,
        ("Thành phố Hà Nội", old): 3 * B,
    }
    assert _units(r2024["executed"]) == {
        ("Tỉnh Khánh Hòa", old): 1 * B,
        ("Tỉnh Ninh Thuận", old): 400 * M,
        ("Thành phố Hà Nội", old): 1200 * M,
    }
    for section in (r2024["plan"], r2024["executed"]):
        ids = [u["id"] for u in section["by_unit"]]
        assert len(ids) == len(set(ids))
        assert all(u["valid_to"] == old for u in section["by_unit"])  # all in force in 2024
    # 2025 straddles the reform: the plans are the old provinces', the money after 1/7 today's
    r2025 = _report("region:mttn", 2025, "historical")
    assert _units(r2025["plan"]) == {("Tỉnh Khánh Hòa", old): 2500 * M, ("Tỉnh Ninh Thuận", old): 1100 * M}
    assert _units(r2025["executed"]) == {("Tỉnh Khánh Hòa", old): 600 * M, ("Tỉnh Khánh Hòa", None): 300 * M}
    r2026 = _report("nation", 2026, "historical")
    assert all(u["valid_to"] is None for u in r2026["plan"]["by_unit"])


def test_an_old_province_reports_alone_in_historical_boundaries(reform_world):
    report = _report("unit:58", 2024, "historical")
    assert (report["plan"]["total"], report["executed"]["total"]) == (1 * B, 400 * M)
    assert report["execution_rate_pct"]["total"] == 40.0
    assert report["plan_growth_pct"] is None
    today = _report("unit:58", 2024, "current")  # rolled into today's Khánh Hòa, old Khánh Hòa included
    assert (today["plan"]["total"], today["executed"]["total"]) == (3 * B, 1400 * M)


def test_the_page_and_the_files_show_the_old_and_todays_province_apart(reform_world, client):
    from django.urls import reverse

    from khuyencong.accounts.choices import Role
    from khuyencong.reporting.presenters import unit_rows

    rows = unit_rows(_report("region:mttn", 2025, "historical"))
    assert [(r["name"], r["plan"], r["executed"]) for r in rows] == [
        ("Tỉnh Khánh Hòa (đến 30/06/2025)", 2500 * M, 600 * M),
        ("Tỉnh Khánh Hòa", 0, 300 * M),
        ("Tỉnh Ninh Thuận (đến 30/06/2025)", 1100 * M, 0),
    ]
    assert all(r["ledger"] for r in rows)  # each executed amount links to its entries
    client.force_login(reform_world.user(Role.MINISTRY_OFFICER))
    page = client.get(
        reverse("reporting:report") + "?scope=region:mttn&year=2025&through_month=12&boundaries=historical"
    ).content.decode()
    assert "Tỉnh Khánh Hòa (đến 30/06/2025)" in page
    assert "Tỉnh Ninh Thuận (đến 30/06/2025)" in page

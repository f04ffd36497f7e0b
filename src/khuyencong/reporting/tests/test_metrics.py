"""The derived figures against what the seed reports print (domain notes §5, seed-figures.md)."""

from decimal import Decimal

import pytest

from khuyencong.reporting.metrics import Figures, Split, growth_pct, metrics, pct


def printed(value: float | None, text: str) -> bool:
    """Reproduces a printed percentage to ±0.01 (reports round, and some truncate)."""
    return value is not None and abs(Decimal(str(value)) - Decimal(text)) <= Decimal("0.01")


def ty(text: str) -> int:
    """'48,79' tỷ đồng → whole đồng."""
    return int(Decimal(text.replace(",", ".")) * 1_000_000_000)


def trieu(text: str) -> int:
    return int(Decimal(text.replace(".", "").replace(",", ".")) * 1_000_000)


def test_mttn_2021_full_year():
    """Executed 48,79 of 51,23 tỷ; KCQG 11,07 of 11,14; KCĐP 37,73 of 40,09; national KCĐP executed 158,79."""
    figures = Figures(
        plan=Split(KCQG=ty("11,14"), KCDP=ty("40,09")),
        executed=Split(KCQG=ty("11,07"), KCDP=ty("37,73"), total=ty("48,79")),
        national_executed=Split(KCQG=ty("75,26"), KCDP=ty("158,79")),
    )
    m = metrics(figures)
    assert printed(m["execution_rate_pct"]["KCQG"], "99.37")
    assert printed(m["execution_rate_pct"]["KCDP"], "94.11")
    assert printed(m["share_of_national_pct"]["executed"]["KCDP"], "23.76")
    assert printed(m["share_of_national_pct"]["executed"]["KCQG"], "14.71")
    assert printed(m["executed_share_of_executed_pct"]["KCDP"], "77.33")
    assert printed(pct(ty("48,79"), ty("51,23")), "95.24")
    assert m["plan_growth_pct"] is None  # no previous year given: null, never 0
    assert m["executed_yoy_pct"] is None


def test_mttn_2022_through_month_7_with_its_previous_year():
    figures = Figures(
        plan=Split(KCQG=ty("29,21"), KCDP=ty("43,59")),
        # the report prints the total as 20,7 (3,54 + 17,17 = 20,71): the total is taken as printed
        executed=Split(KCQG=ty("3,54"), KCDP=ty("17,17"), total=ty("20,7")),
        previous_plan=Split(KCQG=ty("11,14"), KCDP=ty("40,09")),
        # not printed: the same period of 2021 as +62,15% implies (20,7 / 1,6215 ≈ 12,766 tỷ)
        previous_executed=Split(KCQG=0, KCDP=12_765_957_447),
        national_plan=Split(KCQG=ty("140"), KCDP=ty("200")),
    )
    m = metrics(figures)
    assert printed(m["execution_rate_pct"]["total"], "28.44")
    assert printed(m["execution_rate_pct"]["KCQG"], "12.11")
    assert printed(m["execution_rate_pct"]["KCDP"], "39.38")
    assert printed(m["plan_share_pct"]["KCQG"], "40.12")
    assert printed(m["share_of_national_pct"]["plan"]["KCQG"], "20.86")
    assert printed(m["plan_growth_pct"], "42.11")
    assert printed(m["executed_yoy_pct"], "62.15")
    assert m["executed_share_of_total_plan_pct"]["KCQG"] == pct(ty("3,54"), ty("72,8"))


def test_nam_2017_full_year_against_2016():
    figures = Figures(
        plan=Split(KCQG=0, KCDP=trieu("68.495,1")),
        executed=Split(KCQG=0, KCDP=trieu("57.615,3")),
        previous_executed=Split(KCQG=0, KCDP=trieu("56.147")),
    )
    m = metrics(figures)
    assert m["execution_rate_pct"]["total"] == 84.12
    assert printed(m["executed_yoy_pct"], "2.61")
    assert m["execution_rate_pct"]["KCQG"] is None  # no KCQG plan: not computable


def test_rounding_is_half_up_and_empty_denominators_are_null():
    assert pct(1, 8) == 12.5
    assert pct(2, 3) == 66.67
    assert pct(1, 0) is None
    assert growth_pct(100, 0) is None
    assert growth_pct(108, 100) == 8.0


def test_amounts_must_be_whole_dong():
    with pytest.raises(TypeError):
        Split(KCQG=1.5, KCDP=0)

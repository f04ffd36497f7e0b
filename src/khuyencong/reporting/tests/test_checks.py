"""The inconsistencies of the seed reports (domain notes §6) are caught; rounding of inputs is not."""

from khuyencong.reporting.checks import Stated, check_difference, check_not_above, check_percent, check_sum


def test_south_2018_seven_months_sources_do_not_add_up_to_the_printed_total():
    violation = check_sum(
        [Stated.of("7029.4"), Stated.of("12594.3")], Stated.of("19619.2"), label="7 tháng 2018"
    )
    assert violation is not None
    assert violation.rule == "parts_total"
    assert violation.figures["computed"] == "19623.7"


def test_mttn_2021_sum_within_rounding_is_not_flagged():
    assert check_sum([Stated.of("11.07"), Stated.of("37.73")], Stated.of("48.79")) is None


def test_south_2018_plan_growth_printed_as_1_08_percent_is_flagged():
    violation = check_percent(Stated.of("1.08"), Stated.of("73781"), Stated.of("68495.1"), growth=True)
    assert violation is not None
    assert violation.figures["computed_pct"] == "7.72"


def test_mttn_2023_plan_growth_8_5_against_the_printed_2022_plan_is_flagged():
    assert check_percent(Stated.of("8.5"), Stated.of("78.7"), Stated.of("72.8"), growth=True) is not None


def test_dong_nai_shortfall_is_flagged_to_the_dong():
    violation = check_difference(
        Stated.of(23_308_200_000), Stated.of(13_216_387_314), Stated.of(10_225_812_686)
    )
    assert violation is not None
    assert violation.rule == "difference"
    assert (
        check_difference(Stated.of(23_308_200_000), Stated.of(13_216_387_314), Stated.of(10_091_812_686))
        is None
    )


def test_printed_percentages_that_rounding_explains_pass():
    assert check_percent(Stated.of("22.68"), Stated.of("11.07"), Stated.of("48.79")) is None  # 22,69 computed
    assert check_percent(Stated.of("95.24"), Stated.of("48.79"), Stated.of("51.23")) is None
    assert check_percent(Stated.of("42.11"), Stated.of("72.8"), Stated.of("51.23"), growth=True) is None
    assert check_percent(Stated.of("56.7"), Stated.of(13_216_387_314), Stated.of(23_308_200_000)) is None


def test_executed_above_plan():
    assert check_not_above(101, 100).rule == "executed_above_plan"
    assert check_not_above(100, 100) is None

"""Periods (cumulative, quarter, half, year, a programme's years) and boundaries (historical units as they
were, current units rolled up into the 2025 provinces) in the report."""

import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Activity
from khuyencong.core.errors import ValidationFailed
from khuyencong.finance.selectors import executed
from khuyencong.finance.services import contract_sign, entry_record
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.plans.selectors import plan_as_of
from khuyencong.plans.services import plan_approve, plan_create, plan_line_add, plan_submit
from khuyencong.projects.choices import ImplementerKind, ProjectKind
from khuyencong.projects.models import Project
from khuyencong.projects.services import (
    deliverable_record,
    deliverable_set,
    project_create,
    project_transition,
)
from khuyencong.reporting.live import Period, parse_scope, scope_projects
from khuyencong.reporting.report import build_report, overdue_summary
from khuyencong.reporting.services import submissions_import
from khuyencong.testing.projects import LINE_AMOUNT, make_project

DONG_NAI = "ctkc-dong-nai-2021-2025"


# -- periods, without the database ------------------------------------------------------------------


def test_the_cumulative_period_keeps_its_old_constructor():
    assert Period(2025, 9) == Period.through(2025, 9)
    assert Period(2025, 9).kind == "through"
    assert Period(2025, 12) == Period.full_year(2025)
    assert Period(2025, 12).kind == "year"
    assert (Period(2025, 9).start, Period(2025, 9).end) == (dt.date(2025, 1, 1), dt.date(2025, 9, 30))
    assert Period(2024, 2).end == dt.date(2024, 2, 29)
    assert Period(2025, 9).previous() == Period(2024, 9)


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "heading"),
    [
        (Period(2025, 9), "2025-01-01", "2025-09-30", "9 tháng đầu năm 2025", "Lũy kế 9 tháng đầu năm 2025"),
        (Period(2025, 12), "2025-01-01", "2025-12-31", "năm 2025", "Cả năm 2025"),
        (Period.quarter(2025, 3), "2025-07-01", "2025-09-30", "quý III năm 2025", "Quý III năm 2025"),
        (Period.quarter(2025, 1), "2025-01-01", "2025-03-31", "quý I năm 2025", "Quý I năm 2025"),
        (Period.half(2025, 1), "2025-01-01", "2025-06-30", "6 tháng đầu năm 2025", "6 tháng đầu năm 2025"),
        (Period.half(2025, 2), "2025-07-01", "2025-12-31", "6 tháng cuối năm 2025", "6 tháng cuối năm 2025"),
        (Period.years(2021, 2023), "2021-01-01", "2023-12-31", "giai đoạn 2021–2023", "Giai đoạn 2021–2023"),
    ],
)
def test_dates_and_vietnamese_labels(period, start, end, label, heading):
    assert period.start.isoformat() == start
    assert period.end.isoformat() == end
    assert period.label == label
    assert period.heading == heading


def test_previous_is_the_same_period_a_year_or_a_range_earlier():
    assert Period.quarter(2025, 3).previous() == Period.quarter(2024, 3)
    assert Period.half(2025, 2).previous() == Period.half(2024, 2)
    earlier = Period.years(2021, 2023).previous()
    assert (earlier.first_year, earlier.year, earlier.kind) == (2018, 2020, "programme")
    assert Period.years(2021, 2023).all_years == [2021, 2022, 2023]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Period(2025, 13),
        lambda: Period.quarter(2025, 5),
        lambda: Period.half(2025, 3),
        lambda: Period(2025, 9, start_month=7),  # neither cumulative nor a named kind
        lambda: Period(2025, 8, start_month=7, kind="quarter"),
        lambda: Period.years(2023, 2021),
    ],
)
def test_impossible_periods_are_refused_with_a_code(make):
    with pytest.raises(ValidationFailed) as refused:
        make()
    assert refused.value.code == "invalid_period"


def test_the_period_object_of_the_json():
    quarter = Period.quarter(2025, 3).as_dict()
    assert quarter["kind"] == "quarter"
    assert quarter["quarter"] == 3
    assert (quarter["start_month"], quarter["through_month"], quarter["year"]) == (7, 9, 2025)
    assert "year_from" not in quarter


# -- test data in past years --------------------------------------------------------------------------


def approved_line(world, agency: Agency, year: int, amount: int, activity: str = "dao-tao-nghe") -> PlanLine:
    """A KCĐP plan of `agency` for `year` with one line of `amount`, approved on 20/12 of the year before."""
    admin = world.user(Role.SYSTEM_ADMIN)
    plan = plan_create(actor=admin, agency=agency, year=year, source=FundingSource.LOCAL)
    plan_line_add(actor=admin, plan=plan, activity=Activity.objects.get(code=activity), amount=amount)
    plan.refresh_from_db()
    plan = plan_submit(actor=admin, plan=plan, version=plan.version, submitted_on=dt.date(year - 1, 12, 1))
    plan = plan_approve(
        actor=admin, plan=plan, decision_number="1/QĐ", decision_date=dt.date(year - 1, 12, 20)
    )
    return plan.lines.get()


def disbursed_project(world, line: PlanLine, location, support: int, advance_on: dt.date) -> Project:
    """A project of the line's year in `location`, contracted, under way, with half its support advanced
    on `advance_on` and the rest paid a month later (after acceptance)."""
    admin = world.user(Role.SYSTEM_ADMIN)
    year = line.plan.year
    project = project_create(
        actor=admin,
        plan_line=line,
        title=f"Đào tạo nghề {year}",
        kind=ProjectKind.TASK,
        implementer_kind=ImplementerKind.AGENCY,
        implementer_agency=line.plan.agency,
        location=location,
        start_date=dt.date(year, 3, 1),
        end_date=dt.date(year, 11, 30),
        support_amount=support,
    )
    for indicator in line.activity.indicators.order_by("code")[:1]:
        deliverable_set(actor=admin, project=project, indicator=indicator, planned=1)
    project_transition(actor=admin, project=project, action="register")
    project_transition(actor=admin, project=project, action="appraise", on=dt.date(year, 2, 1))
    project_transition(
        actor=admin,
        project=project,
        action="approve",
        decision_number="2/QĐ",
        decision_date=dt.date(year, 2, 10),
    )
    project = contract_sign(
        actor=admin,
        project=Project.objects.get(pk=project.pk),
        number=f"HĐ-{year}",
        signed_on=dt.date(year, 3, 1),
        party_a="Trung tâm Khuyến công",
        party_b="Trung tâm Khuyến công",
        value=support,
    ).project
    project = project_transition(actor=admin, project=project, action="start")
    entry_record(
        actor=admin,
        project=project,
        kind="advance",
        amount=support // 2,
        value_date=advance_on,
        reference="U1",
    )
    for deliverable in project.deliverables.all():
        deliverable_record(actor=admin, deliverable=deliverable, achieved=1, evidence="biên bản")
    project = project_transition(actor=admin, project=project, action="accept", on=advance_on)
    entry_record(
        actor=admin,
        project=project,
        kind="payment",
        amount=support - support // 2,
        value_date=advance_on + dt.timedelta(days=30),
        reference="U2",
    )
    return project


@pytest.fixture
def ninh_thuan_centre(world):
    """The Khuyến công centre of legacy Ninh Thuận (until 30/6/2025), from the reference data."""
    centre = Agency.objects.get(code="ttkc-58-cu")
    assert centre.valid_to == dt.date(2025, 6, 30)
    assert centre.successor == world.agency("ttkc-56")
    return centre


@pytest.fixture
def ninh_thuan_2022(world, ninh_thuan_centre):
    """Ninh Thuận 2022: a plan of 4 tỷ, a project in a Ninh Thuận commune that disbursed 1 tỷ."""
    line = approved_line(world, ninh_thuan_centre, 2022, 4_000_000_000)
    return disbursed_project(world, line, world.phan_rang_predecessor, 1_000_000_000, dt.date(2022, 5, 10))


# -- quarters and halves ------------------------------------------------------------------------------


@pytest.fixture
def projects(world):
    """Khánh Hòa: one settled project (advance 75 triệu on 15/03, payment 75 triệu on 10/10/2025)."""
    return make_project(world, state="settled", support=150_000_000)


def test_a_quarter_counts_only_its_months_against_the_annual_plan(projects):
    plan = 5 * LINE_AMOUNT
    q1 = build_report(parse_scope("unit:56", 2025), Period.quarter(2025, 1))
    q3 = build_report(parse_scope("unit:56", 2025), Period.quarter(2025, 3))
    q4 = build_report(parse_scope("unit:56", 2025), Period.quarter(2025, 4))
    assert (q1["executed"]["total"], q3["executed"]["total"], q4["executed"]["total"]) == (
        75_000_000,
        0,
        75_000_000,
    )
    assert q4["plan"]["total"] == plan  # the annual plan
    assert q4["execution_rate_pct"]["total"] == round(75_000_000 * 100 / plan, 2)
    assert q3["period"]["kind"] == "quarter"
    assert q3["period"]["label"] == "quý III năm 2025"
    assert (q3["period"]["start"], q3["period"]["end"]) == ("2025-07-01", "2025-09-30")
    assert q4["narrative_vi"].split("\n\n")[1].startswith("Quý IV năm 2025, kinh phí giải ngân đạt")


def test_halves_split_the_year(projects):
    h1 = build_report(parse_scope("unit:56", 2025), Period.half(2025, 1))
    h2 = build_report(parse_scope("unit:56", 2025), Period.half(2025, 2))
    year = build_report(parse_scope("unit:56", 2025), Period(2025, 12))
    assert h1["executed"]["total"] + h2["executed"]["total"] == year["executed"]["total"] == 150_000_000
    assert h2["period"]["label"] == "6 tháng cuối năm 2025"
    assert "6 tháng cuối năm 2025, kinh phí giải ngân đạt" in h2["narrative_vi"]
    assert "Cả năm 2025" in year["narrative_vi"]
    assert (
        "Lũy kế 9 tháng đầu năm 2025"
        in build_report(parse_scope("unit:56", 2025), Period(2025, 9))["narrative_vi"]
    )


def test_submitted_figures_exist_only_for_cumulative_periods(projects):
    for period in (Period.quarter(2025, 3), Period.half(2025, 1), Period.years(2021, 2023)):
        with pytest.raises(ValidationFailed) as refused:
            build_report(parse_scope("unit:56", 2025), period, source="submitted")
        assert refused.value.code == "period_not_submitted"
    assert (
        build_report(parse_scope("unit:56", 2025), Period(2025, 9), source="submitted")["source"]
        == "submitted"
    )


# -- a programme's years ------------------------------------------------------------------------------


@pytest.fixture
def dong_nai_figures(world):
    """The Đồng Nai 2021–2023 review's totals (planned 23.308.200.000 đ, disbursed 13.216.387.314 đ), laid
    out as the plans and projects of 2021, 2022 and 2023 of Ninh Thuận (today part of Khánh Hòa)."""
    centre = world.agency("ttkc-58-cu")
    for year, plan, support in (
        (2021, 7_000_000_000, 4_000_000_000),
        (2022, 8_000_000_000, 4_500_000_000),
        (2023, 8_308_200_000, 4_716_387_314),
    ):
        line = approved_line(world, centre, year, plan)
        disbursed_project(world, line, world.phan_rang_predecessor, support, dt.date(year, 6, 15))


def test_a_programme_sums_its_years(dong_nai_figures):
    period = Period.programme(DONG_NAI, through_year=2023)
    report = build_report(parse_scope("unit:56", period.year), period)
    assert report["plan"]["total"] == 23_308_200_000
    assert report["executed"]["total"] == 13_216_387_314
    assert report["execution_rate_pct"]["total"] == 56.70  # as the Đồng Nai review prints
    assert report["period"]["kind"] == "programme"
    assert report["period"]["label"] == "giai đoạn 2021–2023"
    assert (report["period"]["year_from"], report["period"]["year_to"]) == (2021, 2023)
    assert (report["period"]["year"], report["period"]["through_month"]) == (2023, 12)
    assert report["period"]["programme"] == DONG_NAI
    assert report["plan_growth_pct"] is None  # nothing planned in 2018–2020
    assert report["project_counts"]["accepted"] == 3
    assert (
        "Giai đoạn 2021–2023, kinh phí giải ngân đạt 13,22 tỷ đồng, bằng 56,70% tổng kế hoạch giai đoạn"
        in (report["narrative_vi"])
    )
    assert report["narrative_vi"].startswith("Tổng kế hoạch kinh phí khuyến công giai đoạn 2021–2023")


def test_a_whole_programme_and_its_previous_range(dong_nai_figures):
    whole = Period.programme(DONG_NAI)
    assert whole.label == "chương trình 2021–2025"
    later = build_report(parse_scope("unit:56", 2026), Period.years(2024, 2026))
    assert later["executed"]["total"] == 0
    assert later["executed_yoy_pct"] == -100.0  # against 2021–2023


def test_a_programme_outside_its_years_or_unknown_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        Period.programme(DONG_NAI, through_year=2027)
    assert refused.value.code == "invalid_period"
    with pytest.raises(ValidationFailed):
        Period.programme("no-such-programme")
    with pytest.raises(ValidationFailed):
        Period.programme("nd-45-2012")  # a decree: no last year


# -- boundaries ----------------------------------------------------------------------------------------


def test_selectors_key_amounts_by_the_province_of_the_time_or_of_today(world, ninh_thuan_2022):
    projects = Project.objects.filter(year=2022)
    today = executed(None, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), projects=projects)
    then = executed(
        None, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), projects=projects, boundaries="historical"
    )
    assert dict(today.by_unit) == {world.khanh_hoa.pk: 1_000_000_000}
    assert dict(then.by_unit) == {world.ninh_thuan.pk: 1_000_000_000}
    plans = Plan.objects.all()
    plan_today = plan_as_of(None, year=2022, on=dt.date(2022, 12, 31), plans=plans)
    plan_then = plan_as_of(None, year=2022, on=dt.date(2022, 12, 31), plans=plans, boundaries="historical")
    assert dict(plan_today.by_unit) == {world.khanh_hoa.pk: 4_000_000_000}
    assert dict(plan_then.by_unit) == {world.ninh_thuan.pk: 4_000_000_000}
    with pytest.raises(ValueError, match="boundaries"):
        plan_as_of(None, year=2022, on=dt.date(2022, 12, 31), plans=plans, boundaries="1995")


def test_historical_boundaries_keep_ninh_thuan_apart(world, ninh_thuan_2022):
    report = build_report(parse_scope("unit:58", 2022), Period(2022, 12), boundaries="historical")
    assert report["scope"]["code"] == "58"
    assert report["boundaries"] == "historical"
    assert report["executed"]["total"] == 1_000_000_000
    assert report["executed"]["by_unit"] == [
        {
            "id": world.ninh_thuan.pk,
            "code": "58",
            "name": "Tỉnh Ninh Thuận",
            "valid_to": "2025-06-30",
            "amount": 1_000_000_000,
        }
    ]
    assert [u["code"] for u in report["plan"]["by_unit"]] == ["58"]
    legacy_khanh_hoa = build_report(parse_scope("unit:56", 2022), Period(2022, 12), boundaries="historical")
    assert legacy_khanh_hoa["executed"]["total"] == 0  # Khánh Hòa of 2022 held no Ninh Thuận
    nation = build_report(parse_scope("nation", 2022), Period(2022, 12), boundaries="historical")
    assert [u["code"] for u in nation["executed"]["by_unit"]] == ["58"]


def test_current_boundaries_roll_ninh_thuan_into_khanh_hoa(world, ninh_thuan_2022):
    report = build_report(parse_scope("unit:56", 2022), Period(2022, 12))
    assert report["boundaries"] == "current"
    assert report["scope"]["code"] == "56"
    assert report["scope"]["label"] == world.khanh_hoa.name
    assert report["executed"]["total"] == 1_000_000_000
    assert report["executed"]["by_unit"] == [
        {
            "id": world.khanh_hoa.pk,
            "code": "56",
            "name": world.khanh_hoa.name,
            "valid_to": None,
            "amount": 1_000_000_000,
        }
    ]
    assert report["plan"]["total"] == 4_000_000_000
    assert report["execution_rate_pct"]["total"] == 25.0
    rolled = build_report(parse_scope("unit:58", 2022), Period(2022, 12))
    assert rolled["scope"]["code"] == "56"  # Ninh Thuận no longer exists: today's Khánh Hòa
    assert rolled["executed"]["total"] == 1_000_000_000


def test_unknown_boundaries_are_refused(projects):
    with pytest.raises(ValidationFailed) as refused:
        build_report(parse_scope("unit:56", 2025), Period(2025, 12), boundaries="1995")
    assert refused.value.code == "invalid_boundaries"


def test_submitted_figures_under_both_boundaries(world):
    header = "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN),
        name="kh-nt-2022.csv",
        content=(header + "2022,12,56,KCDP,,300,200\n2022,12,58,KCDP,,100,50\n").encode(),
        approve=True,
    )
    current = build_report(parse_scope("unit:56", 2022), Period(2022, 12), source="submitted")
    assert current["completeness"]["expected"] == 2  # the legacy Khánh Hòa and Ninh Thuận
    assert current["executed"]["total"] == 250
    assert [(u["code"], u["amount"]) for u in current["executed"]["by_unit"]] == [("56", 250)]
    historical = build_report(
        parse_scope("unit:58", 2022), Period(2022, 12), source="submitted", boundaries="historical"
    )
    assert historical["completeness"]["expected"] == 1
    assert [(u["code"], u["amount"]) for u in historical["executed"]["by_unit"]] == [("58", 50)]


# -- project counts and what is overdue -----------------------------------------------------------------


def test_project_counts_and_overdue_items_of_the_scope(world):
    make_project(world, state="settled", support=150_000_000)
    accepted = make_project(world, state="accepted", support=100_000_000)  # accepted 30/9/2025
    make_project(world, "foreign", state="accepted", support=90_000_000)
    report = build_report(parse_scope("unit:56", 2025), Period(2025, 12))
    counts = report["project_counts"]
    assert (counts["settled"], counts["accepted"], counts["draft"]) == (1, 1, 0)
    assert sum(counts.values()) == 2  # Hà Nội's project is not Khánh Hòa's
    assert set(report["overdue"]) == {"on", "count", "by_kind"}
    scope = parse_scope("unit:56", 2025)
    december = overdue_summary(scope_projects(scope, Period(2025, 12)), on=dt.date(2025, 12, 1))
    assert december == {"on": "2025-12-01", "count": 1, "by_kind": {"settlement": 1}}
    assert accepted.state == "accepted"

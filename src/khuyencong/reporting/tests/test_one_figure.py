"""One figure, one definition (docs/report-schema.md, "What executed means"): after random ledger
operations on projects of two provinces, two sources and two plan years, the home page's "executed of
the plan" figure, the live report's executed amounts (total, by source, by content group, by province)
and the totals of the ledger lists their links open agree, for a province, a region and the nation,
over several periods; the calendar-year figure is the total of its own list."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import DomainError
from khuyencong.finance.filters import LedgerFilter
from khuyencong.finance.models import LedgerEntry
from khuyencong.finance.selectors import disbursed_in_dates, executed, ledger_visible
from khuyencong.finance.services import entry_record, entry_reverse
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.presenters import group_rows, ledger_query, source_rows, unit_rows
from khuyencong.reporting.report import build_report
from khuyencong.reporting.selectors import headline
from khuyencong.testing.projects import YEAR, make_project

pytestmark = pytest.mark.django_db

KINDS = ("advance", "payment", "recovery", "reversal")
# value dates of the plan year and of the next January's adjustment period
DAYS = st.one_of(
    st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31)),
    st.dates(min_value=dt.date(YEAR + 1, 1, 1), max_value=dt.date(YEAR + 1, 1, 20)),
)
operation = st.tuples(
    st.integers(min_value=0, max_value=3),  # which project
    st.sampled_from(KINDS),
    st.sampled_from([1_000_000, 7_500_000, 20_000_000, 45_000_000]),
    DAYS,
)
RANGES = [
    (dt.date(YEAR, 1, 1), dt.date(YEAR, 9, 17)),
    (dt.date(YEAR, 3, 5), dt.date(YEAR, 3, 20)),
    (dt.date(YEAR, 2, 10), dt.date(YEAR, 11, 30)),
    (dt.date(YEAR, 6, 1), dt.date(YEAR + 1, 1, 31)),
    (dt.date(YEAR, 12, 15), dt.date(YEAR + 1, 1, 10)),
    (dt.date(YEAR, 4, 30), dt.date(YEAR, 5, 1)),
]
PERIODS = (Period(YEAR, 3), Period(YEAR, 9), Period.full_year(YEAR), Period.quarter(YEAR, 4))


class Rollback(Exception):
    pass


def _projects(world):
    """Khánh Hòa KCĐP and KCQG, a Khánh Hòa training project, Hà Nội KCĐP — all in progress."""
    return [
        make_project(world, state=ProjectState.IN_PROGRESS, support=120_000_000),
        make_project(
            world, state=ProjectState.IN_PROGRESS, support=90_000_000, source=FundingSource.NATIONAL
        ),
        make_project(world, state=ProjectState.IN_PROGRESS, support=60_000_000, activity="dao-tao-nghe"),
        make_project(world, "foreign", state=ProjectState.IN_PROGRESS, support=80_000_000),
    ]


@pytest.fixture
def four_projects(world) -> list[int]:
    """Built once for all of a property test's examples (each rolls back what it recorded)."""
    return [p.pk for p in _projects(world)]


def _listed(user, query) -> int:
    """The totals row of the ledger list opened with `query` (the page's own form and selector)."""
    filterset = LedgerFilter(
        {key: str(value) for key, value in query.items()}, ledger_visible(user), user=user
    )
    assert filterset.is_valid(), filterset.errors
    entries = filterset.qs
    return entries.aggregate(s=Sum("disbursed_delta"))["s"] or 0


def _agree(user, scope_text: str, *, home: bool = True) -> None:
    for period in PERIODS:
        report = build_report(parse_scope(scope_text, YEAR), period)
        assert _listed(user, ledger_query(report)) == report["executed"]["total"], period.label
        for row in [*source_rows(report), *group_rows(report), *unit_rows(report)]:
            if row.get("ledger"):
                assert _listed(user, row["ledger"]) == row["executed"], (period.label, row)
    if not home:  # not the user's own scope: the home page shows another one
        return
    whole_year = build_report(parse_scope(scope_text, YEAR), Period.full_year(YEAR))
    home_page = headline(user, on=dt.date(YEAR + 1, 1, 31))  # the adjustment January is part of YEAR…
    year_before = headline(user, on=dt.date(YEAR, 12, 31))
    assert year_before.executed.total == whole_year["executed"]["total"]
    assert _listed(user, year_before.ledger_query) == year_before.executed.total
    assert year_before.plan.total == whole_year["plan"]["total"]
    assert _listed(user, year_before.calendar_query) == year_before.disbursed_in_year
    # …and in YEAR+1 the home page speaks of YEAR+1's plan, while January's money stays YEAR's
    assert home_page.year == YEAR + 1
    assert _listed(user, home_page.calendar_query) == home_page.disbursed_in_year
    mid_month = headline(user, on=dt.date(YEAR, 9, 17))  # part of a month: from the ledger
    assert _listed(user, mid_month.calendar_query) == mid_month.disbursed_in_year


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=10))
def test_home_report_and_ledger_list_agree(world, four_projects, operations):
    officer = world.user(Role.PROVINCE_OFFICER)
    users = {
        "unit:56": officer,
        "region:mttn": world.user(Role.REGION_VIEWER),
        "nation": world.user(Role.MINISTRY_OFFICER),
    }
    try:
        with transaction.atomic():
            projects = [Project.objects.get(pk=pk) for pk in four_projects]
            for index, kind, amount, day in operations:
                project = projects[index]
                try:
                    if kind == "reversal":
                        last = LedgerEntry.objects.filter(project=project, reverses__isnull=True).last()
                        if last is not None:
                            entry_reverse(actor=officer, entry=last, reason="Sửa sai", value_date=day)
                    else:
                        entry_record(
                            actor=officer,
                            project=project,
                            kind=kind,
                            amount=amount,
                            value_date=day,
                            reference=f"UNC-{index}-{day:%m%d}",
                        )
                except DomainError:
                    pass  # refused operations write nothing (the ledger's own property test)
            ministry = users["nation"]
            for scope_text, user in users.items():
                _agree(user, scope_text)
                _agree(ministry, scope_text, home=False)  # the lists' filters, not the jurisdiction
            # The nation's whole months come from the aggregate, the days around them from the ledger.
            for start, end in RANGES:
                assert disbursed_in_dates(ministry, start=start, end=end) == (
                    executed(ministry, start=start, end=end).total
                ), (start, end)
            commune = world.user(Role.COMMUNE_OFFICER)  # no report scope: read from the ledger
            figures = headline(commune, on=dt.date(YEAR, 12, 31))
            assert figures.scope is None
            assert _listed(commune, figures.ledger_query) == figures.executed.total
            raise Rollback
    except Rollback:
        pass


def test_an_invalid_filter_lists_nothing_rather_than_everything(world):
    make_project(world, state=ProjectState.IN_PROGRESS)
    officer = world.user(Role.PROVINCE_OFFICER)
    filterset = LedgerFilter({"year": "20x5"}, ledger_visible(officer), user=officer)
    assert not filterset.qs.exists()
    assert ledger_visible(officer).exists()
    assert filterset.errors["year"]


# -- the pages: every executed amount links to a list whose totals row shows it -----------------------

LINK = re.compile(r'<a href="(/tai-chinh/\?[^"]+)" data-testid="(drill[^"]*)"[^>]*>([^<]+)</a>')


def _ledger_total(client, url: str) -> str:
    page = client.get(url.replace("&amp;", "&"))
    assert page.status_code == 200
    found = re.search(r'data-testid="ledger-disbursed">([^<]*)<', page.content.decode())
    return found.group(1) if found else "0 đ"


@pytest.fixture
def paid(world):
    """Khánh Hòa: a settled KCĐP project and a KCQG one in progress; Hà Nội: a settled one."""
    make_project(world, state=ProjectState.SETTLED, support=150_000_000)
    make_project(world, state=ProjectState.IN_PROGRESS, support=90_000_000, source=FundingSource.NATIONAL)
    make_project(world, "foreign", state=ProjectState.SETTLED, support=80_000_000)


@pytest.mark.parametrize("scope", ["unit:56", "region:mttn", "nation"])
def test_report_page_amounts_link_to_lists_that_add_up_to_them(world, paid, client, scope):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    for period in ("m12", "m9", "q4"):
        page = client.get(f"/bao-cao/?scope={scope}&year={YEAR}&period={period}").content.decode()
        links = LINK.findall(page)
        assert len(links) >= 4, page  # the KPI, the sources, the groups, the provinces
        for url, _testid, shown in links:
            listed = _ledger_total(client, url)
            # the report shows million đồng (or the KPI's scale), the list đồng: compare the amounts
            assert _amount(listed) == pytest.approx(_amount(shown), rel=0.0005, abs=50_000), (url, shown)
        kpi = next(url for url, testid, _shown in links if testid == "drill-executed")
        report = build_report(parse_scope(scope, YEAR), _period(period))
        assert _amount(_ledger_total(client, kpi)) == report["executed"]["total"]


def _period(code: str) -> Period:
    return Period.quarter(YEAR, 4) if code == "q4" else Period(YEAR, int(code[1:]))


def _amount(text: str) -> float:
    """An amount as shown (“1.234.567 đ”, “57.615,3” million, “2,1 tỷ”) in đồng."""
    text = text.strip().replace("\xa0", " ").removesuffix(" đồng")
    scale = 1
    if text.endswith("tỷ"):
        scale, text = 1_000_000_000, text[:-2]
    elif text.endswith("triệu"):
        scale, text = 1_000_000, text[:-5]
    elif text.endswith("đ"):
        text = text[:-1]
    elif "," in text or "." in text:  # a report table cell: million đồng
        scale = 1_000_000
    number = text.strip().replace(".", "").replace(",", ".")
    return float(number or 0) * scale


def test_home_page_figures_link_to_their_entries(world, paid, client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(YEAR, 12, 31))
    for role in (Role.PROVINCE_OFFICER, Role.REGION_VIEWER, Role.MINISTRY_OFFICER):
        client.force_login(world.user(role))
        page = client.get("/").content.decode()
        figures = headline(world.user(role), on=dt.date(YEAR, 12, 31))
        assert figures.executed.total > 0
        for testid, amount in (
            ("executed", figures.executed.total),
            ("disbursed-in-year", figures.disbursed_in_year),
        ):
            url = re.search(rf'data-testid="{testid}"><a href="([^"]+)"', page).group(1)
            assert _amount(_ledger_total(client, url)) == amount, (role, testid)
        report = build_report(parse_scope(figures.report_query["scope"], YEAR), Period.full_year(YEAR))
        assert figures.executed.total == report["executed"]["total"]


@pytest.mark.parametrize(("path", "testid"), [("/de-an/", "export-csv"), ("/tai-chinh/", "export-csv")])
def test_export_buttons_keep_every_filter(world, paid, client, path, testid):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    page = client.get(f"{path}?source=kcdp&year={YEAR}&page=1").content.decode()
    href = re.search(rf'href="([^"]*)" data-testid="{testid}"', page).group(1).replace("&amp;", "&")
    assert href.startswith("?")
    assert not href.startswith("??")
    for kept in ("source=kcdp", f"year={YEAR}", "export=csv"):
        assert kept in href
    assert "page" not in href
    response = client.get(path + href)
    rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    expected = LedgerEntry.objects.filter(project__plan_line__plan__source="kcdp", project__year=YEAR)
    if path == "/de-an/":
        expected = {e.project_id for e in expected}
    assert len(rows) - 1 == len(expected)


def test_a_january_payment_of_last_years_project_is_last_years_execution(world):
    project = make_project(world, state=ProjectState.IN_PROGRESS, support=120_000_000)  # advance 60 triệu
    officer = world.user(Role.PROVINCE_OFFICER)
    entry_record(
        actor=officer,
        project=project,
        kind="advance",
        amount=10_000_000,
        value_date=dt.date(YEAR + 1, 1, 15),
        reference="UNC-T1",
    )
    with pytest.raises(DomainError) as late:  # after the liquidation deadline (22 January)
        entry_record(
            actor=officer,
            project=project,
            kind="advance",
            amount=1_000_000,
            value_date=dt.date(YEAR + 1, 1, 25),
            reference="UNC-T1b",
        )
    assert late.value.code == "outside_plan_year"
    khanh_hoa = parse_scope("unit:56", YEAR)
    assert build_report(khanh_hoa, Period.full_year(YEAR))["executed"]["total"] == 70_000_000
    assert build_report(khanh_hoa, Period(YEAR, 11))["executed"]["total"] == 60_000_000
    assert (
        build_report(parse_scope("unit:56", YEAR + 1), Period.full_year(YEAR + 1))["executed"]["total"] == 0
    )
    assert headline(officer, on=dt.date(YEAR + 1, 1, 31)).disbursed_in_year == 10_000_000  # calendar YEAR+1
    assert headline(officer, on=dt.date(YEAR + 1, 1, 31)).executed.total == 0  # YEAR+1's plan: nothing yet

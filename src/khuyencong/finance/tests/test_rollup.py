"""The disbursed-by-month aggregate: kept in step with the ledger by every writer (entries, reversals,
recoveries, a stop's release, a project moved to another province), read with the same sums as the
ledger, checked and rebuilt by `khuyencong rollup`, and filled from the ledger by its migration."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from khuyencong.accounts.choices import Role
from khuyencong.finance.models import DisbursedMonth
from khuyencong.finance.rollup import rollup_check, rollup_rebuild
from khuyencong.finance.selectors import executed, executed_in_months
from khuyencong.finance.services import entry_record, entry_reverse, project_liquidate
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import AdjustmentKind, ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.services import adjustment_decide, adjustment_request
from khuyencong.testing.projects import YEAR, D, make_project

S = ProjectState
WHOLE_YEAR = {"start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}


@pytest.fixture
def admin(world):
    return world.user(Role.SYSTEM_ADMIN)


def _months() -> dict[tuple[int, int, dt.date], int]:
    return {(r.plan_line_id, r.province_id, r.month): r.amount for r in DisbursedMonth.objects.all()}


def _nonzero(totals) -> tuple:
    parts = (totals.by_source, totals.by_group, totals.by_unit)
    return (totals.total, *({k: v for k, v in part.items() if v} for part in parts))


def _same_as_ledger(**period) -> None:
    """The aggregate agrees with the ledger row by row, and its reads give the ledger's sums."""
    assert rollup_check() == []
    for boundaries in ("current", "historical"):
        ledger = executed(None, projects=Project.objects.all(), boundaries=boundaries, **period)
        assert _nonzero(executed_in_months(Q(year=YEAR), boundaries=boundaries, **period)) == _nonzero(ledger)


def test_every_writer_keeps_the_months_in_step(world, admin):
    accepted = make_project(world, state=S.ACCEPTED)  # 75 on 15/3, 75 on 10/10
    training = make_project(world, state=S.IN_PROGRESS, activity="dao-tao-nghe", support=100_000_000)
    national = make_project(world, state=S.IN_PROGRESS, source=FundingSource.NATIONAL)
    make_project(world, "foreign", state=S.IN_PROGRESS)  # Hà Nội
    province = world.phan_rang.province_id
    line = accepted.plan_line_id
    assert _months()[(line, province, dt.date(YEAR, 3, 1))] == 75_000_000
    assert _months()[(line, province, dt.date(YEAR, 10, 1))] == 75_000_000

    entry_record(
        actor=admin,
        project=training,
        kind="recovery",
        amount=20_000_000,
        value_date=dt.date(YEAR, 6, 2),
        reference="r",
    )
    payment = entry_record(
        actor=admin,
        project=national,
        kind="payment",
        amount=30_000_000,
        value_date=dt.date(YEAR, 6, 30),
        reference="p",
    )
    entry_reverse(actor=admin, entry=payment, reason="Nhầm số", amount=30_000_000, value_date=D["payment"])
    assert _months()[(training.plan_line_id, province, dt.date(YEAR, 6, 1))] == -20_000_000
    assert _months()[(national.plan_line_id, province, dt.date(YEAR, 6, 1))] == 30_000_000
    assert _months()[(national.plan_line_id, province, dt.date(YEAR, 10, 1))] == -30_000_000
    row = DisbursedMonth.objects.get(plan_line=national.plan_line, month=dt.date(YEAR, 6, 1))
    line = national.plan_line
    assert (row.year, row.source, row.programme_id, row.activity_id) == (
        YEAR,
        FundingSource.NATIONAL,
        line.plan.programme_id,
        line.activity_id,
    )
    project_liquidate(actor=admin, project=accepted, on=D["liquidate"], final_value=150_000_000)
    _same_as_ledger(**WHOLE_YEAR)
    _same_as_ledger(start=dt.date(YEAR, 4, 1), end=dt.date(YEAR, 9, 30))


def test_a_move_to_another_province_takes_the_months_along(world, admin):
    """phường Phan Rang lies in Khánh Hòa; the legacy Ninh Thuận commune it was formed from lay in Ninh
    Thuận in its own time: the same province today, another one historically."""
    project = make_project(world, state=S.ACCEPTED)
    legacy = world.phan_rang_predecessor
    adjustment = adjustment_request(
        actor=admin,
        project=project,
        kind=AdjustmentKind.LOCATION,
        reason="Cơ sở chuyển địa điểm",
        changes={"location": legacy},
    )
    adjustment_decide(actor=admin, adjustment=adjustment, approve=True)
    line = project.plan_line_id
    assert {k: v for k, v in _months().items() if v} == {
        (line, world.ninh_thuan.pk, dt.date(YEAR, 3, 1)): 75_000_000,
        (line, world.ninh_thuan.pk, dt.date(YEAR, 10, 1)): 75_000_000,
    }
    _same_as_ledger(**WHOLE_YEAR)
    historical = executed_in_months(Q(year=YEAR), boundaries="historical", **WHOLE_YEAR)
    assert dict(historical.by_unit) == {world.ninh_thuan.pk: 150_000_000}
    current = executed_in_months(Q(year=YEAR), boundaries="current", **WHOLE_YEAR)
    assert dict(current.by_unit) == {world.khanh_hoa.pk: 150_000_000}


def test_reads_select_by_year_province_and_source_and_only_whole_months(world):
    make_project(world, state=S.ACCEPTED)
    make_project(world, "foreign", state=S.IN_PROGRESS, source=FundingSource.NATIONAL)
    in_khanh_hoa = Q(province=world.khanh_hoa) | Q(province__current_province=world.khanh_hoa)
    assert executed_in_months(Q(year=YEAR) & in_khanh_hoa, **WHOLE_YEAR).total == 150_000_000
    assert executed_in_months(Q(year=YEAR - 1), **WHOLE_YEAR).total == 0
    national = executed_in_months(Q(year=YEAR), source=FundingSource.NATIONAL, breakdown=False, **WHOLE_YEAR)
    assert (national.total, dict(national.by_source), dict(national.by_unit)) == (
        75_000_000,
        {FundingSource.NATIONAL: 75_000_000},
        {},
    )
    with pytest.raises(ValueError, match="whole months"):
        executed_in_months(Q(year=YEAR), start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 3, 15))
    with pytest.raises(ValueError, match="whole months"):
        executed_in_months(Q(year=YEAR), start=dt.date(YEAR, 1, 2), end=dt.date(YEAR, 3, 31))


def test_the_command_finds_a_drifted_aggregate_and_rebuilds_it(world, capsys):
    make_project(world, state=S.ACCEPTED)
    call_command("rollup")
    assert "aggregate = ledger" in capsys.readouterr().out
    month = DisbursedMonth.objects.get(month=dt.date(YEAR, 10, 1))
    DisbursedMonth.objects.filter(pk=month.pk).update(amount=1)  # written around the services
    month.pk, month.month, month.amount = None, dt.date(YEAR, 12, 1), 5  # a month with no entry
    month.save()
    march = DisbursedMonth.objects.get(month=dt.date(YEAR, 3, 1))
    DisbursedMonth.objects.filter(pk=march.pk).update(source=FundingSource.NATIONAL)  # the wrong source
    with pytest.raises(CommandError, match="3 month"):
        call_command("rollup")
    err = capsys.readouterr().err
    assert f"{YEAR}-10-01: ledger 75,000,000, aggregate 1" in err
    assert f"{YEAR}-12-01: ledger 0, aggregate 5" in err
    call_command("rollup", "--rebuild")
    assert f"{YEAR}-03-01: the year, source, programme or activity copied from the plan line differ" in err
    assert "aggregate rebuilt: 2 rows" in capsys.readouterr().out
    assert rollup_check() == []


def test_the_migration_fills_the_aggregate_from_an_existing_ledger(world):
    make_project(world, state=S.ACCEPTED)
    make_project(world, "foreign", state=S.IN_PROGRESS)
    kept = _months()
    DisbursedMonth.objects.all().delete()
    migration = importlib.import_module("khuyencong.finance.migrations.0004_disbursed_by_month")
    migration.fill_from_ledger(apps, None)
    assert _months() == kept
    assert rollup_check() == []
    assert rollup_rebuild() == len(kept)
    assert _months() == kept

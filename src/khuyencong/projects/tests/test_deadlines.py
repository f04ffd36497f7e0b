"""Deadlines and what is overdue, from the DeadlineRule data in force: the settlement dossier 15 days
after acceptance, contract liquidation by 22 January of the next year (later when the project was
extended into it), the monthly progress report by the 25th."""

import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.projects.choices import DeadlineKind, ProjectState
from khuyencong.projects.models import DeadlineRule, Project
from khuyencong.projects.selectors import (
    liquidation_due,
    overdue_counts,
    overdue_first,
    overdue_ids,
    overdue_items,
    progress_due,
    settlement_due,
)
from khuyencong.projects.services import progress_report_submit
from khuyencong.testing.projects import YEAR, D, make_project

S = ProjectState
K = DeadlineKind


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


def _kinds(user, on, project=None) -> list[tuple[str, dt.date]]:
    items = overdue_items(user, on=on)
    return [(o.kind, o.due) for o in items if project is None or o.project.pk == project.pk]


def _replace_rule(kind: str, valid_from: dt.date, **values) -> DeadlineRule:
    DeadlineRule.objects.filter(kind=kind, valid_to__isnull=True).update(
        valid_to=valid_from - dt.timedelta(days=1)
    )
    return DeadlineRule.objects.create(
        kind=kind, valid_from=valid_from, legal_basis="Văn bản kiểm thử", **values
    )


def test_the_rules_are_data(world):
    rules = {r.kind: r for r in DeadlineRule.objects.valid_on(dt.date(YEAR, 1, 1))}
    assert (rules[K.SETTLEMENT].days, rules[K.LIQUIDATION].month, rules[K.LIQUIDATION].day) == (15, 1, 22)
    assert rules[K.PROGRESS].day == 25


def test_settlement_is_due_15_days_after_acceptance(world, officer):
    accepted = make_project(world, state=S.ACCEPTED)
    assert accepted.accepted_on == D["accept"] == dt.date(YEAR, 9, 30)
    assert settlement_due(accepted) == dt.date(YEAR, 10, 15)
    assert _kinds(officer, dt.date(YEAR, 10, 15), accepted) == []
    assert _kinds(officer, dt.date(YEAR, 10, 16), accepted) == [(K.SETTLEMENT, dt.date(YEAR, 10, 15))]
    [item] = overdue_items(officer, on=dt.date(YEAR, 10, 20))
    assert item.days_late == 5
    assert item.label == str(K.SETTLEMENT.label)
    liquidated = make_project(world, state=S.LIQUIDATED)
    assert (K.SETTLEMENT, dt.date(YEAR, 10, 15)) in _kinds(officer, dt.date(YEAR, 11, 1), liquidated)
    settled = make_project(world, state=S.SETTLED)
    assert _kinds(officer, dt.date(YEAR + 1, 6, 1), settled) == []
    assert settlement_due(make_project(world, state=S.IN_PROGRESS)) is None


def test_settlement_uses_the_rule_in_force_on_acceptance(world, officer):
    _replace_rule(K.SETTLEMENT, dt.date(YEAR, 10, 1), days=30)
    before = make_project(world, state=S.ACCEPTED)  # accepted on 30/9: still 15 days
    after = make_project(world, state=S.ACCEPTED)
    Project.objects.filter(pk=after.pk).update(accepted_on=dt.date(YEAR, 10, 1))
    after.refresh_from_db()
    assert settlement_due(before) == dt.date(YEAR, 10, 15)
    assert settlement_due(after) == dt.date(YEAR, 10, 31)
    on = dt.date(YEAR, 10, 31)
    assert _kinds(officer, on, after) == []
    assert _kinds(officer, on, before) == [(K.SETTLEMENT, dt.date(YEAR, 10, 15))]


@pytest.mark.parametrize("state", [S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED])
def test_liquidation_is_due_on_22_january_of_the_next_year(world, officer, state):
    project = make_project(world, state=state)
    assert liquidation_due(project) == dt.date(YEAR + 1, 1, 22)
    assert (K.LIQUIDATION, dt.date(YEAR + 1, 1, 22)) not in _kinds(officer, dt.date(YEAR + 1, 1, 22), project)
    assert (K.LIQUIDATION, dt.date(YEAR + 1, 1, 22)) in _kinds(officer, dt.date(YEAR + 1, 1, 23), project)


def test_liquidated_projects_are_not_late_for_liquidation(world, officer):
    project = make_project(world, state=S.LIQUIDATED)
    assert all(kind != K.LIQUIDATION for kind, _due in _kinds(officer, dt.date(YEAR + 1, 6, 1), project))


def test_an_extension_into_the_next_year_moves_liquidation(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)
    Project.objects.filter(pk=project.pk).update(end_date=dt.date(YEAR + 1, 3, 31))
    project.refresh_from_db()
    assert liquidation_due(project) == dt.date(YEAR + 2, 1, 22)
    assert K.LIQUIDATION not in [k for k, _ in _kinds(officer, dt.date(YEAR + 1, 1, 23), project)]
    assert (K.LIQUIDATION, dt.date(YEAR + 2, 1, 22)) in _kinds(officer, dt.date(YEAR + 2, 1, 23), project)


def test_liquidation_follows_the_rule_of_that_year(world, officer):
    _replace_rule(K.LIQUIDATION, dt.date(YEAR + 1, 1, 1), month=2, day=15)
    project = make_project(world, state=S.ACCEPTED)
    assert liquidation_due(project) == dt.date(YEAR + 1, 2, 15)
    assert K.LIQUIDATION not in [k for k, _ in _kinds(officer, dt.date(YEAR + 1, 2, 15), project)]
    assert (K.LIQUIDATION, dt.date(YEAR + 1, 2, 15)) in _kinds(officer, dt.date(YEAR + 1, 2, 16), project)


def test_progress_report_is_due_by_the_25th(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)
    contracted = make_project(world, state=S.CONTRACTED)  # reports fall due once work starts
    june = dt.date(YEAR, 6, 1)
    assert progress_due(dt.date(YEAR, 6, 10)) == dt.date(YEAR, 6, 25)
    assert _kinds(officer, dt.date(YEAR, 6, 25), project) == []
    assert _kinds(officer, dt.date(YEAR, 6, 26), project) == [(K.PROGRESS, dt.date(YEAR, 6, 25))]
    assert _kinds(officer, dt.date(YEAR, 6, 26), contracted) == []
    progress_report_submit(actor=officer, project=project, month=dt.date(YEAR, 5, 3), percent_done=20)
    assert _kinds(officer, dt.date(YEAR, 6, 26), project) == [(K.PROGRESS, dt.date(YEAR, 6, 25))]
    progress_report_submit(actor=officer, project=project, month=dt.date(YEAR, 6, 20), percent_done=40)
    assert project.progress_reports.get(month=june).percent_done == 40
    assert _kinds(officer, dt.date(YEAR, 6, 30), project) == []
    assert _kinds(officer, dt.date(YEAR, 7, 26), project) == [(K.PROGRESS, dt.date(YEAR, 7, 25))]


def test_progress_day_is_data_and_fits_short_months(world, officer):
    _replace_rule(K.PROGRESS, dt.date(YEAR, 2, 1), day=31)
    assert progress_due(dt.date(YEAR, 1, 10)) == dt.date(YEAR, 1, 25)  # the old rule
    assert progress_due(dt.date(YEAR, 2, 10)) == dt.date(YEAR, 2, 28)
    assert progress_due(dt.date(YEAR, 4, 10)) == dt.date(YEAR, 4, 30)
    assert progress_due(dt.date(YEAR, 5, 10)) == dt.date(YEAR, 5, 31)
    project = make_project(world, state=S.IN_PROGRESS)
    assert _kinds(officer, dt.date(YEAR, 4, 30), project) == []
    assert _kinds(officer, dt.date(YEAR, 5, 1), project) == []  # May's report is due on 31/5


def test_no_rule_no_deadline(world, officer):
    DeadlineRule.objects.all().delete()
    project = make_project(world, state=S.ACCEPTED)
    assert (settlement_due(project), liquidation_due(project), progress_due(dt.date(YEAR, 6, 1))) == (
        None,
        None,
        None,
    )
    assert overdue_items(officer, on=dt.date(YEAR + 3, 1, 1)) == []


def test_overdue_is_scoped_and_oldest_first(world, officer):
    own_accepted = make_project(world, state=S.ACCEPTED)
    own_running = make_project(world, state=S.IN_PROGRESS)
    foreign = make_project(world, "foreign", state=S.ACCEPTED)
    on = dt.date(YEAR + 1, 1, 26)
    mine = overdue_items(officer, on=on)
    assert [(o.project.pk, o.kind, o.due) for o in mine] == [
        (own_accepted.pk, K.SETTLEMENT, dt.date(YEAR, 10, 15)),
        (own_accepted.pk, K.LIQUIDATION, dt.date(YEAR + 1, 1, 22)),
        (own_running.pk, K.LIQUIDATION, dt.date(YEAR + 1, 1, 22)),
        (own_running.pk, K.PROGRESS, dt.date(YEAR + 1, 1, 25)),
    ]
    assert foreign.pk not in overdue_ids(officer, on=on)
    assert foreign.pk in overdue_ids(world.user(Role.SYSTEM_ADMIN), on=on)
    assert overdue_items(world.user(Role.COMMUNE_OFFICER), on=on)  # the projects are in phường Phan Rang


def test_overdue_counts_count_the_items(world, officer):
    """The counts a report shows (grouped by date in the database) agree with the listed items, kind
    by kind, on a day when every kind of deadline has passed for some project."""
    for state in (S.ACCEPTED, S.ACCEPTED, S.IN_PROGRESS, S.LIQUIDATED, S.SETTLED):
        make_project(world, state=state)
    make_project(world, "foreign", state=S.ACCEPTED)
    admin = world.user(Role.SYSTEM_ADMIN)
    for on in (dt.date(YEAR, 10, 1), dt.date(YEAR, 11, 26), dt.date(YEAR + 1, 1, 26)):
        items = overdue_items(admin, on=on)
        expected: dict[str, int] = {}
        for item in items:
            expected[str(item.kind)] = expected.get(str(item.kind), 0) + 1
        assert overdue_counts(Project.objects.all(), on=on) == expected
    assert expected == {K.SETTLEMENT: 4, K.LIQUIDATION: 4, K.PROGRESS: 1}  # Hà Nội's project too


def test_the_first_overdue_items_are_read_for_those_only(world, officer):
    """The home page's ten: `overdue_first` gives the oldest of `overdue_items` in the same order and
    their number, kind by kind and across kinds, however many share a due date."""
    made = [
        make_project(world, state=state)
        for state in (S.ACCEPTED, S.ACCEPTED, S.ACCEPTED, S.LIQUIDATED, S.IN_PROGRESS, S.IN_PROGRESS)
    ]
    make_project(world, "foreign", state=S.ACCEPTED)
    # Spread the deadlines: acceptance on several days, some projects extended into the next year.
    for i, project in enumerate(made):
        Project.objects.filter(pk=project.pk).update(
            accepted_on=dt.date(YEAR, 9, 1 + 5 * (i % 3)) if project.accepted_on else None,
            end_date=dt.date(YEAR + 1, 2, 1) if i % 2 else project.end_date,
        )
    admin = world.user(Role.SYSTEM_ADMIN)
    for on in (
        dt.date(YEAR, 10, 1),
        dt.date(YEAR, 11, 26),
        dt.date(YEAR + 1, 1, 26),
        dt.date(YEAR + 2, 6, 1),
    ):
        items = overdue_items(admin, on=on)
        for limit in (1, 2, 3, 5, 8, 100):
            first, total = overdue_first(admin, limit=limit, on=on)
            assert total == len(items), (on, limit)
            assert [(o.project.pk, o.kind, o.due) for o in first] == [
                (o.project.pk, o.kind, o.due) for o in items[:limit]
            ], (on, limit)
    assert len(items) > 8  # the last day has every kind overdue for several projects
    assert overdue_first(officer, limit=100, on=on)[1] == len(overdue_items(officer, on=on))

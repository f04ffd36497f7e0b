"""The demo that `make run` seeds (khuyencong.demo): realistic, consistent with every rule, and idempotent.
Seeding the whole programme takes a while, so it is seeded once for the module (`demo`)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.core.audit import audit_for
from khuyencong.demo.accounts import DEMO_USERS
from khuyencong.establishments.models import Establishment
from khuyencong.events.models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    ProductSelection,
    SelectionEntry,
    Training,
)
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.finance.selectors import project_balance
from khuyencong.finance.services import contract_sign, entry_record, project_liquidate, project_stop
from khuyencong.geo.models import REFORM_DATE, AdministrativeUnit
from khuyencong.plans.choices import FundingSource, PlanStatus, RevisionStatus
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.choices import COMMITTED_STATES, ProjectKind, ProjectState, StopDestination
from khuyencong.projects.models import Adjustment, Inspection, ProgressReport, Project
from khuyencong.projects.selectors import overdue_items
from khuyencong.projects.services import deliverable_record, line_room, project_transition, project_update
from khuyencong.reporting.models import Submission
from khuyencong.testing.shared import shared

S = ProjectState
# The demo is dated from today; the test fixes a day late in the year, when every state has had time
# to come about (early in January the current year has only proposals).
DEMO_DAY = dt.date(2026, 11, 23)
# One worker runs the module, so the demo is seeded once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for the module, on DEMO_DAY, over the test world; each test reads it in its
    own savepoint (khuyencong.testing.shared) and the module's end rolls it back."""
    real = timezone.localdate
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            timezone,
            "localdate",
            lambda value=None, timezone=None: DEMO_DAY if value is None else real(value, timezone),
        )
        with shared(django_db_blocker, lambda: call_command("seed_demo", verbosity=0)):
            yield DEMO_DAY


def _counts() -> dict[str, int]:
    models = (User, Plan, Project, LedgerEntry, Fair, FairParticipation, SelectionEntry, Submission)
    return {model._meta.label: model.objects.count() for model in models}


def _walk_to_settled(project: Project, officer: User, approver: User, department: User) -> Project:
    """What an officer does in the UI with a fresh proposal, every step dated today."""
    today = timezone.localdate()
    if project.start_date > today:  # planned to begin later: it begins now (nothing is accepted before)
        project = project_update(
            actor=officer,
            project=project,
            version=project.version,
            start_date=today,
            end_date=max(project.end_date, today),
        )
    project = project_transition(actor=officer, project=project, action="register")
    project = project_transition(actor=officer, project=project, action="appraise", on=today)
    project = project_transition(
        actor=approver, project=project, action="approve", decision_number="999/QĐ", decision_date=today
    )
    contract_sign(
        actor=officer,
        project=project,
        number="999/HĐ",
        signed_on=today,
        party_a=project.managing_agency.name,
        party_b=project.implementer_label or "Đơn vị thực hiện",
        value=project.support_amount,
    )
    project = project_transition(actor=officer, project=Project.objects.get(pk=project.pk), action="start")
    for deliverable in project.deliverables.all():
        deliverable_record(actor=officer, deliverable=deliverable, achieved=deliverable.planned)
    project = project_transition(actor=officer, project=project, action="accept", on=today)
    entry_record(
        actor=officer,
        project=project,
        kind=EntryKind.PAYMENT,
        amount=project.support_amount,
        value_date=today,
        reference="UNC 999",
        contract=project.contracts.get(),
    )
    project = project_liquidate(actor=officer, project=project, on=today, final_value=project.support_amount)
    return project_transition(actor=department, project=project, action="settle", on=today)


def test_demo_projects_in_every_state_with_balanced_ledgers(demo, world):
    today = timezone.localdate()
    projects = Project.objects.select_related("plan_line__plan__unit", "location")
    provinces = AdministrativeUnit.objects.current().provinces()
    total = projects.count()

    # several hundred over the country; in the test world, a few dozen per province at least
    assert total >= 20 * provinces.count()
    assert set(projects.values_list("state", flat=True)) == set(S.values)
    assert set(projects.values_list("kind", flat=True)) == set(ProjectKind.values)
    assert set(projects.values_list("plan_line__plan__source", flat=True)) == set(FundingSource.values)
    years = set(projects.values_list("year", flat=True))
    assert years == {today.year - 2, today.year - 1, today.year}
    for year in (today.year - 2, today.year - 1):
        old = projects.filter(year=year)
        assert old.filter(state=S.SETTLED).count() > old.count() / 2  # older years are mostly settled
    current = projects.filter(year=today.year)
    under_way = current.filter(state__in=[S.IN_PROGRESS, S.ACCEPTED]).count()
    assert all(under_way >= current.filter(state=state).count() for state in S.values)
    # before the 2025 reform, projects sit in the old units (which roll up into today's province)
    assert projects.filter(year=today.year - 2, location__valid_to__isnull=False).exists()
    assert not current.filter(location__valid_to__isnull=False).exists()
    for project in projects.select_related("managing_agency", "location__province"):
        plan_unit = project.plan_line.plan.unit
        # a project sits in a unit of its year within its plan's area; the agency of its time manages it
        assert project.location.in_force_during(project.year), project.code
        assert project.managing_agency.is_valid_on(project.start_date), project.code
        if project.location.valid_to is not None and not plan_unit.is_current:
            assert project.location.province == plan_unit or project.location == plan_unit, project.code
    assert set(projects.filter(state=S.STOPPED).values_list("stop_destination", flat=True)) == set(
        StopDestination.values
    )

    # every province with plans has projects, and Khánh Hòa has a project in each state this year
    assert set(projects.values_list("location__current_province__code", flat=True)) == set(
        provinces.values_list("code", flat=True)
    )
    khanh_hoa = current.filter(location__current_province__code="56")
    assert set(khanh_hoa.values_list("state", flat=True)) == set(S.values)


def test_demo_ledgers_balance_within_contracts_lines_and_today(demo, world):
    """Nothing beyond the contracts or the lines, nothing in the future."""
    today = timezone.localdate()
    projects = Project.objects.select_related("plan_line__plan__unit", "location")
    for project in projects:
        balance = project_balance(project)
        assert 0 <= balance.disbursed <= balance.contracted <= project.support_amount, project.code
        if project.state == S.SETTLED:
            assert balance.committed == balance.disbursed == project.final_value, project.code
        if project.state in (S.DRAFT, S.REGISTERED, S.APPRAISED, S.APPROVED):
            assert balance.contracted == 0
        if project.state in (S.ACCEPTED, S.LIQUIDATED, S.SETTLED):
            assert not project.deliverables.filter(achieved__isnull=True).exists(), project.code
        assert project.deliverables.exists(), project.code
        for on in (project.decision_date, project.accepted_on, project.liquidated_on, project.settled_on):
            assert on is None or on <= today
    assert not LedgerEntry.objects.filter(value_date__gt=today).exists()
    assert not Contract.objects.filter(signed_on__gt=today).exists()
    for line in PlanLine.objects.filter(projects__isnull=False).distinct():
        assert line_room(line, today) >= 0, line
        committed = line.projects.filter(state__in=COMMITTED_STATES).aggregate(s=Sum("support_amount"))["s"]
        assert (committed or 0) <= line.amount

    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == set(EntryKind.values)
    assert LedgerEntry.objects.filter(reverses__isnull=False).exclude(kind=EntryKind.COMMITMENT).exists()
    assert ProgressReport.objects.exists()
    assert Inspection.objects.exists()
    assert set(Adjustment.objects.values_list("status", flat=True)) == {"requested", "approved", "rejected"}


def test_demo_projects_have_their_audit_trail_and_approvers(demo, world):
    """Every project's trail starts with its creation; approvals by the right users."""
    projects = Project.objects.all()
    khanh_hoa = projects.filter(location__current_province__code="56", year=timezone.localdate().year)
    chi_lan, anh_minh, chi_ha = (User.objects.get(username=u) for u in ("chi.lan", "anh.minh", "chi.ha"))
    for project in projects:
        trail = audit_for(project)
        assert trail.filter(action="project.create").exists(), project.code
    approved = khanh_hoa.exclude(decision_date__isnull=True)
    assert approved.filter(plan_line__plan__source=FundingSource.LOCAL).exists()
    for project in approved:
        expected = chi_ha if project.source == FundingSource.NATIONAL else anh_minh
        assert project.approved_by == expected
        assert audit_for(project).filter(action="project.create", actor=chi_lan).exists()

    # the overdue list has something to show
    assert overdue_items(chi_lan)


def test_demo_leaves_fresh_projects_to_walk_and_to_stop(demo, world):
    """Khánh Hòa leaves fresh projects an officer can take from draft to settled, and stop."""
    chi_lan, anh_minh, chi_ha = (User.objects.get(username=u) for u in ("chi.lan", "anh.minh", "chi.ha"))
    fresh = Project.objects.filter(location__current_province__code="56", year=timezone.localdate().year)
    drafts = list(fresh.filter(state=S.DRAFT))
    assert {d.source for d in drafts} == set(FundingSource.values)
    assert ProjectKind.POINT in {d.kind for d in drafts}
    for draft in drafts:
        approver = chi_ha if draft.source == FundingSource.NATIONAL else anh_minh
        assert _walk_to_settled(draft, chi_lan, approver, anh_minh).state == S.SETTLED

    approved = fresh.filter(state=S.APPROVED, plan_line__plan__source=FundingSource.LOCAL)
    assert approved.exists()
    stopped = project_stop(
        actor=anh_minh,
        project=approved.first(),
        on=timezone.localdate(),
        reason="Cơ sở xin dừng",
        destination=StopDestination.LINE,
    )
    assert stopped.state == S.STOPPED
    assert stopped.released_amount == stopped.support_amount


def test_demo_plans_for_three_years_each_revised(demo, world):
    year = timezone.localdate().year
    provinces = AdministrativeUnit.objects.provinces()
    plans = Plan.objects.select_related("agency", "unit")
    assert set(plans.values_list("year", flat=True)) == {year - 2, year - 1, year}
    expected = 0
    for plan_year in (year - 2, year - 1, year):
        # approved in December of the year before: by the provinces of that time, on their agencies
        before_reform = dt.date(plan_year - 1, 12, 31) < REFORM_DATE
        then = provinces.legacy() if before_reform else provinces.current()
        of_year = plans.filter(year=plan_year)
        assert of_year.count() == then.count() * 2
        expected += then.count() * 2
        for plan in of_year:
            assert plan.unit in then
            assert plan.agency.jurisdiction_unit == plan.unit
            assert plan.agency.in_force_during(plan_year)
            if before_reform:
                assert plan.agency.code.endswith("-cu")
                assert plan.agency.successor.jurisdiction_unit == plan.unit.current_province
    assert plans.count() == expected
    for plan in plans:
        assert plan.status == PlanStatus.REVISED
        assert plan.revisions.filter(status=RevisionStatus.APPROVED).count() == 1
        assert plan.lines.count() >= 4
        for line in plan.lines.exclude(unit=None).select_related("unit"):
            assert line.unit.province == plan.unit  # a line's commune is one of the plan's time


def test_demo_events_are_seeded_and_set_the_priority_flags(demo, world):
    counts = (Fair.objects.count(), FairParticipation.objects.count(), SelectionEntry.objects.count())
    assert counts[0] >= 10  # the test world lacks the provinces of a few demo fairs
    assert counts[1] > 40
    selection = ProductSelection.objects.get(year=2025, unit__code="56")
    certified = selection.entries.filter(result="certified")
    assert certified.exists()
    assert not selection.entries.filter(result="pending").exists()
    assert all(e.total_score >= selection.pass_score for e in certified)
    flagged = set(Establishment.objects.filter(typical_product=True).values_list("pk", flat=True))
    assert flagged == set(certified.values_list("establishment_id", flat=True))
    assert ArtisanTitle.objects.count() == 4
    assert Training.objects.filter(trainees__isnull=False).distinct().count() == 1
    assert set(Fair.objects.values_list("start_date__year", flat=True)) == {2024, 2025, 2026}


def test_demo_gives_one_user_per_role(demo, world):
    users = User.objects.filter(username__in=[u[0] for u in DEMO_USERS])
    assert {r for u in users for r in u.role_set} == set(Role)
    assert users.get(username="chi.lan").agency.code == "ttkc-56"


def test_demo_links_ong_tu_and_leaves_anh_minh_a_report_to_send(demo, world):
    from khuyencong.establishments.selectors import establishments_visible
    from khuyencong.projects.selectors import projects_visible
    from khuyencong.reporting.selectors import decisions_awaiting

    tu = User.objects.get(username="ong.tu")
    (theirs,) = establishments_visible(tu)  # his establishment only, not the commune's registry
    assert FairParticipation.objects.filter(establishment=theirs).exists()  # his pages show support
    assert set(projects_visible(tu)) == set(Project.objects.filter(implementer_establishment=theirs))
    waiting = list(decisions_awaiting(User.objects.get(username="anh.minh")))
    assert [(s.unit.code, s.year, s.through_month, s.status) for s in waiting] == [
        ("56", 2026, 9, "prepared")
    ]
    sent = Submission.objects.filter(unit__code="56", year=2025, sent_by__username="anh.minh")
    assert sent.count() == 2  # the 9-month and annual reports of 2025 went up through the Sở


def test_seeding_the_demo_again_changes_nothing(demo, world):
    before = _counts()
    assert all(before.values()), before
    call_command("seed_demo", verbosity=0)
    assert _counts() == before


def test_the_module_runs_on_one_worker(request):
    """Under `make test` (pytest-xdist --dist loadgroup) the module is one group, so the demo is seeded
    once; a pytest that xdist cannot mark groups in would seed it on every worker."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@demo")


def _demo_pages() -> list[str]:
    """The lists, and a record of each kind the demo holds: a project in each state, a plan, an
    establishment, an event of each kind, a submission."""
    from django.urls import reverse

    pages = [
        reverse(name)
        for name in (
            "ui:home",
            "projects:list",
            "projects:overdue",
            "projects:lifecycle",
            "plans:list",
            "finance:ledger",
            "establishments:list",
            "events:home",
            "events:fair_list",
            "events:selection_list",
            "events:title_list",
            "events:training_list",
            "reporting:submission_list",
            "catalog:home",
            "catalog:norm_list",
            "catalog:indicator_list",
            "accounts:agency_list",
            "accounts:region_list",
        )
    ]
    for state in ProjectState:
        project = Project.objects.filter(state=state).order_by("pk").first()
        if project is not None:
            pages.append(reverse("projects:detail", args=[project.pk]))
    for model, name in (
        (Plan, "plans:detail"),
        (Establishment, "establishments:detail"),
        (Fair, "events:fair_detail"),
        (ProductSelection, "events:selection_detail"),
        (Training, "events:training_detail"),
        (Submission, "reporting:submission_detail"),
    ):
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(name, args=[first.pk]))
    return pages


def test_no_demo_page_shows_codes_or_a_field_twice(demo, world, client):
    """Every page of the demo, as each demo user sees it: no ISO date, state code or untranslated empty
    choice in the visible text, no form field rendered twice (issue 14's walls 4 and 6)."""
    from khuyencong.testing.forms import fields_shown_twice, internal_codes

    pages = _demo_pages()
    problems = []
    for username, *_rest in DEMO_USERS:
        client.force_login(User.objects.get(username=username))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            body = response.content.decode()
            if codes := internal_codes(body):
                problems.append(f"{username} {url}: {codes[:3]}")
            if twice := fields_shown_twice(body):
                problems.append(f"{username} {url}: twice {twice}")
    assert not problems, "\n".join(problems)

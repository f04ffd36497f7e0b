"""No project state is a dead end: whatever blocks an action can be fixed from the state the action
starts from, the page links a blocked action to its fix, and approval warns about what acceptance will
need. (KCĐP-2027-001 went to "in progress" with no deliverable: acceptance was blocked for good.)"""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import ValidationFailed, WrongState
from khuyencong.projects import services
from khuyencong.projects.choices import ProjectState as S
from khuyencong.projects.views import _open_sections
from khuyencong.projects.workflow import FIXES, TRANSITIONS, offers_for
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

# The page's section flag (`projects.views._open_sections`) that offers each fix.
SECTION_FLAG = {
    "pane-overview": "editable",
    "pane-deliverables": "deliverables_open",
    "pane-money": "money_open",
}


def test_every_blocking_precondition_is_fixable_where_its_action_starts():
    for transition in TRANSITIONS:
        for state in transition.sources:
            for check in transition.preconditions:
                if check in transition.form_fulfils:
                    continue  # the action's own form fulfils it (the contract form)
                fix = FIXES.get(check)
                assert fix is not None, f"{transition.action}: {check.__name__} says nowhere how to fix it"
                assert state in fix.states, (
                    f"{transition.action} from {state}: {check.__name__} cannot be fixed in that state"
                )


# Each (state, section) a fix declares, as the page shows it: the section takes changes there.
FIX_STATES = sorted(
    {(state, fix.section) for fix in FIXES.values() for state in fix.states if state != S.STOPPED}
)


@pytest.mark.parametrize(("state", "section"), FIX_STATES)
def test_the_page_opens_the_section_of_each_fix_in_its_states(world, state, section):
    project = make_project(world, state=state)
    sections = _open_sections(project, may_change=True)
    if section == "pane-money" and state in (S.APPROVED,):
        return  # the contract is recorded from the "Record the contract" action's own page
    assert sections[SECTION_FLAG[section]], f"{section} is closed in {state}"


@pytest.fixture
def stuck(world):
    """A project under way with no deliverable, as it could be approved before this was fixed."""
    project = make_project(world, state=S.IN_PROGRESS)
    project.deliverables.all().delete()
    return project


def test_a_project_under_way_without_deliverables_can_still_be_accepted(world, stuck):
    officer = world.user(Role.PROVINCE_OFFICER)
    [accept] = [o for o in offers_for(officer, stuck) if o.action == "accept"]
    [(message, fix)] = accept.failing
    assert message
    assert fix is FIXES[accept.transition.preconditions[0]]
    assert fix.section == "pane-deliverables"

    indicator = stuck.plan_line.activity.indicators.order_by("code").first()
    with pytest.raises(ValidationFailed) as refused:
        services.deliverable_set(actor=officer, project=stuck, indicator=indicator, planned=2)
    assert refused.value.code == "reason_required"
    assert not stuck.deliverables.exists()

    deliverable = services.deliverable_set(
        actor=officer,
        project=stuck,
        indicator=indicator,
        planned=2,
        reason="Bổ sung theo quyết định",
    )
    entry = audit_for(stuck).filter(action="project.deliverable_set").first()
    assert entry.reason == "Bổ sung theo quyết định"
    assert entry.after == {"indicator": indicator.code, "planned": 2}
    services.deliverable_record(actor=officer, deliverable=deliverable, achieved=2)
    stuck.refresh_from_db()
    services.lifecycle_take(
        actor=officer, project=stuck, action="accept", version=stuck.version, on=stuck.end_date
    )
    stuck.refresh_from_db()
    assert stuck.state == S.ACCEPTED
    with pytest.raises(WrongState):  # after acceptance the deliverables are what was accepted
        services.deliverable_set(actor=officer, project=stuck, indicator=indicator, planned=3, reason="x")


def test_the_page_links_the_blocked_acceptance_to_the_deliverables_and_asks_a_reason(client, world, stuck):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    url = reverse("projects:detail", args=[stuck.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="fix-accept"' in body
    assert 'data-kc-tab="pane-deliverables"' in body
    assert 'name="deliverable-reason"' in body
    indicator = stuck.plan_line.activity.indicators.order_by("code").first()
    refused = client.post(
        reverse("projects:deliverable_set", args=[stuck.pk]),
        {"deliverable-indicator": indicator.pk, "deliverable-planned": "1"},
    )
    assert refused.status_code == 302
    assert not stuck.deliverables.exists()
    client.post(
        reverse("projects:deliverable_set", args=[stuck.pk]),
        {"deliverable-indicator": indicator.pk, "deliverable-planned": "1", "deliverable-reason": "Bổ sung"},
    )
    assert stuck.deliverables.get().planned == 1


def test_approval_warns_when_acceptance_will_lack_deliverables(client, world):
    project = make_project(world, state=S.APPRAISED)
    approver = world.user(Role.PROVINCE_APPROVER)
    [approve] = [o for o in offers_for(approver, project) if o.action == "approve"]
    assert approve.warnings == []
    project.deliverables.all().delete()
    [approve] = [o for o in offers_for(approver, project) if o.action == "approve"]
    assert approve.blocked == []  # a warning, not a block
    assert len(approve.warnings) == 1
    client.force_login(approver)
    body = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'data-testid="warning-approve"' in body

"""Projects with their participants and deliverables from a workbook (projects.imports), with their
plan on the plans sheet of the same workbook: every row through the project services (created,
registered, appraised, approved by the plan's approver only), found again by the agency's own
reference, and the projects list's "for editing" export imported back as "unchanged"."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import ImportInvalid, check_file
from khuyencong.core.models import AuditEntry
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Deliverable, Participant, Project
from khuyencong.testing.imports import cell_errors, confirmed
from khuyencong.testing.imports import workbook as make_workbook
from khuyencong.testing.projects import establishment

pytestmark = pytest.mark.django_db

HEADERS = {
    "plans": ["agency_code", "year", "source", "activity_code", "amount", "decision_number", "decision_date"],
    "projects": [
        "project_code",
        "project_reference",
        "agency_code",
        "year",
        "source",
        "activity_code",
        "title",
        "kind",
        "implementer_kind",
        "implementer_establishment",
        "implementer_agency_code",
        "location_code",
        "start_date",
        "end_date",
        "support_amount",
        "counterpart_amount",
        "appraised_on",
        "decision_number",
        "decision_date",
    ],
    "project_participants": [
        "project_code",
        "project_reference",
        "establishment",
        "support_amount",
        "eligible_cost",
    ],
    "project_deliverables": [
        "project_code",
        "project_reference",
        "indicator_code",
        "planned",
        "achieved",
        "evidence",
    ],
}
PLAN = ["ttkc-56", 2026, "KCĐP"]


def _book(**sheets: list[list]) -> bytes:
    return make_workbook(HEADERS, sheets)


_errors = cell_errors


def _outcomes(checked):
    return {sheet: [o.outcome for o in outcomes] for sheet, outcomes in checked.outcomes.items()}


def _footprint():
    return (
        Project.objects.count(),
        Participant.objects.count(),
        Deliverable.objects.count(),
        AuditEntry.objects.count(),
    )


_confirm = confirmed


@pytest.fixture
def workbook(world):
    point = establishment(world, tax_code="0301234562")
    first, second = establishment(world), establishment(world)
    place = f"{world.phan_rang.code} – {world.phan_rang.name}"
    project = [*PLAN, "may-moc-thiet-bi"]
    group = [*PLAN, "gian-hang-hoi-cho"]
    return {
        "plans": [
            [*PLAN, "may-moc-thiet-bi", 1_000_000_000, "7/QĐ-UBND", dt.date(2025, 12, 20)],
            [*PLAN, "gian-hang-hoi-cho", 500_000_000, "7/QĐ-UBND", dt.date(2025, 12, 20)],
        ],
        "projects": [
            [
                "",
                "ĐA-01",
                *project,
                "Hỗ trợ máy dệt thổ cẩm",
                "đề án điểm",
                "cơ sở",
                "0301 234 562",
                "",
                place,
                "01/03/2026",
                "31/10/2026",
                "150.000.000",
                250_000_000,
                dt.date(2026, 2, 1),
                "12/QĐ-SCT",
                dt.date(2026, 2, 10),
            ],
            [
                "",
                "ĐA-02",
                *group,
                "Gian hàng hội chợ Nha Trang",
                "group project",
                "an agency",
                "",
                "ttkc-56",
                place,
                "01/05/2026",
                "30/06/2026",
                120_000_000,
                0,
                None,
                None,
                None,
            ],
        ],
        "project_participants": [
            ["", "ĐA-02", f"#{first.pk}", 60_000_000, 120_000_000],
            ["", "ĐA-02", f"#{second.pk}", 60_000_000, 120_000_000],
        ],
        "project_deliverables": [
            ["", "ĐA-01", "co-so-may-moc – Cơ sở được hỗ trợ máy móc", 1, 1, "Biên bản nghiệm thu"],
            ["", "ĐA-02", "gian-hang", 2, None, ""],
        ],
        "point": point,
    }


def test_a_plan_and_its_projects_are_imported_together_and_the_export_comes_back_unchanged(
    world, workbook, client
):
    approver = world.user(Role.PROVINCE_APPROVER)
    workbook.pop("point")
    content = _book(**workbook)
    before = _footprint()
    checked = check_file(approver, content)
    assert _errors(checked) == []
    assert _outcomes(checked) == {
        "plans": ["new", "new"],
        "projects": ["new", "new"],
        "project_participants": ["new", "new"],
        "project_deliverables": ["new", "new"],
    }
    assert _footprint() == before

    run = _confirm(approver, content)
    machine = Project.objects.get(external_reference="ĐA-01")
    fair = Project.objects.get(external_reference="ĐA-02")
    assert (machine.state, machine.decision_number, machine.support_amount) == (
        ProjectState.APPROVED,
        "12/QĐ-SCT",
        150_000_000,
    )
    assert machine.code.startswith("56-KCĐP-2026-")
    assert machine.implementer_establishment.tax_code == "0301234562"
    assert fair.state == ProjectState.DRAFT
    assert fair.participants.count() == 2
    assert machine.deliverables.get().achieved == 1
    assert AuditEntry.objects.filter(import_run=run, action="project.create").count() == 2
    assert AuditEntry.objects.filter(import_run=run, action="project.deliverable_achieved").count() == 1

    client.force_login(approver)
    response = client.get(reverse("projects:list"), {"export": "import", "year": 2026})
    again = check_file(approver, b"".join(response.streaming_content))
    assert _errors(again) == []
    assert {o for outcomes in _outcomes(again).values() for o in outcomes} == {"unchanged"}
    assert len(again.outcomes["projects"]) == 2
    assert len(again.outcomes["project_participants"]) == 2
    # the same workbook again: everything found by the agency's own references
    assert set(_outcomes(check_file(approver, content))["projects"]) == {"unchanged"}


def test_an_officer_imports_projects_for_approval_and_changes_a_draft(world, workbook):
    officer = world.user(Role.PROVINCE_OFFICER)
    approver = world.user(Role.PROVINCE_APPROVER)
    workbook.pop("point")
    _confirm(approver, _book(plans=workbook["plans"]))
    checked = check_file(officer, _book(projects=workbook["projects"]))
    assert _errors(checked) == [("projects", 2, "decision_number", "not_plan_approver")]

    rows = workbook["projects"]
    rows[0][-3:] = [dt.date(2026, 2, 1), None, None]
    _confirm(officer, _book(projects=rows))
    machine = Project.objects.get(external_reference="ĐA-01")
    assert machine.state == ProjectState.APPRAISED
    fair = Project.objects.get(external_reference="ĐA-02")
    rows[1][14] = 100_000_000  # a draft's support changes through project_update
    checked = check_file(officer, _book(projects=rows))
    assert [(o.outcome, o.changed) for o in checked.outcomes["projects"]] == [
        ("unchanged", []),
        ("update", ["support_amount"]),
    ]
    _confirm(officer, _book(projects=rows))
    fair.refresh_from_db()
    assert fair.support_amount == 100_000_000
    rows[0][14] = 140_000_000  # an appraised project does not
    assert _errors(check_file(officer, _book(projects=rows))) == [
        ("projects", 2, "support_amount", "project_not_editable")
    ]


def test_every_bad_cell_is_named_and_nothing_is_written(world, workbook):
    approver = world.user(Role.PROVINCE_APPROVER)
    point = workbook.pop("point")
    good = workbook["projects"][0]
    rows = [
        ["", "", *good[2:]],
        ["56-KCĐP-2026-999", "", *good[2:]],
        ["", "ĐA-03", "ttkc-56", 2024, *good[4:]],
        ["", "ĐA-04", *good[2:5], "nhan-hieu", *good[6:]],
        ["", "ĐA-05", *good[2:9], "9999999999", *good[10:]],
        ["", "ĐA-06", *good[2:12], "01/03/2025", *good[13:]],
    ]
    deliverables = [["", "ĐA-99", "co-so-may-moc", 1, None, ""], ["", "ĐA-01", "khong-co", 1, None, ""]]
    content = _book(
        plans=workbook["plans"],
        projects=[good, *rows],
        project_participants=[["", "ĐA-01", point.tax_code, 1, 2]],
        project_deliverables=deliverables,
    )
    before = _footprint()
    checked = check_file(approver, content)
    assert _errors(checked) == [
        ("projects", 3, "project_code", "key_required"),
        ("projects", 4, "project_code", "unknown_project"),
        ("projects", 5, "agency_code", "unknown_plan"),
        ("projects", 6, "activity_code", "unknown_line"),
        ("projects", 7, "implementer_establishment", "unknown_establishment"),
        ("projects", 8, "start_date", "invalid_fields"),
        ("project_participants", 2, "project_code", "not_group_project"),
        ("project_deliverables", 2, "project_reference", "unknown_reference"),
        ("project_deliverables", 3, "indicator_code", "unknown_indicator"),
    ]
    assert "2026" in checked.errors.items[5].message
    with pytest.raises(ImportInvalid):
        _confirm(approver, content)
    assert _footprint()[:3] == before[:3]

"""A project's whole history from one workbook: its plan, the project, its deliverables, its contract,
its payments and its acceptance, liquidation and settlement, every sheet through the services of the
pages (finance.contract_imports with plans', projects' and the ledger's kinds); the projects list's
"for editing" export imported back as "unchanged"."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import ImportInvalid, check_file, import_confirm, import_upload
from khuyencong.core.models import AuditEntry
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.testing.imports import cell_errors, workbook
from khuyencong.testing.projects import establishment

pytestmark = pytest.mark.django_db

PLAN = ["ttkc-56", 2026, "KCĐP"]
HEADERS = {
    "plans": ["agency_code", "year", "source", "activity_code", "amount", "decision_number", "decision_date"],
    "projects": [
        "project_reference",
        "agency_code",
        "year",
        "source",
        "activity_code",
        "title",
        "kind",
        "implementer_kind",
        "implementer_establishment",
        "location_code",
        "start_date",
        "end_date",
        "support_amount",
        "counterpart_amount",
        "appraised_on",
        "decision_number",
        "decision_date",
    ],
    "project_deliverables": ["project_reference", "indicator_code", "planned", "achieved", "evidence"],
    "contracts": ["project_reference", "number", "signed_on", "party_a", "party_b", "value", "started"],
    "ledger": ["project_reference", "kind", "amount", "value_date", "reference"],
    "project_closing": ["project_reference", "accepted_on", "final_value", "liquidated_on", "settled_on"],
}


def _book(sheets: dict[str, list[list]]) -> bytes:
    return workbook(HEADERS, sheets)


_errors = cell_errors


@pytest.fixture
def history(world):
    company = establishment(world, tax_code="0301234562")
    place = f"{world.phan_rang.code} – {world.phan_rang.name}"
    return {
        "plans": [[*PLAN, "may-moc-thiet-bi", 1_000_000_000, "7/QĐ-UBND", dt.date(2025, 12, 20)]],
        "projects": [
            [
                "ĐA-01",
                *PLAN,
                "may-moc-thiet-bi",
                "Hỗ trợ máy dệt thổ cẩm",
                "đề án điểm",
                "cơ sở",
                company.tax_code,
                place,
                "01/03/2026",
                "31/10/2026",
                150_000_000,
                250_000_000,
                "01/02/2026",
                "12/QĐ-SCT",
                "10/02/2026",
            ]
        ],
        "project_deliverables": [["ĐA-01", "co-so-may-moc", 1, 1, "Biên bản nghiệm thu"]],
        "contracts": [
            ["ĐA-01", "HĐ-01/2026", "01/03/2026", "Trung tâm Khuyến công", "Cơ sở dệt", "150.000.000", "x"]
        ],
        "ledger": [
            ["ĐA-01", "tạm ứng", 75_000_000, "15/03/2026", "UNC-1"],
            ["ĐA-01", "thanh toán", 75_000_000, "10/10/2026", "UNC-2"],
        ],
        "project_closing": [["ĐA-01", "30/09/2026", 150_000_000, "20/10/2026", "05/11/2026"]],
    }


def test_a_projects_history_from_plan_to_settlement_is_one_workbook(world, history, client):
    approver = world.user(Role.PROVINCE_APPROVER)
    content = _book(history)
    before = (Project.objects.count(), Contract.objects.count(), LedgerEntry.objects.count())
    checked = check_file(approver, content)
    assert _errors(checked) == []
    assert {sheet: [o.outcome for o in rows] for sheet, rows in checked.outcomes.items()} == {
        "plans": ["new"],
        "projects": ["new"],
        "project_deliverables": ["new"],
        "contracts": ["new"],
        "ledger": ["new", "new"],
        "project_closing": ["update"],
    }
    assert (Project.objects.count(), Contract.objects.count(), LedgerEntry.objects.count()) == before

    run = import_confirm(
        actor=approver, run=import_upload(actor=approver, name="lich-su.xlsx", content=content)
    )
    project = Project.objects.get(external_reference="ĐA-01")
    assert project.state == ProjectState.SETTLED
    assert (project.accepted_on, project.liquidated_on, project.final_value, project.settled_on) == (
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 20),
        150_000_000,
        dt.date(2026, 11, 5),
    )
    assert project.contracts.get().value == 150_000_000
    assert sorted(project.ledger_entries.values_list("kind", flat=True)) == [
        "advance",
        "commitment",
        "payment",
    ]
    actions = set(AuditEntry.objects.filter(import_run=run).values_list("action", flat=True))
    assert {"finance.contract", "project.start", "project.accept", "project.settle"} <= actions

    client.force_login(approver)
    response = client.get(reverse("projects:list"), {"export": "import", "year": 2026})
    again = check_file(approver, b"".join(response.streaming_content))
    assert _errors(again) == []
    assert {sheet: {o.outcome for o in rows} for sheet, rows in again.outcomes.items() if rows} == {
        "projects": {"unchanged"},
        "project_deliverables": {"unchanged"},
        "contracts": {"unchanged"},
        "project_closing": {"unchanged"},
    }
    assert {o.outcome for rows in check_file(approver, content).outcomes.values() for o in rows} == {
        "unchanged"
    }


def test_a_step_the_services_refuse_is_named_on_its_column_and_nothing_is_written(world, history):
    approver = world.user(Role.PROVINCE_APPROVER)
    history["ledger"] = history["ledger"][:1]  # half the money paid: the liquidation at 150 tr. is refused
    history["contracts"].append(["ĐA-01", "HĐ-02/2026", "01/03/2027", "A", "B", 1, ""])
    before = (Project.objects.count(), Contract.objects.count(), LedgerEntry.objects.count())
    checked = check_file(approver, _book(history))
    assert _errors(checked) == [
        ("contracts", 3, "signed_on", "invalid_fields"),
        ("contracts", 3, "value", "invalid_fields"),
        ("project_closing", 2, "final_value", "payments_missing"),
    ]
    assert "75.000.000" in checked.errors.items[2].message
    run = import_upload(actor=approver, name="lich-su.xlsx", content=_book(history))
    with pytest.raises(ImportInvalid):
        import_confirm(actor=approver, run=run)
    assert (Project.objects.count(), Contract.objects.count(), LedgerEntry.objects.count()) == before

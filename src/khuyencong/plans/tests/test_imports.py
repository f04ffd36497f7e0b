"""Plans with their lines and targets from a workbook (plans.imports): each plan taken through the
plan services (created, its lines added, sent, approved by its approver only), a dry run that writes
nothing, a confirm that writes everything with the audit naming the import — and the plans list's
"for editing" export imported back as "unchanged"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import ImportInvalid, check_file, import_upload
from khuyencong.core.models import AuditEntry
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import LineTarget, Plan, PlanLine
from khuyencong.testing.imports import confirmed, workbook

pytestmark = pytest.mark.django_db

HEADER = [
    "agency_code",
    "year",
    "source",
    "budget_level",
    "activity_code",
    "commune_code",
    "amount",
    "targets",
    "note",
    "submitted_on",
    "decision_number",
    "decision_date",
]


def _book(rows: list[list]) -> bytes:
    return workbook({"plans": HEADER}, {"plans": rows})


def _errors(checked):
    return [(e.row, e.column, e.code) for e in checked.errors.items]


def _outcomes(checked):
    return [(o.row, o.outcome) for o in checked.outcomes.get("plans", [])]


def _footprint():
    return (
        Plan.objects.count(),
        PlanLine.objects.count(),
        LineTarget.objects.count(),
        AuditEntry.objects.count(),
    )


_confirm = confirmed


def _rows(world, **plan):
    commune = f"{world.phan_rang.code} – {world.phan_rang.name}"
    base = ["ttkc-56 – Trung tâm Khuyến công Khánh Hòa", 2026, "KCĐP", ""]
    tail = [plan.get("sent"), plan.get("number"), plan.get("day")]
    return [
        [*base, "may-moc-thiet-bi", "", "1,5 tỷ", "co-so-may-moc: 3", "Máy móc thiết bị", *tail],
        [*base, "mo-hinh-trinh-dien – Mô hình", commune, 800_000_000, "mo-hinh-trinh-dien: 1", "", *tail],
    ]


def test_a_plan_with_its_lines_is_imported_sent_and_its_export_comes_back_unchanged(world, client):
    officer = world.user(Role.PROVINCE_OFFICER)
    content = _book(_rows(world, sent=dt.date(2025, 11, 20)))
    before = _footprint()
    checked = check_file(officer, content)
    assert _errors(checked) == []
    assert _outcomes(checked) == [(2, "new"), (3, "new")]
    assert _footprint() == before  # the dry run went through the services and was rolled back

    run = _confirm(officer, content)
    plan = Plan.objects.get(agency__code="ttkc-56", year=2026, source="kcdp")
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_at.date() == dt.date(2025, 11, 20)
    lines = {line.activity.code: line for line in plan.lines.all()}
    assert lines["may-moc-thiet-bi"].amount == 1_500_000_000
    assert lines["mo-hinh-trinh-dien"].unit == world.phan_rang
    assert {t.indicator.code: t.planned for t in lines["may-moc-thiet-bi"].targets.all()} == {
        "co-so-may-moc": 3
    }
    actions = list(AuditEntry.objects.filter(import_run=run).values_list("action", flat=True))
    assert actions.count("plan.line_add") == 2
    assert {"plan.create", "plan.submit", "import.confirm"} <= set(actions)

    client.force_login(officer)
    response = client.get(reverse("plans:list"), {"export": "import", "year": 2026})
    exported = b"".join(response.streaming_content)
    again = check_file(officer, exported)
    assert _errors(again) == []
    assert {o.outcome for o in again.outcomes["plans"]} == {"unchanged"}


def test_only_the_plans_approver_imports_an_approved_plan(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    approver = world.user(Role.PROVINCE_APPROVER)
    content = _book(_rows(world, sent=dt.date(2025, 11, 20), number="45/QĐ-UBND", day=dt.date(2025, 12, 1)))
    with translation.override("en"):
        checked = check_file(officer, content)
    assert _errors(checked) == [(2, "decision_number", "not_plan_approver")]
    assert "send it for approval" in checked.errors.items[0].message

    _confirm(approver, content)
    plan = Plan.objects.get(agency__code="ttkc-56", year=2026)
    assert (plan.status, plan.decision_number, plan.decision_date) == (
        PlanStatus.APPROVED,
        "45/QĐ-UBND",
        dt.date(2025, 12, 1),
    )
    assert _outcomes(check_file(approver, content)) == [(2, "unchanged"), (3, "unchanged")]
    # an approved plan changes by a revision: a line more is refused, an other decision too
    rows = _rows(world, number="45/QĐ-UBND", day=dt.date(2025, 12, 1))
    rows.append([*rows[0][:4], "nhan-hieu", "", 100_000_000, "", "", None, None, None])
    assert _errors(check_file(approver, _book(rows))) == [(4, "activity_code", "plan_not_editable")]
    other = _book(_rows(world, number="46/QĐ-UBND", day=dt.date(2025, 12, 1)))
    assert _errors(check_file(approver, other)) == [(2, "decision_number", "record_differs")]


def test_a_draft_plans_lines_are_made_the_files(world, client):
    officer = world.user(Role.PROVINCE_OFFICER)
    _confirm(officer, _book(_rows(world)))
    plan = Plan.objects.get(agency__code="ttkc-56", year=2026)
    assert plan.status == PlanStatus.DRAFT
    rows = _rows(world)
    rows[0][6] = 2_000_000_000
    checked = check_file(officer, _book(rows))
    assert [(o.outcome, o.changed) for o in checked.outcomes["plans"]] == [("update", ["lines"])] * 2
    # the preview lists the rows that will update and what they change
    run = import_upload(actor=officer, name="ke-hoach.xlsx", content=_book(rows))
    client.force_login(officer)
    page = client.get(reverse("ui:import_detail", args=[run.pk])).content.decode()
    assert 'data-testid="import-updates"' in page
    assert page.count("các dòng của kế hoạch") == 2
    run = _confirm(officer, _book(rows))
    assert sorted(plan.lines.values_list("amount", flat=True)) == [800_000_000, 2_000_000_000]
    actions = sorted(AuditEntry.objects.filter(import_run=run).values_list("action", flat=True))
    assert actions == ["import.confirm", "plan.line_add", "plan.line_delete"]


def test_every_bad_cell_is_named_and_nothing_is_written(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    good = _rows(world)
    rows = [
        good[0],
        ["khong-co", 2026, "KCĐP", "", "may-moc-thiet-bi", "", 1, "", "", None, None, None],
        ["ttkc-01", 2026, "KCĐP", "", "may-moc-thiet-bi", "", 1, "", "", None, None, None],
        [*good[0][:4], "khong-co", "", 1, "", "", None, None, None],
        [*good[0][:4], "nhan-hieu", "99999", "1,5", "khong-co: 1", "", None, None, None],
        [*good[0][:4], "nhan-hieu", "", 1, "nhan-hieu: nhiều", "", None, None, None],
        [*good[0][:4], "nhan-hieu", "", 1, "", "", dt.date(2025, 11, 21), None, None],
        [*good[0][:4], "nhan-hieu", "", 1, "", "", "22/11/2025", None, None],
        ["ttkc-56", 2026, "KCQG hay KCĐP", "", "", "", "", "", "", None, None, None],
    ]
    before = _footprint()
    checked = check_file(officer, _book(rows))
    assert _errors(checked) == [
        (3, "agency_code", "unknown_agency"),
        (4, "agency_code", "not_in_jurisdiction"),
        (5, "activity_code", "unknown_activity"),
        (6, "commune_code", "unknown_unit"),
        (6, "amount", "invalid_amount"),
        (6, "targets", "unknown_indicator"),
        (7, "targets", "invalid_target"),
        (9, "submitted_on", "plan_values_differ"),
        (10, "source", "invalid_choice"),
    ]
    with pytest.raises(ImportInvalid):
        _confirm(officer, _book(rows))
    assert _footprint()[:3] == before[:3]


def test_a_service_refusal_is_named_on_its_column(world):
    """The plan services' own rules: a 2026 plan of an agency that ceased in 2025."""
    officer = world.user(Role.PROVINCE_OFFICER)
    rows = [["ttkc-58-cu", 2026, "KCĐP", "", "may-moc-thiet-bi", "", 1_000_000, "", "", None, None, None]]
    checked = check_file(officer, _book(rows))
    assert _errors(checked) == [(2, "agency_code", "agency_not_in_force")]
    assert "2026" in checked.errors.items[0].message


REVISION_HEADER = [
    "agency_code",
    "year",
    "source",
    "decision_number",
    "decision_date",
    "reason",
    "change",
    "activity_code",
    "commune_code",
    "amount",
    "new_amount",
    "targets",
]


def _revision_book(rows: list[list]) -> bytes:
    return workbook({"plan_revisions": REVISION_HEADER}, {"plan_revisions": rows})


def _revision_rows(world, number="88/QĐ-UBND", day=dt.date(2026, 3, 15)):
    commune = f"{world.phan_rang.code} – {world.phan_rang.name}"
    base = ["ttkc-56", 2026, "KCĐP", number, day, "Bổ sung kinh phí máy móc"]
    return [
        [*base, "đổi kinh phí", "may-moc-thiet-bi", "", "1,5 tỷ", "1,8 tỷ", ""],
        [*base, "take out a line", "mo-hinh-trinh-dien", commune, 800_000_000, None, ""],
        [*base, "thêm", "nhan-hieu", "", 100_000_000, None, "nhan-hieu: 2"],
    ]


def test_a_plans_revisions_are_imported_approved_and_exported_back_unchanged(world, client):
    approver = world.user(Role.PROVINCE_APPROVER)
    officer = world.user(Role.PROVINCE_OFFICER)
    _confirm(
        approver, _book(_rows(world, sent=dt.date(2025, 11, 20), number="45/QĐ", day=dt.date(2025, 12, 1)))
    )
    plan = Plan.objects.get(agency__code="ttkc-56", year=2026)

    assert _errors(check_file(officer, _revision_book(_revision_rows(world)))) == [
        (2, "decision_number", "not_plan_approver")
    ]
    wrong = _revision_rows(world)
    wrong[1][9] = 700_000_000  # no line of that amount
    assert _errors(check_file(approver, _revision_book(wrong))) == [(3, "amount", "unknown_line")]

    content = _revision_book(_revision_rows(world))
    checked = check_file(approver, content)
    assert _errors(checked) == []
    assert [o.outcome for o in checked.outcomes["plan_revisions"]] == ["new"] * 3
    assert plan.revisions.count() == 0
    run = _confirm(approver, content)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REVISED
    revision = plan.revisions.get()
    assert (revision.decision_number, revision.decision_date) == ("88/QĐ-UBND", dt.date(2026, 3, 15))
    in_force = sorted(plan.lines.filter(removed_by__isnull=True).values_list("activity__code", "amount"))
    assert in_force == [("may-moc-thiet-bi", 1_800_000_000), ("nhan-hieu", 100_000_000)]
    assert AuditEntry.objects.filter(import_run=run, action="plan.revision_approve").count() == 1

    assert {o.outcome for o in check_file(approver, content).outcomes["plan_revisions"]} == {"unchanged"}
    client.force_login(approver)
    response = client.get(reverse("plans:list"), {"export": "import", "year": 2026})
    again = check_file(approver, b"".join(response.streaming_content))
    assert _errors(again) == []
    assert {sheet: {o.outcome for o in rows} for sheet, rows in again.outcomes.items()} == {
        "plans": {"unchanged"},
        "plan_revisions": {"unchanged"},
    }
    other = _revision_rows(world)[:1]
    assert _errors(check_file(approver, _revision_book(other))) == [(2, "decision_number", "record_differs")]

    # without a decision, the officer prepares a revision for the approver
    draft = _revision_rows(world, number="", day=None)[:1]
    draft[0][9], draft[0][10] = "1,8 tỷ", "2 tỷ"
    _confirm(officer, _revision_book(draft))
    assert plan.revisions.get(status="draft").added_lines.get().amount == 2_000_000_000

"""The finance API beyond the access matrix: contracts, statements, entries and reversals, the scoped
ledger, executed amounts and outstanding advances, and the refusals of the ledger's invariants with
their machine-readable `code`."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.api.api import api
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import LedgerEntry
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.projects import YEAR, make_project

S = ProjectState
SUPPORT, ADVANCE = 150_000_000, 75_000_000  # make_project: a 150 million contract, half advanced


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def post(client, name, args, body):
    return client.post(url(name, *args), body, content_type="application/json")


def refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code, response.json()
    return response.json()


def entry(**changes):
    return {
        "kind": "payment",
        "amount": 10_000_000,
        "value_date": f"{YEAR}-05-05",
        "reference": "UNC-9",
        **changes,
    }


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def test_contracts_and_statement(officer, world):
    project = make_project(world, state=S.IN_PROGRESS)
    [contract] = officer.get(url("finance_contracts", project.pk)).json()
    assert (contract["number"], contract["value"]) == (f"HĐ-{project.pk}", SUPPORT)
    assert contract["balance"]["disbursed"] == ADVANCE
    assert post(officer, "finance_entry_record", [project.pk], entry()).status_code == 201

    statement = officer.get(url("finance_statement", project.pk)).json()
    assert statement["project_code"] == project.code
    assert statement["balance"]["undisbursed"] == SUPPORT - ADVANCE - 10_000_000
    rows = [
        (r["entry"]["kind"], r["entry"]["amount"], r["committed"], r["disbursed"], r["remaining"])
        for r in statement["rows"]
    ]
    assert rows == [
        ("commitment", SUPPORT, SUPPORT, 0, SUPPORT),
        ("advance", ADVANCE, SUPPORT, ADVANCE, SUPPORT - ADVANCE),
        ("payment", 10_000_000, SUPPORT, ADVANCE + 10_000_000, SUPPORT - ADVANCE - 10_000_000),
    ]


def test_record_an_entry(officer, world):
    project = make_project(world, state=S.IN_PROGRESS)
    contract = project.contracts.get()
    response = post(officer, "finance_entry_record", [project.pk], entry(contract=contract.pk, note="đợt 2"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["amount"], body["disbursed_delta"], body["committed_delta"]) == (
        "payment",
        10_000_000,
        10_000_000,
        0,
    )
    assert (body["contract_number"], body["reference"], body["note"]) == (contract.number, "UNC-9", "đợt 2")
    assert body["recorded_by"] == str(world.user(Role.PROVINCE_OFFICER))


def test_ledger_refusals(officer, world):
    project = make_project(world, state=S.IN_PROGRESS)
    before = project.ledger_entries.count()
    body = refused(
        post(officer, "finance_entry_record", [project.pk], entry(amount=SUPPORT - ADVANCE + 1)),
        409,
        "above_contract_balance",
    )
    assert body["details"]["field"] == "amount"
    refused(
        post(officer, "finance_entry_record", [project.pk], entry(kind="advance", amount=SUPPORT - ADVANCE)),
        409,
        "advance_share_exceeded",
    )
    refused(
        post(officer, "finance_entry_record", [project.pk], entry(value_date=f"{YEAR}-02-01")),
        409,
        "before_contract",
    )
    refused(
        post(officer, "finance_entry_record", [project.pk], entry(kind="recovery", amount=ADVANCE + 1)),
        409,
        "recovery_above_disbursed",
    )
    refused(
        post(officer, "finance_entry_record", [project.pk], entry(kind="commitment")), 400, "invalid_kind"
    )
    refused(
        post(officer, "finance_entry_record", [project.pk], entry(contract=999_999)), 400, "invalid_contract"
    )
    approved = make_project(world, state=S.APPROVED)
    refused(post(officer, "finance_entry_record", [approved.pk], entry()), 409, "no_contract")
    settled = make_project(world, state=S.SETTLED)
    refused(post(officer, "finance_entry_record", [settled.pk], entry(kind="recovery")), 409, "ledger_closed")
    refused(
        post(officer, "finance_entry_record", [make_project(world, "foreign", S.IN_PROGRESS).pk], entry()),
        404,
        "not_found",
    )
    assert project.ledger_entries.count() == before


@pytest.mark.parametrize("amount", [1.5, "10000000", True])
def test_amounts_are_whole_dong(officer, world, amount):
    project = make_project(world, state=S.IN_PROGRESS)
    before = LedgerEntry.objects.count()
    body = refused(
        post(officer, "finance_entry_record", [project.pk], entry(amount=amount)), 422, "invalid_input"
    )
    assert "amount" in str(body["details"])
    assert LedgerEntry.objects.count() == before


def test_read_only_roles_cannot_record(client, world):
    project = make_project(world, state=S.IN_PROGRESS)
    client.force_login(world.user(Role.AUDITOR))
    refused(post(client, "finance_entry_record", [project.pk], entry()), 403, "permission_denied")
    advance = project.ledger_entries.get(kind=EntryKind.ADVANCE)
    refused(post(client, "finance_entry_reverse", [advance.pk], {"reason": "x"}), 403, "permission_denied")


def test_reversal_corrects_an_entry(officer, world):
    project = make_project(world, state=S.IN_PROGRESS)
    advance = project.ledger_entries.get(kind=EntryKind.ADVANCE)
    refused(post(officer, "finance_entry_reverse", [advance.pk], {"reason": " "}), 400, "reason_required")
    partly = post(
        officer,
        "finance_entry_reverse",
        [advance.pk],
        {"reason": "Ghi thừa", "amount": 5_000_000, "value_date": f"{YEAR}-03-20"},
    )
    assert partly.status_code == 201, partly.content
    assert (partly.json()["reverses_id"], partly.json()["disbursed_delta"]) == (advance.pk, -5_000_000)
    refused(
        post(officer, "finance_entry_reverse", [advance.pk], {"reason": "x", "amount": ADVANCE}),
        409,
        "reversal_too_large",
    )
    refused(
        post(officer, "finance_entry_reverse", [partly.json()["id"]], {"reason": "x"}),
        409,
        "reverse_reversal",
    )
    rest = post(officer, "finance_entry_reverse", [advance.pk], {"reason": "Hủy tạm ứng"})
    assert rest.json()["amount"] == ADVANCE - 5_000_000
    assert officer.get(url("finance_statement", project.pk)).json()["balance"]["advanced"] == 0
    foreign = make_project(world, "foreign", S.IN_PROGRESS).ledger_entries.get(kind=EntryKind.ADVANCE)
    refused(post(officer, "finance_entry_reverse", [foreign.pk], {"reason": "x"}), 404, "not_found")


def test_the_ledger_cannot_be_edited_or_deleted_over_http(officer, world):
    project = make_project(world, state=S.IN_PROGRESS)
    advance = project.ledger_entries.get(kind=EntryKind.ADVANCE)
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "/ledger" in path:
            assert set(operations) <= {"get", "post"}, path
    base = url("finance_ledger")
    for method in ("put", "patch", "delete"):
        for path in (f"{base}/{advance.pk}", base):
            response = getattr(officer, method)(path, {"amount": 1}, content_type="application/json")
            assert response.status_code in (404, 405), (method, path, response.status_code)
    assert LedgerEntry.objects.get(pk=advance.pk).amount == ADVANCE


def test_ledger_list_is_scoped_and_filtered(client, world):
    own = make_project(world, state=S.ACCEPTED)
    foreign = make_project(world, "foreign", S.IN_PROGRESS)
    client.force_login(world.user(Role.PROVINCE_OFFICER))

    def rows(query=""):
        body = client.get(url("finance_ledger") + query).json()
        return [(e["project_id"], e["kind"], e["value_date"]) for e in body["items"]]

    assert {p for p, _k, _d in rows()} == {own.pk}
    assert rows("?kind=payment") == [(own.pk, "payment", f"{YEAR}-10-10")]
    assert rows(f"?start={YEAR}-03-02&end={YEAR}-03-31") == [(own.pk, "advance", f"{YEAR}-03-15")]
    assert rows(f"?year={YEAR - 1}") == []
    assert rows("?source=kcqg") == []
    assert len(rows(f"?project={own.pk}")) == 3
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    assert {p for p, _k, _d in rows("?kind=advance")} == {own.pk, foreign.pk}
    page = client.get(url("finance_ledger") + "?limit=1").json()
    assert page["count"] == 5
    assert len(page["items"]) == 1


def test_executed_by_value_date_in_jurisdiction(client, world):
    make_project(world, state=S.ACCEPTED)  # advance 15/3, payment 10/10
    make_project(world, "foreign", S.IN_PROGRESS)
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    whole_year = client.get(url("finance_executed") + f"?start={YEAR}-01-01&end={YEAR}-12-31").json()
    assert whole_year["total"] == SUPPORT
    assert whole_year["by_source"] == {"kcdp": SUPPORT}
    assert whole_year["by_province"] == {str(world.khanh_hoa.pk): SUPPORT}
    assert sum(whole_year["by_group"].values()) == SUPPORT
    spring = client.get(url("finance_executed") + f"?start={YEAR}-01-01&end={YEAR}-06-30").json()
    assert spring["total"] == ADVANCE
    national = client.get(url("finance_executed") + f"?start={YEAR}-01-01&end={YEAR}-12-31&source=kcqg")
    assert national.json()["total"] == 0
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    assert client.get(url("finance_executed") + f"?start={YEAR}-01-01&end={YEAR}-12-31").json()["total"] == (
        SUPPORT + ADVANCE
    )


def test_executed_of_a_plan_year_against_disbursed_in_the_calendar_year(client, world):
    make_project(world, state=S.ACCEPTED)  # advance 15/3, payment 10/10 of YEAR
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    plan_year = client.get(url("finance_executed") + f"?year={YEAR}").json()
    assert (plan_year["measure"], plan_year["year"], plan_year["end"]) == ("plan_year", YEAR, None)
    assert plan_year["total"] == SUPPORT
    calendar = client.get(url("finance_executed") + f"?start={YEAR + 1}-01-01&end={YEAR + 1}-12-31").json()
    assert calendar["measure"] == "disbursed"
    assert calendar["total"] == 0
    assert client.get(url("finance_executed") + f"?year={YEAR + 1}").json()["total"] == 0
    bad = client.get(url("finance_executed") + "?year=99999")  # refused by the schema, field named
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    assert bad.json()["details"][0]["field"] == "year"


def test_outstanding_advances(client, world):
    under_way = make_project(world, state=S.IN_PROGRESS)
    make_project(world, state=S.ACCEPTED)  # accepted: no longer counted
    make_project(world, "foreign", S.IN_PROGRESS)
    client.force_login(world.user(Role.AUDITOR))
    body = client.get(url("finance_outstanding_advances")).json()
    assert [(o["project"]["id"], o["amount"]) for o in body] == [(under_way.pk, ADVANCE)]
    assert client.get(url("finance_outstanding_advances") + f"?on={YEAR}-03-01").json() == []


def test_the_same_payment_twice_is_a_duplicate_unless_confirmed(officer, world):
    """A double click or a re-sent request: the second identical entry is 409 duplicate_entry and
    writes nothing; a different reference, or an explicit confirmation, records it."""
    project = make_project(world, state=S.IN_PROGRESS)
    body = entry(amount=9_062_500, reference="DUP-REF")
    first = post(officer, "finance_entry_record", [project.pk], body)
    assert first.status_code == 201
    count = LedgerEntry.objects.filter(project=project).count()
    again = refused(post(officer, "finance_entry_record", [project.pk], body), 409, "duplicate_entry")
    assert again["details"]["field"] == "reference"
    assert "DUP-REF" in again["message"]
    assert LedgerEntry.objects.filter(project=project).count() == count
    # the reference is compared without case or surrounding spaces
    refused(
        post(officer, "finance_entry_record", [project.pk], {**body, "reference": " dup-ref "}),
        409,
        "duplicate_entry",
    )
    assert (
        post(officer, "finance_entry_record", [project.pk], {**body, "reference": "DUP-REF-2"}).status_code
        == 201
    )
    confirmed = post(officer, "finance_entry_record", [project.pk], {**body, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert LedgerEntry.objects.filter(project=project, reference="DUP-REF").count() == 2
    # once the first is reversed, the same entry may be recorded again
    original = LedgerEntry.objects.filter(project=project, reference="DUP-REF").order_by("pk")
    for row in original:
        assert post(officer, "finance_entry_reverse", [row.pk], {"reason": "ghi trùng"}).status_code == 201
    assert post(officer, "finance_entry_record", [project.pk], body).status_code == 201

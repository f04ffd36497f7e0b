"""The ledger import (finance.imports): every row checked by the ledger's own rules, the contract's
balance running from row to row in the order of the value dates, errors named by row, column and
value, rows matched by project and document reference, written all at once with their deltas, their
months in the disbursed-by-month aggregate and their audit entries — or not at all."""

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import KINDS, ImportInvalid, check_file, import_confirm, import_upload
from khuyencong.core.models import AuditEntry
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.finance.rollup import rollup_check
from khuyencong.finance.selectors import contract_balance, ledger_visible
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.projects import YEAR, make_project
from khuyencong.testing.reports import approved_report

pytestmark = pytest.mark.django_db

HEADER = "project_code,contract_number,kind,reversal,amount,value_date,reference,note"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _errors(checked):
    return [(e.row, e.column, e.code) for e in checked.errors.items]


def _outcomes(checked):
    return [(o.row, o.outcome) for o in checked.outcomes.get("ledger", [])]


def _footprint():
    return LedgerEntry.objects.count(), AuditEntry.objects.count(), tuple(rollup_check())


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def contracted(world):
    """150 million support, one contract of 150 million signed on 1/3/2025, nothing paid (the
    machinery's advances: at most 70 % of the contract)."""
    return make_project(world, state=ProjectState.CONTRACTED)


def test_every_bad_row_is_named_and_nothing_is_written(world, officer, contracted):
    code = contracted.code
    foreign = make_project(world, "foreign", state=ProjectState.CONTRACTED)
    before = _footprint()
    rows = [
        f"{code},,tạm ứng,,100.000.000,15/03/2025,UNC 01,",  # 2: good
        f"{code},,tạm ứng,,10.000.000,16/03/2025,UNC 02,",  # 3: advances above 70 % with row 2
        f'{code},,thanh toán,,"0,02 tỷ",01/04/2025,UNC 03,',  # 4: good (20 million)
        f"{code},,thanh toán,,40000000,20/04/2025,UNC 04,",  # 5: above the contract with rows 2 and 4
        f'{code},,thanh toán,,"1.000.000,5",01/05/2025,UNC 05,',  # 6: loses đồng
        f"{code},,thanh toán,,1000000,28/02/2025,UNC 06,",  # 7: before the contract
        f"{code},,thanh toán,,1000000,31/12/2024,UNC 07,",  # 8: before the plan year
        f"{code},,chuyển khoản,,1000000,01/05/2025,UNC 08,",  # 9: no such kind
        f"{code},,thanh toán,,1000000,31/02/2025,UNC 09,",  # 10: no such date
        f"{code},,thanh toán,,1000000,01/05/2025,,",  # 11: no document
        "KHONG-CO,,thanh toán,,1000000,01/05/2025,UNC 10,",  # 12: no such project
        f"{foreign.code},,thanh toán,,1000000,01/05/2025,UNC 11,",  # 13: outside the jurisdiction
        f'{code},,thanh toán,,"0,02 tỷ",01/04/2025,UNC 03,',  # 14: row 4 again
        f"{code},,thanh toán,x,1000000,02/04/2025,UNC 03,",  # 15: a reversal without a reason
        f"{code},,thu hồi,x,1000000,02/04/2025,UNC 99,sai",  # 16: nothing recorded to reverse
        f"{code},HĐ-khac,thanh toán,,1000000,02/04/2025,UNC 12,",  # 17: not the project's contract
    ]
    checked = check_file(officer, _csv(*rows))
    assert _errors(checked) == [
        (3, "amount", "advance_share_exceeded"),
        (5, "amount", "above_contract_balance"),
        (6, "amount", "invalid_amount"),
        (7, "value_date", "before_contract"),
        (8, "value_date", "outside_plan_year"),
        (9, "kind", "invalid_kind"),
        (10, "value_date", "invalid_date"),
        (11, "reference", "required"),
        (12, "project_code", "unknown_project"),
        (13, "project_code", "not_in_jurisdiction"),
        (14, "reference", "duplicate_in_file"),
        (15, "note", "reason_required"),
        (16, "reference", "nothing_to_reverse"),
        (17, "contract_number", "invalid_contract"),
    ]
    values = {(e.row, e.column): e.value for e in checked.errors.items}
    assert values[(6, "amount")] == "1.000.000,5"
    assert values[(12, "project_code")] == "KHONG-CO"
    message = {e.row: e.message for e in checked.errors.items}
    assert "70" in message[3]
    assert "30.000.000" in message[5]  # what is left on the contract after rows 2 and 4
    assert _outcomes(checked) == [(2, "new"), (4, "new")]
    run = import_upload(actor=officer, name="so-cai.csv", content=_csv(*rows))
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert _footprint() == before


def test_entries_and_reversals_are_written_with_their_deltas_aggregate_and_audit(world, officer, contracted):
    code = contracted.code
    rows = [
        f"{code},,thanh toán,,40.000.000,01/05/2025,UNC 03,",
        f"{code},,tạm ứng,,75.000.000,15/03/2025,UNC 01,",  # before row 2 by its date
        f"{code},,thanh toán,x,10.000.000,05/05/2025,UNC 03,trả thừa",  # takes back part of row 2
        f"{code},,thu hồi,,5.000.000,01/06/2025,GNT 07,",
    ]
    content = _csv(*rows)
    run = import_upload(actor=officer, name="so-cai.csv", content=content)
    assert run.counts == {"ledger": {"new": 4, "unchanged": 0, "update": 0, "errors": 0}}
    import_confirm(actor=officer, run=run)
    contract = Contract.objects.get(project=contracted)
    balance = contract_balance(contract)
    assert (balance.advanced, balance.paid, balance.recovered) == (75_000_000, 30_000_000, 5_000_000)
    assert balance.disbursed == 100_000_000
    reversal = LedgerEntry.objects.get(project=contracted, reverses__isnull=False)
    assert reversal.reverses.reference == "UNC 03"
    assert (reversal.amount, reversal.disbursed_delta, reversal.note) == (10_000_000, -10_000_000, "trả thừa")
    assert rollup_check() == []  # the months of the aggregate agree with the ledger
    audit = AuditEntry.objects.filter(import_run=run, action__startswith="finance.")
    assert sorted(audit.values_list("action", flat=True)) == [
        "finance.entry",
        "finance.entry",
        "finance.entry",
        "finance.reversal",
    ]
    assert {a.object_id for a in audit} == {str(contracted.pk)}
    assert {a["kind"] for a in audit.values_list("after", flat=True)} == {"advance", "payment", "recovery"}
    # the same file again: nothing new
    again = check_file(officer, content)
    assert again.counts()["ledger"] == {"new": 0, "unchanged": 4, "update": 0, "errors": 0}
    # the same document with another amount: entries are never edited
    changed = check_file(officer, _csv(f"{code},,thanh toán,,41.000.000,01/05/2025,UNC 03,"))
    assert _errors(changed) == [(2, "reference", "entry_differs")]
    assert "40.000.000" in changed.errors.items[0].message


def test_the_ledger_lists_export_for_editing_imports_back_unchanged(world, officer, client):
    project = make_project(world, state=ProjectState.ACCEPTED)  # an advance and the final payment
    content = _csv(f"{project.code},,thanh toán,x,1.000.000,20/10/2025,UNC-2,sửa sai")
    import_confirm(actor=officer, run=import_upload(actor=officer, name="a.csv", content=content))
    client.force_login(officer)
    answer = client.get("/tai-chinh/?export=import")
    assert answer.status_code == 200
    exported = b"".join(answer.streaming_content) if answer.streaming else answer.content
    checked = check_file(officer, exported)
    assert checked.errors.count == 0, checked.errors.items
    assert checked.counts()["ledger"] == {"new": 0, "unchanged": 3, "update": 0, "errors": 0}
    assert ledger_visible(officer).filter(project=project).count() == 4  # with the commitment


def test_a_row_into_an_approved_period_is_refused(world, officer):
    project = make_project(world, state=ProjectState.IN_PROGRESS)
    approved_report(world, YEAR, 9)
    checked = check_file(
        officer,
        _csv(
            f"{project.code},,thanh toán,,1.000.000,01/09/2025,UNC 30,",
            f"{project.code},,thanh toán,,1.000.000,01/10/2025,UNC 31,",
        ),
    )
    assert _errors(checked) == [(2, "value_date", "period_closed")]
    assert "9 tháng đầu năm 2025" in checked.errors.items[0].message
    assert _outcomes(checked) == [(3, "new")]


def test_the_template_offers_the_kinds_and_an_example(officer):
    kind = KINDS["ledger"]
    assert kind in [k for k in KINDS.values() if k.allowed(officer)]
    assert kind.choices(officer)["kind"] == ["tạm ứng", "thanh toán", "thu hồi"]

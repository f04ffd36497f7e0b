"""The ledger through the finance services: contracts, advances, payments, recoveries and reversals,
each rule refused with its code and nothing written; the append-only guard on the model and the
database constraint on the deltas."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError
from khuyencong.core.models import AuditEntry
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import AdvanceRule, AppendOnly, Contract, LedgerEntry
from khuyencong.finance.selectors import contract_balance, project_balance
from khuyencong.finance.services import (
    advance_share,
    contract_sign,
    entry_record,
    entry_reverse,
    project_liquidate,
    project_stop,
)
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.services import plan_approve, plan_create, plan_line_add, plan_submit
from khuyencong.projects.choices import ImplementerKind, ProjectKind, ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.services import deliverable_record, project_create, project_transition
from khuyencong.testing.projects import YEAR, D, establishment, make_project

S = ProjectState
K = EntryKind
SIGNED = D["contract"]  # 1/3


def _footprint() -> tuple:
    return (
        tuple(
            LedgerEntry.objects.order_by("pk").values_list(
                "pk", "kind", "amount", "committed_delta", "disbursed_delta"
            )
        ),
        Contract.objects.count(),
        AuditEntry.objects.count(),
        tuple(Project.objects.order_by("pk").values_list("pk", "state", "version", "support_amount")),
    )


@contextmanager
def refused(code: str):
    before = _footprint()
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, f"{info.value.code}: {info.value.message}"
    assert _footprint() == before


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def contracted(world):
    """150 million support, one contract of 150 million signed on 1/3, nothing paid."""
    return make_project(world, state=S.CONTRACTED)


def record(officer, project, kind, amount, value_date=dt.date(YEAR, 4, 1), **extra):
    return entry_record(
        actor=officer,
        project=project,
        kind=kind,
        amount=amount,
        value_date=value_date,
        reference=extra.pop("reference", "UNC"),
        **extra,
    )


# --- contracts and the balance -------------------------------------------------------------------------


def test_contract_commits_its_value(world, officer):
    project = make_project(world, state=S.APPROVED)
    contract = contract_sign(
        actor=officer,
        project=project,
        number="7/HĐ",
        signed_on=SIGNED,
        party_a="Trung tâm",
        party_b="Cơ sở",
        value=100_000_000,
    )
    [commitment] = LedgerEntry.objects.filter(project=project)
    assert (commitment.kind, commitment.amount, commitment.committed_delta, commitment.disbursed_delta) == (
        K.COMMITMENT,
        100_000_000,
        100_000_000,
        0,
    )
    assert (commitment.contract, commitment.value_date, commitment.reference) == (contract, SIGNED, "7/HĐ")
    project.refresh_from_db()
    # A second contract may follow while the project is under way, within the project's support.
    with refused("invalid_fields") as info:
        contract_sign(
            actor=officer,
            project=project,
            number="8/HĐ",
            signed_on=SIGNED,
            party_a="A",
            party_b="B",
            value=50_000_001,
        )
    assert set(info.value.details["errors"]) == {"value"}
    with refused("invalid_fields") as info:
        contract_sign(
            actor=officer, project=project, number="7/HĐ", signed_on=SIGNED, party_a="A", party_b="B", value=1
        )
    assert set(info.value.details["errors"]) == {"number"}
    further = {"number": "8/HĐ", "signed_on": SIGNED, "party_a": "A", "party_b": "B", "value": 50_000_000}
    with refused("stale_write"):  # a further contract is checked against the version too
        contract_sign(actor=officer, project=project, version=project.version - 1, **further)
    contract_sign(actor=officer, project=project, version=project.version, **further)
    balance = project_balance(project)
    assert (balance.contracted, balance.committed, balance.disbursed, balance.undisbursed) == (
        150_000_000,
        150_000_000,
        0,
        150_000_000,
    )
    # With two contracts an entry must name its contract, and it must be this project's.
    with refused("invalid_contract"):
        record(officer, project, K.PAYMENT, 1)
    other = make_project(world, state=S.CONTRACTED).contracts.get()
    with refused("invalid_contract"):
        record(officer, project, K.PAYMENT, 1, contract=other)
    record(officer, project, K.PAYMENT, 1, contract=contract)
    assert contract_balance(contract).disbursed == 1


# --- the contract's balance ----------------------------------------------------------------------------


def test_disbursed_never_exceeds_the_contract(world, officer, contracted):
    record(officer, contracted, K.ADVANCE, 100_000_000)
    record(officer, contracted, K.PAYMENT, 50_000_000)
    with refused("above_contract_balance") as info:
        record(officer, contracted, K.PAYMENT, 1)
    assert info.value.status == 409
    with refused("above_contract_balance"):
        record(officer, contracted, K.ADVANCE, 1)
    record(officer, contracted, K.RECOVERY, 10_000_000)
    with refused("above_contract_balance"):
        record(officer, contracted, K.PAYMENT, 10_000_001)
    record(officer, contracted, K.PAYMENT, 10_000_000)
    balance = project_balance(contracted)
    assert (balance.advanced, balance.paid, balance.recovered, balance.disbursed) == (
        100_000_000,
        60_000_000,
        10_000_000,
        150_000_000,
    )
    entry = audit_for(contracted).filter(action="finance.entry").order_by("-id").first()
    assert entry.actor == officer
    assert (entry.after["kind"], entry.after["amount"], entry.after["contract"]) == (
        "payment",
        10_000_000,
        contracted.contracts.get().number,
    )


def test_recovery_cannot_exceed_what_was_disbursed(world, officer, contracted):
    with refused("recovery_above_disbursed"):
        record(officer, contracted, K.RECOVERY, 1)
    record(officer, contracted, K.ADVANCE, 1_000_000)
    with refused("recovery_above_disbursed"):
        record(officer, contracted, K.RECOVERY, 1_000_001)
    record(officer, contracted, K.RECOVERY, 1_000_000)
    assert project_balance(contracted).disbursed == 0


@pytest.mark.parametrize("state", [S.DRAFT, S.REGISTERED, S.APPRAISED, S.APPROVED])
def test_no_payment_before_a_contract(world, officer, state):
    project = make_project(world, state=state)
    for kind in (K.ADVANCE, K.PAYMENT, K.RECOVERY):
        with refused("no_contract"):
            record(officer, project, kind, 1_000)


def test_no_payment_dated_before_the_contract(world, officer, contracted):
    with refused("before_contract") as info:
        record(officer, contracted, K.PAYMENT, 1_000, value_date=SIGNED - dt.timedelta(days=1))
    assert info.value.details["field"] == "value_date"
    record(officer, contracted, K.PAYMENT, 1_000, value_date=SIGNED)


def test_entry_fields_are_checked(world, officer, contracted):
    for kwargs, code in [
        ({"kind": K.COMMITMENT}, "invalid_kind"),
        ({"kind": "gift"}, "invalid_kind"),
        ({"amount": 0}, "invalid_amount"),
        ({"amount": -5}, "negative_amount"),
        ({"amount": 1.5}, "not_integer_dong"),
        ({"amount": "100"}, "not_integer_dong"),
        ({"value_date": timezone.localdate() + dt.timedelta(days=1)}, "future_date"),
        ({"value_date": "01/04/2025"}, "invalid_date"),
        ({"reference": "  "}, "required"),
    ]:
        args = {
            "kind": K.PAYMENT,
            "amount": 1_000,
            "value_date": dt.date(YEAR, 4, 1),
            "reference": "UNC",
            **kwargs,
        }
        with refused(code):
            entry_record(actor=officer, project=contracted, **args)


def test_who_records(world, contracted):
    for role in (Role.AUDITOR, Role.REGION_VIEWER):
        with refused("permission_denied"):
            record(world.user(role), contracted, K.PAYMENT, 1)
    foreign = make_project(world, "foreign", state=S.CONTRACTED)
    with refused("not_found"):
        record(world.user(Role.PROVINCE_OFFICER), foreign, K.PAYMENT, 1)
    record(world.user(Role.COMMUNE_OFFICER), contracted, K.PAYMENT, 1)


# --- closed ledgers -----------------------------------------------------------------------------------


def test_no_entry_after_settlement(world, officer):
    project = make_project(world, state=S.SETTLED)
    payment = project.ledger_entries.get(kind=K.PAYMENT)
    for kind in (K.ADVANCE, K.PAYMENT, K.RECOVERY):
        with refused("ledger_closed"):
            record(officer, project, kind, 1)
    with refused("ledger_closed"):
        entry_reverse(actor=officer, entry=payment, reason="Nhầm", value_date=D["settle"])


def test_after_liquidation_nothing_more_is_paid(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)  # 75 of 150 million advanced
    deliverable_record(actor=officer, deliverable=project.deliverables.get(), achieved=1)
    project = project_transition(actor=officer, project=project, action="accept", on=D["accept"])
    project_liquidate(actor=officer, project=project, on=D["liquidate"], final_value=75_000_000)
    # The contract is worth 150 million, but the liquidated value (75 million) is final.
    with refused("above_contract_balance"):
        record(officer, project, K.PAYMENT, 1, value_date=D["settle"])
    record(officer, project, K.RECOVERY, 5_000_000, value_date=D["settle"])
    recovery = project.ledger_entries.get(kind=K.RECOVERY)
    entry_reverse(actor=officer, entry=recovery, reason="Thu nhầm", value_date=D["settle"], amount=5_000_000)
    balance = project_balance(project)
    assert balance.committed == balance.disbursed == 75_000_000


def test_after_a_stop_only_recoveries(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)
    project_stop(
        actor=world.user(Role.PROVINCE_APPROVER),
        project=project,
        on=dt.date(YEAR, 6, 1),
        reason="Dừng",
        destination="line",
    )
    for kind in (K.ADVANCE, K.PAYMENT):
        with refused("ledger_closed"):
            record(officer, project, kind, 1, value_date=dt.date(YEAR, 6, 2))
    record(officer, project, K.RECOVERY, 75_000_000, value_date=dt.date(YEAR, 6, 2))
    assert project_balance(project).disbursed == 0


# --- advances -----------------------------------------------------------------------------------------


def test_advance_share_by_activity(world, officer, contracted):
    on = dt.date(YEAR, 4, 1)
    assert advance_share(Activity.objects.get(code="may-moc-thiet-bi"), on)[0] == Decimal("0.70")
    assert advance_share(Activity.objects.get(code="ha-tang-ccn"), on)[0] == Decimal("0.30")
    assert advance_share(Activity.objects.get(code="thanh-lap-doanh-nghiep"), on)[0] == Decimal("0")
    default, rule = advance_share(Activity.objects.get(code="binh-chon-san-pham"), on)
    assert (default, rule.activity) == (Decimal("0.70"), None)
    assert advance_share(Activity.objects.get(code="may-moc-thiet-bi"), dt.date(2014, 1, 1)) == (
        Decimal(1),
        None,
    )

    record(officer, contracted, K.ADVANCE, 100_000_000)
    with refused("advance_share_exceeded") as info:
        record(officer, contracted, K.ADVANCE, 5_000_001)  # 70% of 150 million is 105 million
    assert info.value.details["rule"] == AdvanceRule.objects.get(activity__code="may-moc-thiet-bi").pk
    record(officer, contracted, K.ADVANCE, 5_000_000)
    # A reversed advance frees its share again; payments do not count as advances.
    advance = contracted.ledger_entries.filter(kind=K.ADVANCE).first()
    entry_reverse(actor=officer, entry=advance, reason="Nhầm số tiền", amount=1_000_000, value_date=on)
    record(officer, contracted, K.ADVANCE, 1_000_000)
    record(officer, contracted, K.PAYMENT, 45_000_000)
    assert project_balance(contracted).advanced == 105_000_000


def test_the_newest_advance_rule_in_force_applies(world, officer, contracted):
    activity = Activity.objects.get(code="may-moc-thiet-bi")
    AdvanceRule.objects.create(activity=activity, max_share=Decimal("0.5"), valid_from=dt.date(YEAR, 5, 1))
    assert advance_share(activity, dt.date(YEAR, 4, 30))[0] == Decimal("0.70")
    assert advance_share(activity, dt.date(YEAR, 5, 1))[0] == Decimal("0.5")
    with refused("advance_share_exceeded"):
        record(officer, contracted, K.ADVANCE, 75_000_001, value_date=dt.date(YEAR, 5, 1))
    record(officer, contracted, K.ADVANCE, 75_000_000, value_date=dt.date(YEAR, 5, 1))


def test_no_advance_after_acceptance(world, officer):
    project = make_project(world, state=S.ACCEPTED, support=150_000_000)
    # The helper paid it in full: recover some to leave room on the contract.
    record(officer, project, K.RECOVERY, 10_000_000, value_date=D["payment"])
    with refused("advance_after_acceptance"):
        record(officer, project, K.ADVANCE, 1, value_date=D["payment"])
    record(officer, project, K.PAYMENT, 10_000_000, value_date=D["payment"])


def _setup_support_project(world, admin) -> Project:
    """A project of the start-up support activity, which is paid in one go after acceptance."""
    plan = plan_create(actor=admin, agency=world.agency("sct-56"), year=YEAR, source=FundingSource.LOCAL)
    plan_line_add(
        actor=admin,
        plan=plan,
        activity=Activity.objects.get(code="thanh-lap-doanh-nghiep"),
        amount=100_000_000,
    )
    plan.refresh_from_db()
    plan = plan_submit(actor=admin, plan=plan, version=plan.version, submitted_on=dt.date(YEAR - 1, 12, 1))
    plan = plan_approve(
        actor=admin, plan=plan, decision_number="2/QĐ", decision_date=dt.date(YEAR - 1, 12, 20)
    )
    project = project_create(
        actor=admin,
        plan_line=plan.lines.get(),
        title="Hỗ trợ thành lập doanh nghiệp",
        kind=ProjectKind.POINT,
        implementer_kind=ImplementerKind.ESTABLISHMENT,
        implementer_establishment=establishment(world),
        location=world.phan_rang,
        start_date=dt.date(YEAR, 3, 1),
        end_date=dt.date(YEAR, 10, 31),
        support_amount=10_000_000,
        counterpart_amount=5_000_000,
    )
    for action, params in (
        ("register", {}),
        ("appraise", {"on": D["appraisal"]}),
        ("approve", {"decision_number": "3/QĐ", "decision_date": D["decision"]}),
    ):
        project = project_transition(actor=admin, project=project, action=action, **params)
    contract_sign(
        actor=admin,
        project=project,
        number="9/HĐ",
        signed_on=SIGNED,
        party_a="A",
        party_b="B",
        value=10_000_000,
    )
    project.refresh_from_db()
    return project


def test_start_up_support_has_no_advance(world, officer):
    project = _setup_support_project(world, world.user(Role.SYSTEM_ADMIN))
    assert project.activity.code == "thanh-lap-doanh-nghiep"
    with refused("advance_share_exceeded"):
        record(officer, project, K.ADVANCE, 1)
    record(officer, project, K.PAYMENT, 10_000_000)
    assert project_balance(project).advanced == 0


# --- reversals ----------------------------------------------------------------------------------------


def test_reversal_points_at_the_original_and_takes_back_at_most_it(world, officer, contracted):
    payment = record(officer, contracted, K.PAYMENT, 40_000_000)
    reversal = entry_reverse(
        actor=officer, entry=payment, reason="Chuyển nhầm", amount=15_000_000, value_date=dt.date(YEAR, 4, 2)
    )
    assert (reversal.reverses, reversal.kind, reversal.amount, reversal.disbursed_delta) == (
        payment,
        K.PAYMENT,
        15_000_000,
        -15_000_000,
    )
    assert (reversal.reference, reversal.note, reversal.contract) == ("UNC", "Chuyển nhầm", payment.contract)
    assert project_balance(contracted).paid == 25_000_000
    audit = audit_for(contracted).get(action="finance.reversal")
    assert (audit.after["reverses"], audit.reason, audit.actor) == (payment.pk, "Chuyển nhầm", officer)

    with refused("reversal_too_large"):
        entry_reverse(
            actor=officer, entry=payment, reason="x", amount=25_000_001, value_date=dt.date(YEAR, 4, 2)
        )
    with refused("reversal_too_large"):
        entry_reverse(actor=officer, entry=payment, reason="x", amount=0, value_date=dt.date(YEAR, 4, 2))
    with refused("reverse_reversal"):
        entry_reverse(actor=officer, entry=reversal, reason="x", value_date=dt.date(YEAR, 4, 2))
    with refused("reason_required"):
        entry_reverse(actor=officer, entry=payment, reason=" ", value_date=dt.date(YEAR, 4, 2))
    with refused("invalid_date"):
        entry_reverse(actor=officer, entry=payment, reason="x", value_date=dt.date(YEAR, 3, 31))
    with refused("future_date"):
        entry_reverse(
            actor=officer, entry=payment, reason="x", value_date=timezone.localdate() + dt.timedelta(1)
        )
    with refused("permission_denied"):
        entry_reverse(
            actor=world.user(Role.AUDITOR), entry=payment, reason="x", value_date=dt.date(YEAR, 4, 2)
        )
    rest = entry_reverse(actor=officer, entry=payment, reason="Phần còn lại", value_date=dt.date(YEAR, 4, 2))
    assert rest.amount == 25_000_000  # by default all that is left
    with refused("reversal_too_large"):
        entry_reverse(actor=officer, entry=payment, reason="x", value_date=dt.date(YEAR, 4, 2))
    assert project_balance(contracted).disbursed == 0


def test_reversals_keep_the_contract_balance(world, officer, contracted):
    payment = record(officer, contracted, K.PAYMENT, 50_000_000)
    recovery = record(officer, contracted, K.RECOVERY, 50_000_000)
    with refused("negative_disbursed"):  # the money came back already
        entry_reverse(actor=officer, entry=payment, reason="x", value_date=dt.date(YEAR, 4, 2))
    record(officer, contracted, K.PAYMENT, 150_000_000)
    with refused("above_contract_balance"):  # undoing the recovery would pay 200 million
        entry_reverse(actor=officer, entry=recovery, reason="x", value_date=dt.date(YEAR, 4, 2))
    commitment = contracted.ledger_entries.get(kind=K.COMMITMENT)
    with refused("below_disbursed"):  # 150 million is paid: the commitment cannot shrink
        entry_reverse(actor=officer, entry=commitment, reason="x", amount=1, value_date=dt.date(YEAR, 4, 2))
    balance = project_balance(contracted)
    assert (balance.committed, balance.disbursed) == (150_000_000, 150_000_000)


# --- append-only ----------------------------------------------------------------------------------------


def test_entries_are_never_changed_or_deleted(world, officer, contracted):
    entry = record(officer, contracted, K.PAYMENT, 1_000_000)
    entry.amount = 2_000_000
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.save(update_fields=["amount"])
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.update(amount=1)
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(note="sửa")
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnly), transaction.atomic():  # bulk_update opens its own atomic block
        LedgerEntry.objects.bulk_update([entry], ["amount"])
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert (stored.amount, stored.note) == (1_000_000, "")
    assert LedgerEntry.objects.filter(project=contracted).count() == 2


def _raw_entry(project, contract, officer, **fields):
    values = {
        "kind": K.PAYMENT,
        "amount": 1_000,
        "committed_delta": 0,
        "disbursed_delta": 1_000,
        "value_date": dt.date(YEAR, 4, 1),
        "reference": "raw",
        **fields,
    }
    return LedgerEntry.objects.create(project=project, contract=contract, recorded_by=officer, **values)


@pytest.mark.parametrize(
    "fields",
    [
        {"committed_delta": 1_000},  # a payment commits nothing
        {"disbursed_delta": -1_000},  # an original payment disburses its amount
        {"disbursed_delta": 999},
        {"kind": K.COMMITMENT, "committed_delta": 1_000, "disbursed_delta": 1_000},
        {"kind": K.COMMITMENT, "committed_delta": -1_000, "disbursed_delta": 0},
        {"kind": K.RECOVERY, "disbursed_delta": 1_000},
        {"kind": K.ADVANCE, "disbursed_delta": 0},
        {"amount": 0, "disbursed_delta": 0},
        {"amount": -1_000, "disbursed_delta": -1_000},
    ],
)
def test_the_database_refuses_deltas_that_do_not_match_the_kind(world, officer, contracted, fields):
    contract = contracted.contracts.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_entry(contracted, contract, officer, **fields)
    assert LedgerEntry.objects.filter(reference="raw").count() == 0


def test_the_database_accepts_matching_deltas(world, officer, contracted):
    contract = contracted.contracts.get()
    payment = _raw_entry(contracted, contract, officer)
    _raw_entry(contracted, contract, officer, disbursed_delta=-400, amount=400, reverses=payment)
    _raw_entry(contracted, contract, officer, kind=K.RECOVERY, disbursed_delta=-100, amount=100)
    _raw_entry(
        contracted, contract, officer, kind=K.COMMITMENT, committed_delta=5, disbursed_delta=0, amount=5
    )
    with pytest.raises(IntegrityError), transaction.atomic():  # a reversal takes back, never adds
        _raw_entry(contracted, contract, officer, disbursed_delta=400, amount=400, reverses=payment)
    assert project_balance(contracted).disbursed == 1_000 - 400 - 100


def test_the_project_page_offers_a_reversal_only_for_what_is_left_to_reverse(
    world, officer, contracted, client
):
    from django.urls import reverse

    payment = record(officer, contracted, K.PAYMENT, 40_000_000)
    client.force_login(officer)
    page = lambda: client.get(reverse("projects:detail", args=[contracted.pk])).content.decode()  # noqa: E731
    action = reverse("finance:entry_reverse", args=[payment.pk])
    assert action in page()
    partial = entry_reverse(
        actor=officer, entry=payment, reason="Chuyển nhầm", amount=15_000_000, value_date=dt.date(YEAR, 4, 2)
    )
    assert action in page()  # 25 million are left to reverse
    assert reverse("finance:entry_reverse", args=[partial.pk]) not in page()  # a reversal is not reversed
    entry_reverse(actor=officer, entry=payment, reason="Phần còn lại", value_date=dt.date(YEAR, 4, 2))
    assert action not in page()  # reversed in full: nothing left to offer


def test_a_refused_entry_comes_back_filled_in_on_its_tab(world, officer, contracted, client):
    """An advance above what the contract allows: the project page opens on the statement's tab with
    the entry form as typed and the service's reason next to the amount."""
    from django.urls import reverse

    client.force_login(officer)
    response = client.post(
        reverse("finance:entry_create", args=[contracted.pk]),
        {
            "entry-kind": "advance",
            "entry-amount": "900 triệu",
            "entry-value_date": "02/04/2025",
            "entry-reference": "UNC-TU-01",
        },
    )
    assert response["Location"].endswith("#pane-money")
    assert not LedgerEntry.objects.filter(project=contracted, kind=K.ADVANCE).exists()
    form = client.get(reverse("projects:detail", args=[contracted.pk])).context["entry_form"]
    assert form.is_bound
    assert form["reference"].value() == "UNC-TU-01"
    assert form["amount"].value() == "900 triệu"
    assert form.errors  # the refusal, by its field

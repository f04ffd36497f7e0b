"""Taking a demo project through its steps: the services, called as the right user would call them."""

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from khuyencong.core.reference import LoadReport
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import Contract
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
from khuyencong.projects.choices import (
    AdjustmentKind,
    ImplementerKind,
    ProjectKind,
    StopDestination,
)
from khuyencong.projects.models import Adjustment, Project
from khuyencong.projects.services import (
    adjustment_approver,
    adjustment_decide,
    adjustment_request,
    deliverable_record,
    deliverable_set,
    inspection_record,
    participant_add,
    progress_report_submit,
    project_create,
    project_transition,
)

from .data import (
    FINDINGS_FOLLOW,
    FINDINGS_OK,
    INSPECTORS,
    MILLION,
    ORDER,
    STOP_REASONS,
    S,
    Spec,
    _between,
    _days,
    _round_down,
)
from .designs import PER_PARTICIPANT

# --- designing the projects of a plan --------------------------------------------------------------


class _Steps:
    """The steps a project is taken through, each by the services as the right user would take it."""

    today: dt.date
    report: LoadReport

    def _build_steps(self, spec: Spec) -> None:
        d, fate, today = spec.dates, spec.fate, self.today
        top = spec.stop_at or fate
        reached = ORDER.index(top)
        steps: list[tuple[tuple[dt.date, int], str, Callable[[], None]]] = []
        early = dt.date(spec.year - 1, 1, 1)

        def add(on: dt.date, rank: int, name: str, fn: Callable[[], None]) -> None:
            steps.append(((on, rank), name, fn))

        add(early, 0, "create", lambda: self._create(spec))
        if reached >= ORDER.index(S.REGISTERED) or "returned" in spec.extras:
            add(early, 1, "register", lambda: self._act(spec, "register"))
        if "returned" in spec.extras:
            add(early, 2, "appraise", lambda: self._act(spec, "appraise", on=today - _days(20)))
            add(early, 3, "return", lambda: self._return(spec))
            if reached >= ORDER.index(S.REGISTERED):
                add(early, 4, "register", lambda: self._act(spec, "register"))
        if reached >= ORDER.index(S.APPRAISED):
            add(d["appraise"], 1, "appraise", lambda: self._act(spec, "appraise", on=d["appraise"]))
        if reached >= ORDER.index(S.APPROVED):
            add(d["approve"], 2, "approve", lambda: self._approve(spec))
            if "adjust_budget" in spec.extras:
                add(d["approve"], 3, "adjust_budget", lambda: self._adjust_budget(spec))
        if reached >= ORDER.index(S.CONTRACTED):
            add(d["contract"], 4, "contract", lambda: self._contracts(spec, d["contract"]))
        if reached >= ORDER.index(S.IN_PROGRESS):
            add(d["start"], 5, "start", lambda: self._act(spec, "start"))
            add(d["advance"], 6, "advance", lambda: self._advance(spec, d["advance"]))
            until = d["accept"] if reached >= ORDER.index(S.ACCEPTED) else today
            if spec.stop_on:
                until = spec.stop_on
            month = (d["start"].replace(day=1) + _days(32)).replace(day=1)
            percent = 0
            months = []
            while month <= until and month <= today:
                months.append(month)
                month = (month + _days(32)).replace(day=1)
            skip = fate == S.IN_PROGRESS and "no_report_this_month" in spec.extras
            if skip and months and months[-1] == today.replace(day=1):
                months.pop()
            if spec.year < today.year and len(months) > 3 and fate != S.IN_PROGRESS:
                months = [months[0], months[len(months) // 2], months[-1]]  # three keep the demo quick
            for i, m in enumerate(months):
                done = round(100 * (i + 1) / (len(months) + 1)) + spec.rng.randint(0, 8)
                percent = max(percent, min(95, done))
                on = max(m, d["advance"])
                add(on, 7, "progress", lambda m=m, p=percent: self._progress(spec, m, p))
            lo, hi = d["advance"] + _days(10), min(until, today) - _days(2)
            if "inspection" in spec.extras and lo <= hi:
                seen = _between(spec.rng, lo, hi)
                add(seen, 8, "inspect", lambda: self._inspect(spec, seen))
            mid = d["advance"] + _days(max((min(until, today) - d["advance"]).days // 2, 1))
            if "adjust_machine" in spec.extras:
                add(mid, 9, "adjust_machine", lambda: self._adjust_machine(spec))
            if "reject_dates" in spec.extras:
                add(mid, 10, "reject_dates", lambda: self._reject_dates(spec))
            if "pending_adjustment" in spec.extras:
                add(today, 11, "pending", lambda: self._pending(spec))
            if "extension" in spec.extras:
                add(dt.date(spec.year, 12, 10), 11, "extension", lambda: self._extension(spec))
        if fate in (S.ACCEPTED, S.LIQUIDATED, S.SETTLED):
            add(d["accept"], 12, "record", lambda: self._record(spec))
            add(d["accept"], 13, "accept", lambda: self._act(spec, "accept", on=d["accept"]))
            if d["pay"] < today and (fate != S.ACCEPTED or spec.rng.random() < 0.5):
                add(d["pay"], 14, "pay", lambda: self._pay(spec, d["pay"]))
        if fate in (S.LIQUIDATED, S.SETTLED):
            add(d["liquidate"], 15, "liquidate", lambda: self._liquidate(spec, d["liquidate"]))
        if fate == S.SETTLED:
            add(d["settle"], 16, "settle", lambda: self._settle(spec, d["settle"]))
        if fate == S.STOPPED:
            add(spec.stop_on, 17, "stop", lambda: self._stop(spec))
            if spec.recover:
                on = min(spec.stop_on + _days(spec.rng.randint(5, 20)), today)
                add(on, 18, "recover", lambda: self._recover(spec, on))
        steps.sort(key=lambda s: s[0])
        late = [name for (on, _rank), name, _fn in steps if on > today]
        if late:
            raise RuntimeError(f"demo project steps dated after today: {late}")
        spec.steps = steps

    def _run(self, spec: Spec, until: dt.date | None = None) -> None:
        while spec.pos < len(spec.steps):
            (on, _rank), _name, fn = spec.steps[spec.pos]
            if until is not None and on > until:
                return
            spec.pos += 1
            fn()

    # the service calls

    def _p(self, spec: Spec) -> Project:
        if spec.project is None:
            raise RuntimeError("the demo project is not created yet")
        return spec.project

    def _create(self, spec: Spec) -> None:
        actors = spec.place.actors
        project = project_create(actor=actors.officer, plan_line=spec.line, **spec.fields)
        for part in spec.participants:
            participant_add(actor=actors.officer, project=project, **part)
        for indicator, planned, _achieved in spec.deliverables:
            deliverable_set(actor=actors.officer, project=project, indicator=indicator, planned=planned)
        spec.project = project

    def _act(self, spec: Spec, action: str, **params: Any) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.officer, project=self._p(spec), action=action, **params
        )

    def _return(self, spec: Spec) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.department,
            project=self._p(spec),
            action="return",
            reason=spec.rng.choice(
                [
                    "Bổ sung báo giá của ít nhất ba nhà cung cấp thiết bị.",
                    "Làm rõ phần vốn đối ứng của cơ sở và bổ sung xác nhận của Ủy ban nhân dân xã.",
                    "Điều chỉnh dự toán theo định mức chi hiện hành.",
                ]
            ),
        )

    def _approve(self, spec: Spec) -> None:
        number = self._number(spec, "decision")
        issuer = "QĐ-BCT" if spec.source == FundingSource.NATIONAL else "QĐ-SCT"
        spec.project = project_transition(
            actor=spec.place.actors.approver(spec.source),
            project=self._p(spec),
            action="approve",
            decision_number=f"{number}/{issuer}",
            decision_date=spec.dates["approve"],
        )

    def _number(self, spec: Spec, kind: str) -> int:
        key = f"{kind}-{spec.plan.agency_id}-{spec.year}"
        start = {"decision": 100, "contract": 1, "payment": 10}[kind]
        self.numbers[key] = self.numbers.get(key, start + spec.rng.randint(0, 40)) + spec.rng.randint(1, 6)
        return self.numbers[key]

    def _contracts(self, spec: Spec, on: dt.date) -> None:
        """The project's contract; a group project supporting machinery or brands signs one contract with
        each participant."""
        project = self._p(spec)
        if project.kind == ProjectKind.GROUP and spec.activity in PER_PARTICIPANT:
            for part in project.participants.select_related("establishment").order_by("pk"):
                self._contract(spec, on, part.support_amount, party_b=part.establishment.name)
        else:
            self._contract(spec, on)

    def _contract(
        self, spec: Spec, on: dt.date, value: int | None = None, suffix: str = "", party_b: str = ""
    ) -> Contract:
        project = self._p(spec)
        number = self._number(spec, "contract")
        short = "HĐKC-SCT" if spec.source == FundingSource.NATIONAL else "HĐKC-TTKC"
        if not party_b:
            party_b = spec.party_b
            by_itself = (
                project.implementer_kind == ImplementerKind.AGENCY
                and project.implementer_agency_id == project.managing_agency_id
            )
            if not by_itself:
                party_b = project.implementer_label
        contract = contract_sign(
            actor=spec.place.actors.officer,
            project=project,
            number=f"{number:02d}/{spec.year}/{short}{suffix}",
            signed_on=on,
            party_a=project.managing_agency.name,
            party_b=party_b,
            value=value if value is not None else project.support_amount,
        )
        spec.project = Project.objects.get(pk=project.pk)
        self.report.created["contracts"] += 1
        return contract

    def _ref(self, spec: Spec) -> str:
        return f"UNC {self._number(spec, 'payment'):03d}/{spec.year}"

    def _entry(self, spec: Spec, kind: str, amount: int, on: dt.date, contract: Contract, note: str = ""):
        entry = entry_record(
            actor=spec.place.actors.officer,
            project=self._p(spec),
            kind=kind,
            amount=amount,
            value_date=on,
            reference=self._ref(spec),
            contract=contract,
            note=note,
        )
        self.report.created["ledger entries"] += 1
        return entry

    def _advance(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        share, _rule = advance_share(project.plan_line.activity, on)
        pct = min(Decimal(spec.advance_pct) / 100, share)
        contracts = list(project.contracts.order_by("pk"))
        for contract in contracts[1:]:
            amount = _round_down(
                (Decimal(contract.value) * pct).to_integral_value(rounding=ROUND_FLOOR), 1000
            )
            if amount > 0:
                self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
        contract = contracts[0]
        amount = _round_down((Decimal(contract.value) * pct).to_integral_value(rounding=ROUND_FLOOR), 1000)
        if amount <= 0:
            return
        entry = self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
        if "duplicate_advance" in spec.extras and 2 * amount <= contract.value * share:
            twice = self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
            entry_reverse(
                actor=spec.place.actors.officer,
                entry=twice,
                reason=f"Ghi trùng với bút toán tạm ứng {entry.reference}; hủy bút toán ghi trùng.",
                value_date=min(on + _days(3), self.today),
            )
            self.report.created["ledger entries"] += 1

    def _progress(self, spec: Spec, month: dt.date, percent: int) -> None:
        notes = [
            "Đã hoàn thành lắp đặt, chạy thử thiết bị.",
            "Đang triển khai theo kế hoạch.",
            "Đã tổ chức khai giảng, học viên tham gia đầy đủ.",
            "Đang hoàn thiện hồ sơ, chuẩn bị nghiệm thu.",
            "Chậm so với kế hoạch do thời tiết; đơn vị đã có giải pháp khắc phục.",
        ]
        progress_report_submit(
            actor=spec.place.actors.officer,
            project=self._p(spec),
            month=month,
            percent_done=percent,
            note=spec.rng.choice(notes),
        )
        self.report.created["progress reports"] += 1

    def _inspect(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        team = f"{project.managing_agency.name}: {spec.rng.choice(INSPECTORS)}"
        self.report.created["inspections"] += 1
        if spec.rng.random() < 0.3:
            findings, follow = spec.rng.choice(FINDINGS_FOLLOW)
            inspection_record(
                actor=spec.place.actors.officer,
                project=project,
                date=on,
                inspectors=team,
                findings=findings,
                follow_up_required=True,
                follow_up=follow,
            )
        else:
            inspection_record(
                actor=spec.place.actors.officer,
                project=project,
                date=on,
                inspectors=team,
                findings=spec.rng.choice(FINDINGS_OK),
            )

    def _decide(self, spec: Spec, adjustment: Adjustment, approve: bool, note: str = "") -> None:
        who = adjustment_approver(adjustment)
        actor = spec.place.actors.for_who(who, spec.source)
        issuer = "QĐ-BCT" if actor == spec.place.actors.national else "QĐ-SCT"
        number = f"{self._number(spec, 'decision')}/{issuer}"
        adjustment_decide(
            actor=actor,
            adjustment=adjustment,
            approve=approve,
            note=note,
            decision_number=number if approve else "",
        )
        spec.project = Project.objects.get(pk=adjustment.project_id)

    def _adjust_budget(self, spec: Spec) -> None:
        project = self._p(spec)
        cut = _round_down(project.support_amount * spec.rng.uniform(0.04, 0.1), 500_000)
        if cut <= 0 or project.participants.exists():
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.BUDGET,
            reason="Giá thiết bị, dịch vụ theo kết quả chào giá cạnh tranh thấp hơn dự toán được duyệt.",
            changes={
                "support_amount": project.support_amount - cut,
                # the counterpart shrinks in proportion, so the support's share of the cost is unchanged
                "counterpart_amount": _round_down(
                    project.counterpart_amount * (project.support_amount - cut) // project.support_amount,
                    1000,
                ),
            },
        )
        self._decide(spec, adjustment, True, "Đồng ý giảm kinh phí theo kết quả chào giá.")

    def _adjust_machine(self, spec: Spec) -> None:
        project = self._p(spec)
        if not project.machine_name:
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.MACHINE,
            reason="Nhà sản xuất ngừng sản xuất model đã duyệt; thay bằng model tương đương, "
            "thông số kỹ thuật không thấp hơn.",
            changes={
                "machine_name": f"{project.machine_name} (model thay thế)",
                "machine_spec": f"{project.machine_spec}; model thay thế có công suất tương đương",
            },
        )
        self._decide(spec, adjustment, True, "Đồng ý thay đổi model thiết bị, giữ nguyên kinh phí.")

    def _reject_dates(self, spec: Spec) -> None:
        project = self._p(spec)
        end = min(project.end_date + _days(30), dt.date(spec.year, 12, 31))
        if end == project.end_date:
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.DATES,
            reason="Đề nghị lùi thời gian kết thúc để chờ mùa vụ nguyên liệu.",
            changes={"end_date": end},
        )
        self._decide(
            spec,
            adjustment,
            False,
            "Không có căn cứ điều chỉnh; đề nghị đơn vị bố trí thực hiện đúng tiến độ đã duyệt.",
        )

    def _pending(self, spec: Spec) -> None:
        project = self._p(spec)
        if project.adjustments.filter(status="requested").exists():
            return
        if spec.activity in ("may-moc-thiet-bi", "mo-hinh-trinh-dien") and project.machine_name:
            adjustment_request(
                actor=spec.place.actors.officer,
                project=project,
                kind=AdjustmentKind.MACHINE,
                reason="Cơ sở đề nghị đổi sang thiết bị có công suất phù hợp hơn với mặt bằng nhà xưởng.",
                changes={"machine_spec": f"{project.machine_spec}; công suất điều chỉnh theo mặt bằng"},
            )
        else:
            end = dt.date(spec.year, 12, 31)
            if project.end_date == end:
                return
            adjustment_request(
                actor=spec.place.actors.officer,
                project=project,
                kind=AdjustmentKind.DATES,
                reason="Lùi thời gian kết thúc do điều chỉnh lịch tổ chức theo đề nghị của địa phương.",
                changes={"end_date": end},
            )
        self.report.created["adjustments awaiting a decision"] += 1

    def _extension(self, spec: Spec) -> None:
        project = self._p(spec)
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.EXTENSION,
            reason="Thiết bị về chậm do ảnh hưởng của mưa bão; "
            f"đề nghị gia hạn thực hiện sang năm {spec.year + 1}.",
            changes={"end_date": dt.date(spec.year + 1, 6, 30)},
        )
        self._decide(spec, adjustment, True, f"Đồng ý gia hạn sang năm {spec.year + 1}.")

    def _record(self, spec: Spec) -> None:
        project = self._p(spec)
        short = "recovery" in spec.extras
        for deliverable in project.deliverables.select_related("indicator"):
            planned = deliverable.planned
            if short:
                achieved = max(planned - max(planned // 6, 1), 0) if planned > 1 else planned
            else:
                achieved = planned + (spec.rng.randint(0, max(planned // 10, 0)) if planned > 5 else 0)
            deliverable_record(
                actor=spec.place.actors.officer,
                deliverable=deliverable,
                achieved=achieved,
                evidence=f"Biên bản nghiệm thu ngày {spec.dates['accept']:%d/%m/%Y}",
            )

    def _pay(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        contracts = list(project.contracts.order_by("pk"))
        for i, contract in enumerate(contracts):
            balance = contract_balance(contract)
            final = contract.value
            if i == 0 and "savings" in spec.extras:
                final -= _round_down(contract.value * spec.rng.uniform(0.01, 0.05), 1000)
            if i == 0 and "recovery" in spec.extras:
                final = _round_down(contract.value * 0.6, 1000)
            need = final - balance.disbursed
            if need < 0:
                self._entry(
                    spec,
                    EntryKind.RECOVERY,
                    -need,
                    on,
                    contract,
                    "Thu hồi phần tạm ứng vượt giá trị nghiệm thu",
                )
            elif need > 0:
                if "wrong_payment" in spec.extras and i == 0 and need > 20 * MILLION:
                    wrong = need - 9 * MILLION
                    entry = self._entry(
                        spec, EntryKind.PAYMENT, wrong, on, contract, "Thanh toán theo nghiệm thu"
                    )
                    entry_reverse(
                        actor=spec.place.actors.officer,
                        entry=entry,
                        reason="Nhập sai số tiền so với ủy nhiệm chi; ghi lại bút toán đúng.",
                        value_date=on,
                    )
                    self.report.created["ledger entries"] += 1
                self._entry(
                    spec, EntryKind.PAYMENT, need, on, contract, "Thanh toán theo biên bản nghiệm thu"
                )

    def _liquidate(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        balance = project_balance(project)
        spec.project = project_liquidate(
            actor=spec.place.actors.officer, project=project, on=on, final_value=balance.disbursed
        )

    def _settle(self, spec: Spec, on: dt.date) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.department, project=self._p(spec), action="settle", on=on
        )

    def _stop(self, spec: Spec) -> None:
        target = spec.stop_target
        destination = StopDestination.PROJECT if target is not None else StopDestination.LINE
        spec.project = project_stop(
            actor=spec.place.actors.approver(spec.source),
            project=self._p(spec),
            on=spec.stop_on,
            reason=spec.rng.choice(STOP_REASONS),
            destination=destination,
            target=target.project if target is not None else None,
        )
        if target is not None:
            target.project = Project.objects.get(pk=target.project.pk)
            if target.project.contracts.exists():
                # the receiving project signs an annex for the money it received
                on = min(spec.stop_on + _days(spec.rng.randint(3, 10)), self.today)
                received = spec.project.released_amount or 0
                if received > 0:
                    target.steps.append(
                        ((on, 4), "annex", lambda: self._contract(target, on, received, "-PL01"))
                    )
                    rest = target.steps[target.pos :]
                    rest.sort(key=lambda s: s[0])
                    target.steps[target.pos :] = rest

    def _recover(self, spec: Spec, on: dt.date) -> None:
        for contract in self._p(spec).contracts.order_by("pk"):
            disbursed = contract_balance(contract).disbursed
            if disbursed <= 0:
                continue
            self._entry(
                spec,
                EntryKind.RECOVERY,
                disbursed,
                on,
                contract,
                "Thu hồi tạm ứng do đề án dừng thực hiện",
            )

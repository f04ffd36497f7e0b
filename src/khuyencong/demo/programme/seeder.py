"""Designing a plan's demo projects: what each line funds, how each ends, the dates of its steps."""

import datetime as dt
import random

from khuyencong.catalog.models import Indicator
from khuyencong.core.reference import LoadReport
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource, RevisionStatus
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.choices import (
    ProjectKind,
)

from ..accounts import DEMO_PROVINCE
from .data import (
    COMMUNE,
    DEFAULT_DURATION,
    DURATION,
    FATES_LAST_YEAR,
    FATES_THIS_YEAR,
    FATES_TWO_YEARS_AGO,
    LINE_SHARE,
    ORDER,
    Place,
    S,
    Spec,
    _between,
    _days,
    _lower_first,
    _of_the_time,
    _round_down,
)
from .designs import DESIGNERS
from .steps import _Steps


class _Seeder(_Steps):
    def __init__(self, *, today: dt.date, indicators: dict[str, Indicator], report: LoadReport) -> None:
        self.today = today
        self.indicators = indicators
        self.report = report
        self.states: dict[str, int] = {}
        self.numbers: dict[str, int] = {}
        self.allowed: dict[str, set[str]] = {}  # activity code → codes of its indicators

    # plan → specs → run

    def plan(self, place: Place, plan: Plan) -> None:
        rng = random.Random(f"finance-demo-{plan.unit.code}-{plan.year}-{plan.source}")  # noqa: S311
        # the demo officer's province gets every line covered; of its old provinces, the one of its code
        demo = place.province.code == DEMO_PROVINCE and plan.unit.code == DEMO_PROVINCE
        specs: list[Spec] = []
        for line, window in self._lines(plan):
            if window > self.today:
                continue
            if not demo and rng.random() > LINE_SHARE * place.share:
                continue
            use = rng.uniform(0.8, 0.95) if plan.year < self.today.year else rng.uniform(0.6, 0.85)
            budget = _round_down(line.amount * use, 500_000)
            limit = 3 if demo else rng.choice([1, 1, 2])
            for _ in range(limit):
                spec = self._design(place, plan, line, window, rng, budget)
                if spec is None:
                    break
                budget -= spec.fields["support_amount"]
                specs.append(spec)
        if not specs:
            return
        self._fates(specs, rng, demo)
        for spec in specs:
            wanted = spec.fate
            for _attempt in range(8):  # a project placed in a state for the demo gets dates that allow it
                spec.fate = wanted
                self._timeline(spec)
                if spec.fate == wanted or "forced" not in spec.extras:
                    break
        self._stops(specs, rng, demo)
        for spec in specs:
            self._extras(spec)
        if demo:
            self._showcase(specs)
        for spec in specs:
            self._build_steps(spec)
        # a stopped project that hands its money on runs first, its receiver only up to the stop
        for spec in specs:
            if spec.stop_target is not None:
                self._run(spec.stop_target, until=spec.stop_on)
                self._run(spec)
        for spec in specs:
            self._run(spec)
            state = str(self._p(spec).state)
            self.states[state] = self.states.get(state, 0) + 1
        self.report.created["projects"] += len(specs)

    def _lines(self, plan: Plan) -> list[tuple[PlanLine, dt.date]]:
        """The lines of the plan in force today (not replaced by a revision), each with the day it came
        into force."""
        out = []
        lines = plan.lines.select_related("activity", "added_by", "removed_by").order_by("pk")
        for line in lines:
            if line.removed_by_id and line.removed_by.status == RevisionStatus.APPROVED:
                continue
            if line.added_by_id:
                if line.added_by.status != RevisionStatus.APPROVED:
                    continue
                window = line.added_by.decision_date
            else:
                window = plan.decision_date
            out.append((line, window))
        return out

    def _design(
        self, place: Place, plan: Plan, line: PlanLine, window: dt.date, rng: random.Random, budget: int
    ) -> Spec | None:
        code = line.activity.code
        maker = DESIGNERS.get(code)
        if maker is None:
            return None
        design = maker(self, place, plan, rng, budget)
        if design is None:
            return None
        fields, participants, deliverables, party_b = design
        if code not in self.allowed:
            self.allowed[code] = set(line.activity.indicators.values_list("code", flat=True))
        allowed = self.allowed[code]
        deliverables = [(self.indicators[c], planned) for c, planned in deliverables if c in allowed]
        return Spec(
            place=place,
            plan=plan,
            line=line,
            window=window,
            rng=rng,
            fields=fields,
            participants=participants,
            deliverables=[(ind, planned, planned) for ind, planned in deliverables],
            party_b=party_b,
            title=fields["title"],
        )

    # fates, timelines, stops, extras

    def _fates(self, specs: list[Spec], rng: random.Random, demo: bool) -> None:
        year = specs[0].year
        weights = (
            FATES_THIS_YEAR
            if year == self.today.year
            else FATES_LAST_YEAR
            if year == self.today.year - 1
            else FATES_TWO_YEARS_AGO
        )
        fates, w = list(weights), list(weights.values())
        for spec in specs:
            spec.fate = rng.choices(fates, w)[0]
        if demo and year == self.today.year:
            # Khánh Hòa keeps fresh proposals and approved projects to walk through in the UI, and one
            # project in each state.
            # States that need the whole year go to lines in force since January; the others anywhere.
            if specs[0].source == FundingSource.LOCAL:
                dated = [S.SETTLED, S.LIQUIDATED, S.ACCEPTED, S.IN_PROGRESS, S.STOPPED, S.CONTRACTED]
                free = [S.DRAFT, S.APPROVED, S.REGISTERED, S.APPRAISED, S.DRAFT, S.APPROVED]
            else:
                dated = [S.IN_PROGRESS, S.STOPPED, S.ACCEPTED, S.SETTLED]
                free = [S.APPROVED, S.DRAFT]
            original = [s for s in specs if s.window.year < year]
            machines = [
                s for s in original if s.activity == "may-moc-thiet-bi" and s.fields["kind"] == "point"
            ]
            keep = machines[-1:] if len(original) > len(dated) else []  # a machinery proposal to walk through
            chosen = [s for s in original if s not in keep][: len(dated)]
            for spec, fate in zip(chosen, dated, strict=False):
                spec.fate = fate
                spec.extras.add("forced")
            others = keep + [s for s in specs if s not in chosen and s not in keep][::-1]
            for spec, fate in zip(others, free, strict=False):
                spec.fate = fate
                spec.extras.add("forced")

    def _timeline(self, spec: Spec) -> None:
        """Dates of each step, never after today; a project whose steps do not fit before today stays in
        the last state that fits."""
        rng, year = spec.rng, spec.year
        lo_dur, hi_dur = DURATION.get(spec.activity, DEFAULT_DURATION)
        dur = rng.randint(lo_dur, hi_dur)
        first = max(spec.window + _days(3), dt.date(year, 1, 10))
        fate = spec.fate
        forced = "forced" in spec.extras
        if forced and fate in (S.SETTLED, S.LIQUIDATED, S.ACCEPTED):
            dur = min(dur, 100)
        stage = fate
        if fate == S.STOPPED:
            stage = rng.choice([S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.IN_PROGRESS])
            if forced:
                stage = S.IN_PROGRESS
            spec.stop_at = stage
        decided, accepted = self._decided(spec, stage, first, dur, forced)
        d = self._step_dates(spec, stage, decided, accepted, dur)
        self._reach(spec, stage, d)
        self._planned_dates(spec, d, dur)
        self._placed(spec, d)

    def _decided(
        self, spec: Spec, stage: str, first: dt.date, dur: int, forced: bool
    ) -> tuple[dt.date, dt.date | None]:
        """The approval date and, for last year's late projects, the acceptance date."""
        rng, year, today, fate = spec.rng, spec.year, self.today, spec.fate
        if year < today.year:
            if year == today.year - 1 and fate in (S.LIQUIDATED, S.ACCEPTED):
                last = dt.date(year, 12, 20)
                accepted = _between(rng, dt.date(year, 11, 1), last)
                return max(first, accepted - _days(dur + 30)), accepted
            return _between(rng, first, max(first, dt.date(year, 7, 31))), None
        hi = {
            S.SETTLED: dt.date(year, 4, 30) if forced else dt.date(year, 6, 15),
            S.LIQUIDATED: dt.date(year, 7, 15),
            S.ACCEPTED: dt.date(year, 8, 15),
            S.IN_PROGRESS: dt.date(year, 10, 15),
            S.CONTRACTED: today - _days(12),
            S.APPROVED: today - _days(2),
        }.get(stage, today - _days(2))
        lo = {S.CONTRACTED: today - _days(75), S.APPROVED: today - _days(50)}.get(stage, first)
        return _between(rng, max(first, lo), max(first, hi)), None

    def _step_dates(
        self, spec: Spec, stage: str, decided: dt.date, accepted: dt.date | None, dur: int
    ) -> dict[str, dt.date]:
        rng, year, today, fate = spec.rng, spec.year, self.today, spec.fate
        d: dict[str, dt.date] = {}
        d["approve"] = decided
        d["appraise"] = max(decided - _days(rng.randint(3, 15)), dt.date(year - 1, 12, 1))
        d["contract"] = decided + _days(rng.randint(7, 25))
        d["start"] = d["contract"] + _days(rng.randint(0, 5))
        d["advance"] = d["start"] + _days(rng.randint(3, 15))
        if accepted is None:
            accepted = d["contract"] + _days(dur)
            if year < today.year:
                accepted = min(accepted, dt.date(year, 12, 20))
        accepted = max(accepted, d["advance"] + _days(10))
        d["accept"] = accepted
        d["pay"] = accepted + _days(rng.randint(4, 18))
        d["liquidate"] = d["pay"] + _days(rng.randint(1, 8))
        d["settle"] = d["liquidate"] + _days(rng.randint(5, 28))
        if year < today.year and fate == S.SETTLED and d["liquidate"] > dt.date(year + 1, 1, 20):
            d["liquidate"] = max(d["pay"], dt.date(year + 1, 1, 15))
            d["settle"] = d["liquidate"] + _days(rng.randint(5, 28))
        if year == today.year and stage in (S.SETTLED, S.LIQUIDATED, S.ACCEPTED):
            # squeeze the work to finish before today when it can
            tail = {S.SETTLED: d["settle"], S.LIQUIDATED: d["liquidate"], S.ACCEPTED: d["accept"]}[stage]
            overshoot = (tail - (today - _days(1))).days
            if overshoot > 0:
                room = (d["accept"] - d["advance"]).days - 20
                cut = min(overshoot, max(room, 0))
                for key in ("accept", "pay", "liquidate", "settle"):
                    d[key] -= _days(cut)
        if year == today.year and stage == S.IN_PROGRESS and d["accept"] <= today + _days(5):
            d["accept"] = min(today + _days(rng.randint(10, 35)), dt.date(year, 12, 28))
        return d

    def _reach(self, spec: Spec, stage: str, d: dict[str, dt.date]) -> None:
        """The state the dates allow before today (and, for a stopped project, when it stops)."""
        rng, year, today = spec.rng, spec.year, self.today
        reach = {
            S.DRAFT: None,
            S.REGISTERED: None,
            S.APPRAISED: d["appraise"],
            S.APPROVED: d["approve"],
            S.CONTRACTED: d["contract"],
            S.IN_PROGRESS: d["advance"],
            S.ACCEPTED: d["accept"],
            S.LIQUIDATED: d["liquidate"],
            S.SETTLED: d["settle"],
        }
        if year == today.year and stage == S.APPRAISED:
            d["appraise"] = today - _days(rng.randint(1, 20))
            reach[S.APPRAISED] = d["appraise"]
        target = ORDER.index(stage)
        while target > 0 and (on := reach[ORDER[target]]) is not None and on >= today:
            target -= 1
        stage = ORDER[target]
        if spec.fate != S.STOPPED:
            spec.fate = stage
        elif ORDER.index(stage) < ORDER.index(S.APPROVED):
            spec.fate = stage  # too late in the year to stop it: it stays a proposal
            spec.stop_at = None
        else:
            reached = reach[stage]  # a date: the stage is approved or later
            spec.stop_at = stage
            nxt = {S.APPROVED: d["contract"], S.CONTRACTED: d["start"], S.IN_PROGRESS: d["accept"]}[stage]
            begin = reached + _days(5)
            spec.stop_on = min(_between(rng, begin, max(begin, nxt - _days(1))), today - _days(1))
            spec.stop_on = max(spec.stop_on, reached)

    def _planned_dates(self, spec: Spec, d: dict[str, dt.date], dur: int) -> None:
        rng, year, today = spec.rng, spec.year, self.today
        if spec.fate in (S.DRAFT, S.REGISTERED, S.APPRAISED) and year == today.year:
            start = min(today + _days(rng.randint(8, 20)), dt.date(year, 12, 10))
            end = min(start + _days(dur), dt.date(year, 12, 31))
        elif spec.fate in (S.DRAFT, S.REGISTERED, S.APPRAISED):
            start, end = d["contract"], min(d["accept"], dt.date(year, 12, 31))
        else:
            start = d["contract"] if d["contract"].year == year else d["approve"]
            end = min(d["accept"] + _days(rng.randint(0, 15)), dt.date(year, 12, 31))
            if spec.fate == S.IN_PROGRESS and year < today.year:
                end = dt.date(year, 12, 15)
        spec.fields["start_date"] = min(start, dt.date(year, 12, 31))
        spec.fields["end_date"] = max(end, spec.fields["start_date"])
        spec.dates = d

    def _placed(self, spec: Spec, d: dict[str, dt.date]) -> None:
        """Where: pre-reform projects sit in the units of their time, under the names of their time."""
        title = spec.title
        if spec.year < 2025 or (spec.year == 2025 and d["approve"] < dt.date(2025, 7, 1)):
            spec.fields["location"] = self._legacy(spec.place, spec.fields["location"])
            title = _of_the_time(spec.place, title)
            if "named_of_the_time" not in spec.extras:
                spec.extras.add("named_of_the_time")
                spec.fields["implementer_name"] = _of_the_time(spec.place, spec.fields["implementer_name"])
                spec.party_b = _of_the_time(spec.place, spec.party_b)
        else:
            # after the reform, an old province's plan is carried by today's province and its centre
            agency = spec.fields.get("implementer_agency")
            if agency is not None and agency.valid_to is not None and agency.successor_id:
                spec.fields["implementer_agency"] = agency.successor
        spec.fields["title"] = title.replace(COMMUNE, _lower_first(spec.fields["location"].name))

    def _legacy(self, place: Place, unit: AdministrativeUnit) -> AdministrativeUnit:
        if unit.pk == place.province.pk:
            return place.legacy or unit
        return place.predecessors.get(unit.pk, unit)

    def _stops(self, specs: list[Spec], rng: random.Random, demo: bool) -> None:
        """Stopped projects: the advance of some is recovered; some hand their remaining money to a task of
        the plan still under way (on the same line, or on a line with room for it). A task, because its
        support has no cap per establishment; and one that at most triples."""
        planned: dict[int, int] = {}
        for spec in specs:
            planned[spec.line.pk] = planned.get(spec.line.pk, 0) + spec.fields["support_amount"]
        taken: set[int] = set()
        for spec in specs:
            if spec.fate != S.STOPPED or spec.stop_on is None:
                continue
            spec.recover = spec.stop_at == S.IN_PROGRESS and rng.random() < 0.6
            if rng.random() > 0.6 and not demo:
                continue
            amount = spec.fields["support_amount"]

            def fits(t: Spec, spec: Spec = spec, amount: int = amount) -> bool:
                return (
                    t is not spec
                    and id(t) not in taken
                    and t.fate in (S.IN_PROGRESS, S.ACCEPTED, S.LIQUIDATED, S.SETTLED)
                    and t.fields["kind"] == ProjectKind.TASK
                    and amount <= 2 * t.fields["support_amount"]
                    and t.dates["approve"] <= spec.stop_on
                    and spec.stop_on + _days(12) < t.dates["accept"]
                    and (
                        t.line.pk == spec.line.pk
                        or t.line.amount - planned[t.line.pk] - amount > t.line.amount // 20
                    )
                )

            candidates = [t for t in specs if fits(t)]
            same_line = [t for t in candidates if t.line.pk == spec.line.pk]
            if candidates:
                target = rng.choice(same_line or candidates)
                spec.stop_target = target
                taken.add(id(target))
                if target.line.pk != spec.line.pk:
                    planned[target.line.pk] += amount

    def _extras(self, spec: Spec) -> None:
        rng, fate, today = spec.rng, spec.fate, self.today
        reached = ORDER.index(spec.stop_at or fate) if (spec.stop_at or fate) in ORDER else 0
        spec.advance_pct = rng.choice([30, 50, 50, 70])
        if reached >= ORDER.index(S.IN_PROGRESS):
            if rng.random() < 0.3:
                spec.extras.add("inspection")
            if spec.activity in ("may-moc-thiet-bi", "mo-hinh-trinh-dien") and rng.random() < 0.15:
                spec.extras.add("adjust_machine")
            if rng.random() < 0.04:
                spec.extras.add("reject_dates")
            if rng.random() < 0.025:
                spec.extras.add("duplicate_advance")
                spec.advance_pct = 30
        if reached >= ORDER.index(S.CONTRACTED) and rng.random() < 0.05 and fate != S.STOPPED:
            spec.extras.add("adjust_budget")
        if fate in (S.LIQUIDATED, S.SETTLED):
            roll = rng.random()
            if roll < 0.025:
                spec.extras.add("wrong_payment")
            elif roll < 0.08:
                spec.extras.add("recovery")
                spec.advance_pct = 70
            elif roll < 0.4:
                spec.extras.add("savings")
        if fate == S.IN_PROGRESS and spec.year == today.year:
            if rng.random() < 0.12:
                spec.extras.add("pending_adjustment")
            if rng.random() < 0.3:
                spec.extras.add("no_report_this_month")
        if fate == S.IN_PROGRESS and spec.year == today.year - 1 and rng.random() < 0.5:
            spec.extras.add("extension")
        if fate in (S.DRAFT, S.REGISTERED) and rng.random() < 0.3:
            spec.extras.add("returned")

    def _showcase(self, specs: list[Spec]) -> None:
        """Khánh Hòa shows each kind of ledger correction and a decision awaited, whatever the dice say."""
        year = specs[0].year
        if year == self.today.year - 1:
            settled = [s for s in specs if s.fate == S.SETTLED and s.stop_target is None]
            showcase = ["wrong_payment", "recovery", "duplicate_advance", "reject_dates", "inspection"]
            for spec, extra in zip(settled, showcase, strict=False):
                spec.extras -= {"wrong_payment", "recovery", "savings", "duplicate_advance"}
                spec.extras.add(extra)
                spec.advance_pct = {"recovery": 70, "duplicate_advance": 30}.get(extra, spec.advance_pct)
        if year == self.today.year:
            for spec in specs:
                if spec.fate == S.IN_PROGRESS and "forced" in spec.extras:
                    spec.extras.add("pending_adjustment")

    # steps

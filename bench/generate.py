"""National-scale benchmark data: every province, every year, KCQG and KCĐP plans with revisions,
projects on every line, contracts and a ledger of advances, payments, reversals and recoveries.

Written with bulk_create, not through the services (the services write one audit record and run
several checks per entry, which would take hours at this size). The rules the services enforce are
kept by construction instead:

- plans are approved by a decision in December of the year before; a revision adds a line and
  replaces another (the old line is removed, the new one `replaces` it), approved on its own
  decision date — some before 30 September, some after, some never (draft); a few plans are
  still submitted (not in force) or approved late (after 30 September);
- years before 2025 belong to the 63 legacy provinces (their own Sở Công Thương and Khuyến công
  centre, created here with validity to 30/06/2025) and their legacy communes; 2025 onwards to the
  34 current provinces and their agencies from the reference data; the ministry has its own KCQG
  plan every year;
- a project's contracts never exceed its support; on a contract, advances stay within the advance
  rule's share, what is disbursed never exceeds the value, a recovery never exceeds what was
  disbursed, a reversal takes back at most its entry and is dated on or after it; on liquidation
  or a stop the commitment not disbursed is released by a reversing commitment entry;
- every entry's committed/disbursed deltas follow its kind (the table's CHECK constraint);
- the disbursed-by-month aggregate the services keep in step with the ledger is rebuilt from it at
  the end (finance.rollup.rollup_rebuild);
- nothing is dated after today.

Deterministic: one random.Random(seed) drives everything (given the same reference data and years).
"""

import datetime as dt
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import Agency, User
from khuyencong.catalog.models import Activity, Programme
from khuyencong.catalog.selectors import activities_of, programme_for
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.identity import comparable_name
from khuyencong.establishments.models import Establishment
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import AdvanceRule, Contract, LedgerEntry
from khuyencong.finance.rollup import rollup_rebuild
from khuyencong.geo.models import REFORM_DATE, AdministrativeUnit
from khuyencong.plans.choices import BudgetLevel, FundingSource, PlanStatus, RevisionStatus
from khuyencong.plans.models import LineTarget, Plan, PlanLine, PlanRevision
from khuyencong.plans.services import registration_deadline
from khuyencong.projects.choices import ImplementerKind, ProjectKind, ProjectState, StopDestination
from khuyencong.projects.models import Deliverable, Project
from khuyencong.projects.services.core import code_prefix

BATCH = 5_000
MILLION = 1_000_000
ACTOR = "bench"
S = ProjectState
# activity code → typical support of one project, in million đồng
TYPICAL = {
    "may-moc-thiet-bi": 450,
    "mo-hinh-trinh-dien": 600,
    "chuyen-giao-cong-nghe": 400,
    "sxsh-danh-gia": 120,
    "sxsh-thi-diem": 350,
    "binh-chon-san-pham": 150,
    "gian-hang-hoi-cho": 80,
    "to-chuc-hoi-cho": 900,
    "nhan-hieu": 90,
    "dao-tao-nghe": 110,
    "khoi-su-doanh-nghiep": 70,
    "tu-van": 60,
    "truyen-hinh-phat-thanh": 130,
    "ban-tin": 40,
    "hoi-thao": 90,
    "tham-quan-khao-sat": 150,
    "ha-tang-ccn": 2500,
    "quy-hoach-ccn": 300,
}
# What a finished year's projects end as (weights); the latest year is still under way.
FATES_PAST = {S.SETTLED: 86, S.STOPPED: 5, S.LIQUIDATED: 5, S.ACCEPTED: 4}
FATES_LATEST = {
    S.APPROVED: 4,
    S.CONTRACTED: 8,
    S.IN_PROGRESS: 36,
    S.ACCEPTED: 20,
    S.LIQUIDATED: 12,
    S.SETTLED: 14,
    S.STOPPED: 6,
}
ISSUER = {FundingSource.NATIONAL: "QĐ-BCT", FundingSource.LOCAL: "QĐ-UBND"}
ORDER = [S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.LIQUIDATED, S.SETTLED]


@dataclass
class Place:
    """A province as it was in a year: its unit, agencies, communes and a few establishments."""

    province: AdministrativeUnit
    sct: Agency
    ttkc: Agency
    communes: list[AdministrativeUnit]
    establishments: list[Establishment] = field(default_factory=list)


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(self.counts.items()))
        return f"{parts} in {self.seconds:.1f} s"


def _money(rng: random.Random, typical_million: int) -> int:
    """A support amount in whole đồng around `typical_million` (to the thousand đồng)."""
    return round(typical_million * MILLION * rng.uniform(0.5, 1.6) / 1000) * 1000


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _actor() -> User:
    user, created = User.objects.get_or_create(
        username=ACTOR, defaults={"full_name": "Dữ liệu đo hiệu năng", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


ESTABLISHMENTS_PER_PROVINCE = 6


def _places(legacy: bool, rng: random.Random, stats: Stats) -> list[Place]:
    """Provinces of one era with their agencies, up to 60 of their communes and a few establishments."""
    provinces = AdministrativeUnit.objects.provinces()
    provinces = provinces.legacy() if legacy else provinces.current()
    places = []
    for province in provinces.order_by("code"):
        suffix = "-cu" if legacy else ""  # the reference agencies of the province's time
        sct = Agency.objects.get(code=f"sct-{province.code}{suffix}")
        ttkc = Agency.objects.get(code=f"ttkc-{province.code}{suffix}")
        communes = list(
            AdministrativeUnit.objects.filter(level="commune", province=province).order_by("code")
        )
        if communes:
            places.append(Place(province, sct, ttkc, rng.sample(communes, k=min(60, len(communes)))))
    suffix = " (trước 2025)" if legacy else ""
    names = {
        id(place): [
            f"Cơ sở sản xuất {place.province.name} số {i}{suffix}"
            for i in range(1, ESTABLISHMENTS_PER_PROVINCE + 1)
        ]
        for place in places
    }
    existing = {
        e.name: e
        for e in Establishment.objects.filter(name__startswith="Cơ sở sản xuất ", name__endswith=suffix)
    }
    fresh = []
    for place in places:
        for name in names[id(place)]:
            if name not in existing:
                legal_form = rng.choice(
                    [LegalForm.HOUSEHOLD_BUSINESS, LegalForm.ENTERPRISE, LegalForm.COOPERATIVE]
                )
                existing[name] = Establishment(
                    legal_form=legal_form,
                    name=name,
                    search_name=comparable_name(name),
                    commune=rng.choice(place.communes),
                )
                fresh.append(existing[name])
    Establishment.objects.bulk_create(fresh, batch_size=BATCH)
    stats.counts["establishments"] += len(fresh)
    for place in places:
        place.establishments = [existing[name] for name in names[id(place)]]
    return places


class Generator:
    def __init__(self, years: list[int], seed: int, scale: float = 1.0, out=sys.stdout) -> None:
        self.years = sorted(years)
        self.latest = self.years[-1]
        self.rng = random.Random(seed)  # noqa: S311 — repeatable benchmark data
        self.scale = scale
        self.out = out
        self.today = timezone.localdate()
        self.stats = Stats()

    # --- reference lookups -------------------------------------------------------------------------

    def _setup(self) -> None:
        self.actor = _actor()
        self.ministry = Agency.objects.get(code="bct-cuc-kc")
        self.places = {
            True: _places(True, self.rng, self.stats),
            False: _places(False, self.rng, self.stats),
        }
        self.decree = Programme.objects.get(kind="decree")
        rules = {}
        for rule in AdvanceRule.objects.order_by("valid_from"):
            rules[rule.activity_id] = rule.max_share
        self.advance_share = rules
        self.indicators = {
            a.pk: sorted(a.indicators.all(), key=lambda i: i.code)
            for a in Activity.objects.prefetch_related("indicators")
        }

    def _programme(self, year: int) -> Programme:
        # The catalogue has no national programme before 2021 (the 2016–2020 one is not loaded): older
        # plans are filed under the decree's list of contents.
        return programme_for(year) or self.decree

    def _activities(self, programme: Programme, year: int) -> list[Activity]:
        on = dt.date(year, 1, 1)
        return [a for a in activities_of(programme, on).order_by("code") if a.code in TYPICAL]

    def _cutoff(self, year: int) -> dt.date:
        """Nothing after this date: the end of the year (a few payments spill into the next) or, for the
        latest year, 15 November — never after today."""
        end = dt.date(year, 11, 15) if year == self.latest else dt.date(year + 1, 3, 31)
        return min(end, self.today)

    # --- the run --------------------------------------------------------------------------------------

    def run(self) -> Stats:
        started = time.perf_counter()
        self._setup()
        for year in self.years:
            t = time.perf_counter()
            with transaction.atomic():
                n = self._year(year)
            print(f"  {year}: {n:,} projects ({time.perf_counter() - t:.1f} s)", file=self.out, flush=True)
        self.stats.counts["disbursed-by-month rows"] = rollup_rebuild()
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _year(self, year: int) -> int:
        rng = self.rng
        programme = self._programme(year)
        activities = self._activities(programme, year)
        legacy = year < REFORM_DATE.year
        places = self.places[legacy]
        # plans: each province-era's KCĐP (centre) and KCQG (department) plan, and the ministry's KCQG plan
        specs: list[tuple[Agency, AdministrativeUnit | None, str, Place | None]] = []
        for place in places:
            specs.append((place.ttkc, place.province, FundingSource.LOCAL, place))
            specs.append((place.sct, place.province, FundingSource.NATIONAL, place))
        specs.append((self.ministry, None, FundingSource.NATIONAL, None))
        plans, plan_places = [], []
        deadlines = {s: registration_deadline(s, year) for s in FundingSource.values}
        for agency, unit, source, place in specs:
            status = PlanStatus.APPROVED
            decision = dt.date(year - 1, 12, rng.randint(5, 28))
            roll = rng.random()
            if year == self.latest and roll < 0.02:
                status, decision = PlanStatus.SUBMITTED, None
            elif roll < 0.03:
                decision = dt.date(year, 10, rng.randint(1, 31))  # approved late: not in force on 30/09
            plans.append(
                Plan(
                    year=year,
                    agency=agency,
                    unit=unit,
                    source=source,
                    budget_level=BudgetLevel.NATIONAL
                    if source == FundingSource.NATIONAL
                    else BudgetLevel.PROVINCE,
                    programme=programme,
                    status=status,
                    registration_deadline=deadlines[source],
                    submitted_at=timezone.make_aware(
                        dt.datetime(year - 1, rng.choice([5, 6, 6, 7]), rng.randint(1, 28), 9)
                    ),
                    decision_number=f"{rng.randint(1000, 3999)}/{ISSUER[source]}" if decision else "",
                    decision_date=decision,
                    approved_by=self.actor if decision else None,
                    version=3,
                    created_by=self.actor,
                )
            )
            plan_places.append(place)
        Plan.objects.bulk_create(plans, batch_size=BATCH)
        self.stats.counts["plans"] += len(plans)

        # lines, with the projects each will carry (the line's amount covers its projects' support)
        lines: list[PlanLine] = []
        line_projects: list[list[int]] = []  # supports of the projects planned on each line
        per_line = (4, 10) if legacy else (8, 18)
        for plan in plans:
            k = rng.randint(6, 9) if plan.agency_id != self.ministry.pk else rng.randint(8, 12)
            for activity in rng.sample(activities, k=min(k, len(activities))):
                n = 0 if plan.status != PlanStatus.APPROVED or plan.decision_date.year == year else None
                if n is None:
                    n = max(1, round(rng.randint(*per_line) * self.scale))
                supports = [_money(rng, TYPICAL[activity.code]) for _ in range(n)]
                room = sum(supports) if supports else _money(rng, TYPICAL[activity.code]) * 5
                amount = round(room * rng.uniform(1.0, 1.15) / MILLION) * MILLION
                amount = max(amount, -(-sum(supports) // MILLION) * MILLION)
                lines.append(PlanLine(plan=plan, activity=activity, amount=amount))
                line_projects.append(supports)
        PlanLine.objects.bulk_create(lines, batch_size=BATCH)

        # revisions: about 40 % of approved plans get one (added line + changed line), 5 % a draft one
        revisions, revision_plans = [], []
        by_plan = defaultdict(list)
        for i, line in enumerate(lines):
            by_plan[line.plan_id].append(i)
        for plan in plans:
            if plan.status != PlanStatus.APPROVED or plan.decision_date.year == year or not by_plan[plan.pk]:
                continue
            roll = rng.random()
            if roll < 0.40:
                decided = _between(rng, dt.date(year, 3, 1), min(dt.date(year, 11, 30), self._cutoff(year)))
                revisions.append(
                    PlanRevision(
                        plan=plan,
                        number=1,
                        reason="Điều chỉnh, bổ sung kế hoạch giữa năm",
                        status=RevisionStatus.APPROVED,
                        decision_number=f"{rng.randint(4000, 6999)}/QĐ",
                        decision_date=decided,
                        approved_by=self.actor,
                        created_by=self.actor,
                    )
                )
                revision_plans.append(plan)
            elif roll < 0.45:
                revisions.append(
                    PlanRevision(plan=plan, number=1, reason="Đề xuất điều chỉnh", created_by=self.actor)
                )
                revision_plans.append(plan)
        PlanRevision.objects.bulk_create(revisions, batch_size=BATCH)
        new_lines, removed = [], []
        for revision, plan in zip(revisions, revision_plans, strict=True):
            activity = rng.choice(activities)
            supports = [_money(rng, TYPICAL[activity.code]) for _ in range(rng.randint(1, per_line[0]))]
            if revision.status != RevisionStatus.APPROVED:
                supports = []
            amount = -(-max(sum(supports), MILLION * 100) // MILLION) * MILLION
            new_lines.append(PlanLine(plan=plan, activity=activity, amount=amount, added_by=revision))
            line_projects.append(supports)
            old_index = rng.choice(by_plan[plan.pk])
            old = lines[old_index]
            floor = -(-sum(line_projects[old_index]) // MILLION) * MILLION
            changed = max(floor, old.amount + rng.choice([-1, 1]) * rng.randint(1, 30) * 10 * MILLION)
            new_lines.append(
                PlanLine(plan=plan, activity=old.activity, amount=changed, added_by=revision, replaces=old)
            )
            line_projects.append([])  # the old line keeps its projects
            old.removed_by = revision
            removed.append(old)
        PlanLine.objects.bulk_create(new_lines, batch_size=BATCH)
        PlanLine.objects.bulk_update(removed, ["removed_by"], batch_size=BATCH)
        approved = {r.plan_id for r in revisions if r.status == RevisionStatus.APPROVED}
        Plan.objects.filter(pk__in=approved).update(status=PlanStatus.REVISED)
        lines += new_lines
        self.stats.counts["plan lines"] += len(lines)
        self.stats.counts["plan revisions"] += len(revisions)

        targets = []
        for line in lines:
            indicators = self.indicators.get(line.activity_id)
            if indicators:
                targets.append(
                    LineTarget(
                        line=line, indicator=indicators[0], planned=max(1, line.amount // (200 * MILLION))
                    )
                )
        LineTarget.objects.bulk_create(targets, batch_size=BATCH)

        places_by_plan = {plan.pk: place for plan, place in zip(plans, plan_places, strict=True)}
        plans_by_pk = {plan.pk: plan for plan in plans}
        projects = self._projects(year, lines, line_projects, plans_by_pk, places_by_plan, legacy)
        return projects

    # --- projects, contracts, ledger ----------------------------------------------------------------

    def _projects(self, year, lines, line_projects, plans_by_pk, places_by_plan, legacy) -> int:
        rng = self.rng
        cutoff = self._cutoff(year)
        fates = FATES_LATEST if year == self.latest else FATES_PAST
        states, weights = list(fates), list(fates.values())
        all_places = self.places[legacy]
        projects: list[Project] = []
        contracts: list[Contract] = []
        originals: list[LedgerEntry] = []
        second: list[LedgerEntry] = []  # reversing entries: inserted once their originals have keys
        deliverables: list[Deliverable] = []
        counters: dict[str, int] = defaultdict(int)  # per code series: province, source, year
        prefixes = {
            a.pk: code_prefix(a) for a in Agency.objects.select_related("jurisdiction_unit__province")
        }
        for line, supports in zip(lines, line_projects, strict=True):
            if not supports:
                continue
            plan = plans_by_pk[line.plan_id]
            place = places_by_plan[plan.pk] or rng.choice(all_places)
            start_from = max(plan.decision_date, dt.date(year, 1, 2))
            if line.added_by is not None:
                start_from = max(start_from, line.added_by.decision_date)
            for support in supports:
                state = rng.choices(states, weights)[0]
                series = f"{prefixes[plan.agency_id]}-{plan.source_short}-{year}-"
                counters[series] += 1
                kind = rng.choices([ProjectKind.POINT, ProjectKind.GROUP, ProjectKind.TASK], [60, 25, 15])[0]
                commune = rng.choice(place.communes)
                est = rng.choice(place.establishments) if kind == ProjectKind.POINT else None
                implementer = self.ministry if plan.agency_id == self.ministry.pk else place.ttkc
                decision = _between(rng, start_from, max(start_from, dt.date(year, 6, 30)))
                decision = min(decision, cutoff)
                start = decision + dt.timedelta(days=rng.randint(5, 30))
                project = Project(
                    code=f"{series}{counters[series]:05d}",
                    year=year,
                    title=f"{line.activity.name} tại {commune.name}"[:500],
                    plan_line=line,
                    kind=kind,
                    managing_agency=plan.agency,
                    implementer_kind=ImplementerKind.ESTABLISHMENT if est else ImplementerKind.AGENCY,
                    implementer_establishment=est,
                    implementer_agency=None if est else implementer,
                    location=commune,
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(90, 240)),
                    support_amount=support,
                    counterpart_amount=round(support * rng.uniform(0, 1.5) / 1000) * 1000 if est else 0,
                    state=state,
                    appraised_on=decision - dt.timedelta(days=rng.randint(3, 20)),
                    decision_number=f"{rng.randint(100, 999)}/QĐ-SCT",
                    decision_date=decision,
                    approved_by=self.actor,
                    created_by=self.actor,
                )
                projects.append(project)
                if state != S.APPROVED:
                    self._money(project, cutoff, contracts, originals, second)
                indicators = self.indicators.get(line.activity_id)
                if indicators:
                    planned = rng.randint(1, 20)
                    achieved = None
                    if state in (S.ACCEPTED, S.LIQUIDATED, S.SETTLED):
                        achieved = max(0, planned + rng.randint(-3, 3))
                    deliverables.append(
                        Deliverable(
                            project=project,
                            year=project.year,
                            indicator=indicators[0],
                            planned=planned,
                            achieved=achieved,
                        )
                    )
        Project.objects.bulk_create(projects, batch_size=BATCH)
        Contract.objects.bulk_create(contracts, batch_size=BATCH)
        LedgerEntry.objects.bulk_create(originals, batch_size=BATCH)
        LedgerEntry.objects.bulk_create(second, batch_size=BATCH)
        Deliverable.objects.bulk_create(deliverables, batch_size=BATCH)
        self.stats.counts["projects"] += len(projects)
        self.stats.counts["contracts"] += len(contracts)
        self.stats.counts["ledger entries"] += len(originals) + len(second)
        self.stats.counts["deliverables"] += len(deliverables)
        return len(projects)

    def _money(self, project, cutoff, contracts, originals, second) -> None:
        """The project's contracts and ledger, and the lifecycle dates and closing figures they imply."""
        rng = self.rng
        year = project.year
        state = project.state
        stopped = state == S.STOPPED
        reach = ORDER.index(rng.choice([S.CONTRACTED, S.IN_PROGRESS]) if stopped else state)
        signed = min(project.decision_date + dt.timedelta(days=rng.randint(5, 45)), cutoff)
        parts = [project.support_amount]
        if rng.random() < 0.15 and project.support_amount >= 20 * MILLION:
            first = round(project.support_amount * rng.uniform(0.5, 0.8) / 1000) * 1000
            parts = [first, project.support_amount - first]
        own = [
            Contract(
                project=project,
                number=f"{n:02d}/{year}/HĐ-KC",
                signed_on=min(signed + dt.timedelta(days=30 * (n - 1)), cutoff),
                party_a=project.managing_agency.name,
                party_b=(project.implementer_establishment or project.implementer_agency).name,
                value=value,
                created_by=self.actor,
            )
            for n, value in enumerate(parts, start=1)
        ]
        contracts += own
        last_signed = max(c.signed_on for c in own)
        accepted = closing = None
        if reach >= ORDER.index(S.ACCEPTED):
            accepted = max(
                min(_between(rng, dt.date(year, 6, 1), dt.date(year, 11, 30)), cutoff), last_signed
            )
            project.accepted_on = accepted
        if state in (S.LIQUIDATED, S.SETTLED):
            project.liquidated_on = closing = min(accepted + dt.timedelta(days=rng.randint(10, 60)), cutoff)
            if state == S.SETTLED:
                project.settled_on = min(closing + dt.timedelta(days=rng.randint(5, 40)), cutoff)
        elif stopped:
            stop = min(_between(rng, dt.date(year, 5, 1), dt.date(year, 10, 31)), cutoff)
            project.stopped_on = closing = max(stop, last_signed)
            project.stop_reason = "Cơ sở không đủ điều kiện đối ứng"
            project.stop_destination = StopDestination.LINE
        activity = project.plan_line.activity_id
        share = self.advance_share.get(activity, self.advance_share.get(None, Decimal("0.7")))
        total = 0
        for contract in own:
            total += self._contract_ledger(
                project, contract, share, reach, accepted, closing, cutoff, originals, second
            )
        if state in (S.LIQUIDATED, S.SETTLED):
            project.final_value = total
        if stopped:
            project.released_amount = project.support_amount - total

    def _contract_ledger(
        self, project, contract, share, reach, accepted, closing, cutoff, originals, second
    ) -> int:
        """One contract's entries; returns what it disbursed in the end. Checked as the services check:
        advances within the rule's share and before acceptance, disbursed never above the value,
        recoveries within what was disbursed, reversals on or after their entry."""
        rng = self.rng
        value, signed = contract.value, contract.signed_on
        last = min(closing or cutoff, cutoff)
        events: list[tuple[dt.date, str, int]] = []
        limit = int((Decimal(value) * share).to_integral_value(rounding=ROUND_FLOOR))
        if reach >= ORDER.index(S.IN_PROGRESS):
            until = min(accepted or last, last)
            if limit > 0:
                events.append(
                    (
                        _between(rng, signed, min(signed + dt.timedelta(days=30), until)),
                        EntryKind.ADVANCE,
                        round(limit * rng.uniform(0.3, 0.7) / 1000) * 1000,
                    )
                )
                if rng.random() < 0.5:
                    events.append(
                        (
                            _between(rng, signed, min(signed + dt.timedelta(days=90), until)),
                            EntryKind.ADVANCE,
                            round(limit * rng.uniform(0.1, 0.4) / 1000) * 1000,
                        )
                    )
            for _ in range(rng.randint(3, 7)):
                events.append(
                    (
                        _between(rng, signed, until),
                        EntryKind.PAYMENT,
                        round(value * rng.uniform(0.04, 0.12) / 1000) * 1000,
                    )
                )
        if accepted is not None:
            final = min(accepted + dt.timedelta(days=rng.randint(3, 40)), last)
            events.append((max(final, signed), EntryKind.PAYMENT, -1))  # the rest, less a small saving
        events.sort(key=lambda e: e[0])
        commitment = self._entry(project, contract, EntryKind.COMMITMENT, value, signed, contract.number)
        originals.append(commitment)
        disbursed = advanced = 0
        latest = signed
        pending: list[tuple[dt.date, int, bool]] = []  # reversals not yet in effect: (date, amount, advance)
        for n, (on, kind, amount) in enumerate(events, start=1):
            # a reversal dated after this entry does not free room for it yet
            room = value - disbursed - sum(back for when, back, _a in pending if when > on)
            if kind == EntryKind.ADVANCE:
                amount = min(amount, limit - advanced - sum(b for w, b, adv in pending if adv and w > on))
            elif amount < 0:
                amount = room - round(room * rng.uniform(0, 0.05) / 1000) * 1000
            amount = min(amount, room)
            if amount <= 0:
                continue
            entry = self._entry(project, contract, kind, amount, on, f"UNC-{contract.number[:2]}-{n}")
            originals.append(entry)
            disbursed += amount
            advanced += amount if kind == EntryKind.ADVANCE else 0
            latest = max(latest, on)
            if rng.random() < 0.08:  # keyed wrong: reversed, in whole or in part, a few days later
                back = amount if rng.random() < 0.5 else round(amount * rng.uniform(0.1, 0.9) / 1000) * 1000
                if back > 0:
                    when = min(on + dt.timedelta(days=rng.randint(0, 20)), cutoff)
                    second.append(self._reversal(entry, back, when, "Ghi nhầm số tiền, hạch toán lại"))
                    pending.append((when, back, kind == EntryKind.ADVANCE))
                    disbursed -= back
                    advanced -= back if kind == EntryKind.ADVANCE else 0
                    latest = max(latest, when)
        if project.state == S.STOPPED and disbursed > 0 and rng.random() < 0.6:
            back = round(disbursed * rng.uniform(0.2, 1.0) / 1000) * 1000
            if back > 0:
                on = min(max(closing, latest) + dt.timedelta(days=rng.randint(5, 60)), cutoff)
                originals.append(
                    self._entry(project, contract, EntryKind.RECOVERY, back, on, f"GNT-{contract.number[:2]}")
                )
                disbursed -= back
                latest = max(latest, on)
        if closing is not None and value > disbursed:
            # liquidation or stop releases the commitment that will not be disbursed
            second.append(
                self._reversal(commitment, value - disbursed, max(closing, latest), "Giải phóng cam kết")
            )
        return disbursed

    def _entry(self, project, contract, kind, amount, on, reference) -> LedgerEntry:
        committed = amount if kind == EntryKind.COMMITMENT else 0
        disbursed = {EntryKind.COMMITMENT: 0, EntryKind.RECOVERY: -amount}.get(kind, amount)
        return LedgerEntry(
            project=project,
            contract=contract,
            kind=kind,
            amount=amount,
            committed_delta=committed,
            disbursed_delta=disbursed,
            value_date=on,
            reference=reference,
            recorded_by=self.actor,
        )

    def _reversal(self, entry: LedgerEntry, amount: int, on: dt.date, note: str) -> LedgerEntry:
        """Takes back `amount` of `entry`: the opposite signs, same kind, pointing at it."""
        return LedgerEntry(
            project=entry.project,
            contract=entry.contract,
            kind=entry.kind,
            amount=amount,
            committed_delta=-amount if entry.committed_delta else 0,
            disbursed_delta=-amount
            if entry.disbursed_delta > 0
            else (amount if entry.disbursed_delta < 0 else 0),
            value_date=on,
            reference=entry.reference,
            note=note,
            reverses=entry,
            recorded_by=self.actor,
        )


def generate(years: list[int], seed: int, *, scale: float = 1.0, out=sys.stdout) -> Stats:
    return Generator(years, seed, scale=scale, out=out).run()

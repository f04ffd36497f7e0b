"""Demonstration plans: for each of the last three years, a KCĐP plan (Khuyến công centre) and a KCQG
plan (Sở Công Thương) of every province of the time, approved in December of the year before, each
with one revision approved mid-year. A plan approved before the 2025 reform belongs to the old
province's agencies (the 63 provinces; their successors carry them after 30/06/2025), a later one to
today's 34. Written through the services, so the audit trail is complete. Deterministic and
idempotent (a plan that exists is left alone)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import Agency, User
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.catalog.selectors import activities_of, programme_for
from khuyencong.core.reference import LoadReport
from khuyencong.geo.models import REFORM_DATE, AdministrativeUnit
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan
from khuyencong.plans.services import (
    plan_approve,
    plan_create,
    plan_line_add,
    plan_submit,
    revision_add_line,
    revision_approve,
    revision_change_line,
    revision_create,
)

# activity code → (typical amount in million đồng, indicator code, units per billion)
LINES = {
    "may-moc-thiet-bi": (900, "co-so-may-moc", 5),
    "mo-hinh-trinh-dien": (700, "mo-hinh-trinh-dien", 1),
    "gian-hang-hoi-cho": (450, "gian-hang", 40),
    "binh-chon-san-pham": (250, "san-pham-tieu-bieu", 60),
    "dao-tao-nghe": (300, "hoc-vien", 200),
    "hoi-thao": (120, "hoi-thao", 20),
    "truyen-hinh-phat-thanh": (150, "chuong-trinh-truyen-hinh", 60),
    "nhan-hieu": (140, "nhan-hieu", 25),
    "sxsh-danh-gia": (200, "co-so-danh-gia-sxsh", 30),
    "khoi-su-doanh-nghiep": (160, "hoc-vien", 250),
}


def _million(rng: random.Random, typical: float) -> int:
    return round(typical * rng.uniform(0.6, 1.6)) * 1_000_000


@transaction.atomic
def demo_seed(*, report: LoadReport) -> None:
    actor = User.objects.filter(username="quantri").first()
    if actor is None:
        return
    indicators = {i.code: i for i in Indicator.objects.all()}
    this_year = timezone.localdate().year
    provinces = AdministrativeUnit.objects.provinces().order_by("code")
    for province in provinces.current():
        olds = list(provinces.legacy().filter(current_province=province))
        for year in range(this_year - 2, this_year + 1):
            programme = programme_for(year)
            if programme is None:
                continue
            allowed = set(activities_of(programme).values_list("code", flat=True))
            # approved in December of the year before: by the old provinces up to the 2025 plans
            then = olds if dt.date(year - 1, 12, 31) < REFORM_DATE and olds else [province]
            for unit in then:
                suffix = "" if unit.is_current else "-cu"
                for source, agency_code in ((FundingSource.LOCAL, "ttkc"), (FundingSource.NATIONAL, "sct")):
                    agency = Agency.objects.filter(code=f"{agency_code}-{unit.code}{suffix}").first()
                    if (
                        agency is None
                        or Plan.objects.filter(agency=agency, year=year, source=source).exists()
                    ):
                        continue
                    rng = random.Random(f"plan-{unit.code}{suffix}-{year}-{source}")  # noqa: S311 — repeatable
                    share = 1 / len(then)  # an old province had part of today's province's budget
                    _plan_seed(actor, agency, year, source, unit, rng, allowed, indicators, share)
                    report.created["plans"] += 1


def _plan_seed(actor, agency, year, source, province, rng, allowed, indicators, share=1.0) -> None:
    plan = plan_create(actor=actor, agency=agency, year=year, source=source)
    codes = [c for c in LINES if c in allowed]
    chosen = rng.sample(codes, k=min(len(codes), rng.randint(4, 6)))
    communes = list(
        AdministrativeUnit.objects.filter(province=province, level="commune").order_by("code")[:40]
    )
    for code in chosen[:-1]:
        typical, indicator_code, per_billion = LINES[code]
        amount = _million(rng, typical * share)
        plan_line_add(
            actor=actor,
            plan=plan,
            activity=_activity(code),
            amount=amount,
            unit=rng.choice(communes) if communes and rng.random() < 0.3 else None,
            targets={indicators[indicator_code]: max(1, round(amount / 1e9 * per_billion))},
        )
    plan.refresh_from_db()
    plan = plan_submit(actor=actor, plan=plan, version=plan.version)
    # Back-date the demo history: registered between 20 May and 30 June of the year before (some late).
    submitted = timezone.make_aware(dt.datetime(year - 1, rng.choice([5, 6, 6, 6]), rng.randint(1, 30), 9, 0))
    Plan.objects.filter(pk=plan.pk).update(submitted_at=submitted)
    plan.submitted_at = submitted
    plan_approve(
        actor=actor,
        plan=plan,
        decision_number=f"{rng.randint(1000, 3999)}/{_issuer(source)}",
        decision_date=dt.date(year - 1, 12, rng.randint(10, 28)),
    )
    revision = revision_create(
        actor=actor, plan=plan, reason="Điều chỉnh, bổ sung kế hoạch giữa năm theo đăng ký của các địa phương"
    )
    code = chosen[-1]
    typical, indicator_code, per_billion = LINES[code]
    amount = _million(rng, typical * share)
    revision_add_line(
        actor=actor,
        revision=revision,
        activity=_activity(code),
        amount=amount,
        targets={indicators[indicator_code]: max(1, round(amount / 1e9 * per_billion))},
    )
    first = plan.lines.order_by("pk").first()
    revision_change_line(
        actor=actor,
        revision=revision,
        line=first,
        amount=first.amount - 100_000_000 if first.amount > 200_000_000 else first.amount + 50_000_000,
    )
    revision_approve(
        actor=actor,
        revision=revision,
        decision_number=f"{rng.randint(4000, 6999)}/{_issuer(source)}",
        decision_date=dt.date(year, rng.randint(5, 8), rng.randint(1, 28)),
    )


def _issuer(source: str) -> str:
    return "QĐ-BCT" if source == FundingSource.NATIONAL else "QĐ-UBND"


def _activity(code: str) -> Activity:
    return Activity.objects.get(code=code)

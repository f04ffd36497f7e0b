"""The demo programme's entry point: plan by plan, province by province."""

import datetime as dt
import logging

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from khuyencong.accounts.models import Agency, User
from khuyencong.catalog.models import Indicator
from khuyencong.core.reference import LoadReport
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import region_of
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import Plan
from khuyencong.projects.models import Project

from ..accounts import DEMO_PROVINCE
from .data import REGION_PHRASE, Actors, Place, _lower_first, _short
from .seeder import _Seeder

# --- the entry point -------------------------------------------------------------------------------

log = logging.getLogger(__name__)


def demo_seed(*, report: LoadReport) -> None:
    # With DEBUG on, every statement is also logged, and on SQLite quoted by one more query: a third of
    # the time of this bulk load. The demo's statements are of no use in the log.
    with override_settings(DEBUG=False):
        _seed(report)


@transaction.atomic
def _seed(report: LoadReport) -> None:
    admin = User.objects.filter(username="quantri").first()
    if admin is None:
        return
    if Project.objects.exists():
        log.info("Demo projects: %s projects exist already; left alone.", Project.objects.count())
        return
    users = {u.username: u for u in User.objects.filter(username__in=["chi.lan", "anh.minh", "chi.ha"])}
    national = users.get("chi.ha", admin)
    today = timezone.localdate()
    indicators = {i.code: i for i in Indicator.objects.all()}
    seeder = _Seeder(today=today, indicators=indicators, report=report)
    plans = (
        Plan.objects.filter(status__in=[PlanStatus.APPROVED, PlanStatus.REVISED], unit__isnull=False)
        .select_related("agency", "unit", "programme")
        .order_by("unit__code", "year", "source")
    )
    by_unit: dict[int, list[Plan]] = {}
    for plan in plans:
        by_unit.setdefault(plan.unit_id, []).append(plan)
    for plans_of in by_unit.values():
        unit = plans_of[0].unit  # today's province, or an old one (plans before the 2025 reform)
        province = unit if unit.is_current else unit.current_province
        if province is None:
            continue
        if province.code == DEMO_PROVINCE and "chi.lan" in users and "anh.minh" in users:
            actors = Actors(users["chi.lan"], users["anh.minh"], users["anh.minh"], national)
        else:
            actors = Actors(admin, admin, admin, national)
        place = _place(province, actors, today, legacy=None if unit.is_current else unit)
        if place is None:
            continue
        for plan in plans_of:
            seeder.plan(place, plan)
    log.info("Demo projects: %s", dict(seeder.states))


def _place(
    province: AdministrativeUnit, actors: Actors, today: dt.date, legacy: AdministrativeUnit | None = None
) -> Place | None:
    """Where the projects of a plan take place: today's province, or, for a plan of an old province
    (`legacy`), the part of today's province that was that province — its communes are those whose
    predecessors lay in it, and the projects before the reform sit in those predecessors."""
    old_plan = legacy is not None
    centre_code = f"ttkc-{legacy.code}-cu" if legacy is not None else f"ttkc-{province.code}"
    centre = Agency.objects.filter(code=centre_code).first()
    communes = list(AdministrativeUnit.objects.current().filter(parent=province).order_by("code"))
    if legacy is None:
        # the projects of today's plans before the reform (none in the demo) sit in the old
        # province of the same code
        legacy = (
            AdministrativeUnit.objects.legacy()
            .provinces()
            .filter(code=province.code, current_province=province)
            .first()
        )
        old_communes = AdministrativeUnit.objects.legacy().filter(level="commune", current_province=province)
    else:
        old_communes = AdministrativeUnit.objects.legacy().filter(level="commune", province=legacy)
    predecessors: dict[int, AdministrativeUnit] = {}
    for unit in old_communes.filter(successor__in=[c.pk for c in communes]).order_by("code"):
        predecessors.setdefault(unit.successor_id, unit)
    if old_plan:
        communes = [c for c in communes if c.pk in predecessors]
    if centre is None or not communes:
        return None
    establishments = list(
        Establishment.objects.filter(commune__in=communes, merged_into__isnull=True)
        .select_related("commune")
        .order_by("pk")
    )
    region = region_of(province, today.year)
    return Place(
        province=province,
        legacy=legacy,
        short=_short(province.name),
        lower=_lower_first(province.name),
        region=REGION_PHRASE.get(region.code, str(region)) if region else "",
        centre=centre,
        communes=communes,
        establishments=establishments,
        predecessors=predecessors,
        actors=actors,
        share=1 / max(1, province.rolled_up_units.filter(level="province").exclude(pk=province.pk).count())
        if old_plan
        else 1.0,
    )

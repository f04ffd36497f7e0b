import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from khuyencong.geo.models import REFORM_DATE, AdministrativeUnit
from khuyencong.plans.choices import PlanStatus, RevisionStatus
from khuyencong.plans.models import Plan


def test_demo_plans_for_three_years_each_revised(world):
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    provinces = AdministrativeUnit.objects.provinces()
    plans = Plan.objects.select_related("agency", "unit")
    assert set(plans.values_list("year", flat=True)) == {year - 2, year - 1, year}
    expected = 0
    for plan_year in (year - 2, year - 1, year):
        # approved in December of the year before: by the provinces of that time, on their agencies
        before_reform = dt.date(plan_year - 1, 12, 31) < REFORM_DATE
        then = provinces.legacy() if before_reform else provinces.current()
        of_year = plans.filter(year=plan_year)
        assert of_year.count() == then.count() * 2
        expected += then.count() * 2
        for plan in of_year:
            assert plan.unit in then
            assert plan.agency.jurisdiction_unit == plan.unit
            assert plan.agency.in_force_during(plan_year)
            if before_reform:
                assert plan.agency.code.endswith("-cu")
                assert plan.agency.successor.jurisdiction_unit == plan.unit.current_province
    for plan in plans:
        assert plan.status == PlanStatus.REVISED
        assert plan.revisions.filter(status=RevisionStatus.APPROVED).count() == 1
        assert plan.lines.count() >= 4
        for line in plan.lines.exclude(unit=None).select_related("unit"):
            assert line.unit.province == plan.unit  # a line's commune is one of the plan's time
    call_command("seed_demo", verbosity=0)
    assert Plan.objects.count() == expected

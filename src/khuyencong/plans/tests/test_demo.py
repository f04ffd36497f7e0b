from django.core.management import call_command
from django.utils import timezone

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import PlanStatus, RevisionStatus
from khuyencong.plans.models import Plan


def test_demo_plans_for_three_years_each_revised(world):
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    provinces = AdministrativeUnit.objects.current().provinces()
    plans = Plan.objects.all()
    assert plans.count() == provinces.count() * 3 * 2
    assert set(plans.values_list("year", flat=True)) == {year - 2, year - 1, year}
    for plan in plans:
        assert plan.status == PlanStatus.REVISED
        assert plan.revisions.filter(status=RevisionStatus.APPROVED).count() == 1
        assert plan.lines.count() >= 4
    call_command("seed_demo", verbosity=0)
    assert Plan.objects.count() == provinces.count() * 6

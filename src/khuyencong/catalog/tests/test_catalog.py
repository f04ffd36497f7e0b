import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from khuyencong.catalog.models import Activity, ContentGroup, Indicator, Programme, SupportNorm
from khuyencong.catalog.selectors import activities_of, programme_for
from khuyencong.catalog.services import catalog_load, check_support
from khuyencong.core.errors import ValidationFailed

ON_2016 = dt.date(2016, 6, 1)


@pytest.fixture(autouse=True)
def _vi():
    with translation.override("vi"):
        yield


def machinery():
    return Activity.objects.get(code="may-moc-thiet-bi")


def test_catalogue_loads_once(world):
    counts = [m.objects.count() for m in (Programme, ContentGroup, Activity, Indicator, SupportNorm)]
    assert counts[0] == 4
    assert ContentGroup.objects.filter(programme__code="nd-45-2012").count() == 12
    assert ContentGroup.objects.filter(programme__code="ctkcqg-2021-2025").count() == 6
    report = catalog_load()
    assert not report.changed
    assert [m.objects.count() for m in (Programme, ContentGroup, Activity, Indicator, SupportNorm)] == counts


def test_admin_edits_survive_a_reload(world):
    activity = machinery()
    activity.name = "Hỗ trợ máy móc thiết bị (tên sửa)"
    activity.save()
    catalog_load()
    activity.refresh_from_db()
    assert activity.name == "Hỗ trợ máy móc thiết bị (tên sửa)"


def test_programme_groups_map_to_decree_groups(world):
    group1 = ContentGroup.objects.get(code="ct21-1")
    assert {g.code for g in group1.decree_groups.all()} == {"nd-3", "nd-7"}
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    assert machinery().group_in(programme) == group1
    assert machinery() in activities_of(programme)
    later = Programme.objects.get(code="ctkcqg-2026-2030")
    assert machinery().group_in(later).decree_groups.get().code == "nd-3"


def test_programme_for_a_year(world):
    assert programme_for(2023).code == "ctkcqg-2021-2025"
    assert programme_for(2027).code == "ctkcqg-2026-2030"
    assert programme_for(2019) is None


def test_provincial_programme_targets(world):
    dong_nai = Programme.objects.get(code="ctkc-dong-nai-2021-2025")
    target = dong_nai.targets.get(code="tang-truong-gtsx")
    assert (target.minimum, target.maximum, target.unit) == (Decimal(5), Decimal("5.4"), "%/năm")


def test_sixty_percent_machinery_support_is_refused_and_explained(world):
    result = check_support(
        activity=machinery(), eligible_cost=300_000_000, requested_support=180_000_000, on_date=ON_2016
    )
    assert not result.ok
    [violation] = result.violations
    assert violation.code == "share_exceeded"
    assert violation.norm.code == "may-moc-2014"
    assert violation.limit == 150_000_000
    assert "60,00%" in violation.message
    assert "50%" in violation.message
    assert "26/2014/TTLT-BTC-BCT" in violation.message


def test_250_million_machinery_support_per_establishment_is_refused(world):
    result = check_support(
        activity=machinery(), eligible_cost=600_000_000, requested_support=250_000_000, on_date=ON_2016
    )
    [violation] = result.violations
    assert violation.code == "cap_exceeded"
    assert violation.limit == 200_000_000
    assert "200.000.000 đ" in violation.message
    # Two establishments in a group project: the cap counts twice.
    result = check_support(
        activity=machinery(),
        eligible_cost=600_000_000,
        requested_support=250_000_000,
        on_date=ON_2016,
        per_unit_count=2,
    )
    assert result.ok
    assert result.limit == 300_000_000


def test_both_rules_reported_together(world):
    result = check_support(
        activity=machinery(), eligible_cost=400_000_000, requested_support=260_000_000, on_date=ON_2016
    )
    assert {v.code for v in result.violations} == {"share_exceeded", "cap_exceeded"}
    assert result.limit == 200_000_000


def test_norm_in_force_on_the_date(world):
    model = Activity.objects.get(code="mo-hinh-trinh-dien")
    before = check_support(
        activity=model, eligible_cost=3_000_000_000, requested_support=800_000_000, on_date=ON_2016
    )
    assert [v.code for v in before.violations] == ["cap_exceeded"]
    after = check_support(
        activity=model,
        eligible_cost=3_000_000_000,
        requested_support=800_000_000,
        on_date=dt.date(2019, 1, 1),
    )
    assert after.ok
    assert after.norms[0].code == "mo-hinh-2018"


def test_condition_selects_the_norm(world):
    booth = Activity.objects.get(code="gian-hang-hoi-cho")
    at_programme_fair = check_support(
        activity=booth,
        eligible_cost=20_000_000,
        requested_support=20_000_000,
        on_date=ON_2016,
        condition="programme_fair",
    )
    assert at_programme_fair.ok
    elsewhere = check_support(
        activity=booth,
        eligible_cost=20_000_000,
        requested_support=20_000_000,
        on_date=ON_2016,
        condition="other_fair",
    )
    assert [v.limit for v in elsewhere.violations] == [16_000_000]


def test_no_norm_means_no_limit(world):
    result = check_support(
        activity=Activity.objects.get(code="hoi-thao"),
        eligible_cost=10,
        requested_support=10,
        on_date=ON_2016,
    )
    assert result.ok
    assert result.norms == []
    assert result.limit is None


@pytest.mark.parametrize(
    ("cost", "requested", "code"),
    [(-1, 0, "negative_amount"), (100, 1.5, "not_integer_dong"), (Decimal(100), 10, "not_integer_dong")],
)
def test_bad_amounts_are_refused(world, cost, requested, code):
    with pytest.raises(ValidationFailed) as error:
        check_support(activity=machinery(), eligible_cost=cost, requested_support=requested, on_date=ON_2016)
    assert error.value.code == code


def test_support_above_cost_is_a_violation(world):
    result = check_support(activity=machinery(), eligible_cost=100, requested_support=101, on_date=ON_2016)
    assert "support_exceeds_cost" in {v.code for v in result.violations}

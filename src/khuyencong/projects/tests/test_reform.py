"""Projects and reports keep the agency and unit of their time across the 2025 reform."""

import datetime as dt

import pytest
from django.utils import translation

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import ValidationFailed
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.choices import ImplementerKind, ProjectKind
from khuyencong.projects.forms import ProjectForm
from khuyencong.projects.models import Project
from khuyencong.projects.services import project_create
from khuyencong.reporting.services import submission_submit
from khuyencong.reporting.tests.test_periods import approved_line


def _create(world, line, location, start: dt.date) -> Project:
    return project_create(
        actor=world.user(Role.SYSTEM_ADMIN),
        plan_line=line,
        title="Hội thảo",
        kind=ProjectKind.TASK,
        implementer_kind=ImplementerKind.AGENCY,
        implementer_agency=line.plan.agency,
        location=location,
        start_date=start,
        end_date=dt.date(start.year, 12, 15),
        support_amount=50_000_000,
    )


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_a_project_sits_in_a_unit_of_its_year(world):
    line = approved_line(world, world.agency("ttkc-58-cu"), 2024, 1_000_000_000)
    with pytest.raises(ValidationFailed) as refused:  # phường Phan Rang exists from 1/7/2025
        _create(world, line, world.phan_rang, dt.date(2024, 3, 1))
    assert "không tồn tại trong năm 2024" in refused.value.details["errors"]["location"]
    project = _create(world, line, world.phan_rang_predecessor, dt.date(2024, 3, 1))
    assert project.managing_agency == world.agency("ttkc-58-cu")  # the centre of that time

    today = approved_line(world, world.agency("ttkc-56"), 2026, 1_000_000_000)
    with pytest.raises(ValidationFailed) as refused:
        _create(world, today, world.phan_rang_predecessor, dt.date(2026, 3, 1))
    assert "không tồn tại trong năm 2026" in refused.value.details["errors"]["location"]
    assert Project.objects.count() == 1


def test_an_old_provinces_2025_plan_is_carried_by_its_successor_after_the_reform(world):
    line = approved_line(world, world.agency("ttkc-58-cu"), 2025, 1_000_000_000)
    before = _create(world, line, world.phan_rang_predecessor, dt.date(2025, 3, 1))
    after = _create(world, line, world.phan_rang, dt.date(2025, 8, 1))
    assert before.managing_agency == world.agency("ttkc-58-cu")
    assert after.managing_agency == world.agency("ttkc-56")
    # not elsewhere: today's Đà Nẵng is not the old Ninh Thuận's successor
    danang = AdministrativeUnit.objects.current().filter(parent=world.da_nang).order_by("code").first()
    with pytest.raises(ValidationFailed) as refused:
        _create(world, line, danang, dt.date(2025, 8, 1))
    assert "location" in refused.value.details["errors"]


def test_the_project_form_offers_the_old_units_after_todays(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    units = list(ProjectForm(user=officer).fields["location"].queryset)
    assert world.phan_rang_predecessor in units
    assert world.khanh_hoa in units
    assert units.index(world.khanh_hoa) < units.index(world.phan_rang_predecessor)


def test_a_report_before_the_reform_is_the_old_provinces(world):
    with pytest.raises(ValidationFailed) as refused:
        submission_submit(
            actor=world.user(Role.PROVINCE_OFFICER), unit=world.khanh_hoa, year=2024, through_month=12
        )
    assert refused.value.code == "unit_not_in_force"
    message = str(refused.value.message)
    assert "Ninh Thuận" in message
    assert "Khánh Hòa" in message

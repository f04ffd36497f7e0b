"""The narrative: the default wording, and a template an administrator edits (in force by date)."""

import datetime as dt

import pytest

from khuyencong.reporting.admin import NarrativeTemplateForm
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.models import NarrativeTemplate
from khuyencong.reporting.report import build_report
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(world):
    return make_project(world, state="settled", support=150_000_000)


def _narrative(year=2025) -> str:
    return build_report(parse_scope("unit:56", year), Period(year, 12))["narrative_vi"]


def test_the_default_says_when_a_source_has_no_plan_and_lists_the_indicators(settled):
    text = _narrative()
    assert "KCQG 0,00 tỷ đồng (không có kế hoạch KCQG)" in text
    assert "KCĐP 0,15 tỷ đồng (đạt 0,30% kế hoạch KCĐP)" in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[2].startswith("Kết quả thực hiện các chỉ tiêu:")
    assert "máy móc thiết bị" in paragraphs[2]


def test_an_edited_template_in_force_at_the_end_of_the_period_is_used(settled):
    NarrativeTemplate.objects.create(
        name="Mẫu 2025",
        body="{{ scope.label }}: giải ngân {{ executed_total }}, đạt {{ rate }} & {{ heading }}.",
        valid_from=dt.date(2025, 1, 1),
    )
    assert _narrative() == "Tỉnh Khánh Hòa: giải ngân 0,15 tỷ đồng, đạt 0,30% & Cả năm 2025."  # not escaped
    assert _narrative(2024).startswith("Kế hoạch kinh phí khuyến công")  # before it: the default


def test_the_admin_refuses_a_template_that_does_not_compile(world):
    form = NarrativeTemplateForm(data={"name": "Hỏng", "body": "{% if rate %}thiếu endif", "valid_from": ""})
    assert not form.is_valid()
    assert "body" in form.errors
    fresh = NarrativeTemplateForm()
    assert "{{ plan_total }}" in fresh.initial["body"]  # a new template starts from the default


def test_a_region_says_its_share_of_the_nation(world, settled):
    make_project(world, "foreign", state="settled", support=50_000_000)
    text = build_report(parse_scope("region:mttn", 2025), Period(2025, 12))["narrative_vi"]
    # 150 of the nation's 200 triệu: Khánh Hòa is in the region, Hà Nội not
    assert "chiếm 75,00% tổng giải ngân toàn quốc (KCĐP 75,00%)" in text
    assert "kế hoạch của vùng bằng 50,00% kế hoạch toàn quốc" in text
    assert "toàn quốc" not in _narrative()  # a province's narrative has no such sentence


def test_counts_are_grouped_by_thousands(world, settled):
    from khuyencong.reporting.narrative import _indicators

    rows = [{"name": "Hội thảo", "unit": "đại biểu", "planned": 1500, "achieved": 1255}]
    assert _indicators(rows)[0]["achieved"] == "1.255"
    assert _indicators(rows)[0]["planned"] == "1.500"


def test_a_report_added_up_from_some_provinces_says_which(world, settled):
    from khuyencong.testing.reports import approved_report

    approved_report(world, 2025, 12)
    report = build_report(parse_scope("region:mttn", 2025), Period(2025, 12), source="submitted")
    assert f"1/2 tỉnh, thành phố đã gửi báo cáo (chưa có: {world.da_nang.name})" in report["narrative_vi"]
    live = build_report(parse_scope("region:mttn", 2025), Period(2025, 12))
    assert "đã gửi báo cáo" not in live["narrative_vi"]

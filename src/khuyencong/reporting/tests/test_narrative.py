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

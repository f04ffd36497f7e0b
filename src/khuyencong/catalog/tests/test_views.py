"""The catalogue pages with the full reference catalogue loaded (the test world). Who may open them is
tested by the access harness (catalog/tests/doors.py); here: what they show."""

import re
from html import unescape

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Programme
from khuyencong.core.errors import ValidationFailed

MACHINERY = "may-moc-thiet-bi"


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def row(html: str, attribute: str, value: str) -> str:
    """The text of the table row marked attribute="value" (tags dropped, spaces collapsed)."""
    match = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {attribute}={value}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def check(client, **params):
    return page(client, reverse("catalog:support_check"), **params)


def test_home_lists_the_programmes_with_their_group_counts(officer):
    html = page(officer, reverse("catalog:home"))
    assert "Danh mục chương trình" in html  # Vietnamese first
    national = row(html, "data-programme-code", "ctkcqg-2021-2025")
    assert "Quyết định 1881/QĐ-TTg" in national
    assert "2021–2025" in national
    assert national.endswith(" 6")  # content groups
    assert row(html, "data-programme-code", "nd-45-2012").endswith(" 12")
    for name in ("catalog:norm_list", "catalog:indicator_list", "catalog:support_check"):
        assert f'href="{reverse(name)}"' in html
    assert 'href="/danh-muc/"' in html  # the navigation bar's new item


def test_home_empty_state(officer, monkeypatch):
    # Catalogue rows are protected from deletion (plans will refer to them): show an empty catalogue.
    monkeypatch.setattr("khuyencong.catalog.selectors.programme_summaries", lambda: Programme.objects.none())
    html = page(officer, reverse("catalog:home"))
    assert 'data-testid="empty"' in html
    assert "load_reference" in html


def test_programme_detail_groups_activities_and_decree_groups(officer):
    html = page(officer, reverse("catalog:programme_detail", args=["ctkcqg-2021-2025"]))
    assert "Chương trình khuyến công quốc gia giai đoạn 2021–2025" in html
    assert "Quyết định 1881/QĐ-TTg" in html
    group1 = row(html, "data-group-code", "ct21-1")
    assert "Hỗ trợ ứng dụng máy móc thiết bị" in group1
    assert reverse("catalog:activity_detail", args=[MACHINERY]) in html
    decree = reverse("catalog:programme_detail", args=["nd-45-2012"])
    assert f'href="{decree}#group-nd-3"' in html
    assert f'href="{decree}#group-nd-7"' in html
    assert 'data-testid="target-table"' not in html  # the national programme has no targets


def test_programme_detail_targets_and_note(officer):
    html = page(officer, reverse("catalog:programme_detail", args=["ctkc-dong-nai-2021-2025"]))
    targets = html[html.index('data-testid="target-table"') :]
    assert "Tăng trưởng bình quân giá trị sản xuất CNNT" in targets
    assert "5–5,4" in targets
    assert "900.000.000" in targets
    assert "%/năm" in targets
    later = page(officer, reverse("catalog:programme_detail", args=["ctkcqg-2026-2030"]))
    assert 'data-testid="programme-note"' in later


def test_unknown_codes_are_404(officer):
    assert officer.get(reverse("catalog:programme_detail", args=["khong-co"])).status_code == 404
    assert officer.get(reverse("catalog:activity_detail", args=["khong-co"])).status_code == 404


def test_activity_detail_norms_groups_and_indicators(officer):
    html = page(officer, reverse("catalog:activity_detail", args=[MACHINERY]))
    norm = row(html, "data-norm-code", "may-moc-2014")
    assert "Thông tư liên tịch 26/2014/TTLT-BTC-BCT" in norm
    assert "50%" in norm
    assert "200.000.000 đ" in norm
    assert "mỗi cơ sở" in norm
    assert "04/04/2014" in norm
    groups = html[html.index('data-testid="activity-groups"') :]
    assert "Chương trình khuyến công quốc gia giai đoạn 2021–2025" in groups
    assert "#group-ct21-1" in groups
    assert "#group-nd-3" in groups
    indicators = html[html.index('data-testid="activity-indicators"') :]
    assert "<li" in indicators
    assert f"{reverse('catalog:support_check')}?activity={MACHINERY}" in html


def test_norm_list_caps_change_with_the_date(officer):
    url = reverse("catalog:norm_list")
    in_2016 = page(officer, url, on="01/06/2016")
    assert "500.000.000 đ" in row(in_2016, "data-norm-code", "mo-hinh-2014")
    assert 'data-norm-code="mo-hinh-2018"' not in in_2016
    assert "01/06/2016" in in_2016
    in_2019 = page(officer, url, on="01/06/2019")
    assert "1.000.000.000 đ" in row(in_2019, "data-norm-code", "mo-hinh-2018")
    assert 'data-norm-code="mo-hinh-2014"' not in in_2019


def test_norm_list_filters_by_activity_and_defaults_to_today(officer):
    html = page(officer, reverse("catalog:norm_list"), activity="mo-hinh-trinh-dien")
    assert 'data-norm-code="mo-hinh-2018"' in html
    assert 'data-norm-code="may-moc-2014"' not in html
    today = page(officer, reverse("catalog:norm_list"))
    assert 'data-norm-code="may-moc-2014"' in today
    assert 'data-norm-code="mo-hinh-2014"' not in today


def test_norm_list_with_a_bad_date_explains_and_still_answers(officer):
    html = page(officer, reverse("catalog:norm_list"), on="31/02/2016")
    assert 'data-testid="form-errors"' in html
    assert "Nhập ngày theo dạng dd/mm/yyyy" in html
    assert 'value="31/02/2016"' in html  # what was typed is kept
    assert "is-invalid" in html
    assert 'data-norm-code="may-moc-2014"' in html  # today's norms meanwhile


def test_indicator_list(officer):
    html = page(officer, reverse("catalog:indicator_list"))
    assert 'data-testid="indicator-table"' in html
    assert reverse("catalog:activity_detail", args=[MACHINERY]) in html
    assert html.count("data-indicator-code=") == 25


def test_support_check_form_defaults(officer):
    html = check(officer)
    assert 'data-testid="check-result"' not in html
    assert 'name="per_unit_count" value="1"' in html
    assert re.search(r'name="on" value="\d\d/\d\d/\d{4}"', html)
    preselected = check(officer, activity=MACHINERY)
    assert f'<option value="{MACHINERY}" selected>' in preselected
    assert 'data-testid="form-errors"' not in preselected


def test_support_check_shows_the_sixty_percent_machinery_violation(officer):
    html = check(
        officer,
        activity=MACHINERY,
        eligible_cost="300.000.000",
        requested_support="180 triệu",
        on="01/06/2016",
    )
    violations = re.findall(r'data-testid="violation" data-code="(\w+)"', html)
    assert violations == ["share_exceeded"]
    assert "60,00%" in html
    assert "Thông tư liên tịch 26/2014/TTLT-BTC-BCT" in html
    assert re.search(r'data-testid="limit">\s*150\.000\.000 đ', html)
    assert 'data-norm-code="may-moc-2014"' in html
    assert 'value="180 triệu"' in html  # the form keeps what was typed


def test_support_check_both_rules_and_ok(officer):
    html = check(
        officer,
        activity=MACHINERY,
        eligible_cost="400.000.000",
        requested_support="260 triệu",
        on="01/06/2016",
    )
    assert set(re.findall(r'data-testid="violation" data-code="(\w+)"', html)) == {
        "share_exceeded",
        "cap_exceeded",
    }
    assert re.search(r'data-testid="limit">\s*200\.000\.000 đ', html)
    ok = check(
        officer,
        activity=MACHINERY,
        eligible_cost="1,5 tỷ",
        requested_support="250 triệu",
        on="01/06/2016",
        per_unit_count="2",
    )
    assert 'data-testid="check-ok"' in ok
    assert re.search(r'data-testid="limit">\s*400\.000\.000 đ', ok)


def test_support_check_condition_and_no_norm(officer):
    booth = check(
        officer,
        activity="gian-hang-hoi-cho",
        eligible_cost="20 triệu",
        requested_support="20 triệu",
        on="01/06/2016",
        condition="other_fair",
    )
    assert re.findall(r'data-testid="violation" data-code="(\w+)"', booth) == ["share_exceeded"]
    free = check(
        officer, activity="hoi-thao", eligible_cost="10 triệu", requested_support="10 triệu", on="01/06/2016"
    )
    assert 'data-testid="check-ok"' in free
    assert "không có định mức nào giới hạn" in free


def test_support_check_bad_money_shows_the_field_error_and_keeps_the_values(officer):
    html = check(
        officer,
        activity=MACHINERY,
        eligible_cost="ba trăm triệu",
        requested_support="-5 triệu",
        on="01/06/2016",
    )
    assert 'data-testid="check-result"' not in html
    assert 'data-testid="form-errors"' in html
    assert 'data-testid="error-eligible_cost"' in html
    assert "Nhập số tiền bằng đồng, ví dụ 1.500.000.000 hoặc 1,5 tỷ." in html
    assert 'data-testid="error-requested_support"' in html
    assert "Số tiền không được âm." in html
    assert 'value="ba trăm triệu"' in html
    assert 'value="-5 triệu"' in html
    assert f'<option value="{MACHINERY}" selected>' in html


def test_support_check_bad_date_count_and_activity(officer):
    html = check(
        officer,
        activity="khong-co",
        eligible_cost="1 tỷ",
        requested_support="1 triệu",
        on="2016-13-01",
        per_unit_count="0",
    )
    for field in ("activity", "on", "per_unit_count"):
        assert f'data-testid="error-{field}"' in html, field
    assert 'data-testid="check-result"' not in html


def test_a_domain_error_from_the_service_is_a_form_error(officer, monkeypatch):
    def refuse(**kwargs):
        raise ValidationFailed("eligible_cost is wrong", code="negative_amount", field="eligible_cost")

    monkeypatch.setattr("khuyencong.catalog.views.check_support", refuse)
    html = check(
        officer, activity=MACHINERY, eligible_cost="1 tỷ", requested_support="1 triệu", on="01/06/2016"
    )
    assert 'data-testid="error-eligible_cost"' in html
    assert "eligible_cost is wrong" in html
    assert 'data-testid="check-result"' not in html


def test_pages_in_english(officer):
    officer.cookies["django_language"] = "en"
    html = page(officer, reverse("catalog:home"))
    assert "Programme catalogue" in html
    result = check(
        officer,
        activity=MACHINERY,
        eligible_cost="300.000.000",
        requested_support="180 triệu",
        on="01/06/2016",
    )
    assert "60.00%" in result
    assert "150,000,000 VND" in result

"""The event pages driven as an officer would, checking what they change and what they show."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.models import ListExport
from khuyencong.events.models import ArtisanTitle, Fair, FairParticipation, SelectionEntry, Training
from khuyencong.events.tests import builders as b
from khuyencong.testing.exports import column, exported


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_officer_records_a_fair_and_the_booths_taken(officer, world):
    response = officer.post(
        reverse("events:fair_create"),
        {
            "name": "Hội chợ Công Thương Khánh Hòa 2025",
            "level": "province",
            "place": "Quảng trường 2/4, Nha Trang",
            "location": world.khanh_hoa.pk,
            "organiser": world.agency("ttkc-56").pk,
            "start_date": "08/10/2025",
            "end_date": "13/10/2025",
            "booths_total": "200",
        },
    )
    fair = Fair.objects.get()
    assert response["Location"] == reverse("events:fair_detail", args=[fair.pk])
    assert fair.start_date == dt.date(2025, 10, 8)
    est = b.establishment(world, world.phan_rang, name="Cơ sở bánh tráng Tư Hương")
    response = officer.post(
        reverse("events:participation_add", args=[fair.pk]),
        {"establishment": est.pk, "booths": "2", "support_amount": "19,2 triệu"},
    )
    assert response.status_code == 302
    assert FairParticipation.objects.get().support_amount == 19_200_000
    page = officer.get(reverse("events:fair_detail", args=[fair.pk])).content.decode()
    assert "Cơ sở bánh tráng Tư Hương" in page
    assert "19.200.000 đ" in page
    assert "08/10/2025" in page

    again = officer.post(
        reverse("events:participation_add", args=[fair.pk]), {"establishment": est.pk, "booths": "1"}
    )
    assert again.status_code == 400
    assert "establishment" in again.context["form"].errors
    assert FairParticipation.objects.count() == 1

    part = FairParticipation.objects.get()
    officer.post(reverse("events:participation_remove", args=[fair.pk, part.pk]))
    assert not FairParticipation.objects.exists()


def test_a_refused_fair_keeps_what_was_typed(officer, world):
    response = officer.post(
        reverse("events:fair_create"),
        {
            "name": "Hội chợ",
            "level": "province",
            "place": "Hà Nội",
            "location": world.khanh_hoa.pk,
            "organiser": world.agency("ttkc-56").pk,
            "start_date": "13/10/2025",
            "end_date": "08/10/2025",
            "booths_total": "10",
        },
    )
    assert response.status_code == 400
    assert "end_date" in response.context["form"].errors
    assert 'value="Hà Nội"' in response.content.decode()
    assert not Fair.objects.exists()


def test_scoring_and_certifying_from_the_selection_page(officer, world):
    entry = b.entry(world, establishment=b.establishment(world, world.phan_rang_predecessor))
    selection = entry.selection
    args = [selection.pk, entry.pk]
    page = officer.get(reverse("events:selection_detail", args=[selection.pk])).content.decode()
    assert f'data-testid="score-form-{entry.pk}"' in page
    officer.post(reverse("events:entry_score", args=args), {"juror": "Ông A", "score": "82,5"})
    officer.post(reverse("events:entry_score", args=args), {"juror": "Bà B", "score": "90"})
    entry.refresh_from_db()
    assert str(entry.total_score) == "86.25"
    response = officer.post(
        reverse("events:entry_certify", args=args), {"certificate_number": "", "valid_from": "x"}
    )
    assert any(
        "Certificate number" in m or "Số giấy chứng nhận" in m
        for m in _messages(officer.get(response["Location"]))
    )
    entry.refresh_from_db()
    assert entry.result == "pending"
    officer.post(
        reverse("events:entry_certify", args=args),
        {"certificate_number": "3/GCN", "valid_from": "14/11/2025"},
    )
    entry.refresh_from_db()
    assert entry.result == "certified"
    assert entry.certificate_valid_to == dt.date(2028, 11, 13)
    entry.establishment.refresh_from_db()
    assert entry.establishment.typical_product
    page = officer.get(reverse("events:selection_detail", args=[selection.pk])).content.decode()
    assert "3/GCN" in page
    assert "13/11/2028" in page
    assert f'data-testid="score-form-{entry.pk}"' not in page


def test_read_only_roles_see_no_forms_and_are_refused(client, world):
    entry = b.entry(world, establishment=b.establishment(world, world.phan_rang_predecessor), scores=(90,))
    client.force_login(world.user(Role.AUDITOR))
    page = client.get(reverse("events:selection_detail", args=[entry.selection_id])).content.decode()
    assert "score-form" not in page
    response = client.post(
        reverse("events:entry_certify", args=[entry.selection_id, entry.pk]),
        {"certificate_number": "1", "valid_from": "01/01/2025"},
    )
    assert response.status_code == 403
    assert SelectionEntry.objects.get().result == "pending"


def test_titles_trainings_and_the_overview(officer, world):
    response = officer.post(
        reverse("events:title_create"),
        {
            "person_name": "Đàng Thị Phan",
            "kind": "artisan",
            "level": "national",
            "craft": "gốm Bàu Trúc",
            "year": "2025",
            "decision_number": "1258/QĐ-BCT",
            "decision_date": "02/09/2025",
            "unit": world.phan_rang.pk,
        },
    )
    assert response.status_code == 302
    assert ArtisanTitle.objects.get().decision_date == dt.date(2025, 9, 2)
    assert "Đàng Thị Phan" in officer.get(reverse("events:title_list")).content.decode()

    response = officer.post(
        reverse("events:training_create"),
        {
            "kind": "workshop",
            "title": "Hội thảo chuyển đổi số",
            "start_date": "06/11/2025",
            "end_date": "06/11/2025",
            "location": world.khanh_hoa.pk,
            "organiser": world.agency("ttkc-56").pk,
            "participants_count": "120",
        },
    )
    training = Training.objects.get()
    assert response["Location"] == reverse("events:training_detail", args=[training.pk])
    officer.post(reverse("events:trainee_add", args=[training.pk]), {"name": "Nguyễn Văn Tâm"})
    training.refresh_from_db()
    assert training.participants_count == 1

    b.participation(world, booths=3)
    home = officer.get(reverse("events:home") + "?year=2025")
    counts = dict(home.context["tiles"])
    by_code = {indicator.code: n for indicator, n in counts.items()}
    assert by_code["gian-hang"] == 3
    assert by_code["nghe-nhan"] == 1
    assert by_code["dai-bieu"] == 1
    assert "Hội thảo chuyển đổi số" in home.content.decode()


def test_lists_filter_by_year_and_text(officer, world):
    old = b.fair(
        world, name="Hội chợ Xuân 2024", start_date=dt.date(2024, 1, 20), end_date=dt.date(2024, 1, 25)
    )
    new = b.fair(world, name="Hội chợ Công Thương 2025")
    page = officer.get(reverse("events:fair_list") + "?year=2024").content.decode()
    assert reverse("events:fair_detail", args=[old.pk]) in page
    assert reverse("events:fair_detail", args=[new.pk]) not in page
    page = officer.get(reverse("events:fair_list") + "?q=công+thương").content.decode()
    assert reverse("events:fair_detail", args=[new.pk]) in page


def test_establishment_profile_lists_its_fairs_and_selection_entries(client, world):
    from khuyencong.accounts.choices import Role as R
    from khuyencong.events.tests import builders

    entered = builders.entry(world)
    taken = builders.participation(world, establishment=entered.establishment)
    client.force_login(world.user(R.PROVINCE_OFFICER))
    body = client.get(reverse("establishments:detail", args=[taken.establishment_id])).content.decode()
    assert taken.fair.name in body
    assert entered.product_name in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_event_list_exports_exactly_its_filtered_rows(officer, world, fmt):
    b.fair(world, name="Hội chợ Xuân 2024", start_date=dt.date(2024, 1, 20), end_date=dt.date(2024, 1, 25))
    b.fair(world, name="Hội chợ Công Thương 2025")
    b.fair(world, "foreign", name="Hội chợ ngoài địa bàn 2025")
    b.selection(world, name="Bình chọn sản phẩm 2025")
    b.title(world, person_name="Đàng Thị Phan")
    b.training(world, title="Tập huấn chuyển đổi số")
    for url_name, query, header, expected in [
        ("events:fair_list", "year=2025", "Hội chợ", ["Hội chợ Công Thương 2025"]),
        ("events:fair_list", "q=xuân", "Hội chợ", ["Hội chợ Xuân 2024"]),
        ("events:selection_list", "", "Đợt bình chọn", ["Bình chọn sản phẩm 2025"]),
        ("events:title_list", "q=phan", "Họ và tên", ["Đàng Thị Phan"]),
        ("events:training_list", "kind=training", "Tên", ["Tập huấn chuyển đổi số"]),
    ]:
        url = f"{reverse(url_name)}?{query}&export={fmt}&page=3"
        response = officer.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        rows = exported(response, fmt)
        assert column(rows, header) == expected, url
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert officer.get(reverse("events:fair_list") + "?export=pdf").status_code == 404


def test_a_long_list_is_exported_by_the_worker_with_progress(
    officer, world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_ROWS = 1
    for n in range(3):
        b.fair(world, name=f"Hội chợ số {n}")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.get(reverse("events:fair_list") + "?q=số&export=xlsx")
    job = ListExport.objects.get()
    assert response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.status, job.progress, job.rows_total) == ("done", 100, 3)
    assert job.list_url == reverse("events:fair_list") + "?q=s%E1%BB%91"
    page = officer.get(response["Location"])
    assert page.status_code == 200
    assert reverse("core:export_file", args=[job.pk]) in page.content.decode()
    rows = exported(officer.get(reverse("core:export_file", args=[job.pk])), "xlsx")
    assert sorted(column(rows, "Hội chợ")) == ["Hội chợ số 0", "Hội chợ số 1", "Hội chợ số 2"]
    officer.force_login(world.user(Role.MINISTRY_OFFICER))  # another user: the job does not exist
    assert officer.get(reverse("core:export_job", args=[job.pk])).status_code == 404
    assert officer.get(reverse("core:export_file", args=[job.pk])).status_code == 404

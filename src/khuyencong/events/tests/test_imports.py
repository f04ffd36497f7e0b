"""Trainings with their trainees, and artisan titles, from a workbook (events.imports): rows checked by
the events' rules (units read with the row's date, the jurisdiction, the project's activity and
period), trainees naming a training of the same workbook or one recorded, everything written at
once with the audit — or nothing; the lists' "for editing" export imports back unchanged."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import ImportInvalid, check_file, import_confirm, import_upload
from khuyencong.core.models import AuditEntry
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.services import establishment_create
from khuyencong.events.models import ArtisanTitle, Trainee, Training
from khuyencong.events.tests import builders as b
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Deliverable
from khuyencong.testing.imports import cell_errors, outcomes_of, workbook
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

TRAINING_HEADER = [
    "kind",
    "title",
    "start_date",
    "end_date",
    "location_code",
    "organiser_code",
    "participants_count",
    "project_code",
    "note",
]
TRAINEE_HEADER = [
    "training_title",
    "training_start_date",
    "training_location_code",
    "name",
    "establishment_tax_code",
]
TITLE_HEADER = [
    "person_name",
    "birth_year",
    "kind",
    "level",
    "year",
    "craft",
    "decision_number",
    "decision_date",
    "unit_code",
    "establishment_tax_code",
    "project_code",
]
TAX = "0301234562"


def _book(**sheets: list[list]) -> bytes:
    return workbook(
        {"trainings": TRAINING_HEADER, "trainees": TRAINEE_HEADER, "artisan_titles": TITLE_HEADER}, sheets
    )


_errors = cell_errors


_outcomes = outcomes_of


def _footprint():
    return (
        Training.objects.count(),
        Trainee.objects.count(),
        ArtisanTitle.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def company(world):
    return establishment_create(
        actor=world.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=LegalForm.ENTERPRISE,
        name="Công ty TNHH Gốm Bàu Trúc",
        tax_code=TAX,
        commune=world.phan_rang,
    )


def test_a_training_and_its_trainees_are_imported_at_once_and_the_export_comes_back_unchanged(
    world, officer, company, client
):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="dao-tao-nghe")
    recorded = b.training(world, start_date=dt.date(2025, 8, 11), end_date=dt.date(2025, 8, 15))
    place = f"{world.phan_rang.code} – {world.phan_rang.name}"
    content = _book(
        trainings=[
            [
                "khóa đào tạo",
                "Lớp dệt thổ cẩm Mỹ Nghiệp",
                "04/08/2025",
                dt.date(2025, 8, 8),
                place,
                "ubnd-phan-rang – UBND",
                None,
                project.code,
                "",
            ]
        ],
        trainees=[
            ["Lớp dệt thổ cẩm Mỹ Nghiệp", "04/08/2025", "", "Nguyễn Thị Hoa", ""],
            ["lop det tho cam my nghiep", dt.date(2025, 8, 4), "", "Trần Văn Bình", TAX],
            ["Lớp dệt thổ cẩm Mỹ Nghiệp", "04/08/2025", "", "Lê Thị Cúc", None],
            [recorded.title, "11/08/2025", "", "Phạm Văn Dũng", ""],
        ],
    )
    checked = check_file(officer, content)
    assert _errors(checked) == []
    assert _outcomes(checked, "trainings") == [(2, "new")]
    assert _outcomes(checked, "trainees") == [(2, "new"), (3, "new"), (4, "new"), (5, "new")]

    run = import_confirm(
        actor=officer, run=import_upload(actor=officer, name="dao-tao.xlsx", content=content)
    )
    training = Training.objects.get(title="Lớp dệt thổ cẩm Mỹ Nghiệp")
    assert (training.location, training.organiser.code, training.project, training.created_by) == (
        world.phan_rang,
        "ubnd-phan-rang",
        project,
        officer,
    )
    assert sorted(training.trainees.values_list("name", flat=True)) == [
        "Lê Thị Cúc",
        "Nguyễn Thị Hoa",
        "Trần Văn Bình",
    ]
    assert training.trainees.get(name="Trần Văn Bình").establishment == company
    assert training.participants_count == 3  # the participants listed, as trainee_add keeps it
    recorded.refresh_from_db()
    assert recorded.participants_count == 1  # the typed 30 replaced by the one listed
    achieved = Deliverable.objects.get(project=project, indicator__code="hoc-vien", counted_from_events=True)
    assert achieved.achieved == 3
    audits = AuditEntry.objects.filter(import_run=run)
    assert audits.filter(action="event.training_create", object_id=str(training.pk)).count() == 1
    adds = audits.filter(action="event.trainee_add", object_id=str(training.pk)).order_by("pk")
    assert [(a.before["participants"], a.after["participants"]) for a in adds] == [(0, 1), (1, 2), (2, 3)]
    assert audits.get(action="event.trainee_add", object_id=str(recorded.pk)).before == {"participants": 30}

    client.force_login(officer)
    response = client.get(reverse("events:training_list") + "?export=import")
    assert response.status_code == 200
    exported = b"".join(response.streaming_content)
    again = check_file(officer, exported)
    assert _errors(again) == []
    assert {o for _row, o in _outcomes(again, "trainings")} == {"unchanged"}
    assert len(_outcomes(again, "trainings")) == Training.objects.count()
    assert _outcomes(again, "trainees") == [(n, "unchanged") for n in range(3, 7)]
    assert check_file(officer, content).counts()["trainees"] == {
        "new": 0,
        "unchanged": 4,
        "update": 0,
        "errors": 0,
    }


def test_every_bad_training_or_trainee_row_is_named_and_nothing_is_written(world, officer, company):
    workshop_project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="dao-tao-nghe")
    b.training(world, title="Lớp đã có", start_date=dt.date(2025, 8, 11), end_date=dt.date(2025, 8, 15))
    place = f"{world.phan_rang.code} – {world.phan_rang.name}"
    good = ["khóa đào tạo", "Lớp A", "04/08/2025", "08/08/2025", place, "ubnd-phan-rang", 20, "", ""]
    before = _footprint()
    content = _book(
        trainings=[
            good,  # 2
            ["hội nghị", "Lớp B", "04/08/2025", "08/08/2025", place, "ubnd-phan-rang", 20, "", ""],  # 3
            ["khóa đào tạo", "Lớp C", "08/08/2025", "04/08/2025", place, "ubnd-phan-rang", 20, "", ""],  # 4
            ["khóa đào tạo", "Lớp D", "04/08/2025", "08/08/2025", "58", "ubnd-phan-rang", 20, "", ""],  # 5
            [
                "khóa đào tạo",
                "Lớp E",
                "04/08/2025",
                "08/08/2025",
                world.ha_noi_commune.code,
                "ubnd-phan-rang",
                20,
                "",
                "",
            ],  # 6
            ["khóa đào tạo", "Lớp F", "04/08/2025", "08/08/2025", place, "khong-co", 20, "", ""],  # 7
            ["khóa đào tạo", "Lớp A", "04/08/2025", "09/08/2025", place, "ubnd-phan-rang", 20, "", ""],  # 8
            [
                "hội thảo",
                "Lớp G",
                "04/08/2025",
                "08/08/2025",
                place,
                "ubnd-phan-rang",
                0,
                workshop_project.code,
                "",
            ],
            [
                "khóa đào tạo",
                "Lớp H",
                "31/02/2025",
                "08/08/2025",
                place,
                "ubnd-phan-rang",
                "-3",
                "",
                "",
            ],  # 10
            ["khóa đào tạo", "Lớp đã có", "11/08/2025", "20/08/2025", place, "ttkc-56", 30, "", ""],  # 11
        ],
        trainees=[
            ["Lớp A", "04/08/2025", "", "Nguyễn Thị Hoa", ""],  # 2: good
            ["Lớp không có", "04/08/2025", "", "Trần Văn Bình", ""],  # 3
            ["Lớp A", "04/08/2025", "", "nguyễn thị hoa", ""],  # 4: row 2 again
            ["Lớp A", "04/08/2025", "", "", ""],  # 5
            ["Lớp A", "04/08/2025", "", "Lê Văn Cường", "0101234565"],  # 6
        ],
    )
    checked = check_file(officer, content)
    assert _errors(checked) == [
        ("trainings", 3, "kind", "invalid_choice"),
        ("trainings", 4, "end_date", "invalid_period"),
        ("trainings", 5, "location_code", "unit_not_in_force"),
        ("trainings", 6, "location_code", "not_in_jurisdiction"),
        ("trainings", 7, "organiser_code", "invalid_agency"),
        ("trainings", 8, "title", "duplicate_in_file"),
        ("trainings", 9, "project_code", "invalid_project"),
        ("trainings", 10, "start_date", "invalid_date"),
        ("trainings", 10, "participants_count", "invalid_number"),
        ("trainings", 11, "end_date", "record_differs"),
        ("trainees", 3, "training_title", "unknown_training"),
        ("trainees", 4, "name", "duplicate_in_file"),
        ("trainees", 5, "name", "required"),
        ("trainees", 6, "establishment_tax_code", "unknown_establishment"),
    ]
    differs = next(e for e in checked.errors.items if e.code == "record_differs")
    assert "Ngày kết thúc, Đơn vị tổ chức" in differs.message  # the fields that differ, by their names
    run = import_upload(actor=officer, name="sai.xlsx", content=content)
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert _footprint() == (before[0], before[1], before[2], before[3])


def test_artisan_titles_are_checked_matched_and_exported_for_editing(world, officer, company, client):
    recorded = b.title(world, person_name="Trần Văn Bình", decision_number="12/QĐ-UBND", year=2025)
    place = f"{world.phan_rang.code} – {world.phan_rang.name}"
    province = f"{world.khanh_hoa.code} – {world.khanh_hoa.name}"
    row = ["Đàng Thị Mến", 1961, "nghệ nhân", "cấp tỉnh", 2025, "Gốm Bàu Trúc", "45/QĐ-UBND", "15/10/2025"]
    before = _footprint()
    bad = _book(
        artisan_titles=[
            [*row, place, TAX, ""],  # 2: good
            [*row, place, "", ""],  # 3: row 2 again
            [
                "Trần Văn Bình",
                None,
                "nghệ nhân",
                "cấp tỉnh",
                2025,
                "gốm Bàu Trúc",
                "99/QĐ-UBND",
                None,
                place,
                "",
                "",
            ],
            [
                "Chế Văn Ka",
                2030,
                "nghệ nhân",
                "cấp tỉnh",
                2025,
                "Gốm",
                "46/QĐ",
                "15/10/2024",
                place,
                "",
                "",
            ],  # 5
            ["Chế Văn Ka", None, "nghệ nhân", "cấp tỉnh", None, "Gốm", "46/QĐ", None, place, "", ""],  # 6
            [
                "Pô Thị Lan",
                None,
                "nghệ nhân",
                "cấp tỉnh",
                2025,
                "Gốm",
                "47/QĐ",
                None,
                world.ha_noi.code,
                "",
                "",
            ],
            [*row[:1], *row[1:], world.ha_noi_commune.code, "", ""],  # 8
        ]
    )
    checked = check_file(officer, bad)
    assert _errors(checked) == [
        ("artisan_titles", 3, "person_name", "duplicate_in_file"),
        ("artisan_titles", 4, "decision_number", "record_differs"),
        ("artisan_titles", 5, "decision_date", "invalid_date"),
        ("artisan_titles", 5, "birth_year", "invalid_number"),
        ("artisan_titles", 6, "year", "required"),
        ("artisan_titles", 7, "unit_code", "not_in_jurisdiction"),
        ("artisan_titles", 8, "unit_code", "not_in_jurisdiction"),
    ]
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=import_upload(actor=officer, name="sai.xlsx", content=bad))
    assert _footprint() == before

    good = _book(
        artisan_titles=[
            [*row, province, TAX, ""],  # the establishment lies in the province
            [
                recorded.person_name,
                None,
                "nghệ nhân",
                "cấp tỉnh",
                2025,
                "gốm Bàu Trúc",
                "12/QĐ-UBND",
                None,
                place,
                "",
                "",
            ],
        ]
    )
    checked = check_file(officer, good)
    assert _errors(checked) == []
    assert _outcomes(checked, "artisan_titles") == [(2, "new"), (3, "unchanged")]
    run = import_confirm(actor=officer, run=import_upload(actor=officer, name="nghe-nhan.xlsx", content=good))
    title = ArtisanTitle.objects.get(person_name="Đàng Thị Mến")
    assert (title.unit, title.establishment, title.decision_date, title.birth_year) == (
        world.khanh_hoa,
        company,
        dt.date(2025, 10, 15),
        1961,
    )
    assert AuditEntry.objects.get(import_run=run, action="event.title_create").object_id == str(title.pk)

    client.force_login(officer)
    response = client.get(reverse("events:title_list") + "?export=import")
    assert response.status_code == 200
    again = check_file(officer, b"".join(response.streaming_content))
    assert _errors(again) == []
    assert [o for _r, o in _outcomes(again, "artisan_titles")] == ["unchanged"] * ArtisanTitle.objects.count()

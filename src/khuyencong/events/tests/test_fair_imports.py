"""Fairs with the booths establishments took in them, from a workbook (events.fair_imports): each row
goes through `fair_create` and `participation_add` in its own savepoint — the dry run writes nothing,
the confirmation keeps every row with the audit naming the import, or nothing when one row is wrong;
what a row names is resolved first (units read with the fair's start, the jurisdiction, the
establishment by tax code or name, the fair by name and start), a service's refusal comes back on
its column, and the fairs list's "for editing" export imports back unchanged."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import ImportInvalid, check_file, import_confirm, import_upload
from khuyencong.core.models import AuditEntry
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.services import establishment_create
from khuyencong.events.choices import FairLevel
from khuyencong.events.models import Fair, FairParticipation
from khuyencong.events.tests import builders as b
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Deliverable
from khuyencong.testing.imports import cell_errors, outcomes_of, workbook
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

FAIR_HEADER = [
    "name",
    "level",
    "place",
    "location_code",
    "organiser_code",
    "start_date",
    "end_date",
    "booths_total",
    "programme_fair",
    "project_code",
    "note",
]
PARTICIPATION_HEADER = [
    "fair_name",
    "fair_start_date",
    "fair_location_code",
    "establishment_tax_code",
    "establishment_name",
    "booths",
    "support_amount",
    "project_code",
    "note",
]
TAX = "0301234562"
FAIR = "Hội chợ CNNT Khánh Hòa 2025"
HOUSEHOLD = "Cơ sở dệt thổ cẩm Mỹ Nghiệp"


def _book(**sheets: list[list]) -> bytes:
    return workbook({"fairs": FAIR_HEADER, "fair_participations": PARTICIPATION_HEADER}, sheets)


_errors = cell_errors


_outcomes = outcomes_of


def _footprint():
    return (
        Fair.objects.count(),
        FairParticipation.objects.count(),
        AuditEntry.objects.count(),
        Deliverable.objects.filter(counted_from_events=True).count(),
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


@pytest.fixture
def household(world):
    return b.establishment(world, world.phan_rang, name=HOUSEHOLD)


def _unit(unit) -> str:
    return f"{unit.code} – {unit.name}"


def _codes(sheet) -> list:
    return [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]


def test_the_template_has_both_sheets_with_their_lists(world, officer, client):
    client.force_login(officer)
    response = client.get(reverse("ui:import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = {tuple(_codes(sheet)): sheet.title for sheet in book.worksheets if sheet.max_row >= 2}
    assert tuple(FAIR_HEADER) in sheets
    assert tuple(PARTICIPATION_HEADER) in sheets
    lists = {column[0].value: [c.value for c in column[1:] if c.value] for column in book["danh_muc"].columns}
    assert len(lists["fairs.level"]) == len(FairLevel.choices)
    assert _unit(world.khanh_hoa) in lists["fairs.location_code"]
    assert _unit(world.ha_noi) not in lists["fairs.location_code"]
    assert any(entry.startswith("ttkc-56 – ") for entry in lists["fairs.organiser_code"])

    one = client.get(reverse("ui:import_template_kind", args=["fair_participations"]))
    assert one.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(one.content))
    assert _codes(book.worksheets[0]) == PARTICIPATION_HEADER


def test_fairs_and_their_booths_are_checked_by_the_services_kept_on_confirm_and_exported_back_unchanged(
    world, officer, company, household, client
):
    organised = make_project(world, "own", ProjectState.IN_PROGRESS, activity="to-chuc-hoi-cho")
    paying = make_project(world, "own", ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    # a national fair elsewhere, recorded by the ministry: the province records its own booths there
    national = b.fair(
        world,
        "foreign",
        level=FairLevel.NATIONAL,
        start_date=dt.date(2025, 9, 20),
        end_date=dt.date(2025, 9, 24),
    )
    hidden = b.participation(world, "foreign", fair=national)  # a Hà Nội establishment's booths
    content = _book(
        fairs=[
            [
                FAIR,
                "hội chợ cấp tỉnh",
                "Quảng trường 2/4, Nha Trang",
                _unit(world.khanh_hoa),
                "ttkc-56 – Trung tâm Khuyến công",
                "10/09/2025",
                dt.date(2025, 9, 14),
                20,
                "x",
                organised.code,
                "",
            ],
            [
                "Phiên chợ làng nghề Phan Rang",
                "commune",
                "Chợ Phan Rang",
                world.phan_rang.code,
                "ubnd-phan-rang",
                dt.date(2025, 9, 10),
                "12/09/2025",
                None,
                "",
                "",
                "Lần đầu tổ chức",
            ],
        ],
        fair_participations=[
            ["hoi cho cnnt khanh hoa 2025", "10/09/2025", "", TAX, "", 2, "24.000.000", paying.code, ""],
            [FAIR, dt.date(2025, 9, 10), "", "", HOUSEHOLD.upper(), None, "", "", ""],
            ["Phiên chợ làng nghề Phan Rang", "10/09/2025", "", "0301 234 562", "", 1, None, "", ""],
            [national.name, "20/09/2025", "", "", HOUSEHOLD, 3, "12 triệu", "", "gian góc"],
        ],
    )
    before = _footprint()
    checked = check_file(officer, content)
    assert _errors(checked) == []
    assert _outcomes(checked, "fairs") == [(2, "new"), (3, "new")]
    assert _outcomes(checked, "fair_participations") == [(2, "new"), (3, "new"), (4, "new"), (5, "new")]
    assert _footprint() == before  # the dry run's writes are rolled back

    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    run = import_confirm(
        actor=officer, run=import_upload(actor=officer, name="hoi-cho.xlsx", content=content)
    )
    fair = Fair.objects.get(name=FAIR)
    assert (
        fair.level,
        fair.location,
        fair.organiser.code,
        fair.end_date,
        fair.booths_total,
        fair.programme_fair,
        fair.project,
        fair.created_by,
    ) == (FairLevel.PROVINCE, world.khanh_hoa, "ttkc-56", dt.date(2025, 9, 14), 20, True, organised, officer)
    market = Fair.objects.get(name="Phiên chợ làng nghề Phan Rang")
    assert (market.level, market.location, market.booths_total, market.note) == (
        FairLevel.COMMUNE,
        world.phan_rang,
        0,
        "Lần đầu tổ chức",
    )
    parts = {
        (p.fair_id, p.establishment_id): (p.booths, p.support_amount, p.project, p.note)
        for p in FairParticipation.objects.exclude(pk=hidden.pk)
    }
    assert parts == {
        (fair.pk, company.pk): (2, 24_000_000, paying, ""),
        (fair.pk, household.pk): (1, 0, None, ""),
        (market.pk, company.pk): (1, 0, None, ""),
        (national.pk, household.pk): (3, 12_000_000, None, "gian góc"),
    }
    booths = Deliverable.objects.get(project=paying, indicator__code="gian-hang", counted_from_events=True)
    assert booths.achieved == 2
    written = AuditEntry.objects.filter(pk__gt=last or 0)
    assert written.filter(action="event.fair_create").count() == 2
    assert written.filter(action="event.participation_add").count() == 4
    assert not written.exclude(import_run=run).exists()  # every entry, the deliverables' too, names it

    client.force_login(officer)
    page = client.get(reverse("ui:import_detail", args=[run.pk]))
    assert page.status_code == 200
    assert reverse("events:fair_detail", args=[fair.pk]) in page.content.decode()
    response = client.get(reverse("events:fair_list") + "?export=import")
    assert response.status_code == 200
    exported = b"".join(response.streaming_content)
    names = [
        cell
        for sheet in openpyxl.load_workbook(io.BytesIO(exported)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert hidden.establishment.name not in names  # another province's booths stay out
    again = check_file(officer, exported)
    assert _errors(again) == []
    counts = again.counts()
    assert counts["fairs"] == {"new": 0, "unchanged": 3, "update": 0, "errors": 0}
    assert counts["fair_participations"] == {"new": 0, "unchanged": 4, "update": 0, "errors": 0}
    assert check_file(officer, content).counts()["fair_participations"]["unchanged"] == 4


def test_every_bad_fair_or_participation_row_is_named_and_nothing_is_written(
    world, officer, company, household
):
    recorded = b.fair(
        world, name="Hội chợ đã có", start_date=dt.date(2025, 9, 10), end_date=dt.date(2025, 9, 14)
    )
    b.participation(world, fair=recorded, establishment=company, booths=1)
    for location in (world.phan_rang, world.khanh_hoa):
        b.fair(
            world,
            name="Hội chợ trùng tên",
            location=location,
            start_date=dt.date(2025, 9, 10),
            end_date=dt.date(2025, 9, 11),
        )
    province = _unit(world.khanh_hoa)

    def fair(name, location=province, level="hội chợ cấp tỉnh", organiser="ttkc-56", **changes):
        row = dict(zip(FAIR_HEADER, [name, level, "Nhà văn hóa", location, organiser], strict=False))
        row.update({"start_date": "10/09/2025", "end_date": "12/09/2025", "booths_total": 3, **changes})
        return [row.get(code) for code in FAIR_HEADER]

    def part(fair_name, tax=TAX, name="", booths=1, **changes):
        row = {"fair_name": fair_name, "fair_start_date": "10/09/2025", "establishment_tax_code": tax}
        row.update({"establishment_name": name, "booths": booths, **changes})
        return [row.get(code) for code in PARTICIPATION_HEADER]

    content = _book(
        fairs=[
            fair("Hội chợ mới"),  # 2: good
            fair("Hội chợ A", location="99999"),  # 3
            fair("Hội chợ B", location=world.ninh_thuan.code),  # 4: Ninh Thuận ended on 30/6/2025
            fair("Hội chợ C", location=world.ha_noi_commune.code),  # 5
            fair("hoi cho moi"),  # 6: row 2 again
            fair("Hội chợ D", level="hội chợ khu vực"),  # 7: the ministry records regional fairs
            fair("Hội chợ E", level="hội chợ cấp xã"),  # 8: a commune fair is held in a commune
            fair(
                "Hội chợ đã có",
                location=world.phan_rang.code,
                level="province",
                organiser="ubnd-phan-rang",
                place="Quảng trường trung tâm",
                end_date="15/09/2025",
                booths_total=50,
            ),  # 9
            fair("Hội chợ F", organiser="khong-co"),  # 10
        ],
        fair_participations=[
            part("Hội chợ mới", booths=2),  # 2: good
            part("Hội chợ không có"),  # 3
            part("Hội chợ mới", tax="0101234565"),  # 4
            part("hội chợ mới"),  # 5: row 2 again
            part("Hội chợ mới", tax="", name=HOUSEHOLD, booths=2),  # 6: 2 + 2 booths of the fair's 3
            part("Hội chợ mới", tax="", name="Cơ sở không có"),  # 7
            part("Hội chợ mới", tax="", name=HOUSEHOLD, booths=0),  # 8
            part("Hội chợ đã có", booths=4),  # 9: recorded with 1 booth
            part("Hội chợ A"),  # 10: its row is wrong
            part("Hội chợ trùng tên"),  # 11: two fairs
            part("Hội chợ trùng tên", fair_location_code=province),  # 12: good
            part("Hội chợ mới", tax="", name=""),  # 13
        ],
    )
    before = _footprint()
    with translation.override("en"):
        checked = check_file(officer, content)
    assert _errors(checked) == [
        ("fairs", 3, "location_code", "unknown_unit"),
        ("fairs", 4, "location_code", "unit_not_in_force"),
        ("fairs", 5, "location_code", "not_in_jurisdiction"),
        ("fairs", 6, "name", "duplicate_in_file"),
        ("fairs", 7, "level", "invalid_fields"),
        ("fairs", 8, "location_code", "invalid_fields"),
        ("fairs", 9, "end_date", "record_differs"),
        ("fairs", 10, "organiser_code", "invalid_agency"),
        ("fair_participations", 3, "fair_name", "unknown_fair"),
        ("fair_participations", 4, "establishment_tax_code", "unknown_establishment"),
        ("fair_participations", 5, "establishment_tax_code", "duplicate_in_file"),
        ("fair_participations", 6, "booths", "invalid_fields"),
        ("fair_participations", 7, "establishment_name", "unknown_establishment"),
        ("fair_participations", 8, "booths", "invalid_number"),
        ("fair_participations", 9, "booths", "record_differs"),
        ("fair_participations", 10, "fair_name", "unknown_fair"),
        ("fair_participations", 11, "fair_name", "ambiguous_fair"),
        ("fair_participations", 13, "establishment_tax_code", "required"),
    ]
    messages = {(e.sheet, e.row): e.message for e in checked.errors.items}
    assert "End, Standard booths in the fair" in messages[("fairs", 9)]
    assert "3 booths and 2 are already taken" in messages[("fair_participations", 6)]
    assert "recorded by the ministry" in messages[("fairs", 7)]
    assert _outcomes(checked, "fairs") == [(2, "new")]
    assert _outcomes(checked, "fair_participations") == [(2, "new"), (12, "new")]
    assert _footprint() == before
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=import_upload(actor=officer, name="sai.xlsx", content=content))
    assert _footprint() == before


def test_one_bad_row_and_nothing_is_written_then_the_corrected_file_is(world, officer, company):
    fairs = [
        [
            "Hội chợ mùa thu",
            "provincial fair",
            "Nhà văn hóa",
            world.khanh_hoa.code,
            "ttkc-56",
            "10/09/2025",
            "12/09/2025",
            "",
            "",
            "",
            "",
        ]
    ]
    bad = _book(
        fairs=fairs,
        fair_participations=[["Hội chợ mùa thu", "10/09/2025", "", "0101234565", "", 1, "", "", ""]],
    )
    before = _footprint()
    checked = check_file(officer, bad)
    assert checked.counts()["fairs"] == {"new": 1, "unchanged": 0, "update": 0, "errors": 0}
    assert checked.counts()["fair_participations"]["errors"] == 1
    run = import_upload(actor=officer, name="sai.xlsx", content=bad)
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert _footprint() == before
    run.refresh_from_db()
    assert run.error_count == 1

    good = _book(
        fairs=fairs,
        fair_participations=[["Hội chợ mùa thu", "10/09/2025", "", TAX, "", 1, "", "", ""]],
    )
    run = import_confirm(actor=officer, run=import_upload(actor=officer, name="dung.xlsx", content=good))
    participation = FairParticipation.objects.get(fair__name="Hội chợ mùa thu")
    assert participation.establishment == company
    assert AuditEntry.objects.get(import_run=run, action="event.fair_create").object_id == str(
        participation.fair_id
    )

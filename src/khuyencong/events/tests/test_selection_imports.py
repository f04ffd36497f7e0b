"""Typical-product selections with their entries, scores and certificates from a workbook
(events.selection_imports): each row taken through the selection services — the dry run writes
nothing, the confirmation writes everything with audit entries naming the import, or nothing —;
entries naming a selection of the same workbook or one recorded; a recorded entry awaiting its result
takes its scores and result; the list's "for editing" export imports back unchanged."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import (
    KINDS,
    ImportInvalid,
    check_file,
    import_confirm,
    import_upload,
    template_workbook,
    workbook_bytes,
)
from khuyencong.core.models import AuditEntry
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import establishment_create
from khuyencong.events.choices import EntryResult, ProductGroup, SelectionLevel
from khuyencong.events.models import JuryScore, ProductSelection, SelectionEntry
from khuyencong.events.tests import builders as b
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.imports import cell_errors, outcomes_of, workbook
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

SELECTION_HEADER = [
    "level",
    "year",
    "area_code",
    "name",
    "organiser_code",
    "pass_score",
    "certificate_years",
    "decision_number",
    "decision_date",
    "project_code",
]
ENTRY_HEADER = [
    "selection_level",
    "selection_year",
    "selection_area_code",
    "establishment_tax_code",
    "product_name",
    "product_group",
    "scores",
    "result",
    "certificate_number",
    "certificate_valid_from",
    "certificate_valid_to",
    "result_note",
]
TAX, TAX_2, TAX_OLD, TAX_HA_NOI, TAX_UNKNOWN = (
    "0301234562",
    "0301234587",
    "0309998880",
    "0101234597",
    "0312345675",
)
NAME = "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh năm 2025"


def _book(**sheets: list[list]) -> bytes:
    return workbook({"selections": SELECTION_HEADER, "selection_entries": ENTRY_HEADER}, sheets)


_errors = cell_errors


_outcomes = outcomes_of


def _footprint():
    return (
        ProductSelection.objects.count(),
        SelectionEntry.objects.count(),
        JuryScore.objects.count(),
        AuditEntry.objects.count(),
        Establishment.objects.filter(typical_product=True).count(),
    )


def _establishment(world, tax, commune, name):
    return establishment_create(
        actor=world.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=LegalForm.ENTERPRISE,
        name=name,
        tax_code=tax,
        commune=commune,
    )


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def companies(world):
    return (
        _establishment(world, TAX, world.phan_rang, "Công ty TNHH Gốm Bàu Trúc"),
        _establishment(world, TAX_2, world.phan_rang, "Hợp tác xã Dệt Mỹ Nghiệp"),
        _establishment(world, TAX_OLD, world.phan_rang_predecessor, "Cơ sở nước mắm Cà Ná"),
        _establishment(world, TAX_HA_NOI, world.ha_noi_commune, "Công ty Gốm Bát Tràng"),
    )


def _province(world):
    return f"{world.khanh_hoa.code} – {world.khanh_hoa.name}"


def _selection_row(world, **changes):
    row = dict(
        zip(
            SELECTION_HEADER,
            [
                "cấp tỉnh",
                2025,
                _province(world),
                NAME,
                "ttkc-56 – TTKC",
                "72,5",
                None,
                "45/QĐ-SCT",
                "20/09/2025",
                "",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def _entry_row(world, **changes):
    row = dict(
        zip(
            ENTRY_HEADER,
            [
                "cấp tỉnh",
                2025,
                _province(world),
                TAX,
                "Gốm Bàu Trúc",
                "thủ công mỹ nghệ",
                "",
                "",
                "",
                None,
                None,
                "",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def test_the_template_has_both_sheets_with_their_column_codes(world, officer):
    kinds = [KINDS["selections"], KINDS["selection_entries"]]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(lambda t: template_workbook(officer, t, kinds))))
    assert book.sheetnames[:2] == [str(kind.title) for kind in kinds]
    assert [c.value for c in book.worksheets[0][2]] == SELECTION_HEADER
    assert [c.value for c in book.worksheets[1][2]] == ENTRY_HEADER
    assert book.worksheets[0].row_dimensions[2].hidden
    lists = {column[0].value: [c.value for c in column[1:] if c.value] for column in book["danh_muc"].columns}
    assert "cấp tỉnh" in lists["selections.level"]
    assert _province(world) in lists["selections.area_code"]
    assert any(value.startswith("mttn – ") for value in lists["selection_entries.selection_area_code"])
    assert "được công nhận" in lists["selection_entries.result"]


def test_a_selection_and_its_entries_are_imported_through_the_services_and_export_back_unchanged(
    world, officer, companies, client
):
    company, _cooperative, old, _ha_noi = companies
    recorded = b.selection(world)  # 2024, commune level, in a legacy Ninh Thuận commune
    old_area = f"{recorded.unit.code} – {recorded.unit.name}"
    content = _book(
        selections=[_selection_row(world)],
        selection_entries=[
            _entry_row(
                world,
                scores="Giám khảo A: 85; Giám khảo B: 90,5",
                result="được công nhận",
                certificate_number="12/GCN-SCT",
                certificate_valid_from="20/10/2025",
            ),
            _entry_row(
                world,
                establishment_tax_code=TAX_2,
                product_name="Thổ cẩm Mỹ Nghiệp",
                scores="Giám khảo A: 60",
                result="không đạt",
                result_note="Chưa đạt điểm sàn",
            ),
            _entry_row(world, establishment_tax_code=TAX_2, product_name="Khăn choàng thổ cẩm"),
            _entry_row(
                world,
                selection_level="cấp xã",
                selection_year=2024,
                selection_area_code=old_area,
                establishment_tax_code=TAX_OLD,
                product_name="Nước mắm Cà Ná",
                product_group="thực phẩm",
            ),
        ],
    )
    before = _footprint()
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    checked = check_file(officer, content)
    assert _errors(checked) == []
    assert checked.counts()["selections"] == {"new": 1, "unchanged": 0, "update": 0, "errors": 0}
    assert checked.counts()["selection_entries"] == {"new": 4, "unchanged": 0, "update": 0, "errors": 0}
    assert _footprint() == before  # the dry run wrote nothing

    run = import_confirm(
        actor=officer, run=import_upload(actor=officer, name="binh-chon.xlsx", content=content)
    )
    selection = ProductSelection.objects.get(name=NAME)
    assert (selection.level, selection.year, selection.unit, selection.organiser.code) == (
        SelectionLevel.PROVINCE,
        2025,
        world.khanh_hoa,
        "ttkc-56",
    )
    assert (selection.pass_score, selection.certificate_years, selection.decision_date) == (
        Decimal("72.5"),
        3,
        dt.date(2025, 9, 20),
    )
    certified = SelectionEntry.objects.get(selection=selection, establishment=company)
    assert (certified.result, certified.total_score, certified.certificate_number) == (
        EntryResult.CERTIFIED,
        Decimal("87.75"),
        "12/GCN-SCT",
    )
    assert certified.certificate_valid_to == dt.date(2028, 10, 19)  # the selection's 3 years
    company.refresh_from_db()
    assert company.typical_product
    rejected = SelectionEntry.objects.get(selection=selection, product_name="Thổ cẩm Mỹ Nghiệp")
    assert (rejected.result, rejected.result_note) == (EntryResult.NOT_SELECTED, "Chưa đạt điểm sàn")
    assert SelectionEntry.objects.get(product_name="Khăn choàng thổ cẩm").result == EntryResult.PENDING
    assert SelectionEntry.objects.get(selection=recorded, establishment=old).product_group == "food"
    audits = AuditEntry.objects.filter(import_run=run)
    assert sorted(audits.exclude(action="import.confirm").values_list("action", flat=True)) == sorted(
        [
            "event.selection_create",
            *["event.entry_add"] * 4,
            *["event.entry_score"] * 3,
            "event.entry_certify",
            "event.entry_reject",
            "establishment.typical_product_refresh",
        ]
    )
    assert audits.get(action="event.selection_create").object_id == str(selection.pk)
    assert not AuditEntry.objects.filter(pk__gt=last, import_run__isnull=True).exists()  # all name it

    client.force_login(officer)
    response = client.get(reverse("events:selection_list") + "?export=import")
    assert response.status_code == 200
    again = check_file(officer, b"".join(response.streaming_content))
    assert _errors(again) == []
    assert {o for _r, o in _outcomes(again, "selections")} == {"unchanged"}
    assert len(_outcomes(again, "selections")) == ProductSelection.objects.count()
    assert [o for _r, o in _outcomes(again, "selection_entries")] == ["unchanged"] * 4
    assert check_file(officer, content).counts()["selection_entries"]["unchanged"] == 4


def test_an_entry_awaiting_its_result_takes_its_scores_and_result_and_a_decided_one_is_not_changed(
    world, officer, companies
):
    selection = b.selection(world, "own", level=SelectionLevel.PROVINCE, year=2025, unit=world.khanh_hoa)
    company, cooperative, *_ = companies
    pending = b.entry(
        world,
        product_group=ProductGroup.HANDICRAFT,
        selection=selection,
        establishment=company,
        product_name="Gốm Bàu Trúc",
        scores=(80,),
    )
    decided = b.entry(
        world,
        product_group=ProductGroup.HANDICRAFT,
        selection=selection,
        establishment=cooperative,
        product_name="Thổ cẩm",
        scores=(50,),
    )
    b.services.entry_reject(actor=b.admin(world), entry=decided)
    rows = [
        _entry_row(
            world,
            product_name="gom bau truc",
            scores="Giám khảo 1: 80; Giám khảo 2: 90",
            result="được công nhận",
            certificate_number="7/GCN",
            certificate_valid_from="01/11/2025",
            certificate_valid_to="31/12/2026",
        ),
        _entry_row(
            world,
            establishment_tax_code=TAX_2,
            product_name="Thổ cẩm",
            scores="Giám khảo 1: 50",
            result="được công nhận",
            certificate_number="8/GCN",
            certificate_valid_from="01/11/2025",
        ),
    ]
    checked = check_file(officer, _book(selection_entries=rows))
    assert _errors(checked) == [("selection_entries", 3, "result", "record_differs")]
    one = _book(selection_entries=rows[:1])
    checked = check_file(officer, one)
    assert _errors(checked) == []
    assert [(o.outcome, o.changed) for o in checked.outcomes["selection_entries"]] == [
        (
            "update",
            ["scores", "result", "certificate_number", "certificate_valid_from", "certificate_valid_to"],
        )
    ]
    run = import_confirm(actor=officer, run=import_upload(actor=officer, name="ket-qua.xlsx", content=one))
    pending.refresh_from_db()
    assert (pending.result, pending.total_score, pending.certificate_valid_to) == (
        EntryResult.CERTIFIED,
        Decimal("85.00"),
        dt.date(2026, 12, 31),
    )
    assert AuditEntry.objects.filter(import_run=run, action="event.entry_score").count() == 1  # juror 2 only
    assert AuditEntry.objects.filter(import_run=run, action="event.entry_certify").count() == 1

    # a juror's score is corrected, never taken away
    later = b.entry(
        world,
        product_group=ProductGroup.HANDICRAFT,
        selection=selection,
        establishment=cooperative,
        product_name="Khăn",
        scores=(70, 75),
    )
    fewer = _book(
        selection_entries=[
            _entry_row(
                world, establishment_tax_code=TAX_2, product_name=later.product_name, scores="Giám khảo 1: 70"
            )
        ]
    )
    assert _errors(check_file(officer, fewer)) == [("selection_entries", 2, "scores", "record_differs")]


def test_every_bad_row_is_named_on_its_column_and_nothing_is_written(world, officer, companies):
    recorded = b.selection(world)
    old_area = f"{recorded.unit.code} – {recorded.unit.name}"
    ha_noi = f"{world.ha_noi.code} – {world.ha_noi.name}"
    ninh_thuan = f"{world.ninh_thuan.code} – {world.ninh_thuan.name}"
    training = make_project(world, "own", ProjectState.IN_PROGRESS, activity="dao-tao-nghe")
    before = _footprint()
    content = _book(
        selections=[
            _selection_row(world),  # 2: good
            _selection_row(world, area_code="99"),  # 3
            _selection_row(world, year=2026, area_code=world.ninh_thuan.code),  # 4
            _selection_row(world, area_code=ha_noi),  # 5
            _selection_row(world, name="Một tên khác"),  # 6: row 2 again
            _selection_row(world, level="cấp xã", area_code=world.phan_rang.code),  # 7: communes until 2024
            _selection_row(world, level="cấp quốc gia", area_code=""),  # 8: the ministry's
            _selection_row(world, year=2024, pass_score=120),  # 9
            _selection_row(world, year=2024, organiser_code="khong-co"),  # 10
            _selection_row(  # 11: the recorded selection, another name
                world, level="cấp xã", year=2024, area_code=old_area, name="Tên khác", decision_number=""
            ),
            _selection_row(world, level="cấp khu vực", area_code="xyz"),  # 12
            _selection_row(world, year=2024, area_code=ninh_thuan, project_code="KHONG-CO"),  # 13
            _selection_row(world, year=2023, area_code=ninh_thuan, project_code=training.code),  # 14
        ],
        selection_entries=[
            _entry_row(
                world,
                scores="A: 90",
                result="đạt",
                certificate_number="1/GCN",
                certificate_valid_from="20/10/2025",
            ),  # 2: good
            _entry_row(world, establishment_tax_code=TAX_UNKNOWN),  # 3
            _entry_row(world, establishment_tax_code=TAX_HA_NOI),  # 4
            _entry_row(world, selection_year=2023),  # 5: no such selection
            _entry_row(world, product_name="gốm bàu trúc"),  # 6: row 2 again
            _entry_row(
                world,
                product_name="Gốm men lam",
                scores="A: 60",
                result="đạt",  # 7: below the pass mark
                certificate_number="2/GCN",
                certificate_valid_from="20/10/2025",
            ),
            _entry_row(world, product_name="Gốm men rạn", scores="85"),  # 8
            _entry_row(world, product_name="Gốm đỏ", certificate_number="3/GCN"),  # 9: not certified
            _entry_row(world, product_name="Gốm xám", result_note="?"),  # 10: no result
            _entry_row(world, product_name="Gốm nâu", product_group="đồ gỗ"),  # 11
        ],
    )
    checked = check_file(officer, content)
    assert _errors(checked) == [
        ("selections", 3, "area_code", "unknown_unit"),
        ("selections", 4, "area_code", "unit_not_in_force"),
        ("selections", 5, "area_code", "not_in_jurisdiction"),
        ("selections", 6, "area_code", "duplicate_in_file"),
        ("selections", 7, "level", "invalid_fields"),
        ("selections", 8, "level", "invalid_fields"),
        ("selections", 9, "pass_score", "invalid_fields"),
        ("selections", 10, "organiser_code", "invalid_agency"),
        ("selections", 11, "name", "record_differs"),
        ("selections", 12, "area_code", "unknown_region"),
        ("selections", 13, "project_code", "unknown_project"),
        ("selections", 14, "project_code", "invalid_fields"),
        ("selection_entries", 3, "establishment_tax_code", "unknown_establishment"),
        ("selection_entries", 4, "establishment_tax_code", "not_in_jurisdiction"),
        ("selection_entries", 5, "selection_area_code", "unknown_selection"),
        ("selection_entries", 6, "product_name", "duplicate_in_file"),
        ("selection_entries", 7, "scores", "invalid_fields"),
        ("selection_entries", 8, "scores", "invalid_scores"),
        ("selection_entries", 9, "certificate_number", "not_certified"),
        ("selection_entries", 10, "result_note", "no_result"),
        ("selection_entries", 11, "product_group", "invalid_choice"),
    ]
    messages = {(e.sheet, e.row): e.message for e in checked.errors.items}
    assert "2024" in messages[("selections", 7)]  # the service's own words
    assert training.plan_line.activity.name in messages[("selections", 14)]  # the activity it counts for
    assert "72,5" in messages[("selection_entries", 7)] or "72.5" in messages[("selection_entries", 7)]
    assert _outcomes(checked, "selections") == [(2, "new")]
    assert _outcomes(checked, "selection_entries") == [(2, "new")]
    assert _footprint() == before
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=import_upload(actor=officer, name="sai.xlsx", content=content))
    assert _footprint() == before


def test_one_bad_row_writes_nothing(world, officer, companies):
    before = _footprint()
    content = _book(
        selections=[_selection_row(world)],
        selection_entries=[
            _entry_row(world, scores="A: 90"),
            _entry_row(world, establishment_tax_code=TAX_UNKNOWN, product_name="Gốm khác"),
        ],
    )
    run = import_upload(actor=officer, name="mot-dong-sai.xlsx", content=content)
    assert run.counts["selections"]["new"] == 1
    assert run.counts["selection_entries"] == {"new": 1, "unchanged": 0, "update": 0, "errors": 1}
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert _footprint()[:3] == before[:3]
    assert not AuditEntry.objects.filter(import_run=run).exists()


def test_the_export_holds_only_the_entries_the_officer_sees(world, officer, companies, client):
    company, _cooperative, _old, ha_noi = companies
    ministry = world.user(Role.MINISTRY_OFFICER)
    national = b.services.selection_create(
        actor=ministry,
        level=SelectionLevel.NATIONAL,
        year=2025,
        name="Bình chọn cấp quốc gia 2025",
        organiser=world.agency("bct-cuc-kc"),
    )
    b.entry(
        world,
        product_group=ProductGroup.HANDICRAFT,
        selection=national,
        establishment=company,
        product_name="Gốm Bàu Trúc",
    )
    b.entry(
        world,
        product_group=ProductGroup.HANDICRAFT,
        selection=national,
        establishment=ha_noi,
        product_name="Gốm Bát Tràng",
    )
    client.force_login(officer)
    exported = b"".join(client.get(reverse("events:selection_list") + "?export=import").streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[1]
    assert [row[4] for row in sheet.iter_rows(min_row=3, values_only=True) if row[4]] == ["Gốm Bàu Trúc"]
    again = check_file(officer, exported)
    assert _errors(again) == []
    assert _outcomes(again, "selection_entries") == [(3, "unchanged")]

"""The Excel import in a real Chromium (issue 15): the template of every kind downloaded from /nhap/;
one workbook holding a whole year of the province's records (establishments, a plan, its projects with
their participants, deliverables, contract, payments and settlement, a training with its trainees, a
fair with its booths, an artisan title, a product selection with its entries) uploaded through the
page, its dry run read, confirmed, and followed to the records; a workbook with one bad amount among
200 ledger rows refused with the bad cell named and marked, nothing written; the projects list's
"for editing" export uploaded back as "unchanged". Screenshots in pytest's tmp_path and /tmp/kc-shots."""

import datetime as dt
import io
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import KINDS, import_confirm, import_upload, kinds_for
from khuyencong.core.models import AuditEntry, ImportRun, ImportStatus
from khuyencong.establishments.models import Establishment
from khuyencong.events.models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    ProductSelection,
    SelectionEntry,
    Trainee,
    Training,
)
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Deliverable, Participant, Project

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/kc-shots")  # noqa: S108 -- where the lead engineer looks at them
APPROVER = f"test.{Role.PROVINCE_APPROVER.value}"
OFFICER = f"test.{Role.PROVINCE_OFFICER.value}"

TAX, TAX_2 = "0301234562", "0301234587"
COMPANY, COOPERATIVE, HOUSEHOLD = (
    "Công ty TNHH Gốm Bàu Trúc",
    "Hợp tác xã Dệt Mỹ Nghiệp",
    "Cơ sở dệt thổ cẩm Mỹ Nghiệp",
)
TRAINING = "Lớp dệt thổ cẩm Mỹ Nghiệp 2026"
FAIR = "Hội chợ CNNT Khánh Hòa 2026"
SELECTION = "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh năm 2026"
PLAN = ["ttkc-56", 2026, "KCĐP"]

# each sheet named by its kind's code, its first row the column codes (the reader's other layout)
HEADERS = {
    "establishments": [
        "legal_form",
        "name",
        "tax_code",
        "commune_code",
        "address",
        "main_products",
        "workers",
        "phone",
    ],
    "plans": ["agency_code", "year", "source", "activity_code", "amount", "decision_number", "decision_date"],
    "projects": [
        "project_code",
        "project_reference",
        "agency_code",
        "year",
        "source",
        "activity_code",
        "title",
        "kind",
        "implementer_kind",
        "implementer_establishment",
        "implementer_agency_code",
        "location_code",
        "start_date",
        "end_date",
        "support_amount",
        "counterpart_amount",
        "appraised_on",
        "decision_number",
        "decision_date",
    ],
    "project_participants": ["project_reference", "establishment", "support_amount", "eligible_cost"],
    "project_deliverables": ["project_reference", "indicator_code", "planned", "achieved", "evidence"],
    "contracts": ["project_reference", "number", "signed_on", "party_a", "party_b", "value", "started"],
    "ledger": ["project_reference", "kind", "amount", "value_date", "reference"],
    "project_closing": ["project_reference", "accepted_on", "final_value", "liquidated_on", "settled_on"],
    "trainings": [
        "kind",
        "title",
        "start_date",
        "end_date",
        "location_code",
        "organiser_code",
        "participants_count",
        "project_code",
        "note",
    ],
    "trainees": ["training_title", "training_start_date", "name", "establishment_tax_code"],
    "fairs": [
        "name",
        "level",
        "place",
        "location_code",
        "organiser_code",
        "start_date",
        "end_date",
        "booths_total",
        "programme_fair",
        "note",
    ],
    "fair_participations": [
        "fair_name",
        "fair_start_date",
        "establishment_tax_code",
        "establishment_name",
        "booths",
        "support_amount",
        "note",
    ],
    "artisan_titles": [
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
    ],
    "selections": [
        "level",
        "year",
        "area_code",
        "name",
        "organiser_code",
        "pass_score",
        "certificate_years",
        "decision_number",
        "decision_date",
    ],
    "selection_entries": [
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
    ],
}


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for code, rows in sheets.items():
        sheet = book.create_sheet(code)
        sheet.append(HEADERS[code])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unit(unit) -> str:
    return f"{unit.code} – {unit.name}"


def _plan_and_project(world) -> dict[str, list[list]]:
    """The plan of 2026 and project ĐA-01 on it, approved, with its contract (the history of
    finance/tests/test_contract_imports.py), and group project ĐA-02 on the plan's fairs line."""
    place = _unit(world.phan_rang)
    return {
        "plans": [
            [*PLAN, "may-moc-thiet-bi", 1_000_000_000, "7/QĐ-UBND", dt.date(2025, 12, 20)],
            [*PLAN, "gian-hang-hoi-cho", 500_000_000, "7/QĐ-UBND", dt.date(2025, 12, 20)],
        ],
        "projects": [
            [
                "",
                "ĐA-01",
                *PLAN,
                "may-moc-thiet-bi",
                "Hỗ trợ máy dệt thổ cẩm",
                "đề án điểm",
                "cơ sở",
                TAX,
                "",
                place,
                "01/03/2026",
                "31/10/2026",
                150_000_000,
                250_000_000,
                "01/02/2026",
                "12/QĐ-SCT",
                "10/02/2026",
            ],
            [
                "",
                "ĐA-02",
                *PLAN,
                "gian-hang-hoi-cho",
                "Gian hàng hội chợ Nha Trang",
                "group project",
                "an agency",
                "",
                "ttkc-56",
                place,
                "01/05/2026",
                "30/06/2026",
                120_000_000,
                0,
                None,
                None,
                None,
            ],
        ],
        "contracts": [
            ["ĐA-01", "HĐ-01/2026", "01/03/2026", "Trung tâm Khuyến công", "Cơ sở dệt", "150.000.000", "x"]
        ],
    }


def _establishments(world) -> list[list]:
    place = _unit(world.phan_rang)
    return [
        ["doanh nghiệp", COMPANY, TAX, place, "Thôn Bàu Trúc", "Gốm mỹ nghệ", 25, "0259 3822 123"],
        ["hợp tác xã", COOPERATIVE, TAX_2, place, "Thôn Mỹ Nghiệp", "Thổ cẩm", 40, ""],
        ["hộ kinh doanh", HOUSEHOLD, "", place, "Thôn Mỹ Nghiệp", "Khăn thổ cẩm", 4, ""],
    ]


def _year_of_records(world) -> dict[str, list[list]]:
    """Every kind a province approver imports, valid together: the establishments the other sheets
    name by tax code, the project's whole history, the year's events."""
    place, province = _unit(world.phan_rang), _unit(world.khanh_hoa)
    records = _plan_and_project(world)
    return {
        "establishments": _establishments(world),
        "plans": records["plans"],
        "projects": records["projects"],
        "project_participants": [
            ["ĐA-02", TAX, 60_000_000, 120_000_000],
            ["ĐA-02", TAX_2, 60_000_000, 120_000_000],
        ],
        "project_deliverables": [
            ["ĐA-01", "co-so-may-moc – Cơ sở được hỗ trợ máy móc", 1, 1, "Biên bản nghiệm thu"],
            ["ĐA-02", "gian-hang", 2, None, ""],
        ],
        "contracts": records["contracts"],
        "ledger": [
            ["ĐA-01", "tạm ứng", 75_000_000, "15/03/2026", "UNC-1"],
            ["ĐA-01", "thanh toán", 75_000_000, "10/10/2026", "UNC-2"],
        ],
        "project_closing": [["ĐA-01", "30/09/2026", 150_000_000, "20/10/2026", "05/11/2026"]],
        "trainings": [
            [
                "khóa đào tạo",
                TRAINING,
                "04/08/2026",
                dt.date(2026, 8, 8),
                place,
                "ubnd-phan-rang – UBND",
                None,
                "",
                "",
            ]
        ],
        "trainees": [
            [TRAINING, "04/08/2026", "Nguyễn Thị Hoa", ""],
            [TRAINING, dt.date(2026, 8, 4), "Trần Văn Bình", TAX],
            [TRAINING, "04/08/2026", "Lê Thị Cúc", None],
        ],
        "fairs": [
            [
                FAIR,
                "hội chợ cấp tỉnh",
                "Quảng trường 2/4, Nha Trang",
                province,
                "ttkc-56 – Trung tâm Khuyến công",
                "10/09/2026",
                dt.date(2026, 9, 14),
                20,
                "x",
                "",
            ]
        ],
        "fair_participations": [
            [FAIR, "10/09/2026", TAX, "", 2, "24.000.000", ""],
            [FAIR, dt.date(2026, 9, 10), "", HOUSEHOLD.upper(), None, "", "gian góc"],
        ],
        "artisan_titles": [
            [
                "Đàng Thị Mến",
                1961,
                "nghệ nhân",
                "cấp tỉnh",
                2026,
                "Gốm Bàu Trúc",
                "45/QĐ-UBND",
                "15/10/2026",
                province,
                TAX,
            ]
        ],
        "selections": [
            ["cấp tỉnh", 2026, province, SELECTION, "ttkc-56 – TTKC", "72,5", None, "46/QĐ-SCT", "20/09/2026"]
        ],
        "selection_entries": [
            [
                "cấp tỉnh",
                2026,
                province,
                TAX,
                "Gốm Bàu Trúc",
                "thủ công mỹ nghệ",
                "Giám khảo A: 85; Giám khảo B: 90,5",
                "được công nhận",
                "12/GCN-SCT",
                "20/10/2026",
            ],
            ["cấp tỉnh", 2026, province, TAX_2, "Khăn choàng thổ cẩm", "thủ công mỹ nghệ", "", "", "", None],
        ],
    }


# what each sheet's dry run shows: (new, will update); the settlement sheet updates project ĐA-01
EXPECTED = {
    "establishments": (3, 0),
    "plans": (2, 0),
    "projects": (2, 0),
    "project_participants": (2, 0),
    "project_deliverables": (2, 0),
    "contracts": (1, 0),
    "ledger": (2, 0),
    "project_closing": (0, 1),
    "trainings": (1, 0),
    "trainees": (3, 0),
    "fairs": (1, 0),
    "fair_participations": (2, 0),
    "artisan_titles": (1, 0),
    "selections": (1, 0),
    "selection_entries": (2, 0),
}


def _vi(text) -> str:
    """A lazy translation in Vietnamese, the language of the browser's pages and downloads."""
    with translation.override("vi"):
        return str(text)


def _footprint() -> dict[str, int]:
    models = (
        Establishment,
        Plan,
        PlanLine,
        Project,
        Participant,
        Deliverable,
        Contract,
        LedgerEntry,
        Training,
        Trainee,
        Fair,
        FairParticipation,
        ArtisanTitle,
        ProductSelection,
        SelectionEntry,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def _shot(kc, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot in the test's tmp_path, copied to /tmp/kc-shots for the lead engineer."""
    target = tmp_path / f"imports-{name}.png"
    kc.page.screenshot(path=str(target), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, SHOTS / target.name)
    return target


def _upload(kc, path: Path) -> None:
    """The file sent through the upload form of /nhap/; the page of the import it made follows."""
    kc.goto(reverse("ui:import_home"))
    kc.page.set_input_files("[data-testid=import-form] input[type=file]", str(path))
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=import-check]")
    assert kc.path().startswith("/nhap/"), kc.page.url
    assert kc.path() != reverse("ui:import_home"), _form_errors(kc)


def _form_errors(kc) -> str:
    """What the upload form says when it refused the file (it stays on /nhap/)."""
    shown = kc.page.locator(
        "[data-testid=import-form] .alert-danger, [data-testid=import-form] .invalid-feedback"
    )
    return " ".join(shown.all_inner_texts()) or kc.page.url


def _counts(kc) -> dict[str, tuple[int, int, int, int]]:
    """The dry run's table: sheet code → (new, will update, unchanged, rows with errors)."""
    counts = {}
    for row in kc.page.locator("[data-testid=import-counts] tbody tr").all():
        code = row.get_attribute("data-testid").removeprefix("import-count-")
        cells = [c.inner_text().strip().replace(".", "") for c in row.locator("td").all()]
        counts[code] = tuple(int(c or 0) for c in cells[1:])
    return counts


def _errors_shown(kc) -> str:
    table = kc.page.locator("[data-testid=import-errors]")
    return table.inner_text() if table.count() else ""


def _download(kc, selector: str, name: str = "") -> bytes:
    with kc.page.expect_download() as download:
        kc.page.click(selector)
    if name:
        assert download.value.suggested_filename == name
    return Path(download.value.path()).read_bytes()


def test_the_template_of_every_kind_downloads_from_the_import_page(kc, kc_world, tmp_path):
    world = kc_world
    officer = world.user(Role.PROVINCE_OFFICER)
    with translation.override("vi"):
        kinds = kinds_for(officer)
        titles = [str(kind.title)[:31] for kind in kinds]
    assert {k.code for k in kinds} >= set(EXPECTED)
    kc.login(OFFICER)
    kc.page.click("[data-testid=user-menu]")  # the import is in the user's menu
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=nav-imports]")
    assert kc.path() == reverse("ui:import_home")
    assert kc.page.locator("[data-testid=import-none]").is_visible()  # nothing imported yet
    for kind in kinds:
        assert kc.page.locator(f"[data-testid=import-template-{kind.code}]").count() == 1, kind.code
    _shot(kc, tmp_path, "home")

    content = _download(kc, "[data-testid=import-template-all]", "mau-nhap.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    examples, guide_title = _vi(gettext_lazy("Examples")), _vi(gettext_lazy("Column guide"))
    assert book.sheetnames == [*titles, examples, guide_title, "danh_muc"]
    for kind, title in zip(kinds, titles, strict=True):
        sheet = book[title]
        assert [c.value for c in sheet[2]] == [c.code for c in kind.columns], kind.code
        assert sheet.row_dimensions[2].hidden, kind.code  # the codes' row
        assert sheet.max_row == 2, kind.code  # the data sheets are empty: the examples are elsewhere
    assert book["danh_muc"].sheet_state == "hidden"
    guide = [row for row in book[guide_title].iter_rows(min_row=2, values_only=True) if row[2]]
    assert len(guide) == sum(len(kind.columns) for kind in kinds)
    assert book[examples].cell(row=1, column=1).value == titles[0]

    one = _download(kc, "[data-testid=import-template-ledger]", "mau-nhap-ledger.xlsx")
    ledger = openpyxl.load_workbook(io.BytesIO(one))
    assert ledger.sheetnames == [_vi(KINDS["ledger"].title), examples, guide_title, "danh_muc"]
    assert [c.value for c in ledger.worksheets[0][2]][:3] == [
        "project_code",
        "project_reference",
        "contract_number",
    ]
    kc.assert_clean()


def test_a_year_of_records_is_checked_imported_and_followed_to_the_records(kc, kc_world, tmp_path):
    world = kc_world
    path = tmp_path / "ca-nam-2026.xlsx"
    path.write_bytes(_workbook(_year_of_records(world)))
    before = _footprint()
    kc.login(APPROVER)
    _upload(kc, path)
    page = kc.page
    run = ImportRun.objects.get()
    assert kc.path() == reverse("ui:import_detail", args=[run.pk])
    assert _errors_shown(kc) == ""
    assert run.status == ImportStatus.CHECKED, run.errors
    counts = _counts(kc)
    assert {code: (new, update) for code, (new, update, _same, _bad) in counts.items()} == EXPECTED
    assert {bad for *_x, bad in counts.values()} == {0}
    assert page.locator("[data-testid=import-status]").inner_text().strip()
    assert page.locator("[data-testid=import-confirm]").is_visible()
    assert _footprint() == before  # the dry run wrote nothing
    _shot(kc, tmp_path, "preview")

    page.once("dialog", lambda dialog: dialog.accept())  # "Write n records? Every row is written, or none."
    with page.expect_navigation():
        page.click("[data-testid=import-confirm]")
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert page.locator(".alert-success").is_visible()
    entries = page.locator("[data-testid=import-entries] tbody tr")
    assert entries.count() > 0
    _shot(kc, tmp_path, "done")
    hrefs = page.locator("[data-testid=import-entries] a").evaluate_all("links => links.map(a => a.href)")
    paths = {urlsplit(href).path for href in hrefs}
    assert paths == {
        *(
            reverse("establishments:detail", args=[pk])
            for pk in Establishment.objects.values_list("pk", flat=True)
        ),
        *(reverse("projects:detail", args=[pk]) for pk in Project.objects.values_list("pk", flat=True)),
        reverse("plans:detail", args=[Plan.objects.get().pk]),
        reverse("events:training_detail", args=[Training.objects.get(title=TRAINING).pk]),
        reverse("events:fair_detail", args=[Fair.objects.get(name=FAIR).pk]),
        reverse("events:selection_detail", args=[ProductSelection.objects.get(name=SELECTION).pk]),
    }
    for path in sorted(paths):  # every record the entries link to opens
        assert page.request.get(kc.url(path)).status == 200, path

    project = Project.objects.get(external_reference="ĐA-01")
    assert project.state == ProjectState.SETTLED
    link = page.locator(
        f"[data-testid=import-entries] a[href='{reverse('projects:detail', args=[project.pk])}']"
    )
    assert link.count() > 0, "no audit entry of the import links to project ĐA-01"
    with page.expect_navigation():
        link.first.click()
    assert kc.path() == reverse("projects:detail", args=[project.pk])
    assert project.code in page.locator("main").inner_text()
    state = page.locator("[data-testid=project-state]").first.inner_text().strip()
    assert state.lower() == _vi(ProjectState.SETTLED.label).lower()  # "Đã quyết toán"
    assert page.locator("[data-testid=project-title]").inner_text() == "Hỗ trợ máy dệt thổ cẩm"

    after = _footprint()
    grown = {name for name, count in after.items() if count > before[name]}
    assert grown == set(after), f"nothing written of {set(after) - grown}"

    kc.goto(reverse("plans:list") + "?year=2026")
    plans = page.locator("[data-testid=plan-table] tbody")
    assert "7/QĐ-UBND" in plans.inner_text()
    plan = Plan.objects.get(agency__code="ttkc-56", year=2026)
    assert plans.locator(f"a[href='{reverse('plans:detail', args=[plan.pk])}']").count() == 1
    kc.goto(reverse("events:fair_list"))
    fairs = page.locator("[data-testid=fair-table] tbody")
    assert fairs.get_by_role("link", name=FAIR).count() == 1

    kc.goto(reverse("ui:import_home"))  # the officer's imports, this one done
    listed = page.locator("[data-testid=import-runs] tbody tr")
    assert listed.count() == 1
    assert listed.first.get_by_role("link", name="ca-nam-2026.xlsx").count() == 1
    numbers = [c.inner_text().strip() for c in listed.first.locator("td.num").all()]
    assert numbers == ["25", "1", "0", "0"]
    kc.assert_clean()


def _ledger_rows(count: int) -> list[list]:
    start = dt.date(2026, 3, 15)
    return [
        ["ĐA-01", "thanh toán", 500_000, (start + dt.timedelta(days=n)).strftime("%d/%m/%Y"), f"UNC-{n:03}"]
        for n in range(count)
    ]


def test_one_bad_amount_among_200_ledger_rows_is_named_marked_and_nothing_is_written(kc, kc_world, tmp_path):
    world = kc_world
    sheets = _plan_and_project(world)
    sheets["establishments"] = _establishments(world)
    sheets["ledger"] = _ledger_rows(200)
    bad_row = 139  # the sheet's row: the header is row 1
    sheets["ledger"][bad_row - 2][2] = "năm trăm nghìn"
    path = tmp_path / "so-cai.xlsx"
    path.write_bytes(_workbook(sheets))
    before = _footprint()
    kc.login(APPROVER)
    _upload(kc, path)
    page = kc.page
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.INVALID
    assert run.error_count == 1, run.errors
    summary = page.locator("[data-testid=import-errors-summary]")
    assert summary.is_visible()
    rows = page.locator("[data-testid=import-errors] tbody tr")
    assert rows.count() == 1
    cells = [c.inner_text().strip() for c in rows.first.locator("td").all()]
    ledger = _vi(KINDS["ledger"].title)  # "Sổ cái"
    assert cells[0] == ledger
    assert cells[1] == str(bad_row)
    assert _vi(KINDS["ledger"].labels()["amount"]) in cells[2]  # "Số tiền (đồng)"
    assert "amount" in cells[2]
    assert cells[3] == "năm trăm nghìn"
    assert cells[4]
    counts = _counts(kc)
    assert counts["ledger"] == (199, 0, 0, 1)
    assert page.locator("[data-testid=import-confirm]").count() == 0
    _shot(kc, tmp_path, "errors")

    marked = openpyxl.load_workbook(io.BytesIO(_download(kc, "[data-testid=import-marked]")))
    sheet = marked[ledger]
    column = HEADERS["ledger"].index("amount") + 1
    cell = sheet.cell(row=bad_row, column=column)
    assert cell.value == "năm trăm nghìn"
    assert cell.comment is not None
    assert cell.comment.text.strip()
    assert cell.fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet.cell(row=bad_row + 1, column=column).comment is None
    listing = [list(row) for row in marked.worksheets[-1].iter_rows(min_row=2, values_only=True)]
    assert [row[:4] for row in listing] == [[ledger, bad_row, "amount", "năm trăm nghìn"]]

    # the confirmation sent anyway (no button: a stale tab, a crafted request) writes nothing
    token = next(c["value"] for c in kc.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        kc.url(reverse("ui:import_confirm", args=[run.pk])),
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": kc.url(reverse("ui:import_detail", args=[run.pk]))},
        max_redirects=0,
    )
    assert response.status == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.INVALID
    assert _footprint() == before
    kc.assert_clean()


def test_the_projects_for_editing_export_uploaded_back_is_unchanged(kc, kc_world, tmp_path):
    world = kc_world
    approver = world.user(Role.PROVINCE_APPROVER)
    with translation.override("vi"):
        import_confirm(
            actor=approver,
            run=import_upload(actor=approver, name="ca-nam.xlsx", content=_workbook(_year_of_records(world))),
        )
    kc.login(APPROVER)
    kc.goto(reverse("projects:list") + "?year=2026")
    assert kc.page.locator("[data-testid=project-table] tbody tr").count() == 2
    assert "export=import" in kc.page.locator("[data-testid=export-for-import]").get_attribute("href")
    content = _download(kc, "[data-testid=export-for-import]")
    path = tmp_path / "de-an-de-sua.xlsx"
    path.write_bytes(content)
    before = _footprint()
    _upload(kc, path)
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportStatus.CHECKED, run.errors
    counts = _counts(kc)
    assert {code for code, numbers in counts.items() if numbers[2]} >= {
        "projects",
        "project_participants",
        "project_deliverables",
        "contracts",
        "project_closing",
    }
    changes = {code: (new, update, bad) for code, (new, update, _same, bad) in counts.items()}
    assert changes == dict.fromkeys(counts, (0, 0, 0))
    assert counts["projects"][2] == 2
    assert kc.page.locator("[data-testid=import-unchanged]").is_visible()
    assert kc.page.locator("[data-testid=import-confirm]").count() == 0
    _shot(kc, tmp_path, "unchanged")
    assert _footprint() == before
    kc.assert_clean()

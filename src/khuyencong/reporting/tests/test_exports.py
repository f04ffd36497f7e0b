"""The report's exports: JSON, XLSX (integer đồng cells), DOCX (docxtpl), PDF (WeasyPrint) and the chart."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_percent, format_vnd
from khuyencong.projects.choices import ProjectState
from khuyencong.reporting import exports
from khuyencong.reporting.exports import execution_rate_chart, render
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.report import build_report
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def projects(world):
    """Khánh Hòa: one settled project (150 triệu disbursed in 2025); Hà Nội: another (90 triệu)."""
    return (
        make_project(world, state="settled", support=150_000_000),
        make_project(world, "foreign", state="settled", support=90_000_000),
    )


@pytest.fixture
def report(projects):
    return build_report(parse_scope("unit:56", 2025), Period(2025, 12))


def _rows(sheet) -> dict[str, tuple]:
    """The sheet's rows keyed by the text of their first cell."""
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0] is not None}


def _row_cells(sheet, label: str):
    return next(row for row in sheet.iter_rows() if row[0].value == label)


def test_json_is_the_report_in_utf8(report):
    export = render(report, "json")
    assert export.content_type.startswith("application/json")
    assert export.filename == "bao-cao-khuyen-cong-56-2025-12thang.json"
    assert json.loads(export.content.decode("utf-8")) == report
    assert "Khánh Hòa".encode() in export.content  # not \u escapes


def test_filename_is_an_ascii_slug_and_the_nation_is_ca_nuoc(projects):
    nation = build_report(parse_scope("nation", 2025), Period(2025, 9))
    assert render(nation, "xlsx").filename == "bao-cao-khuyen-cong-ca-nuoc-2025-9thang.xlsx"
    region = build_report(parse_scope("region:mttn", 2025), Period(2025, 12))
    assert render(region, "pdf").filename.isascii()


def test_quarters_halves_and_ranges_of_years_are_named_in_titles_and_filenames(projects):
    import openpyxl

    quarter = build_report(parse_scope("unit:56", 2025), Period.quarter(2025, 3))
    export = render(quarter, "xlsx")
    assert export.filename == "bao-cao-khuyen-cong-56-2025-quy3.xlsx"
    book = openpyxl.load_workbook(BytesIO(export.content))
    assert "Quý III năm 2025 (01/07/2025 – 30/09/2025)" in book["Tổng hợp"]["A2"].value
    half = build_report(parse_scope("unit:56", 2025), Period.half(2025, 2))
    assert render(half, "json").filename == "bao-cao-khuyen-cong-56-2025-6thang-cuoi.json"
    through = build_report(parse_scope("unit:56", 2025), Period(2025, 9))
    assert exports.period_text(through) == "Lũy kế 9 tháng đầu năm 2025 (01/01/2025 – 30/09/2025)"


def test_xlsx_keeps_money_as_integer_dong_and_percentages_as_numbers(report):
    import openpyxl

    export = render(report, "xlsx")
    assert export.filename.endswith(".xlsx")
    book = openpyxl.load_workbook(BytesIO(export.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo nhóm nội dung",
        "Theo đơn vị",
        "Chỉ tiêu",
        "Kiểm tra",
        "Thuyết minh",
    ]
    summary = book["Tổng hợp"]
    assert "Tỉnh Khánh Hòa" in summary["A1"].value
    assert "Năm 2025" in summary["A2"].value
    rows = _rows(summary)
    assert rows["Chỉ tiêu"] == ("KCQG", "KCĐP", "Tổng")
    for label, side in (("Kế hoạch (đồng)", "plan"), ("Giải ngân (đồng)", "executed")):
        assert rows[label] == (report[side]["KCQG"], report[side]["KCDP"], report[side]["total"])
        cells = _row_cells(summary, label)
        assert all(type(cell.value) is int and cell.number_format == "#,##0" for cell in cells[1:])
    assert report["plan"]["KCDP"] == 50_000_000_000
    rate = report["execution_rate_pct"]
    assert rows["Tỷ lệ giải ngân (so với kế hoạch của nguồn) (%)"] == (None, rate["KCDP"], rate["total"])
    assert _row_cells(summary, "Tỷ lệ giải ngân (so với kế hoạch của nguồn) (%)")[2].number_format == "0.00"
    share = rows["Tỷ trọng giải ngân (so với tổng kế hoạch) (%)"]
    assert share[:2] == (report["executed_share_of_total_plan_pct"]["KCQG"], 0.3)
    national = report["share_of_national_pct"]["executed"]["total"]
    assert rows["Tỷ trọng giải ngân (so với giải ngân cả nước) (%)"][2] == national == 62.5
    assert rows["Tăng trưởng kế hoạch (so với kế hoạch năm trước) (%)"] == (None, None, None)  # null → empty

    units = _rows(book["Theo đơn vị"])
    assert units["56"] == ("Tỉnh Khánh Hòa", 50_000_000_000, 150_000_000, 0.3)
    groups = _rows(book["Theo nhóm nội dung"])
    assert groups["ct21-1"] == (report["groups"]["ct21-1"], 10_000_000_000, 150_000_000, 1.5)
    indicators = _rows(book["Chỉ tiêu"])
    assert indicators["co-so-may-moc"][2:] == (None, 1, None)
    with translation.override("vi"):
        settled = f"Số dự án: {str(ProjectState.SETTLED.label).capitalize()}"
    assert rows[settled] == (None, None, 1)
    assert _rows(book["Kiểm tra"])["Không phát hiện sai lệch"] is not None
    narrative = [row[0] for row in book["Thuyết minh"].iter_rows(min_row=5, values_only=True)]
    assert narrative == report["narrative_vi"].split("\n\n")


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(report):
    import openpyxl

    report["groups"]["ct21-1"] = "=HYPERLINK(1)"
    book = openpyxl.load_workbook(BytesIO(render(report, "xlsx").content))
    cell = next(row[1] for row in book["Theo nhóm nội dung"].iter_rows() if row[0].value == "ct21-1")
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(1)"


def test_xlsx_joins_plan_and_executed_by_unit_in_a_region(projects):
    import openpyxl

    region = build_report(parse_scope("region:mttn", 2025), Period(2025, 12))
    book = openpyxl.load_workbook(BytesIO(render(region, "xlsx").content))
    units = _rows(book["Theo đơn vị"])
    assert units["56"][1:] == (region["plan"]["by_unit"][0]["amount"], 150_000_000, 0.3)
    total = next(row for row in book["Theo đơn vị"].iter_rows(values_only=True) if row[1] == "Tổng")
    assert total == (None, "Tổng", region["plan"]["total"], region["executed"]["total"], 0.3)


def _docx_text(document) -> tuple[list[str], list[list[str]]]:
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


def test_docx_has_the_narrative_the_tables_and_the_chart(report):
    from docx import Document

    export = render(report, "docx")
    assert export.filename == "bao-cao-khuyen-cong-56-2025-12thang.docx"
    document = Document(BytesIO(export.content))
    paragraphs, rows = _docx_text(document)
    for paragraph in report["narrative_vi"].split("\n\n"):
        assert paragraph in paragraphs
    assert "Tỉnh Khánh Hòa" in paragraphs
    plan, executed = format_vnd(50_000_000_000, "trieu", 1), format_vnd(150_000_000, "trieu", 1)
    assert plan == "50.000,0 triệu đồng"
    assert ["56", "Tỉnh Khánh Hòa", plan, executed, format_percent(0.003)] in rows
    assert ["Khuyến công địa phương (KCĐP)", plan, executed, "0,30%", "0,30%"] in rows
    assert ["Khuyến công quốc gia (KCQG)", "0,0 triệu đồng", "0,0 triệu đồng", "—", "0,00%"] in rows
    indicator = next(row for row in rows if row[0].startswith("Cơ sở CNNT"))
    assert indicator[1:] == ["cơ sở", "—", "1", "—"]
    text = "\n".join(paragraphs + [cell for row in rows for cell in row])
    assert "{{" not in text
    assert "{%" not in text
    assert "Không phát hiện sai lệch giữa các số liệu." in paragraphs
    assert len(document.inline_shapes) == 1


def test_docx_template_can_be_replaced_by_a_setting(report, settings, tmp_path):
    from docx import Document

    custom = Document()
    custom.add_paragraph("Mẫu riêng của Sở Công Thương: {{ scope_label }}, {{ period_text }}")
    custom.save(tmp_path / "mau.docx")
    settings.KHUYENCONG_REPORT_DOCX_TEMPLATE = str(tmp_path / "mau.docx")
    document = Document(BytesIO(render(report, "docx").content))
    expected = "Mẫu riêng của Sở Công Thương: Tỉnh Khánh Hòa, Năm 2025 (01/01/2025 – 31/12/2025)"
    assert [p.text for p in document.paragraphs] == [expected]


def test_pdf_shows_vietnamese_text_in_an_embedded_dejavu_or_noto_font(report):
    import pypdfium2 as pdfium

    export = render(report, "pdf")
    assert export.content.startswith(b"%PDF-")
    assert export.content_type == "application/pdf"
    pdf = pdfium.PdfDocument(export.content)
    page = pdf[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    for expected in ("Kế hoạch", "Khánh Hòa", "Giải ngân", "Tỷ lệ giải ngân", "Năm 2025", "Trang 1/"):
        assert expected in text
    assert report["narrative_vi"].split("\n\n")[0][:60] in " ".join(text.split())
    fonts = {
        obj.get_font().get_base_name(): obj.get_font().is_embedded
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_TEXT])
    }
    assert fonts
    assert all(("DejaVu" in name or "Noto" in name) and embedded for name, embedded in fonts.items())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.render(scale=1.5).to_pil().save(SCREENSHOTS / "report-pdf-page1.png")
    last = pdf[len(pdf) - 1].get_textpage().get_text_range()
    assert f"Trang {len(pdf)}/{len(pdf)}" in last


def test_pdf_tables_use_vietnamese_number_formatting(report):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render(report, "pdf").content)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    assert "50.000,0 triệu đồng" in text
    assert "150,0 triệu đồng" in text
    assert "Không phát hiện sai lệch" in text


def test_pdf_renderer_fetches_data_uris_only():
    fetcher = exports.offline_url_fetcher()
    assert fetcher("data:text/plain;base64,YQ==").read() == b"a"
    for url in ("http://example.com/logo.png", "https://example.com/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed"):
            fetcher(url)


def test_chart_is_a_png_by_source_for_one_unit_and_by_unit_for_the_nation(projects, report):
    from PIL import Image

    nation = build_report(parse_scope("nation", 2025), Period(2025, 12))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sizes = []
    for name, data in (("unit", report), ("nation", nation)):
        png = execution_rate_chart(data)
        assert png.startswith(PNG_MAGIC)
        (SCREENSHOTS / f"report-chart-{name}.png").write_bytes(png)
        sizes.append(Image.open(BytesIO(png)).size)
    assert sizes[0][0] == sizes[1][0] > 1000  # 6.6 in at 200 dpi
    assert sizes[0][1] > sizes[1][1]  # three bars (KCQG, KCĐP, Tổng) against two provinces
    assert execution_rate_chart(report, image_format="svg").lstrip().startswith(b"<?xml")


def test_an_unknown_format_is_refused_with_a_code(report):
    with pytest.raises(ValidationFailed) as refused:
        render(report, "odt")
    assert refused.value.code == "invalid_format"
    assert refused.value.details == {"field": "format"}


@pytest.mark.parametrize("fmt", ["json", "xlsx", "docx", "pdf"])
def test_progress_rises_to_100(report, fmt):
    seen: list[int] = []
    render(report, fmt, progress=seen.append)
    assert seen[0] == 0
    assert seen[-1] == 100
    assert seen == sorted(set(seen))

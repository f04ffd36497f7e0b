"""Build the default Word template of the period report, ``bao-cao.docx`` next to this script.

Regenerate it after changing this script (and commit both):

    .venv/bin/python src/khuyencong/reporting/word/make_template.py

The template is a docxtpl (Jinja) document: users may edit it in Word, keeping the ``{{ … }}`` fields
and the loop rows, and point the setting ``KHUYENCONG_REPORT_DOCX_TEMPLATE`` at their copy. The fields
are those of ``khuyencong.reporting.exports.documents.document_context`` plus ``chart`` (an inline picture).
In tables, ``{%tr for … %}`` and ``{%tr endfor %}`` each take a row of their own: docxtpl removes those
rows and repeats the one between them.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

OUTPUT = Path(__file__).with_name("bao-cao.docx")
FONT = "Times New Roman"  # the font of Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP)
LEFT, RIGHT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER


def _set_font(style, size: float, *, bold: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    _set_font(document.styles["Normal"], 13)
    document.styles["Normal"].paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Title"):
        _set_font(document.styles[name], 13 if name == "Heading 1" else 15, bold=True)
    document.styles["Heading 1"].paragraph_format.space_before = Pt(12)


def _paragraph(document, text: str, *, align=LEFT, bold=False, italic=False, size=None, indent=False):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _fill_row(row, texts, widths, aligns, *, bold=False) -> None:
    for cell, text, width, align in zip(row.cells, texts, widths, aligns, strict=True):
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(10)


def _loop_table(document, headers, fields, widths, aligns, *, items: str, total=None) -> None:
    """A table (widths in cm, 16.5 in all: the page's text width): header, ``{%tr for row in items %}``,
    the repeated row, ``{%tr endfor %}``, then an optional total row."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # w:gridCol, which LibreOffice follows; Word follows the cells' w:tcW
    header = table.add_row()
    _fill_row(header, headers, widths, [CENTER] * len(headers), bold=True)
    _repeat_header(header)
    blanks = [""] * (len(headers) - 1)
    _fill_row(table.add_row(), [f"{{%tr for row in {items} %}}", *blanks], widths, aligns)
    _fill_row(table.add_row(), [f"{{{{ row.{field} }}}}" for field in fields], widths, aligns)
    _fill_row(table.add_row(), ["{%tr endfor %}", *blanks], widths, aligns)
    if total:
        _fill_row(table.add_row(), total, widths, aligns, bold=True)
    document.add_paragraph()


def _heading_block(document) -> None:
    _paragraph(document, "BÁO CÁO TÌNH HÌNH THỰC HIỆN KINH PHÍ KHUYẾN CÔNG", align=CENTER, bold=True, size=14)
    _paragraph(document, "{{ scope_label }}", align=CENTER, bold=True, size=14)
    _paragraph(document, "{{ period_text }}", align=CENTER, italic=True)
    _paragraph(document, "{{ basis_text }}", align=CENTER, italic=True, size=11)


def _narrative_block(document) -> None:
    document.add_heading("I. Tình hình thực hiện", level=1)
    _paragraph(document, "{%p for para in narrative %}")
    _paragraph(document, "{{ para }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(document, "{%p endfor %}")


def _tables_block(document) -> None:
    money = [LEFT, RIGHT, RIGHT, RIGHT]
    document.add_heading("II. Kinh phí theo nguồn", level=1)
    _loop_table(
        document,
        [
            "Nguồn kinh phí",
            "Kế hoạch",
            "Giải ngân",
            "Tỷ lệ giải ngân (so với kế hoạch của nguồn)",
            "Tỷ trọng giải ngân (so với tổng kế hoạch)",
        ],
        ["label", "plan", "executed", "rate", "share"],
        [3.2, 4.0, 4.0, 2.65, 2.65],
        [*money, RIGHT],
        items="sources",
    )
    _loop_table(
        document, ["Chỉ số", "Giá trị"], ["label", "value"], [12.5, 4.0], [LEFT, RIGHT], items="summary"
    )
    _paragraph(document, "{{ chart }}", align=CENTER)
    _paragraph(document, "Biểu đồ: {{ chart_title }}", align=CENTER, italic=True, size=11)
    document.add_heading("III. Kinh phí theo đơn vị", level=1)
    _loop_table(
        document,
        ["Mã", "Đơn vị", "Kế hoạch", "Giải ngân", "Tỷ lệ giải ngân (so với kế hoạch của đơn vị)"],
        ["code", "label", "plan", "executed", "rate"],
        [1.1, 4.4, 4.0, 4.0, 3.0],
        [CENTER, *money],
        items="units",
        total=["", "Tổng", "{{ unit_total.plan }}", "{{ unit_total.executed }}", "{{ unit_total.rate }}"],
    )
    document.add_heading("IV. Kinh phí theo nhóm nội dung", level=1)
    _loop_table(
        document,
        ["Nhóm nội dung", "Kế hoạch", "Giải ngân", "Tỷ lệ giải ngân (so với kế hoạch của nhóm)"],
        ["label", "plan", "executed", "rate"],
        [6.0, 4.0, 4.0, 2.5],
        money,
        items="groups",
    )
    document.add_heading("V. Chỉ tiêu", level=1)
    _loop_table(
        document,
        ["Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ (so với kế hoạch)"],
        ["name", "unit", "planned", "achieved", "rate"],
        [7.4, 2.4, 2.3, 2.3, 2.1],
        [LEFT, CENTER, RIGHT, RIGHT, RIGHT],
        items="indicators",
    )


def _projects_block(document) -> None:
    document.add_heading("VI. Dự án", level=1)
    _loop_table(
        document, ["Tình trạng", "Số dự án"], ["label", "count"], [12.5, 4.0], [LEFT, RIGHT], items="projects"
    )


def _checks_block(document) -> None:
    document.add_heading("VII. Kiểm tra số liệu", level=1)
    _paragraph(document, "{%p if checks %}")
    _loop_table(
        document,
        ["Quy tắc", "Nội dung", "Số liệu"],
        ["rule", "message", "figures"],
        [4.0, 7.0, 5.5],
        [LEFT, LEFT, LEFT],
        items="checks",
    )
    _paragraph(document, "{%p else %}")
    _paragraph(document, "Không phát hiện sai lệch giữa các số liệu.")
    _paragraph(document, "{%p endif %}")


def build(path: Path = OUTPUT) -> Path:
    document = Document()
    _page_setup(document)
    _heading_block(document)
    _narrative_block(document)
    _tables_block(document)
    _projects_block(document)
    _checks_block(document)
    document.core_properties.title = "Báo cáo tình hình thực hiện kinh phí khuyến công"
    document.core_properties.author = "khuyencong"
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build())

"""Served file names: the uploader's words, the detected type's extension (core.filenames)."""

import pytest

from khuyencong.core.filenames import STEM_MAX_BYTES, safe_file_name


@pytest.mark.parametrize(
    ("name", "extension", "served"),
    [
        ("report.html", ".pdf", "report.pdf"),  # PDF content named as a web page
        ("invoice\u202efdp.exe", ".pdf", "invoicefdp.pdf"),  # right-to-left override: reads "invoiceexe.pdf"
        ("Biên bản nghiệm thu.pdf", ".pdf", "Biên bản nghiệm thu.pdf"),
        ("Bie\u0302n ba\u0309n.pdf", ".pdf", "Biên bản.pdf"),  # decomposed (as typed on a Mac): composed
        ("bao-cao.pdf.exe", ".pdf", "bao-cao.pdf"),
        ("anh.JPEG", ".jpg", "anh.jpg"),
        ("report.PDF", ".pdf", "report.pdf"),
        ("scan", ".pdf", "scan.pdf"),
        ("Quyết định 12.2025", ".pdf", "Quyết định 12.2025.pdf"),  # a number after a dot is no extension
        ("du\u200bto\u200dan\ufeff.xlsx", "xlsx", "dutoan.xlsx"),  # zero-width characters, BOM
        ("a\tb\r\n\nc\u00a0 d .docx", ".docx", "a b c d.docx"),
        ("../../etc/passwd", ".png", "passwd.png"),
        ("C:\\Users\\an\\anh.jpg", ".jpg", "anh.jpg"),
        ('a<b>:c|d?"*.pdf', ".pdf", "abcd.pdf"),
        (".htaccess", ".pdf", "htaccess.pdf"),
        ("\u200b\u202e", ".pdf", "tai-lieu.pdf"),
        ("...", ".pdf", "tai-lieu.pdf"),
        ("", ".png", "tai-lieu.png"),
        ("\x00\x1b[31m.pdf", ".pdf", "[31m.pdf"),
    ],
)
def test_safe_file_name(name, extension, served):
    assert safe_file_name(name, extension) == served


def test_long_names_are_cut_on_a_character_boundary():
    served = safe_file_name("Biên bản nghiệm thu " * 30 + ".pdf", ".pdf")
    assert served.endswith(".pdf")
    stem = served.removesuffix(".pdf")
    assert 0 < len(stem.encode()) <= STEM_MAX_BYTES
    assert "Biên bản nghiệm thu".startswith(stem.split(" ")[0])
    assert not stem.endswith(" ")
    served = safe_file_name("ệ" * 200, ".pdf")
    assert served == "ệ" * (STEM_MAX_BYTES // 3) + ".pdf"

"""Importing provinces' figures: all rows checked first, every error named by row and column, nothing
written on an error, the same file twice changes nothing."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import DomainError
from khuyencong.reporting.models import FigureRow, IndicatorRow, Submission
from khuyencong.reporting.services import submissions_import

pytestmark = pytest.mark.django_db

HEADER = "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
GOOD = (
    HEADER
    + "2021,12,56,KCQG,,1140000000,1107000000\n"
    + "2021,12,56,KCDP,,4009000000,3773000000\n"
    + '2022,7,48,KCĐP,ct21-1,"1.500.000.000","300.000.000"\n'
)


def _import(world, text, *, role=Role.SYSTEM_ADMIN, approve=True, name="so-lieu.csv"):
    return submissions_import(actor=world.user(role), name=name, content=text.encode(), approve=approve)


def test_a_valid_file_creates_one_approved_submission_per_province_and_period(world):
    created = _import(world, GOOD)
    assert len(created) == 2
    khanh_hoa = Submission.objects.get(unit__code="56", year=2021, through_month=12)
    assert khanh_hoa.status == "approved"
    assert khanh_hoa.version == 1
    assert "SHA-256" in khanh_hoa.comment
    assert sorted(khanh_hoa.figures.values_list("source", "executed_dong")) == [
        ("KCDP", 3_773_000_000),
        ("KCQG", 1_107_000_000),
    ]
    da_nang = Submission.objects.get(unit__code="48", year=2022)
    assert da_nang.figures.get().plan_dong == 1_500_000_000  # Vietnamese-formatted number read


def test_the_same_file_twice_changes_nothing_and_new_figures_make_a_new_version(world):
    _import(world, GOOD)
    assert _import(world, GOOD) == []
    assert Submission.objects.count() == 2
    changed = GOOD.replace("3773000000", "3800000000")
    created = _import(world, changed)
    assert [(s.unit.code, s.version) for s in created] == [("56", 2)]


def test_a_bad_file_names_every_error_and_writes_nothing(world):
    bad = (
        HEADER
        + "2021,12,56,KCQG,,1140000000,1107000000\n"
        + "2021,13,56,KCDP,,4009000000,3773000000\n"
        + "2021,12,99,KCDP,,1,1\n"
        + "2021,12,56,KCXX,nhom-la,12,5\n"
        + '2021,12,48,KCQG,,"1,5",abc\n'
    )
    with pytest.raises(DomainError) as refused:
        _import(world, bad)
    assert refused.value.code == "import_invalid"
    found = {(e["row"], e["column"], e["code"]) for e in refused.value.details["errors"]}
    assert (3, "through_month", "invalid_month") in found
    assert (4, "unit_code", "unknown_unit") in found
    assert (5, "source", "invalid_source") in found
    assert (5, "content_group", "unknown_group") in found
    assert (6, "plan_dong", "invalid_amount") in found
    assert (6, "executed_dong", "invalid_amount") in found
    assert Submission.objects.count() == 0
    assert FigureRow.objects.count() == 0


def test_xlsx_with_figures_and_indicators_sheets(world):
    book = Workbook()
    figures = book.active
    figures.title = "figures"
    figures.append(HEADER.strip().split(","))
    figures.append([2023, 9, "56", "KCQG", None, 28_400_000_000.0, 18_290_000_000])
    indicators = book.create_sheet("indicators")
    indicators.append(["year", "through_month", "unit_code", "indicator_code", "planned", "achieved"])
    indicators.append([2023, 9, 56, "co-so-may-moc", 282, 129])
    buffer = io.BytesIO()
    book.save(buffer)
    created = submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN), name="mttn.xlsx", content=buffer.getvalue(), approve=True
    )
    assert len(created) == 1
    assert created[0].figures.get().plan_dong == 28_400_000_000
    assert IndicatorRow.objects.get().achieved == 129


def test_a_province_officer_submits_for_approval_and_only_for_their_province(world):
    created = _import(world, HEADER + "2021,12,56,KCQG,,1,1\n", role=Role.PROVINCE_OFFICER, approve=False)
    assert created[0].status == "prepared"  # it awaits the Department's approval
    with pytest.raises(DomainError) as refused:
        _import(world, HEADER + "2021,12,48,KCQG,,1,1\n", role=Role.PROVINCE_OFFICER, approve=False)
    assert refused.value.code == "not_found"
    with pytest.raises(DomainError):  # only administrators record imports as approved
        _import(world, HEADER + "2021,12,56,KCQG,,2,2\n", role=Role.PROVINCE_OFFICER, approve=True)
    assert Submission.objects.count() == 1


def test_command_reports_errors_by_row_and_column(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "2021,12,56,KCQG,,x,1\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_submissions", str(path), "--as", world.user(Role.SYSTEM_ADMIN).username, stderr=err
        )
    assert "row 2, column plan_dong" in err.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("import_submissions", str(good), "--as", world.user(Role.SYSTEM_ADMIN).username, stdout=out)
    assert "2 submission(s) created" in out.getvalue()


def test_a_file_of_the_wrong_kind_is_named_as_such(world):
    """A PDF given to the figures import was "seven missing columns"; it is one error naming its type."""
    import zipfile

    from khuyencong.reporting.imports import read_file

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    for name, content, kind in (
        ("bao-cao.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("bao-cao.docx", docx.getvalue(), "Word (DOCX)"),
        ("bao-cao.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "XLS"),
    ):
        (error,) = read_file(name, content).errors
        assert error.code == "wrong_file_type", name
        assert kind in error.message
        assert "XLSX" in error.message  # what it expected, in either language
        assert "CSV" in error.message
        with pytest.raises(DomainError) as refused:
            submissions_import(actor=world.user(Role.SYSTEM_ADMIN), name=name, content=content, approve=True)
        assert refused.value.details["errors"][0]["code"] == "wrong_file_type"
    assert not Submission.objects.exists()

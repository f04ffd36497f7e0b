"""The establishments import (core.imports): every row checked by the registry's own rules at once,
errors named by row, column and value, rows matched by tax code or by name and commune, written all
together or not at all, and the list's "for editing" export imported back as unchanged."""

import io

import openpyxl
import pytest

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
from khuyencong.core.models import AuditEntry, ImportStatus
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_visible
from khuyencong.testing.projects import establishment, location

pytestmark = pytest.mark.django_db

HEADER = "legal_form,name,tax_code,commune_code,phone,workers"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _errors(checked):
    return [(e.row, e.column, e.code) for e in checked.errors.items]


def _outcomes(checked):
    return [(o.row, o.outcome) for o in checked.outcomes.get("establishments", [])]


def test_every_bad_row_is_named_by_row_column_and_value_and_nothing_is_written(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    phan_rang = world.phan_rang.code
    hanoi_commune = location(world, "foreign").code
    before = Establishment.objects.count()
    rows = [
        f"hộ kinh doanh,Cơ sở mây tre Lê Văn A,,{phan_rang},0912345678,5",  # row 2: good
        f"doanh nghiệp,Công ty TNHH Gốm B,,{phan_rang},,12",  # 3: an enterprise without tax code
        f"hộ kinh doanh,Cơ sở bánh C,,{phan_rang},abc,3",  # 4: a phone that is no phone
        f"hợp tác xã x,HTX D,,{phan_rang},,",  # 5: no such legal form
        "hộ kinh doanh,Cơ sở E,,99999,,",  # 6: no such commune
        f"hộ kinh doanh,Cơ sở mây tre Le Van A,,{phan_rang},,",  # 7: row 2 again (no diacritics)
        f"hộ kinh doanh,Cơ sở F,,{phan_rang},,nhiều",  # 8: workers not a number
        f"hộ kinh doanh,Cơ sở G,,{hanoi_commune},,",  # 9: outside the officer's province
    ]
    checked = check_file(officer, _csv(*rows))
    assert _errors(checked) == [
        (3, "tax_code", "invalid_field"),
        (4, "phone", "invalid_field"),
        (5, "legal_form", "invalid_choice"),
        (6, "commune_code", "unknown_unit"),
        (7, "name", "duplicate_in_file"),
        (8, "workers", "invalid_number"),
        (9, "commune_code", "not_in_jurisdiction"),
    ]
    values = {(e.row, e.column): e.value for e in checked.errors.items}
    assert values[(4, "phone")] == "abc"
    assert values[(8, "workers")] == "nhiều"
    assert values[(6, "commune_code")] == "99999"
    assert _outcomes(checked) == [(2, "new")]
    run = import_upload(actor=officer, name="co-so.csv", content=_csv(*rows))
    assert run.status == ImportStatus.INVALID
    assert run.error_count == 7
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert Establishment.objects.count() == before


def test_a_row_matching_the_registry_is_unchanged_or_an_update_of_named_fields(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    known = establishment(world, name="Cơ sở nón lá Trần Thị H")
    code = known.commune.code
    same = check_file(
        officer, _csv(f"household_business,Cơ sở nón lá Trần Thị H,,{code},,", header=HEADER[:-8])
    )
    assert [(o.outcome, o.existing) for o in same.outcomes["establishments"]] == [("unchanged", known.pk)]
    more = check_file(officer, _csv(f"hộ kinh doanh,Cơ sở nón lá Tran Thi H,,{code},0905123456,8"))
    assert [(o.outcome, o.changed) for o in more.outcomes["establishments"]] == [
        ("update", ["workers", "phone"])
    ]

    run = import_upload(
        actor=officer,
        name="sua.csv",
        content=_csv(f"hộ kinh doanh,Cơ sở nón lá Tran Thi H,,{code},0905123456,8"),
    )
    import_confirm(actor=officer, run=run)
    known.refresh_from_db()
    assert (known.phone, known.workers, known.name) == ("0905123456", 8, "Cơ sở nón lá Trần Thị H")
    entry = AuditEntry.objects.get(import_run=run, action="establishment.update")
    assert entry.before == {"phone": "", "workers": None}
    assert entry.after == {"phone": "0905123456", "workers": 8}


def test_confirm_writes_every_row_with_its_audit_entry_in_one_go(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    code = world.phan_rang.code
    rows = [f"hộ kinh doanh,Cơ sở số {n},,{code},,{n}" for n in range(1, 41)]
    rows.append(f"doanh nghiệp,Công ty TNHH Gốm Bàu Trúc,0101234565,{code},,25")
    run = import_upload(actor=officer, name="co-so.csv", content=_csv(*rows))
    assert run.status == ImportStatus.CHECKED
    assert run.counts == {"establishments": {"new": 41, "unchanged": 0, "update": 0, "errors": 0}}
    import_confirm(actor=officer, run=run)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert run.imported_at is not None
    created = Establishment.objects.filter(name__startswith="Cơ sở số ")
    assert created.count() == 40
    assert sorted(created.values_list("workers", flat=True)) == list(range(1, 41))
    company = Establishment.objects.get(tax_code="0101234565")
    assert company.search_name
    assert company.commune == world.phan_rang
    audits = AuditEntry.objects.filter(import_run=run, action="establishment.create")
    assert audits.count() == 41
    assert audits.get(object_id=str(company.pk)).after["tax_code"] == "0101234565"
    assert AuditEntry.objects.filter(import_run=run, action="import.confirm").count() == 1
    # the same file again: every row is now unchanged, and importing it writes nothing
    again = import_upload(actor=officer, name="co-so.csv", content=_csv(*rows))
    assert again.counts["establishments"] == {"new": 0, "unchanged": 41, "update": 0, "errors": 0}


def test_a_bad_row_among_thousands_writes_nothing_and_is_marked_in_the_copy(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    code = world.phan_rang.code
    rows = [f"hộ kinh doanh,Cơ sở hàng loạt {n},,{code},,{n % 50}" for n in range(10_000)]
    rows[6_123] = f"hộ kinh doanh,Cơ sở hàng loạt lỗi,,{code},09x,3"
    run = import_upload(actor=officer, name="nhieu.csv", content=_csv(*rows))
    assert run.error_count == 1
    assert [(e["row"], e["column"], e["code"]) for e in run.errors] == [(6_125, "phone", "invalid_field")]
    with pytest.raises(ImportInvalid):
        import_confirm(actor=officer, run=run)
    assert not Establishment.objects.filter(name__startswith="Cơ sở hàng loạt").exists()

    from khuyencong.core.imports import marked_copy

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(lambda t: marked_copy(run, t))))
    sheet = book.worksheets[0]
    cell = sheet.cell(row=6_125, column=5)  # the phone column
    assert cell.value == "09x"
    assert cell.comment is not None
    assert "09x" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("F8D7DA")
    assert book.worksheets[-1].cell(row=2, column=2).value == 6_125


def test_the_lists_export_for_editing_imports_back_unchanged(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    establishment(world, name="Cơ sở gốm Bàu Trúc", tax_code="0301234562", workers=7, phone="0259 3822 123")
    establishment(world, name="Cơ sở dệt Mỹ Nghiệp")
    kind = KINDS["establishments"]
    rows = establishments_visible(officer).filter(merged_into__isnull=True)
    content = workbook_bytes(
        lambda t: template_workbook(officer, t, [kind], {"establishments": kind.export_rows(rows)})
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert sheet.row_dimensions[2].hidden
    assert sheet.cell(row=2, column=1).value == "legal_form"
    assert {"Ví dụ", "Hướng dẫn cột"} <= set(book.sheetnames)
    checked = check_file(officer, content)
    assert not checked.errors, checked.errors.items
    assert {o.outcome for o in checked.outcomes["establishments"]} == {"unchanged"}
    assert len(checked.outcomes["establishments"]) == rows.count()


def test_merged_cells_and_uncomputed_formulas_are_refused_by_cell(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "establishments"
    sheet.append(["legal_form", "name", "commune_code", "workers"])
    sheet.append(["hộ kinh doanh", "Cơ sở A", world.phan_rang.code, "=2+3"])
    sheet.append(["hộ kinh doanh", "Cơ sở B", world.phan_rang.code, 4])
    sheet.append(["hộ kinh doanh", "Cơ sở C", None, 4])
    sheet.merge_cells("C3:C4")
    buffer = io.BytesIO()
    book.save(buffer)
    checked = check_file(officer, buffer.getvalue())
    assert sorted(_errors(checked)) == [
        (2, "workers", "formula_without_value"),
        (3, "commune_code", "merged_cells"),
    ]
    assert not checked.outcomes


def test_files_that_are_no_workbook_are_one_error(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    assert _errors(check_file(officer, b"%PDF-1.4 ...")) == [(0, "", "wrong_file_type")]
    assert _errors(check_file(officer, b"PK\x03\x04 broken")) == [(0, "", "unreadable_file")]
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
    assert _errors(check_file(officer, encrypted)) == [(0, "", "password_protected")]
    auditor = world.user(Role.AUDITOR)
    assert _errors(check_file(auditor, _csv())) == [(0, "", "not_allowed")]

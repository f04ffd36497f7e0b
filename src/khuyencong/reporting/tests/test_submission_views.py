"""The submission pages: the centre submits from the list, the Department finds it in its inbox and
sends it up, the ministry finds it in its inbox, returns it with a comment, the province sees the
comment and resubmits, the ministry approves; the period overview counts expected, missing and late
provinces; the import checks a file without writing, then imports it on confirmation. Access per role
is the harness's (doors_submissions.py); here: behaviour."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from khuyencong.accounts.choices import Role
from khuyencong.reporting.imports import FIGURE_COLUMNS, INDICATOR_COLUMNS, read_file
from khuyencong.reporting.models import Submission
from khuyencong.reporting.services import submission_decide, submissions_import
from khuyencong.reporting.submissions import forms as submission_forms
from khuyencong.testing.projects import LINE_AMOUNT, make_project

pytestmark = pytest.mark.django_db

HEADER = ",".join(FIGURE_COLUMNS) + "\n"
KHANH_HOA_CSV = HEADER + f"2025,9,56,KCDP,,{5 * LINE_AMOUNT},120000000\n2025,9,56,KCQG,,0,0\n"
HA_NOI_CSV = HEADER + "2025,9,01,KCDP,,9000000000,1000000000\n"


def url(name, *args):
    return reverse(f"reporting:{name}", args=args)


def _as(client, world, role):
    client.force_login(world.user(role))
    return client


def _table(response):
    """The list's main table (the decider's inbox above it lists pending reports too)."""
    return response.content.decode().split('data-testid="submission-table"')[1]


def _submit(client, year=2025, month=9, unit="56", comment=""):
    return client.post(
        url("submission_submit"),
        {"submit-unit": unit, "submit-year": year, "submit-through_month": month, "submit-comment": comment},
    )


def _import(world, text, code_role=Role.SYSTEM_ADMIN):
    return submissions_import(actor=world.user(code_role), name="so-lieu.csv", content=text.encode())


@pytest.fixture
def settled(world):
    return make_project(world, state="settled", support=150_000_000)


def test_submit_return_resubmit_approve_through_the_pages(client, world, settled):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    page = officer.get(url("submission_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="submit-form"' in body
    assert 'data-testid="submissions-empty"' in body
    assert "scope=unit%3A56" in body  # the preview link: the report page on the province's live figures
    assert 'data-testid="awaiting"' not in body  # a province never decides

    response = _submit(officer, comment="Báo cáo 9 tháng")
    first = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("submission_detail", first.pk)
    assert (first.version, first.status, first.comment) == (1, "prepared", "Báo cáo 9 tháng")
    assert _submit(officer).status_code == 400  # the same figures again: said on the form
    assert Submission.objects.count() == 1

    detail = officer.get(url("submission_detail", first.pk)).content.decode()
    assert 'data-testid="figure-table"' in detail
    assert "75,0 triệu đồng" in detail  # the advance of 15/03, formatted by the vnd filter
    assert 'data-testid="approve-form"' not in detail
    assert 'data-testid="awaiting-department"' in detail  # says who acts next

    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    assert (
        url("submission_detail", first.pk)
        not in ministry.get(url("submission_list"))
        .content.decode()
        .split('data-testid="submission-table"')[0]
    )  # not in the ministry's inbox before the Department sends it
    department = _as(client, world, Role.PROVINCE_APPROVER)
    inbox = department.get(url("submission_list")).content.decode()
    assert 'data-testid="awaiting"' in inbox
    assert url("submission_detail", first.pk) in inbox
    page = department.get(url("submission_detail", first.pk)).content.decode()
    assert "Duyệt và gửi" in page
    department.post(url("submission_approve", first.pk), {"decision-comment": ""})
    sent = Submission.objects.get()
    assert (sent.status, sent.sent_by) == ("submitted", world.user(Role.PROVINCE_APPROVER))

    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    inbox = ministry.get(url("submission_list")).content.decode()
    assert 'data-testid="awaiting"' in inbox
    assert url("submission_detail", first.pk) in inbox
    page = ministry.get(url("submission_detail", first.pk)).content.decode()
    assert 'data-testid="approve-form"' in page
    assert 'data-testid="return-form"' in page

    refused = ministry.post(url("submission_return", first.pk), {"decision-comment": "  "}, follow=True)
    assert Submission.objects.get().status == "submitted"  # a return needs a comment
    assert any("ý kiến" in str(m) for m in refused.context["messages"])  # "…phải kèm ý kiến"
    ministry.post(url("submission_return", first.pk), {"decision-comment": "Bổ sung nhóm nội dung 2"})
    assert Submission.objects.get().status == "returned"

    officer = _as(client, world, Role.PROVINCE_OFFICER)
    detail = officer.get(url("submission_detail", first.pk)).content.decode()
    assert "Bổ sung nhóm nội dung 2" in detail
    assert 'data-testid="resubmit-form"' in detail
    response = _submit(officer, comment="Đã bổ sung")
    second = Submission.objects.get(version=2)
    assert response["Location"] == url("submission_detail", second.pk)
    _as(client, world, Role.PROVINCE_APPROVER).post(url("submission_approve", second.pk))

    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    assert ministry.post(url("submission_approve", first.pk)).status_code == 302
    assert Submission.objects.get(pk=first.pk).status == "returned"  # an old version is never decided
    ministry.post(url("submission_approve", second.pk), {"decision-comment": ""})
    assert Submission.objects.get(pk=second.pk).status == "approved"

    old = ministry.get(url("submission_detail", first.pk)).content.decode()
    assert 'data-testid="not-latest"' in old
    assert url("submission_detail", second.pk) in old
    history = ministry.get(url("submission_detail", second.pk)).content.decode()
    assert history.count('data-testid="history-row"') == 6  # submit, send, return, resubmit, send, approve
    assert "Bổ sung nhóm nội dung 2" in history


def test_the_list_shows_latest_versions_unless_asked_and_filters_by_url(client, world):
    (first,) = _import(world, KHANH_HOA_CSV)
    submission_decide(
        actor=world.user(Role.MINISTRY_OFFICER), submission_id=first.pk, approve=False, comment="Sai"
    )
    (second,) = _import(world, KHANH_HOA_CSV.replace("120000000", "130000000"))
    _import(world, HA_NOI_CSV)
    ministry = _as(client, world, Role.MINISTRY_OFFICER)

    body = _table(ministry.get(url("submission_list")))
    assert url("submission_detail", second.pk) in body
    assert url("submission_detail", first.pk) not in body
    every = _table(ministry.get(url("submission_list") + "?all_versions=on"))
    assert url("submission_detail", first.pk) in every
    returned = _table(ministry.get(url("submission_list") + "?all_versions=on&status=returned"))
    assert url("submission_detail", first.pk) in returned
    assert url("submission_detail", second.pk) not in returned
    hanoi = _table(ministry.get(url("submission_list") + "?province=01"))
    assert url("submission_detail", second.pk) not in hanoi
    assert 'data-testid="submissions-empty"' not in hanoi

    export = ministry.get(url("submission_list") + "?province=56&export=csv")
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("56,")

    officer = _as(client, world, Role.PROVINCE_OFFICER)
    own = _table(officer.get(url("submission_list")))
    assert url("submission_detail", second.pk) in own
    assert "Hà Nội" not in own


def test_who_reaches_a_submission(client, world):
    (own,) = _import(world, KHANH_HOA_CSV)
    (foreign,) = _import(world, HA_NOI_CSV)
    cases = [
        (Role.PROVINCE_OFFICER, own, 200),
        (Role.PROVINCE_OFFICER, foreign, 404),
        (Role.REGION_VIEWER, own, 200),
        (Role.REGION_VIEWER, foreign, 404),
        (Role.COMMUNE_OFFICER, own, 403),  # inside the province: no secret, but not theirs to read
        (Role.COMMUNE_OFFICER, foreign, 404),
        (Role.MINISTRY_OFFICER, foreign, 200),
    ]
    for role, submission, status in cases:
        response = _as(client, world, role).get(url("submission_detail", submission.pk))
        assert response.status_code == status, (role, submission.unit.code)
    for role in (Role.PROVINCE_OFFICER, Role.PROVINCE_APPROVER, Role.REGION_VIEWER):  # sent by the nation
        response = _as(client, world, role).post(url("submission_approve", own.pk))
        assert response.status_code == 403, role
    assert (
        _as(client, world, Role.PROVINCE_OFFICER).post(url("submission_approve", foreign.pk)).status_code
        == 404
    )
    assert Submission.objects.filter(status="submitted").count() == 2

    region = _as(client, world, Role.REGION_VIEWER)
    assert _submit(region).status_code == 403
    assert _submit(region, unit="01").status_code == 404
    assert _submit(_as(client, world, Role.PROVINCE_OFFICER), unit="01").status_code == 404
    client.logout()
    response = client.get(url("submission_detail", own.pk))
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_a_period_not_started_is_refused_on_the_form(client, world, monkeypatch):
    real = timezone.localdate
    today = dt.date(2026, 5, 15)  # a fixed day: the period through May has not ended
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, *a, **k: today if value is None else real(value)
    )
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    response = _submit(officer, year=today.year, month=today.month)
    assert response.status_code == 400
    assert 'data-testid="error-through_month"' in response.content.decode()
    assert not Submission.objects.exists()


def test_the_overview_counts_expected_submitted_missing_and_late(client, world, settled):
    (khanh_hoa,) = _import(world, KHANH_HOA_CSV)
    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    response = ministry.get(url("submission_overview") + "?scope=region:mttn&year=2025&through_month=9")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts == {
        "expected": 2,  # Khánh Hòa and Đà Nẵng, the region's provinces in force on 30/09/2025
        "submitted": 1,
        "prepared": 0,
        "approved": 0,
        "pending": 1,
        "returned": 0,
        "missing": 1,
        "late": 2,  # due 10/10/2025: Khánh Hòa submitted today, Đà Nẵng has not
    }
    body = response.content.decode()
    assert 'data-unit="56"' in body
    assert 'data-unit="48"' in body
    assert 'data-unit="01"' not in body
    assert url("submission_detail", khanh_hoa.pk) in body
    assert 'data-testid="missing-badge"' in body

    region = _as(client, world, Role.REGION_VIEWER)
    default = region.get(url("submission_overview") + "?year=2025&through_month=9")
    assert default.context["scope"].key == "region:mttn"  # the user's own scope by default
    assert region.get(url("submission_overview") + "?scope=unit:01&year=2025").status_code == 404
    assert region.get(url("submission_overview") + "?scope=nation&year=2025").status_code == 404
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    assert officer.get(url("submission_overview") + "?scope=region:mttn&year=2025").status_code == 404
    assert officer.get(url("submission_overview") + "?scope=unit:56&year=2025").status_code == 200
    commune = _as(client, world, Role.COMMUNE_OFFICER)
    assert commune.get(url("submission_overview") + "?scope=unit:56&year=2025").status_code == 403
    unknown = ministry.get(url("submission_overview") + "?scope=unit:99&year=2025")
    assert unknown.status_code == 200
    assert 'data-testid="error-scope"' in unknown.content.decode()


def _upload(client, text, name="so-lieu.csv"):
    return client.post(
        url("submission_import"), {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )


def test_import_previews_without_writing_then_confirms(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    assert officer.get(url("submission_import")).status_code == 200
    preview = _upload(officer, KHANH_HOA_CSV)
    assert preview.status_code == 200
    (group,) = preview.context["preview"].groups
    assert (group.unit.code, group.year, group.through_month, group.outcome) == ("56", 2025, 9, "new")
    assert group.plan == 5 * LINE_AMOUNT
    assert group.executed == 120_000_000
    assert not Submission.objects.exists()  # a preview writes nothing

    token = preview.context["token"]
    done = officer.post(url("submission_import_confirm"), {"payload": token})
    created = Submission.objects.get()
    assert done["Location"] == url("submission_detail", created.pk)
    assert (created.origin, created.status, created.file_name) == ("file", "prepared", "so-lieu.csv")

    again = _upload(officer, KHANH_HOA_CSV)
    assert [g.outcome for g in again.context["preview"].groups] == ["unchanged"]
    assert 'data-testid="import-unchanged"' in again.content.decode()
    changed = _upload(officer, KHANH_HOA_CSV.replace("120000000", "125000000"))
    assert [(g.outcome, g.version) for g in changed.context["preview"].groups] == [("new_version", 2)]

    tampered = officer.post(url("submission_import_confirm"), {"payload": token[:-2] + "xx"})
    assert tampered.status_code == 302
    assert tampered["Location"] == url("submission_import")
    other = _as(client, world, Role.PROVINCE_APPROVER)  # a token is good for the user it was made for
    assert other.post(url("submission_import_confirm"), {"payload": token}).status_code == 302
    assert Submission.objects.count() == 1


def test_import_lists_every_error_and_refuses_other_provinces(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    bad = HEADER + "2025,13,56,KCXX,,1,abc\n2025,9,99,KCDP,,1,1\n"
    response = _upload(officer, bad)
    assert response.status_code == 400
    found = {(e["row"], e["column"], e["code"]) for e in response.context["preview"].errors}
    assert {(2, "through_month", "invalid_month"), (2, "source", "invalid_source")} <= found
    assert {(2, "executed_dong", "invalid_amount"), (3, "unit_code", "unknown_unit")} <= found
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body
    assert 'data-testid="import-confirm-form"' not in body

    foreign = _upload(officer, KHANH_HOA_CSV + "2025,9,01,KCDP,,9000000000,1000000000\n")
    assert [e["code"] for e in foreign.context["preview"].errors] == ["not_in_jurisdiction"]
    assert not Submission.objects.exists()


def test_import_refuses_a_file_too_large(client, world, monkeypatch):
    monkeypatch.setattr(submission_forms, "IMPORT_MAX_BYTES", 20)
    response = _upload(_as(client, world, Role.PROVINCE_OFFICER), KHANH_HOA_CSV)
    assert response.status_code == 400
    assert 'data-testid="error-file"' in response.content.decode()


def test_import_is_for_those_who_may_submit_a_province(client, world):
    for role in (Role.REGION_VIEWER, Role.AUDITOR, Role.COMMUNE_OFFICER):
        assert _as(client, world, role).get(url("submission_import")).status_code == 403, role


def _fill(sheet, row, values):
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value)


def test_the_template_has_the_import_columns_and_drop_down_lists(client, world):
    response = _as(client, world, Role.PROVINCE_OFFICER).get(url("submission_import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["figures", "indicators"]
    figures, indicators = book["figures"], book["indicators"]
    assert [c.value for c in figures[1]][:3] == ["Năm", "Lũy kế đến tháng", "Mã tỉnh"]  # in Vietnamese
    assert [c.value for c in figures[2]] == FIGURE_COLUMNS  # the codes, in a hidden row
    assert figures.row_dimensions[2].hidden
    assert [c.value for c in indicators[2]] == INDICATOR_COLUMNS
    lists = {str(v.sqref)[0]: v.formula1 for v in figures.data_validations.dataValidation}
    assert lists["D"] == '"KCQG,KCDP"'  # source
    assert lists["B"] == '"1,2,3,4,5,6,7,8,9,10,11,12"'  # through_month
    assert lists["C"].startswith("codes!$A$2")  # unit codes of the provinces in force
    assert lists["E"].startswith("codes!$C$2")  # content groups
    codes = [row[0] for row in book["codes"].iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]
    assert {"01", "48", "56"} == set(codes)  # the test world's provinces in force, "01" kept as text

    # Filled in, the template reads back without error.
    _fill(figures, 3, [2025, 9, "56", "KCDP", "", 1_000_000_000, 500_000_000])  # below the headers
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read_file("mau.xlsx", buffer.getvalue())
    assert parsed.errors == []
    assert list(parsed.figures.values()) == [
        [{"source": "KCDP", "content_group": "", "plan_dong": 1_000_000_000, "executed_dong": 500_000_000}]
    ]

    # A bad cell is named by the row the officer sees (the data start on row 3).
    _fill(figures, 4, [2025, 9, "56", "KCDP", "", "abc", 0])
    buffer = io.BytesIO()
    book.save(buffer)
    errors = read_file("mau.xlsx", buffer.getvalue()).errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("figures", 4, "plan_dong")]


def test_a_header_of_names_alone_reads_as_its_codes(world):
    """A sheet typed by hand with the columns' names (in Vietnamese or English, with or without
    diacritics) in its first row reads like one with the codes."""
    names = "Năm,Luy ke den thang,Mã tỉnh,Funding source,Nhóm nội dung,Kế hoạch (đồng),Thực hiện (đồng)"
    content = f"{names}\n2025,9,56,KCDP,,1.000.000.000,500.000.000\n".encode()
    parsed = read_file("so-lieu.csv", content)
    assert parsed.errors == []
    assert next(iter(parsed.figures.values()))[0]["executed_dong"] == 500_000_000


def test_the_templates_lists_write_catalogue_names_as_text(client, world):
    """A catalogue name that looks like a formula (=HYPERLINK…) is text in the template's lists, not a
    formula the spreadsheet would run."""
    from khuyencong.catalog.models import Indicator

    Indicator.objects.filter(pk=Indicator.objects.order_by("code").first().pk).update(
        name='=HYPERLINK("http://example.invalid","Bấm vào đây")'
    )
    response = _as(client, world, Role.PROVINCE_OFFICER).get(url("submission_import_template"))
    codes = load_workbook(io.BytesIO(response.content))["codes"]
    cells = [c for row in codes.iter_rows(min_row=2) for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://example.invalid","Bấm vào đây")', "s")
    ]

"""The import through the API and the command line, as on the import page: a dry run writes nothing
and says what would happen, an import without errors answers 201 with what it wrote, one bad row
answers 422 `import_invalid` naming it and writes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from khuyencong.accounts.choices import Role
from khuyencong.core.models import AuditEntry, ImportRun, ImportStatus
from khuyencong.finance.models import LedgerEntry
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports"


def _ledger(project, *rows: str) -> bytes:
    header = "project_code,kind,amount,value_date,reference,note"
    return ("\n".join([header, *(f"{project.code},{row}" for row in rows)]) + "\n").encode()


def _post(client, content: bytes, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    file = SimpleUploadedFile("so-cai.csv", content, "text/csv")
    return client.post(f"{URL}?{query}" if query else URL, {"file": file})


@pytest.fixture
def officer(client, world):
    user = world.user(Role.PROVINCE_OFFICER)
    client.force_login(user)
    return user


def test_dry_run_then_import_then_one_bad_row(client, world, officer):
    project = make_project(world, state=ProjectState.CONTRACTED)
    good = _ledger(project, "thanh toán,10.000.000,01/04/2025,UNC 1,", "thanh toán,5000000,02/04/2025,UNC 2,")
    before = LedgerEntry.objects.count()

    dry = _post(client, good, dry_run="true")
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert (body["dry_run"], body["id"], body["status"]) == (True, None, "checked")
    assert body["counts"] == {"ledger": {"new": 2, "unchanged": 0, "update": 0, "errors": 0}}
    assert LedgerEntry.objects.count() == before
    assert not ImportRun.objects.exists()

    done = _post(client, good)
    assert done.status_code == 201, done.content
    run = ImportRun.objects.get(pk=done.json()["id"])
    assert run.status == ImportStatus.DONE
    assert LedgerEntry.objects.count() == before + 2
    assert AuditEntry.objects.filter(import_run=run, action="finance.entry").count() == 2

    listed = client.get(URL).json()
    assert [item["id"] for item in listed["items"]] == [run.pk]
    assert client.get(f"{URL}/{run.pk}").json()["counts"]["ledger"]["new"] == 2

    bad = _ledger(
        project, "thanh toán,1000000,03/04/2025,UNC 3,", 'thanh toán,"1,5 triệu đồng lẻ",03/04/2025,UNC 4,'
    )
    refused = _post(client, bad)
    assert refused.status_code == 422
    answer = refused.json()
    assert answer["code"] == "import_invalid"
    assert answer["details"]["count"] == 1
    [error] = answer["details"]["errors"]
    assert (error["sheet"], error["row"], error["column"], error["code"]) == (
        "ledger",
        3,
        "amount",
        "invalid_amount",
    )
    assert error["value"] == "1,5 triệu đồng lẻ"
    assert LedgerEntry.objects.count() == before + 2


def test_the_api_refuses_what_is_not_a_spreadsheet_and_roles_that_may_not_import(client, world, officer):
    pdf = _post(client, b"%PDF-1.7 not a workbook")
    assert pdf.status_code == 422
    assert pdf.json()["details"]["errors"][0]["code"] == "wrong_file_type"
    unknown = _post(client, b"a,b\n1,2\n", kind="nothing")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_kind")
    client.force_login(world.user(Role.AUDITOR))
    assert _post(client, b"a,b\n1,2\n").status_code == 403


def test_the_command_imports_or_only_checks(world, tmp_path):
    project = make_project(world, state=ProjectState.CONTRACTED)
    path = tmp_path / "so-cai.csv"
    path.write_bytes(_ledger(project, "thanh toán,10.000.000,01/04/2025,UNC 1,"))
    officer = world.user(Role.PROVINCE_OFFICER)
    before = LedgerEntry.objects.count()
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", "--as", officer.username, stdout=out)
    assert "ledger: 1 new, 0 to update, 0 unchanged, 0 with errors" in out.getvalue()
    assert "nothing written" in out.getvalue()
    assert LedgerEntry.objects.count() == before
    out = io.StringIO()
    call_command("import", str(path), "--as", officer.username, stdout=out)
    assert LedgerEntry.objects.count() == before + 1
    run = ImportRun.objects.get()
    assert f"imported as import #{run.pk}" in out.getvalue()
    # the file again: nothing new
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", "--as", officer.username, stdout=out)
    assert "ledger: 0 new, 0 to update, 1 unchanged, 0 with errors" in out.getvalue()

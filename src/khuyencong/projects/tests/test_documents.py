"""Dossier documents: the type is judged by the content, not the name; the size is limited; files land
under MEDIA_ROOT, named by their hash; refusals store nothing."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Document, DocumentForm
from khuyencong.projects.services import document_upload
from khuyencong.testing.projects import make_project

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 16
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57


def _entry(name: str) -> zipfile.ZipInfo:
    """A member dated once for all: the archive's bytes (part of the test ids) are the same on every
    pytest-xdist worker."""
    return zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("[Content_Types].xml"), "<Types/>")
        for name in names:
            archive.writestr(_entry(name), "<x/>")
    return buffer.getvalue()


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("a.txt"), "x")
    return buffer.getvalue()


ZIP = _plain_zip()
DOCX = _zip("word/document.xml")
XLSX = _zip("xl/workbook.xml")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KHUYENCONG_UPLOAD_MAX_BYTES = 4096
    return tmp_path


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def project(world):
    return make_project(world, state=ProjectState.APPROVED)


@pytest.fixture
def form(db):
    return DocumentForm.objects.get(code="bien-ban-nghiem-thu")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _upload(officer, project, form, name, content):
    return document_upload(actor=officer, project=project, form=form, name=name, content=content)


@pytest.mark.parametrize(
    ("name", "content", "mime", "extension"),
    [
        ("bien-ban.pdf", PDF, "application/pdf", ".pdf"),
        ("anh.jpg", JPEG, "image/jpeg", ".jpg"),
        ("anh.png", PNG, "image/png", ".png"),
        (
            "du-toan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        ("bang-ke.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
        ("bien-ban.pdf", PNG, "image/png", ".png"),  # a picture named .pdf is a picture
        ("scan", PDF, "application/pdf", ".pdf"),  # no extension at all
    ],
)
def test_allowed_types_are_stored_under_media_root(
    media, officer, project, form, name, content, mime, extension
):
    document = _upload(officer, project, form, name, content)
    document.refresh_from_db()
    digest = hashlib.sha256(content).hexdigest()
    assert (document.content_type, document.extension, document.size, document.sha256) == (
        mime,
        extension,
        len(content),
        digest,
    )
    assert document.original_name == name
    stored = Path(document.file.path)
    assert stored.is_relative_to(media)
    assert stored.name == f"{digest}{extension}"
    assert document.file.name.startswith("projects/")
    assert stored.read_bytes() == content
    assert _files(media) == [stored]
    entry = audit_for(project).get(action="project.document_upload")
    assert (entry.actor, entry.after["sha256"], entry.after["size"], entry.after["form"]) == (
        officer,
        digest,
        len(content),
        "bien-ban-nghiem-thu",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hop-dong.pdf", EXE),  # an executable named .pdf
        ("setup.exe", EXE),
        ("chay.pdf", ELF),
        ("ghi-chu.txt", "Biên bản nghiệm thu\n".encode()),
        ("ghi-chu.pdf", "Biên bản nghiệm thu\n".encode()),
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("goi.docx", ZIP),  # an archive named like a Word file
    ],
)
def test_other_types_are_refused(media, officer, project, form, name, content):
    with pytest.raises(DomainError) as info:
        _upload(officer, project, form, name, content)
    assert (info.value.code, info.value.details["field"]) == ("file_type_not_allowed", "file")
    assert not Document.objects.exists()
    assert not audit_for(project).filter(action="project.document_upload").exists()
    assert _files(media) == []


def test_size_limit(media, officer, project, form):
    exact = PDF + b"%" * (4096 - len(PDF))
    assert len(exact) == 4096
    _upload(officer, project, form, "vua.pdf", exact)
    with pytest.raises(DomainError) as info:
        _upload(officer, project, form, "lon.pdf", exact + b"%")
    assert info.value.code == "file_too_large"
    with pytest.raises(DomainError) as info:
        _upload(officer, project, form, "rong.pdf", b"")
    assert info.value.code == "empty_file"
    assert Document.objects.count() == 1
    assert len(_files(media)) == 1


def test_the_name_cannot_steer_where_the_file_goes(media, officer, project, form):
    document = _upload(officer, project, form, "../../../etc/bien-ban.pdf", PDF)
    assert document.original_name == "bien-ban.pdf"
    assert Path(document.file.path).is_relative_to(media)


def test_who_may_upload(world, media, project, form):
    with pytest.raises(DomainError) as info:
        _upload(world.user(Role.AUDITOR), project, form, "a.pdf", PDF)
    assert info.value.code == "permission_denied"
    foreign = make_project(world, "foreign", state=ProjectState.APPROVED)
    with pytest.raises(DomainError) as info:
        _upload(world.user(Role.PROVINCE_OFFICER), foreign, form, "a.pdf", PDF)
    assert info.value.code == "not_found"
    assert not Document.objects.exists()
    assert _files(media) == []


def test_a_failure_after_the_file_is_stored_leaves_no_file(media, officer, project, form, monkeypatch):
    """The file is written before its record; when writing the record or its audit entry fails, the
    transaction rolls back and the stored file is removed with it, so no file is left that no record
    points at."""

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("khuyencong.projects.services.dossier.audit_record", broken)
    with pytest.raises(RuntimeError, match="audit trail unavailable"):
        _upload(officer, project, form, "bien-ban.pdf", PDF)
    assert not Document.objects.exists()
    assert _files(media) == []


# --- downloads: served under a safe name with the extension of the detected type ----------------------

SERVED_NAMES = [
    ("report.html", "report.pdf", 'attachment; filename="report.pdf"'),
    ("invoice\u202efdp.exe", "invoicefdp.pdf", 'attachment; filename="invoicefdp.pdf"'),
    (
        "Biên bản nghiệm thu.pdf",
        "Biên bản nghiệm thu.pdf",
        "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20nghi%E1%BB%87m%20thu.pdf",
    ),
]


def _download_urls(project, document):
    return {
        "page": reverse("projects:document_download", args=[project.pk, document.pk]),
        "api": reverse("api:project_document_download", args=[project.pk, document.pk]),
    }


@pytest.mark.parametrize(("uploaded", "served", "disposition"), SERVED_NAMES)
@pytest.mark.parametrize("door", ["page", "api"])
def test_download_is_named_safely(client, media, officer, project, form, uploaded, served, disposition, door):
    document = _upload(officer, project, form, uploaded, PDF)
    assert document.original_name == uploaded  # the record keeps what was sent
    assert document.download_name == served
    client.force_login(officer)
    response = client.get(_download_urls(project, document)[door])
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_a_picture_named_pdf_downloads_as_png(client, media, officer, project, form):
    document = _upload(officer, project, form, "bien-ban.pdf", PNG)
    client.force_login(officer)
    for url in _download_urls(project, document).values():
        response = client.get(url)
        assert response["Content-Disposition"] == 'attachment; filename="bien-ban.png"'
        assert response["Content-Type"] == "image/png"


def test_page_and_api_show_the_served_name(client, media, officer, project, form):
    document = _upload(officer, project, form, "invoice\u202efdp.exe", PDF)
    client.force_login(officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "invoicefdp.pdf" in page
    assert "\u202e" not in page
    detail = client.get(reverse("api:project_detail", args=[project.pk])).json()
    item = next(d for d in detail["documents"] if d["id"] == document.pk)
    assert (item["original_name"], item["download_name"]) == ("invoice\u202efdp.exe", "invoicefdp.pdf")

"""Export jobs: the real worker path (database backend + `db_worker --batch`), the progress saved while
rendering, the jurisdiction checked again when the job runs, failures recorded on the job."""

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.utils import translation
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.reporting import exports
from khuyencong.reporting.models import ExportJob
from khuyencong.reporting.params import ReportParams
from khuyencong.reporting.tasks import export_request, run_export

pytestmark = pytest.mark.django_db

PARAMS = ReportParams(scope="unit:56", year=2025, through_month=9)


def _request(world, django_capture_on_commit_callbacks, role=Role.PROVINCE_OFFICER, fmt="xlsx"):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(actor=world.user(role), params=PARAMS, fmt=fmt)
    job.refresh_from_db()
    return job


@pytest.fixture
def database_backend(settings, monkeypatch):
    """The real backend and worker. The test holds its transaction open, so the worker must not recycle
    the connection between tasks as it does in its own process (on PostgreSQL that would close it)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_suite_runs_tasks_immediately():
    assert type(task_backends["default"]).__name__ == "ImmediateBackend"


def test_database_backend_and_the_worker(world, database_backend, django_capture_on_commit_callbacks):
    assert type(run_export.get_backend()).__name__ == "DatabaseBackend"
    job = _request(world, django_capture_on_commit_callbacks)
    assert (job.status, job.progress) == ("queued", 0)  # waits for the worker

    _work()

    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100), job.error
    assert job.filename.endswith(".xlsx")
    assert bytes(job.content)[:2] == b"PK"
    assert job.finished_at is not None


def test_progress_is_saved_while_rendering(world, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    real = exports.render

    def render(report, fmt, *, progress=None):
        def spy(percent):
            progress(percent)
            seen.append(ExportJob.objects.values_list("status", "progress").get())

        return real(report, fmt, progress=spy)

    monkeypatch.setattr(exports, "render", render)
    job = _request(world, django_capture_on_commit_callbacks, fmt="docx")
    assert job.status == "done"
    assert all(status == "running" for status, _ in seen)
    values = [progress for _, progress in seen]
    assert values == sorted(values)
    assert 20 <= values[0] < values[-1] <= 99


def test_jurisdiction_is_checked_again_when_the_job_runs(
    world, database_backend, django_capture_on_commit_callbacks
):
    officer = world.user(Role.PROVINCE_OFFICER)
    job = _request(world, django_capture_on_commit_callbacks)
    officer.agency = world.agency("ttkc-01")  # moved to Hà Nội before the worker got to it
    officer.save()

    _work()

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.content is None
    with translation.override("vi"):
        assert job.error == str(_("This report is no longer in your jurisdiction."))


def test_a_crash_is_recorded_on_the_job(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(report, fmt, *, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "render", broken)
    job = _request(world, django_capture_on_commit_callbacks, fmt="pdf")
    assert job.status == "failed"
    assert "disk full" not in job.error  # the user reads a plain sentence, the log has the traceback
    assert job.finished_at is not None

"""The report page and its downloads: what each role may read, what the page shows (in Vietnamese
formats, every % column naming its denominator), the export job from the button to the file."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.reporting.models import ExportJob
from khuyencong.reporting.selectors import reports_due
from khuyencong.reporting.services import submission_decide, submission_submit
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

REPORT = reverse("reporting:report")


@pytest.fixture
def projects(world):
    """Khánh Hòa: a settled project of 150 triệu (plan 50 tỷ KCĐP); Hà Nội: one of 90 triệu."""
    return (
        make_project(world, state="settled", support=150_000_000),
        make_project(world, "foreign", state="settled", support=90_000_000),
    )


def _get(client, world, role, **params):
    client.force_login(world.user(role))
    return client.get(REPORT, {"year": 2025, "period": "m12", **params})


def test_province_officer_reads_their_province_by_default(client, world, projects):
    response = _get(client, world, Role.PROVINCE_OFFICER)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["report"]["scope"]["code"] == "56"
    assert "50,0 tỷ đồng" in page  # the plan
    assert "0,3%" not in page
    assert "0,30%" in page
    assert "150,0 triệu đồng" in page
    assert 'id="report-chart-data"' in page
    assert 'data-testid="report-chart"' in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "reporting/report-chart.js" in page
    assert "<script>" not in page.replace('<script id="report-chart-data" type="application/json">', "")


def test_every_percentage_column_names_its_denominator(client, world, projects):
    with_lang = _get(client, world, Role.PROVINCE_OFFICER)
    headers = with_lang.content.decode().split('data-testid="table-sources"')[1].split("</thead>")[0]
    assert "kế hoạch của nguồn" in headers or "its own plan" in headers
    assert "tổng kế hoạch" in headers or "the total plan" in headers


@pytest.mark.parametrize("scope", ["unit:01", "unit:48", "nation", "region:mttn"])
def test_province_officer_cannot_read_another_province_or_above(client, world, projects, scope):
    assert _get(client, world, Role.PROVINCE_OFFICER, scope=scope).status_code == 404


def test_region_viewer_reads_their_region_and_its_provinces_not_others(client, world, projects):
    response = _get(client, world, Role.REGION_VIEWER)
    assert response.context["report"]["scope"] == {
        "kind": "region",
        "code": "mttn",
        "id": None,
        "label": response.context["report"]["scope"]["label"],
    }
    assert _get(client, world, Role.REGION_VIEWER, scope="unit:48").status_code == 200
    assert _get(client, world, Role.REGION_VIEWER, scope="unit:01").status_code == 404
    assert _get(client, world, Role.REGION_VIEWER, scope="nation").status_code == 404


def test_ministry_reads_everything_and_sees_units(client, world, projects):
    response = _get(client, world, Role.MINISTRY_OFFICER)
    assert response.context["report"]["scope"]["kind"] == "nation"
    codes = [row["code"] for row in response.context["units"]]
    assert codes == ["01", "56"]
    assert response.context["chart"]["labels"] == [row["name"] for row in response.context["units"]]
    assert _get(client, world, Role.MINISTRY_OFFICER, scope="unit:01").status_code == 200


def test_scope_choices_offer_only_what_the_user_reads(client, world):
    response = _get(client, world, Role.PROVINCE_OFFICER)
    page = response.content.decode()
    assert 'value="unit:56"' in page
    assert 'value="unit:01"' not in page
    assert 'value="nation"' not in page
    response = _get(client, world, Role.MINISTRY_OFFICER)
    assert 'value="unit:01"' in response.content.decode()
    assert 'value="nation"' in response.content.decode()


def test_commune_officer_has_no_report_and_is_told_so(client, world, projects):
    response = _get(client, world, Role.COMMUNE_OFFICER)
    assert response.status_code == 200
    assert 'data-testid="report-empty"' in response.content.decode()
    assert _get(client, world, Role.COMMUNE_OFFICER, scope="unit:56").status_code == 404


def test_bad_choices_are_shown_next_to_the_form(client, world):
    response = _get(client, world, Role.PROVINCE_OFFICER, period="m13")
    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].errors


def test_cumulative_month_and_report_date(client, world, projects):
    response = _get(client, world, Role.PROVINCE_OFFICER, period="m3", as_of="31/03/2025")
    report = response.context["report"]
    assert report["period"]["end"] == "2025-03-31"
    assert report["executed"]["total"] == 75_000_000  # the advance of 15/03
    assert report["as_of"] == "2025-03-31"


def test_submitted_source_shows_completeness(client, world):
    response = _get(client, world, Role.MINISTRY_OFFICER, source="submitted", include_unapproved="on")
    assert response.status_code == 200
    completeness = response.context["completeness"]
    assert completeness["expected"] == 3
    assert completeness["submitted"] == 0
    assert 'data-testid="report-completeness"' in response.content.decode()
    assert 'data-testid="missing-01"' in response.content.decode()


def _export(client, world, role=Role.PROVINCE_OFFICER, **params):
    client.force_login(world.user(role))
    data = {"year": 2025, "period": "m12", "scope": "unit:56", "format": "xlsx", **params}
    return client.post(reverse("reporting:export"), data)


def test_export_runs_and_the_requester_downloads_the_file(
    client, world, projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, world)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:export_job", args=[job.pk])
    assert job.params == {
        "scope": "unit:56",
        "year": 2025,
        "through_month": 12,
        "boundaries": "current",
        "source": "live",
        "include_unapproved": False,
    }
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100), job.error
    page = client.get(response["Location"]).content.decode()
    assert reverse("reporting:export_file", args=[job.pk]) in page
    assert "hx-get" not in page  # finished: no more polling
    download = client.get(reverse("reporting:export_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"]


def test_a_queued_job_page_polls_with_htmx(client, world):
    _export(client, world)  # not committed: the task has not run
    job = ExportJob.objects.get()
    page = client.get(reverse("reporting:export_job", args=[job.pk])).content.decode()
    assert "hx-get" in page
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(reverse("reporting:export_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    assert b'data-testid="export-status"' in partial.content
    assert client.get(reverse("reporting:export_file", args=[job.pk])).status_code == 404  # not ready


def test_another_user_cannot_see_or_download_a_job(
    client, world, projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _export(client, world)
    job = ExportJob.objects.get()
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    assert client.get(reverse("reporting:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reporting:export_file", args=[job.pk])).status_code == 404


def test_export_of_a_foreign_scope_is_not_found(client, world):
    assert _export(client, world, scope="unit:01").status_code == 404
    assert not ExportJob.objects.exists()


def test_export_with_an_unknown_format_goes_back_with_a_message(client, world):
    response = _export(client, world, format="odt")
    assert response.status_code == 302
    assert response["Location"].startswith(REPORT)
    assert "scope=unit%3A56" in response["Location"]
    assert not ExportJob.objects.exists()


def test_a_province_submits_its_report_from_the_report_page(client, world, projects):
    page = _get(client, world, Role.PROVINCE_OFFICER, period="m9").content.decode()
    assert 'data-testid="report-submit"' in page
    assert 'name="submit-through_month" value="9"' in page
    response = client.post(
        reverse("reporting:submission_submit"),
        {
            "submit-unit": "56",
            "submit-year": 2025,
            "submit-through_month": 9,
            "submit-comment": "Từ trang báo cáo",
        },
    )
    submission = world.khanh_hoa.submissions.get()
    assert response.status_code == 302
    assert (submission.through_month, submission.comment) == (9, "Từ trang báo cáo")
    # Not offered to a reader (the region viewer), nor for a quarter.
    assert (
        'data-testid="report-submit"'
        not in _get(client, world, Role.REGION_VIEWER, scope="unit:56").content.decode()
    )
    quarter = _get(client, world, Role.PROVINCE_OFFICER, period="q3").content.decode()
    assert 'data-testid="report-submit"' not in quarter


def test_the_home_page_lists_the_reports_owed_and_those_awaiting_a_decision(client, world, projects):
    officer = world.user(Role.PROVINCE_OFFICER)
    prepared = submission_submit(actor=officer, unit=world.khanh_hoa, year=2025, through_month=12)
    on = dt.date(2026, 3, 1)
    assert {(d.period.year, d.period.through_month): d for d in reports_due(officer, on=on)}[(2025, 12)].late
    client.force_login(world.user(Role.PROVINCE_APPROVER))
    department = client.get(reverse("ui:home"))
    assert department.context["awaiting_count"] == 1  # the centre's report waits for the Department
    assert 'data-testid="queue-reports"' in department.content.decode()
    submission_decide(actor=world.user(Role.PROVINCE_APPROVER), submission_id=prepared.pk, approve=True)
    # On 1 March 2026: the annual report of 2025 and the 6-, 7- and 9-month ones of 2025 are owed.
    due = {(d.period.year, d.period.through_month): d for d in reports_due(officer, on=dt.date(2026, 3, 1))}
    assert list(due) == [(2025, 12), (2025, 9), (2025, 7), (2025, 6)]
    assert due[(2025, 12)].latest.status == "submitted"
    assert not due[(2025, 12)].late  # submitted: no longer owed, however late it came
    assert due[(2025, 9)].latest is None
    assert due[(2025, 9)].due_on == dt.date(2025, 10, 10)
    assert due[(2025, 9)].late
    client.force_login(officer)
    home = client.get(reverse("ui:home"))
    assert 'data-testid="home-reports"' in home.content.decode()
    assert home.context["awaiting_count"] == 0  # a province never decides
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    ministry = client.get(reverse("ui:home"))
    assert ministry.context["reports_due"] == []
    assert ministry.context["awaiting_count"] == 1
    assert 'data-testid="home-awaiting"' in ministry.content.decode()


def test_plans_registered_late_are_shown(client, world, projects):
    page = _get(client, world, Role.MINISTRY_OFFICER, scope="unit:01").content.decode()
    assert 'data-testid="report-late-plans"' in page
    assert "15/06/2024" in page  # the test plan's registration deadline, as dd/mm/yyyy


def test_each_period_is_offered_once(client, world):
    """'6 tháng đầu năm' was listed twice (6 months from 1 January, and the first half-year)."""
    from django.utils import translation

    from khuyencong.reporting.forms import period_choices

    with translation.override("vi"):
        labels = []
        for _value, label in period_choices():
            labels += [str(sub) for _v, sub in label] if isinstance(label, list) else [str(label)]
    assert labels.count("6 tháng đầu năm") == 1
    assert len(labels) == len(set(labels))


def test_the_submit_form_and_the_overview_default_to_the_latest_period_with_a_deadline(client, world):
    """They defaulted to "through November" on 2 December, a period nobody reports."""
    from khuyencong.reporting.submissions.reads import default_period

    assert default_period(dt.date(2026, 12, 3)) == (2026, 9)  # the 9-month report
    assert default_period(dt.date(2027, 1, 20)) == (2026, 12)  # the annual report
    assert default_period(dt.date(2026, 8, 5)) == (2026, 7)
    assert default_period(dt.date(2026, 3, 1)) == (2025, 12)
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    page = client.get(reverse("reporting:submission_list"))
    expected = default_period()
    form = page.context["submit_form"]
    assert (form["year"].value(), form["through_month"].value()) == expected


def test_a_province_officer_is_offered_only_the_programmes_of_their_province(world):
    from khuyencong.reporting.forms import period_choices

    def programmes(user):
        groups = [label for _group, label in period_choices(user) if isinstance(label, list)]
        return {value for group in groups for value, _label in group if str(value).startswith("p:")}

    national = {"p:ctkcqg-2021-2025", "p:ctkcqg-2026-2030"}
    assert programmes(world.user(Role.MINISTRY_OFFICER)) == national | {"p:ctkc-dong-nai-2021-2025"}
    assert programmes(world.user(Role.PROVINCE_OFFICER)) == national  # Khánh Hòa: not Đồng Nai's

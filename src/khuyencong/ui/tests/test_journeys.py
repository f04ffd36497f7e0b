"""An officer's day, role by role, in a real Chromium against the demo that `make run` seeds (issue 14).

The demo is seeded once for the module, committed, on a fixed day (DEMO_DAY, as the demo's own tests
do), and served by a live server of the module's own; the module's end flushes it and puts the test
world back. The days follow each other as the work does — what one role sends, the next decides:

1. chị Lan (province officer): drafts and submits next year's plan, creates a project from a line of
   this year's plan, takes it with its outputs through appraisal, the contract, an advance, acceptance,
   the last payment and liquidation (anh Minh approves and settles it), then prepares the 9-month
   report, whose figures now hold the project's payments;
2. anh Minh (province approver): from "Việc chờ bạn" approves the plan, the appraised project, the
   requested adjustment, and approves and sends the province's 9-month report;
3. chị Hà (ministry officer): from her inbox returns Khánh Hòa's report with a comment (chị Lan
   submits it again, anh Minh sends it up), accepts it, and reads and downloads the national report;
4. bà Kiểm (auditor): follows the home page's executed amount to the ledger entries behind it and to a
   project's statement, with no action offered;
5. ông Tư (establishment representative): his establishment, the support it receives, a project.

Every step's screen is photographed at 1366×768 and 390×844 (var/screenshots/journey-…)."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.demo.accounts import DEMO_PASSWORD
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import Plan
from khuyencong.projects.models import Adjustment, Project
from khuyencong.reporting.models import Submission
from khuyencong.testing import world as world_module
from khuyencong.testing.forms import internal_codes

from .conftest import _kc

DEMO_DAY = dt.date(2026, 11, 23)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
PROJECT_TITLE = "Đào tạo nghề mây tre đan cho 30 lao động phường Phan Rang"
RETURN_COMMENT = "Đề nghị bổ sung số liệu giải ngân của nhóm nội dung 2"

# One worker runs the days in order, on the demo seeded once (pytest-xdist --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]


@pytest.fixture(autouse=True)
def _live_server_helper():
    """pytest-django's own helper would flush the database after each test that uses `live_server`;
    here the days share the module's demo."""
    return


@pytest.fixture(scope="module")
def live_server(django_db_setup, django_db_blocker):
    """The demo, committed on DEMO_DAY, behind a live server; flushed at the module's end. (Named
    `live_server` so that pytest-django sets the test database up for the module's tests.)"""
    real = timezone.localdate
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(
            timezone,
            "localdate",
            lambda value=None, timezone=None: DEMO_DAY if value is None else real(value, timezone),
        )
        call_command("seed_demo", verbosity=0)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            world_module.ensure()


@pytest.fixture
def kc(request, browser, live_server):
    yield from _kc(request, browser, live_server)


def _login(kc, username):
    kc.page.context.clear_cookies()
    kc.login(username, DEMO_PASSWORD)


def _shots(kc, name):
    """The screen as it is, on a desktop and on a phone; it shows no code, ISO date or English."""
    shown = internal_codes(kc.page.content())
    assert not shown, f"{name}: {shown}"
    kc.screenshot(name)
    kc.page.set_viewport_size(PHONE)
    kc.screenshot(f"{name}-phone")
    kc.page.set_viewport_size(DESKTOP)


def _confirm_and_click(kc, selector):
    kc.page.once("dialog", lambda dialog: dialog.accept())
    with kc.page.expect_navigation():
        kc.page.click(selector)


def _act(kc, action, **fields):
    """A lifecycle action of the project page, with its fields."""
    for name, value in fields.items():
        kc.page.fill(f"#id_{action}-{name}", value)
    _confirm_and_click(kc, f"[data-testid=action-{action}]")


def _entry(kc, kind, amount, on, reference):
    page = kc.page
    page.click("[data-testid=tab-money]")
    page.select_option("#id_entry-kind", kind)
    page.fill("#id_entry-amount", amount)
    page.fill("#id_entry-value_date", on)
    page.fill("#id_entry-reference", reference)
    _confirm_and_click(kc, "[data-testid=entry-submit]")


def _pick(kc, field, text):
    """Search a picker and choose the first match."""
    kc.pick(field, text)


def _millions(text: str) -> int:
    """An amount as shown, in đồng: '1.234,5 triệu đồng', '941.126.000 đ'."""
    number = float(re.search(r"[\d.]+(,\d+)?", text).group(0).replace(".", "").replace(",", "."))
    return round(number * 1_000_000) if "triệu" in text else round(number)


def _today() -> str:
    """The demo's records are dated from its day: a decision on them is taken today."""
    return timezone.localdate().strftime("%d/%m/%Y")


def _state(project_id: int) -> str:
    return Project.objects.get(pk=project_id).state


def test_1_province_officer_day(kc):
    page = kc.page
    _login(kc, "chi.lan")
    assert page.locator("[data-testid=work-queue]").is_visible()
    _shots(kc, "journey-officer-home")

    # next year's plan: drafted, one line with its target, submitted
    kc.goto(reverse("plans:list"))
    with page.expect_navigation():
        page.click("[data-testid=plan-new]")
    page.select_option("#id_agency", str(Agency.objects.get(code="ttkc-56").pk))
    page.fill("#id_year", "2027")
    page.select_option("#id_source", "kcdp")
    with page.expect_navigation():
        page.click("[data-testid=plan-create-form] button[type=submit]")
    plan = Plan.objects.get(agency__code="ttkc-56", year=2027, source="kcdp")
    with page.expect_navigation():
        page.click("[data-testid=line-add]")
    page.select_option("#id_activity", str(Activity.objects.get(code="dao-tao-nghe").pk))
    page.fill("#id_amount", "350 triệu")
    page.select_option("#id_indicator_0", str(Indicator.objects.get(code="lao-dong-dao-tao-nghe").pk))
    page.fill("#id_planned_0", "60")
    with page.expect_navigation():
        page.click("[data-testid=line-form] button[type=submit]")
    assert "350,0 triệu đồng" in page.locator("[data-testid=plan-total]").inner_text()
    page.fill("#submit-on", "20/11/2026")
    _confirm_and_click(kc, "[data-testid=action-submit]")
    plan.refresh_from_db()
    assert plan.status == "submitted"
    _shots(kc, "journey-officer-plan-submitted")

    # a project from a line of this year's plan, with its output
    this_year = Plan.objects.get(agency__code="ttkc-56", year=2026, source="kcdp")
    kc.goto(reverse("plans:detail", args=[this_year.pk]))
    row = page.locator("[data-testid=line-table] tr", has_text="Đào tạo nghề")
    room_before = _millions(row.locator("[data-testid=line-room]").inner_text())
    with page.expect_navigation():
        row.locator("[data-testid=line-create-project]").click()
    page.fill("#id_title", PROJECT_TITLE)
    _pick(kc, "location", "Phan Rang")
    page.fill("#id_start_date", "01/07/2026")
    page.fill("#id_end_date", "30/11/2026")
    page.select_option("#id_implementer_kind", "agency")
    page.select_option("#id_implementer_agency", str(Agency.objects.get(code="ttkc-56").pk))
    page.fill("#id_support_amount", "80 triệu")  # the line keeps room for the one awaiting approval
    page.fill("#id_counterpart_amount", "30 triệu")
    _shots(kc, "journey-officer-project-form")
    with page.expect_navigation():
        page.click("[data-testid=project-save]")
    project = Project.objects.get(title=PROJECT_TITLE)
    assert project.code.startswith("56-KCĐP-2026-")
    assert project.state == "draft"
    page.click("[data-testid=tab-deliverables]")
    form = page.locator("[data-testid=deliverable-form]")
    form.locator("select").select_option(str(Indicator.objects.get(code="lao-dong-dao-tao-nghe").pk))
    page.fill("#id_deliverable-planned", "30")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert project.deliverables.get().planned == 30

    _act(kc, "register")
    _act(kc, "appraise", on="02/07/2026")
    assert _state(project.pk) == "appraised"
    _login(kc, "anh.minh")
    kc.goto(reverse("projects:detail", args=[project.pk]))
    _act(kc, "approve", decision_number="412/QĐ-SCT", decision_date="06/07/2026")
    assert _state(project.pk) == "approved"

    _login(kc, "chi.lan")
    kc.goto(reverse("projects:detail", args=[project.pk]))
    with page.expect_navigation():
        page.click("[data-testid=action-contract]")
    page.fill("#id_number", "18/2026/HĐ-KC")
    page.fill("#id_signed_on", "10/07/2026")
    _confirm_and_click(kc, "[data-testid=contract-save]")
    _act(kc, "start")
    _entry(kc, "advance", "30 triệu", "15/07/2026", "UNC 0715")
    assert "30,0 triệu đồng" in page.locator("[data-testid=kpi-disbursed]").inner_text()
    page.click("[data-testid=tab-deliverables]")
    deliverable = project.deliverables.get()
    page.fill(f"#id_d{deliverable.pk}-achieved", "30")
    with page.expect_navigation():
        page.click(f"[data-testid=achieved-{deliverable.indicator.code}]")
    _act(kc, "accept", on="15/09/2026")
    _entry(kc, "payment", "50.000.000", "22/09/2026", "UNC 0922")
    _act(kc, "liquidate", on="25/09/2026")
    assert _state(project.pk) == "liquidated"
    _shots(kc, "journey-officer-project-liquidated")

    _login(kc, "anh.minh")
    kc.goto(reverse("projects:detail", args=[project.pk]))
    _act(kc, "settle", on="10/11/2026")
    assert _state(project.pk) == "settled"
    page.click("[data-testid=tab-money]")
    statement = page.locator("[data-testid=statement-table]").inner_text()
    assert "UNC 0715" in statement
    assert "UNC 0922" in statement
    _shots(kc, "journey-officer-project-settled")

    # the plan line's room went down by what the project took
    kc.goto(reverse("plans:detail", args=[this_year.pk]))
    row = page.locator("[data-testid=line-table] tr", has_text="Đào tạo nghề")
    assert _millions(row.locator("[data-testid=line-room]").inner_text()) == room_before - 80_000_000

    # the 9-month report, prepared with the project's payments in it
    _login(kc, "chi.lan")
    kc.goto(reverse("reporting:submission_list"))
    page.select_option("#id_submit-year", "2026")
    page.select_option("#id_submit-through_month", "9")
    page.fill("#id_submit-comment", "Báo cáo 9 tháng đầu năm 2026, bổ sung đề án đào tạo nghề")
    _confirm_and_click(kc, "[data-testid=submit-button]")
    latest = Submission.objects.filter(unit__code="56", year=2026, through_month=9).latest("version")
    assert latest.status == "prepared"
    assert latest.version == 2
    assert kc.path() == reverse("reporting:submission_detail", args=[latest.pk])
    assert page.locator("[data-testid=awaiting-department]").is_visible()
    assert page.locator("[data-testid=versions] [data-testid=superseded]").count() == 1  # v1
    _shots(kc, "journey-officer-report-prepared")
    kc.assert_clean()


def test_2_province_approver_day(kc):
    page = kc.page
    _login(kc, "anh.minh")
    queue = page.locator("[data-testid=work-queue]")
    for key in ("plans", "projects", "adjustments", "reports"):
        assert queue.locator(f"[data-testid=queue-{key}]").is_visible(), key
    _shots(kc, "journey-approver-queue")

    # the plan chị Lan submitted
    with page.expect_navigation():
        page.click("[data-testid=queue-plans] a")
    with page.expect_navigation():
        page.locator("[data-testid=plan-table] tbody tr", has_text="2027").locator("a").first.click()
    page.fill("#approve-number", "2890/QĐ-UBND")
    page.fill("#approve-date", _today())
    with page.expect_navigation():
        page.click("[data-testid=action-approve]")
    assert Plan.objects.get(agency__code="ttkc-56", year=2027, source="kcdp").status == "approved"
    _shots(kc, "journey-approver-plan-approved")

    # an appraised project
    kc.goto("/")
    with page.expect_navigation():
        page.click("[data-testid=queue-projects] a")
    with page.expect_navigation():
        page.locator("[data-testid=project-table] tbody a").first.click()
    project_id = int(kc.path().rstrip("/").split("/")[-1])
    assert _state(project_id) == "appraised"
    _shots(kc, "journey-approver-project")
    _act(kc, "approve", decision_number="455/QĐ-SCT", decision_date=_today())
    assert _state(project_id) == "approved"

    # a requested adjustment
    kc.goto("/")
    with page.expect_navigation():
        page.click("[data-testid=queue-adjustments] a")  # the project, on its Adjustments tab
    adjustment = Adjustment.objects.get(
        project_id=int(kc.path().rstrip("/").split("/")[-1]), status="requested"
    )
    _shots(kc, "journey-approver-adjustment")
    pending = page.locator("[data-testid=adjustment]", has_text="Chờ quyết định")
    pending.locator("input[name=decision-decision_number]").fill("460/QĐ-SCT")
    with page.expect_navigation():
        pending.locator("[data-testid=adjustment-approve]").click()
    adjustment.refresh_from_db()
    assert adjustment.status == "approved"

    # the province's 9-month report, approved and sent up
    kc.goto("/")
    with page.expect_navigation():
        page.click("[data-testid=queue-reports] a")
    latest = Submission.objects.filter(unit__code="56", year=2026, through_month=9).latest("version")
    with page.expect_navigation():
        page.click(
            f"[data-testid=awaiting] a[href='{reverse('reporting:submission_detail', args=[latest.pk])}']"
        )
    _shots(kc, "journey-approver-report")
    _confirm_and_click(kc, "[data-testid=action-approve]")
    latest.refresh_from_db()
    assert latest.status == "submitted"
    kc.goto("/")
    assert (
        page.locator("[data-testid=work-queue]").count() == 0
        or not page.locator("[data-testid=queue-reports]").count()
    )
    _shots(kc, "journey-approver-done")
    kc.assert_clean()


def test_3_ministry_officer_day(kc):
    page = kc.page
    _login(kc, "chi.ha")
    _shots(kc, "journey-ministry-home")
    with page.expect_navigation():
        page.click("[data-testid=queue-reports] a")
    awaiting = page.locator("[data-testid=awaiting]")
    assert "Khánh Hòa" in awaiting.inner_text()
    _shots(kc, "journey-ministry-inbox")

    def latest():
        return Submission.objects.filter(unit__code="56", year=2026, through_month=9).latest("version")

    # Khánh Hòa's report: returned with a comment, which reaches chị Lan's queue; she submits again,
    # anh Minh sends it up, and chị Hà accepts it
    ours = latest()
    with page.expect_navigation():
        page.click(
            f"[data-testid=awaiting] a[href='{reverse('reporting:submission_detail', args=[ours.pk])}']"
        )
    page.click("[data-testid=open-return]")
    page.fill("#return-comment", RETURN_COMMENT)
    _confirm_and_click(kc, "[data-testid=action-return]")
    ours.refresh_from_db()
    assert ours.status == "returned"
    _shots(kc, "journey-ministry-returned")

    _login(kc, "chi.lan")
    assert page.locator("[data-testid=queue-returned_reports]").is_visible()
    kc.goto(reverse("reporting:submission_detail", args=[ours.pk]))
    assert RETURN_COMMENT in page.locator("[data-testid=decision-comment]").inner_text()
    page.fill("#resubmit-comment", "Đã bổ sung số liệu theo ý kiến của Bộ")
    _confirm_and_click(kc, "[data-testid=resubmit-button]")
    assert latest().version == ours.version + 1
    _login(kc, "anh.minh")
    kc.goto(reverse("reporting:submission_detail", args=[latest().pk]))
    _confirm_and_click(kc, "[data-testid=action-approve]")
    assert latest().status == "submitted"

    _login(kc, "chi.ha")
    kc.goto(reverse("reporting:submission_list"))
    with page.expect_navigation():
        page.click(
            f"[data-testid=awaiting] a[href='{reverse('reporting:submission_detail', args=[latest().pk])}']"
        )
    _confirm_and_click(kc, "[data-testid=action-approve]")
    assert latest().status == "approved"
    _shots(kc, "journey-ministry-accepted")

    # the national report of the 9 months, read and downloaded
    kc.goto(reverse("reporting:report") + "?scope=nation&year=2026&period=m9")
    assert "toàn quốc" in page.locator("h1").inner_text()
    provinces = AdministrativeUnit.objects.current().provinces().count()
    assert page.locator("[data-testid=table-units] tbody tr").count() == provinces  # one row each
    page.wait_for_selector("[data-testid=report-chart] canvas")
    _shots(kc, "journey-ministry-national-report")
    with page.expect_navigation():
        page.click("[data-testid=export-xlsx]")
    link = page.wait_for_selector("[data-testid=export-download]")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    kc.assert_clean()


def test_4_auditor_day(kc):
    page = kc.page
    _login(kc, "ba.kiem")
    assert page.locator("[data-testid=nav-reference]").count() == 1
    executed = page.locator("[data-testid=executed] a")
    amount = executed.inner_text()
    _shots(kc, "journey-auditor-home")
    with page.expect_navigation():
        executed.click()
    assert kc.path() == reverse("finance:ledger")
    listed = page.locator("[data-testid=ledger-disbursed]").inner_text()
    assert abs(_millions(listed) - _millions(amount)) < 50_000  # the same figure, to the shown decimal
    _shots(kc, "journey-auditor-ledger")
    with page.expect_navigation():
        page.locator("[data-testid=ledger-table] tbody a[href^='/de-an/']").first.click()
    page.click("[data-testid=tab-money]")
    assert page.locator("[data-testid=statement-table]").is_visible()
    assert page.locator("[data-testid=entry-form]").count() == 0
    assert page.locator("[data-testid^=action-]").count() == 0
    _shots(kc, "journey-auditor-project")
    kc.assert_clean()


def test_5_establishment_representative_day(kc):
    page = kc.page
    _login(kc, "ong.tu")
    menu = page.locator("nav").inner_text()
    assert "Kế hoạch" not in menu
    assert "Thanh toán" not in menu
    assert "API" not in menu
    assert page.locator("[data-testid=plan-kpis]").count() == 0  # not his commune's plan figures
    support = page.locator("[data-testid=home-support]").inner_text()
    assert support.strip()
    assert "Chưa ghi nhận khoản hỗ trợ nào" not in support
    _shots(kc, "journey-representative-home")
    with page.expect_navigation():
        page.click("[data-testid=home-establishments] .card-header a")
    assert page.locator("[data-testid=support]").inner_text() == support.split("\n", 1)[1]
    _shots(kc, "journey-representative-establishment")
    kc.goto("/")
    with page.expect_navigation():
        page.locator("[data-testid=home-support] a").first.click()
    assert page.locator("[data-testid^=action-]").count() == 0  # he reads; officers act
    _shots(kc, "journey-representative-support")
    kc.assert_clean()

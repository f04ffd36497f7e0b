"""Demonstration submissions, so that the inbox, the overview and a region's submitted report have
something to show: for 2025 through September and the full year, most provinces of miền Trung – Tây
Nguyên have submitted (the ministry approved most, returned one with a comment, some still await a
decision), a few have not. Khánh Hòa's reports go up its hierarchy: chị Lan (the centre) prepares them,
anh Minh (the Sở) approves and sends them, chị Hà (the ministry) decides. Its 2025 9-month report was
approved; its annual one was returned to chị Lan; its 2026 9-month report awaits anh Minh. Written
through the services from the demo's live figures; idempotent (nothing is added once any submission
exists)."""

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core.reference import LoadReport
from khuyencong.geo.models import Region
from khuyencong.geo.selectors import region_provinces
from khuyencong.reporting.live import Period
from khuyencong.reporting.models import Submission
from khuyencong.reporting.services import submission_decide, submission_submit

YEAR = 2025
KHANH_HOA = "56"


@transaction.atomic
def demo_seed(*, report: LoadReport) -> None:
    if Submission.objects.exists():
        return
    ministry = User.objects.filter(username="chi.ha").first()
    officer = User.objects.filter(username="chi.lan").first()
    department = User.objects.filter(username="anh.minh").first()
    region = Region.objects.filter(code="mttn").first()
    if ministry is None or officer is None or department is None or region is None:
        return
    end = Period(YEAR, 12).end
    provinces = [p for p in region_provinces(region, YEAR).order_by("code") if p.is_valid_on(end)]
    for month in (9, 12):
        for index, province in enumerate(provinces):
            if index % 5 == 4:
                continue  # not submitted yet
            own = province.code == KHANH_HOA
            submission = submission_submit(
                actor=officer if own else ministry,
                unit=province,
                year=YEAR,
                through_month=month,
                comment=f"Báo cáo {'9 tháng' if month == 9 else 'năm'} {YEAR}",
            )
            report.created["report submissions"] += 1
            if own:
                submission_decide(actor=department, submission_id=submission.pk, approve=True)
            if own and month == 12:
                submission_decide(
                    actor=ministry,
                    submission_id=submission.pk,
                    approve=False,
                    comment="Đề nghị bổ sung thuyết minh kết quả giải ngân nhóm nội dung 2.",
                )
            elif own or index % 3 != 2:
                submission_decide(actor=ministry, submission_id=submission.pk, approve=True)
    khanh_hoa = next((p for p in provinces if p.code == KHANH_HOA), None)
    if khanh_hoa is not None and timezone.localdate() > Period(YEAR + 1, 9).end:
        submission_submit(
            actor=officer,
            unit=khanh_hoa,
            year=YEAR + 1,
            through_month=9,
            comment=f"Báo cáo 9 tháng {YEAR + 1}, kính trình Sở duyệt.",
        )
        report.created["report submissions"] += 1

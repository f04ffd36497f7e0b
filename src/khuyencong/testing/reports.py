"""Khánh Hòa's period report taken up the whole hierarchy, for tests that need an approved one: the
centre prepares it, the Department approves and sends it, the ministry approves it."""

from khuyencong.accounts.choices import Role
from khuyencong.reporting.models import Submission
from khuyencong.reporting.services import submission_decide, submission_submit


def approved_report(world, year: int, through_month: int) -> Submission:
    submission = submission_submit(
        actor=world.user(Role.PROVINCE_OFFICER), unit=world.khanh_hoa, year=year, through_month=through_month
    )
    for role in (Role.PROVINCE_APPROVER, Role.MINISTRY_OFFICER):
        submission_decide(actor=world.user(role), submission_id=submission.pk, approve=True)
    return Submission.objects.get(pk=submission.pk)

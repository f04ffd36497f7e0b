from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.plans.choices import FundingSource

# The funding sources as reports and submitted files name them.
SOURCE_OF = {"KCQG": FundingSource.NATIONAL, "KCDP": FundingSource.LOCAL}
SOURCE_KEYS = {source: key for key, source in SOURCE_OF.items()}


class SubmissionStatus(models.TextChoices):
    """A province report's way up: the khuyến công centre prepares it (PREPARED), the Department's
    approver approves and sends it (SUBMITTED), the region or the ministry approves it or returns it;
    a report returned by either goes back to the centre (RETURNED) and comes back as a new version."""

    PREPARED = "prepared", _("awaiting the Department's approval")
    SUBMITTED = "submitted", _("sent, awaiting acceptance")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved")


class SubmissionOrigin(models.TextChoices):
    SYSTEM = "system", _("produced in the system")
    FILE = "file", _("imported from a file")

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.plans.choices import FundingSource

# The funding sources as reports and submitted files name them.
SOURCE_OF = {"KCQG": FundingSource.NATIONAL, "KCDP": FundingSource.LOCAL}
SOURCE_KEYS = {source: key for key, source in SOURCE_OF.items()}


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved")


class SubmissionOrigin(models.TextChoices):
    SYSTEM = "system", _("produced in the system")
    FILE = "file", _("imported from a file")

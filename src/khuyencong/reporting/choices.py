from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved")


class SubmissionOrigin(models.TextChoices):
    SYSTEM = "system", _("produced in the system")
    FILE = "file", _("imported from a file")

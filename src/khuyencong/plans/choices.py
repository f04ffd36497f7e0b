from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    NATIONAL = "kcqg", _("national khuyến công funds (KCQG)")
    LOCAL = "kcdp", _("local khuyến công funds (KCĐP)")


class BudgetLevel(models.TextChoices):
    """Which budget pays: the national budget (KCQG), or a province's or a commune's (KCĐP)."""

    NATIONAL = "national", _("national budget")
    PROVINCE = "province", _("province budget")
    COMMUNE = "commune", _("commune budget")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved")
    REVISED = "revised", _("approved and revised")


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)
IN_FORCE_STATUSES = (PlanStatus.APPROVED, PlanStatus.REVISED)

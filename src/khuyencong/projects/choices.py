from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    POINT = "point", _("point project")
    GROUP = "group", _("group project")
    TASK = "task", _("task carried out by the agency itself")


class ImplementerKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("an establishment")
    AGENCY = "agency", _("an agency")
    PROVIDER = "provider", _("a service provider")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("draft")
    REGISTERED = "registered", _("registered")
    APPRAISED = "appraised", _("appraised")
    APPROVED = "approved", _("approved")
    CONTRACTED = "contracted", _("contracted")
    IN_PROGRESS = "in_progress", _("in progress")
    ACCEPTED = "accepted", _("accepted")
    LIQUIDATED = "liquidated", _("liquidated")
    SETTLED = "settled", _("settled")
    STOPPED = "stopped", _("stopped")


# States in which the project's support counts against its plan line.
COMMITTED_STATES = (
    ProjectState.APPROVED,
    ProjectState.CONTRACTED,
    ProjectState.IN_PROGRESS,
    ProjectState.ACCEPTED,
    ProjectState.LIQUIDATED,
    ProjectState.SETTLED,
)
# States in which the project's plain fields (title, budget, participants, deliverables) may be edited
# directly; after approval they change only through an approved adjustment.
EDITABLE_STATES = (ProjectState.DRAFT, ProjectState.REGISTERED)
CLOSED_STATES = (ProjectState.SETTLED, ProjectState.STOPPED)


class StopDestination(models.TextChoices):
    LINE = "line", _("back to the plan line")
    PROJECT = "project", _("to another project")


class AdjustmentKind(models.TextChoices):
    BUDGET = "budget", _("budget")
    CONTENT = "content", _("content")
    LOCATION = "location", _("location")
    BENEFICIARY = "beneficiary", _("beneficiary or partner")
    MACHINE = "machine", _("machine name or specification")
    DATES = "dates", _("dates")
    EXTENSION = "extension", _("extension into next year")


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", _("awaiting a decision")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class DeadlineKind(models.TextChoices):
    SETTLEMENT = "settlement", _("settlement dossier")
    LIQUIDATION = "liquidation", _("contract liquidation")
    PROGRESS = "progress", _("monthly progress report")


class NormResult(models.TextChoices):
    """What an appraisal found against the support norms: a norm applies and is kept, a norm applies and
    is exceeded (approved only with a reason), or no norm applies to the activity on that date — which
    is not "within norms": nothing was checked."""

    WITHIN = "within_norms", _("within the norms")
    BEYOND = "beyond_norms", _("beyond the norms")
    NO_NORM = "no_norm", _("no norm applies")

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    DECREE = "decree", _("content groups of the decree")
    NATIONAL = "national", _("national programme")
    PROVINCIAL = "provincial", _("provincial programme")


class CapPer(models.TextChoices):
    """What a norm's cap in đồng is counted per."""

    ESTABLISHMENT = "establishment", _("per establishment")
    MODEL = "model", _("per model")
    BRAND = "brand", _("per brand")
    CLUSTER = "cluster", _("per cluster")
    BOOTH = "booth", _("per booth")
    PROJECT = "project", _("per project")
    TRAINEE = "trainee", _("per trainee")


class NormCondition(models.TextChoices):
    """When a norm applies, for activities whose norm depends on the circumstances."""

    ANY = "", _("always")
    PROGRAMME_FAIR = "programme_fair", _("fairs organised under the programme")
    OTHER_FAIR = "other_fair", _("other fairs")
    DIFFICULT_AREA = "difficult_area", _("in a disadvantaged area")

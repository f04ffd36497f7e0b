from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    COMMITMENT = "commitment", _("commitment")
    ADVANCE = "advance", _("advance")
    PAYMENT = "payment", _("payment")
    RECOVERY = "recovery", _("recovery")


# Kinds that move money out (disbursement) and the one that brings it back.
DISBURSING = (EntryKind.ADVANCE, EntryKind.PAYMENT)

from django.db import models
from django.utils.translation import gettext_lazy as _


class FairLevel(models.TextChoices):
    COMMUNE = "commune", _("commune fair")
    PROVINCE = "province", _("provincial fair")
    REGION = "region", _("regional fair")
    NATIONAL = "national", _("national fair")
    INTERNATIONAL = "international", _("international fair")


# Fairs at these levels are open to establishments of every province: every signed-in user sees them
# (to record the booths their establishments took); commune and provincial fairs stay in jurisdiction.
OPEN_FAIR_LEVELS = (FairLevel.REGION, FairLevel.NATIONAL, FairLevel.INTERNATIONAL)


class SelectionLevel(models.TextChoices):
    """Levels of the typical rural-industry product selection (bình chọn sản phẩm CNNT tiêu biểu)."""

    COMMUNE = "commune", _("commune level")
    DISTRICT = "district", _("district level")
    PROVINCE = "province", _("provincial level")
    REGION = "region", _("regional level")
    NATIONAL = "national", _("national level")


# Commune and district selections were held until 2024; from 2025 (the two-level local government) the
# first level is the province.
LOCAL_SELECTION_LEVELS = (SelectionLevel.COMMUNE, SelectionLevel.DISTRICT)
LOCAL_SELECTION_LAST_YEAR = 2024
# Levels whose selection belongs to one administrative unit (of the same level).
UNIT_SELECTION_LEVELS = (SelectionLevel.COMMUNE, SelectionLevel.DISTRICT, SelectionLevel.PROVINCE)


class ProductGroup(models.TextChoices):
    """The product groups of the selection criteria."""

    FOOD = "food", _("processed farm, forest and fishery products and foodstuffs")
    HANDICRAFT = "handicraft", _("handicrafts and fine-art products")
    MACHINERY = "machinery", _("machinery, equipment, tools and mechanical parts")
    OTHER = "other", _("other products")


class EntryResult(models.TextChoices):
    PENDING = "pending", _("awaiting the result")
    CERTIFIED = "certified", _("certified")
    NOT_SELECTED = "not_selected", _("not selected")


class TitleKind(models.TextChoices):
    ARTISAN = "artisan", _("artisan")
    MASTER_CRAFTSMAN = "master_craftsman", _("master craftsman")
    CRAFT_BRINGER = "craft_bringer", _("person who brought the craft to the locality")


class TitleLevel(models.TextChoices):
    PROVINCE = "province", _("provincial")
    NATIONAL = "national", _("national")


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("training course")
    WORKSHOP = "workshop", _("workshop or seminar")


# Indicator codes of the catalogue that events count (catalog/reference/catalog.json).
class EventIndicator:
    FAIRS = "hoi-cho"
    BOOTHS = "gian-hang"
    PARTICIPATIONS = "luot-co-so-hoi-cho"
    TYPICAL_PRODUCTS = "san-pham-tieu-bieu"
    TITLES = "nghe-nhan"
    TRAINEES = "hoc-vien"
    WORKSHOPS = "hoi-thao"
    DELEGATES = "dai-bieu"


FAIR_INDICATORS = (EventIndicator.FAIRS, EventIndicator.BOOTHS, EventIndicator.PARTICIPATIONS)
SELECTION_INDICATORS = (EventIndicator.TYPICAL_PRODUCTS,)
TITLE_INDICATORS = (EventIndicator.TITLES,)
TRAINING_INDICATORS = {
    TrainingKind.TRAINING: (EventIndicator.TRAINEES,),
    TrainingKind.WORKSHOP: (EventIndicator.WORKSHOPS, EventIndicator.DELEGATES),
}
ALL_INDICATORS = (
    *FAIR_INDICATORS,
    *SELECTION_INDICATORS,
    *TITLE_INDICATORS,
    EventIndicator.TRAINEES,
    EventIndicator.WORKSHOPS,
    EventIndicator.DELEGATES,
)


# How the audit trail's actions read on the event pages.
AUDIT_LABELS = {
    "event.fair_create": _("fair recorded"),
    "event.participation_add": _("participation recorded"),
    "event.participation_remove": _("participation removed"),
    "event.selection_create": _("selection recorded"),
    "event.entry_add": _("product entered"),
    "event.entry_score": _("score recorded"),
    "event.entry_certify": _("product certified"),
    "event.entry_reject": _("entry not selected"),
    "event.title_create": _("title recorded"),
    "event.training_create": _("training recorded"),
    "event.trainee_add": _("participant listed"),
}

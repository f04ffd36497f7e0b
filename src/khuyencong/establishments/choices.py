from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    COOPERATIVE = "cooperative", _("cooperative")
    UNION_OF_COOPERATIVES = "union_of_cooperatives", _("union of cooperatives")
    COOPERATIVE_GROUP = "cooperative_group", _("cooperative group")
    HOUSEHOLD_BUSINESS = "household_business", _("household business")
    CRAFT_VILLAGE = "craft_village", _("craft village")
    ARTISAN = "artisan", _("artisan")
    CLUSTER_INVESTOR = "cluster_investor", _("industrial-cluster infrastructure investor")


# Priority flags (domain notes §4b): stored as booleans so that reports can count them.
PRIORITY_FLAGS = [
    ("difficult_area", _("in a disadvantaged, ethnic-minority, border or island area")),
    ("women_owned", _("owned by a woman")),
    ("employs_ethnic_minorities", _("employs ethnic minorities")),
    ("exporter", _("exports")),
    ("fifty_plus_workers", _("50 workers or more")),
    ("local_inputs", _("more than half of its inputs are local")),
    ("supporting_industry", _("supporting industry")),
    ("typical_product", _("certified typical rural-industry product")),
]

# Flags the system keeps itself: the typical-product flag follows the certificates recorded by the
# events app (events.services.establishment_priority_refresh), so no form or API writes it.
DERIVED_FLAGS = ("typical_product",)
EDITABLE_FLAGS = [(flag, label) for flag, label in PRIORITY_FLAGS if flag not in DERIVED_FLAGS]

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class UnitType(models.TextChoices):
    """The unit's type as the law names it (Vietnamese terms, shown as such in both languages)."""

    CENTRAL_CITY = "thanh_pho_tw", "thành phố trực thuộc trung ương"
    PROVINCE = "tinh", "tỉnh"
    CITY = "thanh_pho", "thành phố"
    TOWN = "thi_xa", "thị xã"
    URBAN_DISTRICT = "quan", "quận"
    RURAL_DISTRICT = "huyen", "huyện"
    WARD = "phuong", "phường"
    COMMUNE = "xa", "xã"
    TOWNSHIP = "thi_tran", "thị trấn"
    SPECIAL_ZONE = "dac_khu", "đặc khu"


# The division types of the vietnam-provinces package, mapped to ours.
PACKAGE_TYPES = {
    "thành phố trung ương": UnitType.CENTRAL_CITY,
    "tỉnh": UnitType.PROVINCE,
    "thành phố": UnitType.CITY,
    "thị xã": UnitType.TOWN,
    "quận": UnitType.URBAN_DISTRICT,
    "huyện": UnitType.RURAL_DISTRICT,
    "phường": UnitType.WARD,
    "xã": UnitType.COMMUNE,
    "thị trấn": UnitType.TOWNSHIP,
    "đặc khu": UnitType.SPECIAL_ZONE,
}

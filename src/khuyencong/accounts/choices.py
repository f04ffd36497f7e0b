from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    MINISTRY_DEPARTMENT = "ministry_department", _("ministry department")
    REGIONAL_CENTRE = "regional_centre", _("regional khuyến công centre")
    PROVINCE_DEPARTMENT = "province_department", _("provincial Department of Industry and Trade")
    PROVINCE_CENTRE = "province_centre", _("provincial khuyến công centre")
    COMMUNE_COMMITTEE = "commune_committee", _("commune People's Committee")
    OTHER = "other", _("other")


class JurisdictionKind(models.TextChoices):
    NATION = "nation", _("the whole country")
    REGION = "region", _("a region")
    UNIT = "unit", _("an administrative unit")


class Role(models.TextChoices):
    MINISTRY_OFFICER = "ministry_officer", _("ministry officer")
    REGION_VIEWER = "region_viewer", _("region viewer")
    PROVINCE_OFFICER = "province_officer", _("province officer")
    PROVINCE_APPROVER = "province_approver", _("province approver")
    COMMUNE_OFFICER = "commune_officer", _("commune officer")
    ESTABLISHMENT_REP = "establishment_rep", _("establishment representative")
    AUDITOR = "auditor", _("auditor")
    SYSTEM_ADMIN = "system_admin", _("system administrator")

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.text import fold
from khuyencong.core.validity import Validity, ValidityQuerySet

from .choices import Level, UnitType

REFORM_DATE = dt.date(2025, 7, 1)  # two-level local government: 34 provinces, districts abolished


class UnitQuerySet(ValidityQuerySet["AdministrativeUnit"]):
    def current(self) -> "UnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def legacy(self) -> "UnitQuerySet":
        return self.filter(valid_to__isnull=False)

    def provinces(self) -> "UnitQuerySet":
        return self.filter(level=Level.PROVINCE)

    def search(self, text: str) -> "UnitQuerySet":
        """By GSO code, or by name with or without diacritics."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(code=text) | Q(search_name__contains=fold(text)))


class AdministrativeUnit(Validity):
    """A province, district or commune as it was (or is) in force between valid_from and valid_to.

    The GSO code alone does not identify a unit: a merged province usually keeps the code of the
    province hosting its seat, so a code is always read together with a date.
    `province` is the province the unit belongs to in its own time; `current_province` is the
    2025 province it lies in today (itself for current provinces); `successor` is, for a legacy
    commune, the current commune that took most of it. These denormalised links let jurisdiction
    and roll-up filters run as plain joins.
    """

    code = models.CharField(_("GSO code"), max_length=5)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(
        max_length=200, editable=False, db_index=True, help_text="name folded for search"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    type = models.CharField(_("type"), max_length=15, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_province = models.ForeignKey(
        "self",
        verbose_name=_("current province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rolled_up_units",
        help_text=_("The province since 1 July 2025 that this unit lies in."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("main successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = UnitQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            *Validity.Meta.constraints,
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="geo_unit_current_code_unique",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_to"],
                condition=Q(valid_to__isnull=False),
                name="geo_unit_legacy_code_unique",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def label(self) -> str:
        """Name with its province and, for a legacy unit, the end of its validity."""
        parts = [self.name]
        if self.level != Level.PROVINCE and self.province_id:
            parts.append(self.province.name)
        text = ", ".join(parts)
        if self.valid_to:
            text += f" ({_('until')} {self.valid_to:%d/%m/%Y})"
        return text


class UnitSuccession(models.Model):
    """Old unit → new unit at a reorganisation. A split unit has several rows; one is primary."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("new unit"), on_delete=models.CASCADE, related_name="+"
    )
    effective_date = models.DateField(_("effective date"))
    is_primary = models.BooleanField(
        _("primary"), default=True, help_text=_("The new unit that took most of the old one.")
    )
    partial = models.BooleanField(_("partly merged"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(is_primary=True), name="geo_succession_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Region(models.Model):
    """A khuyến công reporting region (bac, mttn, nam): membership is data by year."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RegionMembership(models.Model):
    """A province belongs to a region from year_from to year_to (inclusive; empty = open)."""

    class Basis(models.TextChoices):
        LISTED = "listed", _("listed in the programme's reports")
        MAJORITY = "majority", _("region of most of its former provinces")
        MANUAL = "manual", _("set by an administrator")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="memberships"
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="region_memberships",
        limit_choices_to={"level": Level.PROVINCE},
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.MANUAL)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Why the province is in this region (shown to users)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region membership")
        verbose_name_plural = _("region memberships")
        ordering = ["region__order", "province__code", "year_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_from__lte=models.F("year_to")),
                name="geo_membership_year_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} ∈ {self.region} ({self.year_from or '…'}–{self.year_to or '…'})"

    def covers(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or year <= self.year_to
        )

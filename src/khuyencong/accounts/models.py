import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.validity import Validity
from khuyencong.geo.models import AdministrativeUnit, Region

from .choices import AgencyKind, JurisdictionKind, Role


class Agency(Validity):
    """A body that plans, approves, implements or reports khuyến công work.

    Its jurisdiction is the nation, a region or an administrative unit. `name` is the name in force
    today; the names it carried before are in AgencyName with their validity dates. An agency that
    ceased to exist (the 63 provinces' Sở Công Thương and Khuyến công centres on 30/06/2025) has a
    `valid_to` and names the `successor` that carries its plans, projects and reports afterwards.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    jurisdiction_kind = models.CharField(_("jurisdiction"), max_length=10, choices=JurisdictionKind.choices)
    jurisdiction_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    jurisdiction_region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("The agency that took over this one's work when it ceased to exist."),
    )
    history = HistoricalRecords()

    class Meta(Validity.Meta):
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["kind", "code"]
        constraints = [
            *Validity.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    Q(
                        jurisdiction_kind=JurisdictionKind.NATION,
                        jurisdiction_unit__isnull=True,
                        jurisdiction_region__isnull=True,
                    )
                    | Q(
                        jurisdiction_kind=JurisdictionKind.REGION,
                        jurisdiction_unit__isnull=True,
                        jurisdiction_region__isnull=False,
                    )
                    | Q(
                        jurisdiction_kind=JurisdictionKind.UNIT,
                        jurisdiction_unit__isnull=False,
                        jurisdiction_region__isnull=True,
                    )
                ),
                name="accounts_agency_jurisdiction_consistent",
            ),
        ]

    def __str__(self) -> str:
        """The name, and for an agency no longer in force the last day it was (two agencies of
        different times can carry the same name: Sở Công Thương tỉnh Khánh Hòa before and after
        1/7/2025)."""
        if self.valid_to is None:
            return self.name
        return f"{self.name} ({_('until')} {self.valid_to:%d/%m/%Y})"

    @classmethod
    def jurisdiction_q(cls, scope, user) -> Q:
        """Agencies whose unit lies in the scope, plus the user's own agency and those above it."""
        chain, agency = [], getattr(user, "agency", None)
        while agency is not None and len(chain) < 10:
            chain.append(agency.pk)
            agency = agency.parent
        return scope.unit_q("jurisdiction_unit") | Q(pk__in=chain)

    def name_on(self, on: dt.date) -> str:
        return next((item.name for item in self.names.all() if item.is_valid_on(on)), self.name)

    @property
    def jurisdiction_label(self) -> str:
        if self.jurisdiction_kind == JurisdictionKind.NATION:
            return str(_("the whole country"))
        if self.jurisdiction_kind == JurisdictionKind.REGION:
            return str(self.jurisdiction_region)
        return self.jurisdiction_unit.label if self.jurisdiction_unit else ""


class AgencyName(Validity):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(_("name"), max_length=255)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta(Validity.Meta):
        verbose_name = _("agency name")
        verbose_name_plural = _("agency names")
        ordering = ["agency", models.F("valid_from").asc(nulls_first=True)]  # the first name has no start
        constraints = [
            *Validity.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "name"], name="accounts_agency_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_set(self) -> frozenset[Role]:
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = (
                frozenset(Role(r) for r in self.roles.values_list("role", flat=True))
                if self.pk
                else frozenset()
            )
            self._role_set = cached
        return cached

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_user_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


TOKEN_PREFIX = "kc_"  # noqa: S105 — a public prefix, not a secret


def hash_token(raw: str) -> str:
    """Personal tokens carry 256 random bits, so one SHA-256 is the right hash (no stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The first characters, to recognise it.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

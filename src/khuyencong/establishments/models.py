"""The registry of rural industrial establishments (cơ sở CNNT), the beneficiaries of khuyến công.

An establishment keeps the commune it was registered in (a legacy commune stays legacy); jurisdiction
and reports roll it up through the unit's successor links. Rows are written only by services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.validity import Validity, ValidityQuerySet
from khuyencong.geo.models import AdministrativeUnit

from .choices import LegalForm


class Industry(models.Model):
    """An industry of VSIC 2018: a section (one letter) or a division (two digits) or finer."""

    code = models.CharField(_("VSIC code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=300)
    section = models.CharField(_("section"), max_length=1)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("industry (VSIC 2018)")
        verbose_name_plural = _("industries (VSIC 2018)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class EligibilityRule(Validity):
    """Who may receive support in a period: legal forms, types of commune, industry sections."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    legal_forms = models.JSONField(_("eligible legal forms"), default=list)
    unit_types = models.JSONField(_("eligible types of commune"), default=list)
    wards_outside_central_cities_only = models.BooleanField(
        _("wards only outside centrally-run cities"), default=False
    )
    industry_sections = models.JSONField(_("eligible VSIC sections"), default=list)

    objects = ValidityQuerySet.as_manager()

    class Meta(Validity.Meta):
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.legal_basis


class Establishment(models.Model):
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    name = models.CharField(_("name"), max_length=300)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        help_text=_("10 digits, or 10 digits, a dash and 3 for a branch."),
    )
    household_registration_no = models.CharField(
        _("household business registration number"), max_length=40, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="establishments",
        limit_choices_to={"level": "commune"},
    )
    main_products = models.CharField(_("main products"), max_length=500, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    representative = models.CharField(_("representative"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # priority flags (choices.PRIORITY_FLAGS)
    difficult_area = models.BooleanField(
        _("in a disadvantaged, ethnic-minority, border or island area"), default=False
    )
    women_owned = models.BooleanField(_("owned by a woman"), default=False)
    employs_ethnic_minorities = models.BooleanField(_("employs ethnic minorities"), default=False)
    exporter = models.BooleanField(_("exports"), default=False)
    fifty_plus_workers = models.BooleanField(_("50 workers or more"), default=False)
    local_inputs = models.BooleanField(_("more than half of its inputs are local"), default=False)
    supporting_industry = models.BooleanField(_("supporting industry"), default=False)
    typical_product = models.BooleanField(_("certified typical rural-industry product"), default=False)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text=_("Set when this record was a duplicate: everything now points at the other one."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    JURISDICTION_UNIT_FIELD = "commune"

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code="") & Q(merged_into__isnull=True),
                name="establishments_tax_code_unique",
            )
        ]
        indexes = [models.Index(fields=["commune", "search_name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None


class Representative(models.Model):
    """A user who represents an establishment (its owner, director or appointed contact). A user whose
    only role is the establishment representative's sees only the establishments they represent, and
    their projects (establishments.selectors.represented_by)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="represents"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("establishment representative")
        verbose_name_plural = _("establishment representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "establishment"], name="establishments_representative_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.establishment}"

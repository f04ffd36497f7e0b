"""Writers for the establishment registry, and the eligibility check. Every writer takes the acting
user, checks role and jurisdiction, runs in one transaction and writes the audit trail."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.core.audit import audit_record, jsonable, snapshot
from khuyencong.core.errors import (
    DomainError,
    NotInJurisdiction,
    PermissionDenied,
    ValidationFailed,
)
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.core.versioning import check_version, save_new_version
from khuyencong.geo.choices import Level, UnitType
from khuyencong.geo.models import AdministrativeUnit

from .choices import EDITABLE_FLAGS, LegalForm
from .identity import comparable_name, normalize_tax_code, phone_error, tax_code_error
from .models import EligibilityRule, Establishment, Industry

REFERENCE = Path(__file__).parent / "reference"

EDITABLE_FIELDS = [
    "legal_form",
    "name",
    "tax_code",
    "household_registration_no",
    "address",
    "commune",
    "main_products",
    "industry",
    "workers",
    "founded_year",
    "representative",
    "phone",
    "email",
    *[flag for flag, _label in EDITABLE_FLAGS],
]


class DuplicateTaxCode(DomainError):
    code = "duplicate_tax_code"
    status = 409
    default_message = _("An establishment with this tax code is already registered.")


class PossibleDuplicate(DomainError):
    code = "possible_duplicate"
    status = 409
    default_message = _(
        "An establishment with the same name is already registered in this commune. "
        "Check it; if this is really another establishment, confirm to save."
    )


# --- reference data -------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def reference_load(*, report: LoadReport | None = None) -> LoadReport:
    """VSIC sections and divisions and the eligibility rules; existing rows are left as edited."""
    report = report or LoadReport()
    industries = read_json(REFERENCE / "industries.json")
    for section in industries["sections"]:
        parent, created = Industry.objects.get_or_create(
            code=section["code"], defaults={"name": section["name"], "section": section["code"]}
        )
        report.created["industries"] += int(created)
        for code, name in section["divisions"]:
            _division, created = Industry.objects.get_or_create(
                code=code, defaults={"name": name, "section": section["code"], "parent": parent}
            )
            report.created["industries"] += int(created)
    rules = read_json(REFERENCE / "eligibility.json")
    for rule in rules["rules"]:
        _rule, created = EligibilityRule.objects.get_or_create(
            code=rule["code"],
            defaults={
                "legal_basis": rule["legal_basis"],
                "valid_from": _date(rule.get("valid_from")),
                "valid_to": _date(rule.get("valid_to")),
                "legal_forms": rule["legal_forms"],
                "unit_types": rule["unit_types"],
                "wards_outside_central_cities_only": rule["wards_outside_central_cities_only"],
                "industry_sections": rule["industry_sections"],
            },
        )
        report.created["eligibility rules"] += int(created)
    return report


# --- validation ----------------------------------------------------------------------------------


def _snapshot(est: Establishment) -> dict[str, Any]:
    """Field values as stored (foreign keys as ids)."""
    return snapshot(est, EDITABLE_FIELDS)


# Bodies registered under the Enterprise Law: their enterprise code is their tax code. (Cooperatives
# have one too since 2013, but the records kept of older ones often lack it: not required of them.)
REGISTERED_FORMS = (LegalForm.ENTERPRISE,)
LEGAL_FORMS = frozenset(LegalForm.values)


def _clean(
    actor: Any,
    data: dict[str, Any],
    *,
    instance: Establishment | None = None,
    communes_in_scope: set[int] | None = None,
) -> dict[str, Any]:
    """Check every field; raise ValidationFailed with all field errors at once (code, field, message).
    `communes_in_scope`: the communes the actor may change, when known (an import checks thousands
    of rows against one set instead of a query each)."""
    errors: dict[str, str] = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"]:
            errors["name"] = str(_("The name is required."))
    if "legal_form" in cleaned and cleaned["legal_form"] not in LEGAL_FORMS:
        errors["legal_form"] = str(_("Choose a legal form from the list."))
    if "tax_code" in cleaned:
        cleaned["tax_code"] = normalize_tax_code(str(cleaned["tax_code"] or ""))
        if message := tax_code_error(cleaned["tax_code"]):
            errors["tax_code"] = message
    if "commune" in cleaned:
        commune = cleaned["commune"]
        if not isinstance(commune, AdministrativeUnit) or commune.level != Level.COMMUNE:
            errors["commune"] = str(_("Choose a commune (xã, phường, thị trấn or đặc khu)."))
        elif (
            commune.pk not in communes_in_scope
            if communes_in_scope is not None
            else not restrict(AdministrativeUnit.objects.filter(pk=commune.pk), actor, Action.CHANGE).exists()
        ):
            errors["commune"] = str(_("This commune is outside your jurisdiction."))
    for name in (
        "name",
        "tax_code",
        "household_registration_no",
        "address",
        "main_products",
        "representative",
        "phone",
        "email",
    ):
        value = cleaned.get(name)
        limit = getattr(Establishment._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors[name] = str(_("At most %(limit)s characters.") % {"limit": limit})
    legal_form = cleaned.get("legal_form", instance.legal_form if instance else "")
    tax_code = cleaned.get("tax_code", instance.tax_code if instance else "")
    if legal_form in REGISTERED_FORMS and not tax_code and "tax_code" not in errors:
        errors["tax_code"] = str(
            _("A %(form)s is registered with a tax code (mã số doanh nghiệp): enter it.")
            % {"form": LegalForm(legal_form).label}
        )
    if (phone := cleaned.get("phone")) and "phone" not in errors and (message := phone_error(str(phone))):
        errors["phone"] = message
    email = cleaned.get("email")
    if email and "email" not in errors:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = str(_("Enter a valid e-mail address."))
    for number in ("workers", "founded_year"):
        value = cleaned.get(number)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors[number] = str(_("Enter a whole number, 0 or more."))
    year = cleaned.get("founded_year")
    if isinstance(year, int) and not (1800 <= year <= dt.date.today().year):
        errors["founded_year"] = str(_("Enter a year between 1800 and this year."))
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    return cleaned


def _check_duplicates(
    actor: Any, cleaned: dict[str, Any], *, instance: Establishment | None, confirm_duplicate: bool
) -> None:
    """Refuse a tax code already registered; warn about a same-name record in the same commune (only
    when the name or commune is new, so editing other fields of a confirmed twin does not ask again).
    Records outside the actor's jurisdiction are reported without their names."""
    others = Establishment.objects.filter(merged_into__isnull=True)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    visible = (
        set(restrict(others, actor, Action.VIEW).values_list("pk", flat=True)) if others.exists() else set()
    )
    tax_code = cleaned.get("tax_code", instance.tax_code if instance else "")
    if tax_code and (instance is None or tax_code != instance.tax_code):
        existing = others.filter(tax_code=tax_code).first()
        if existing is not None:
            if existing.pk in visible:
                raise DuplicateTaxCode(existing_id=existing.pk, existing_name=existing.name, field="tax_code")
            raise DuplicateTaxCode(
                _("This tax code is already registered by an establishment outside your jurisdiction."),
                field="tax_code",
            )
    name = cleaned.get("name", instance.name if instance else "")
    commune = cleaned.get("commune", instance.commune if instance else None)
    moved_or_renamed = instance is None or (
        comparable_name(name) != instance.search_name or getattr(commune, "pk", None) != instance.commune_id
    )
    if not confirm_duplicate and moved_or_renamed and name and commune is not None:
        alike = [
            row
            for row in others.filter(commune=commune, search_name=comparable_name(name)).values("pk", "name")[
                :5
            ]
            if row["pk"] in visible
        ]
        if alike:
            raise PossibleDuplicate(candidates=alike, field="name")


def _require_change(actor: Any) -> None:
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()


# --- writers ---------------------------------------------------------------------------------------


@transaction.atomic
def establishment_create(*, actor: Any, confirm_duplicate: bool = False, **data: Any) -> Establishment:
    _require_change(actor)
    missing = [f for f in ("legal_form", "name", "commune") if f not in data]
    if missing:
        raise ValidationFailed(
            _("Some fields are not valid."),
            code="invalid_fields",
            errors={f: str(_("This field is required.")) for f in missing},
        )
    cleaned = _clean(actor, data)
    _check_duplicates(actor, cleaned, instance=None, confirm_duplicate=confirm_duplicate)
    est = Establishment(**cleaned)
    est.search_name = comparable_name(est.name)
    est.save()
    audit_record(
        actor=actor,
        action="establishment.create",
        obj=est,
        after=jsonable(_snapshot(est)),
        reason=str(_("confirmed as a different establishment")) if confirm_duplicate else "",
    )
    return est


@transaction.atomic
def establishment_update(
    *,
    actor: Any,
    establishment: Establishment,
    version: int,
    confirm_duplicate: bool = False,
    import_run: Any = None,
    **changes: Any,
) -> Establishment:
    """Change fields of a record the actor may change. `version` is the one the actor saw: if someone
    saved in between, StaleWrite is raised and nothing is written. `import_run`: the import (core
    .imports) the change comes from, kept in its audit entry."""
    _require_change(actor)
    # Scope first, then lock by primary key: PostgreSQL refuses FOR UPDATE on the outer joins of a scope.
    in_scope = restrict(
        Establishment.objects.filter(pk=establishment.pk, merged_into__isnull=True), actor, Action.CHANGE
    )
    if not in_scope.exists():
        raise NotInJurisdiction()
    est = Establishment.objects.select_for_update().get(pk=establishment.pk)
    check_version(est, version)
    cleaned = _clean(actor, changes, instance=est)
    before = _snapshot(est)
    _check_duplicates(actor, cleaned, instance=est, confirm_duplicate=confirm_duplicate)
    for name, value in cleaned.items():
        setattr(est, name, value)
    est.search_name = comparable_name(est.name)
    after = _snapshot(est)
    if after == before:
        return est
    save_new_version(est)
    changed = [k for k in after if after[k] != before[k]]
    audit_record(
        actor=actor,
        action="establishment.update",
        obj=est,
        before=jsonable({k: before[k] for k in changed}),
        after=jsonable({k: after[k] for k in changed}),
        import_run=import_run,
    )
    return est


@transaction.atomic
def establishment_merge(
    *, actor: Any, keep: Establishment, duplicate: Establishment, reason: str
) -> Establishment:
    """Merge a duplicate record into `keep`: every reference to the duplicate is moved to `keep`; the
    duplicate row stays (marked merged) so its history remains readable."""
    _require_change(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the two records are the same establishment."), code="reason_required", field="reason"
        )
    if keep.pk == duplicate.pk:
        raise ValidationFailed(_("Choose two different records."), code="same_record")
    pks = [keep.pk, duplicate.pk]
    in_scope = restrict(
        Establishment.objects.filter(pk__in=pks, merged_into__isnull=True), actor, Action.CHANGE
    )
    if in_scope.count() != 2:
        raise NotInJurisdiction()
    found = {e.pk: e for e in Establishment.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    if len(found) != 2:
        raise NotInJurisdiction()
    keep, duplicate = found[keep.pk], found[duplicate.pk]
    moved: dict[str, int] = {}
    for relation in Establishment._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            model: type[models.Model] = relation.related_model  # type: ignore[assignment]
            if model is Establishment:
                count = Establishment.objects.filter(merged_into=duplicate).update(merged_into=keep)
            else:
                try:
                    with transaction.atomic():  # a savepoint: a clash must not break the transaction
                        count = model._default_manager.filter(**{relation.field.name: duplicate}).update(
                            **{relation.field.name: keep}
                        )
                except IntegrityError as exc:
                    raise ValidationFailed(
                        _(
                            "Both records appear in the same %(what)s (e.g. the same fair, selection or "
                            "group project). Remove one of the two rows before merging."
                        )
                        % {"what": model._meta.verbose_name},
                        code="merge_conflict",
                    ) from exc
            if count:
                moved[model._meta.label] = count
    duplicate.merged_into = keep
    save_new_version(duplicate, update_fields=["merged_into", "updated_at"])
    audit_record(
        actor=actor,
        action="establishment.merge",
        obj=duplicate,
        after={"merged_into": keep.pk, "moved": moved},
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="establishment.absorb",
        obj=keep,
        after={"absorbed": duplicate.pk, "moved": moved},
        reason=reason,
    )
    return keep


# --- eligibility -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[str]
    rule: EligibilityRule | None


def establishment_eligibility(establishment: Establishment, on: dt.date) -> Eligibility:
    """Whether the establishment may receive support on `on`, and every reason why not."""
    rule = EligibilityRule.objects.valid_on(on).order_by("-valid_from").first()
    if rule is None:
        return Eligibility(False, [str(_("No eligibility rule is in force on this date."))], None)
    reasons = []
    if establishment.legal_form not in rule.legal_forms:
        reasons.append(
            str(
                _("%(form)s is not a beneficiary under %(basis)s.")
                % {"form": establishment.get_legal_form_display(), "basis": rule.legal_basis}
            )
        )
    commune = establishment.commune
    if commune.type not in rule.unit_types:
        reasons.append(
            str(
                _("It is located in a %(type)s, which is not covered under %(basis)s.")
                % {"type": commune.get_type_display(), "basis": rule.legal_basis}
            )
        )
    elif (
        rule.wards_outside_central_cities_only
        and commune.type == UnitType.WARD
        and commune.province is not None
        and commune.province.type == UnitType.CENTRAL_CITY
    ):
        reasons.append(
            str(
                _("It is in a ward of a centrally-run city, which is not covered under %(basis)s.")
                % {"basis": rule.legal_basis}
            )
        )
    if establishment.industry is None:
        reasons.append(str(_("Its industry (VSIC code) is not recorded.")))
    elif establishment.industry.section not in rule.industry_sections:
        reasons.append(
            str(
                _("Industry %(industry)s is not a rural industry under %(basis)s.")
                % {"industry": establishment.industry, "basis": rule.legal_basis}
            )
        )
    if establishment.merged_into_id:
        reasons.append(str(_("This record was merged into another one.")))
    return Eligibility(not reasons, reasons, rule)

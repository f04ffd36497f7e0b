"""Catalogue writers and the support-norm check.

`catalog_load` creates what catalog/reference/catalog.json lists and is missing; it never changes a
row that exists, so edits made in the admin survive reloads (and a second run writes nothing).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_record, snapshot
from khuyencong.core.errors import (
    DomainError,
    InvalidInput,
    NotInJurisdiction,
    PermissionDenied,
    ValidationFailed,
)
from khuyencong.core.formatting import format_percent, format_vnd, ratio
from khuyencong.core.money import whole_dong
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.geo.models import AdministrativeUnit

from .choices import NormCondition
from .models import Activity, ContentGroup, Indicator, Programme, ProgrammeTarget, SupportNorm

CATALOG_FILE = Path(__file__).parent / "reference" / "catalog.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _create_missing(model, report: LoadReport, label: str, code: str, **fields: Any):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model.objects.create(code=code, **fields)
        report.created[label] += 1
        return obj, True
    return obj, False


def _programme_load(item: dict[str, Any], groups: dict[str, ContentGroup], report: LoadReport) -> None:
    """One programme of the catalogue file, with its content groups (added to `groups`) and targets."""
    unit = None
    if item.get("legacy_province"):
        unit = AdministrativeUnit.objects.legacy().provinces().filter(code=item["legacy_province"]).first()
    programme, _created = _create_missing(
        Programme,
        report,
        "programmes",
        item["code"],
        name=item["name"],
        kind=item["kind"],
        legal_basis=item.get("legal_basis", ""),
        year_from=item.get("year_from"),
        year_to=item.get("year_to"),
        valid_from=_date(item.get("valid_from")),
        valid_to=_date(item.get("valid_to")),
        unit=unit,
        note=item.get("note", ""),
    )
    group_items = item.get("groups", [])
    if "groups_from_decree" in item:  # a programme whose grouping is (provisionally) the decree's
        prefix = item["group_code_prefix"]
        group_items = [
            {
                "number": g.number,
                "code": f"{prefix}-{g.number}",
                "name": g.name,
                "decree_groups": [g.code],
            }
            for g in ContentGroup.objects.filter(programme__code=item["groups_from_decree"]).order_by(
                "number"
            )
        ]
    for g in group_items:
        group, created = _create_missing(
            ContentGroup,
            report,
            "content groups",
            g["code"],
            programme=programme,
            number=g["number"],
            name=g["name"],
            valid_from=_date(g.get("valid_from")) or programme.valid_from,
            valid_to=programme.valid_to,
        )
        groups[group.code] = group
        if created and g.get("decree_groups"):
            group.decree_groups.set([groups[c] for c in g["decree_groups"]])
    for t in item.get("targets", []):
        if not ProgrammeTarget.objects.filter(programme=programme, code=t["code"]).exists():
            ProgrammeTarget.objects.create(
                programme=programme,
                code=t["code"],
                name=t["name"],
                minimum=Decimal(t["minimum"]),
                maximum=Decimal(t["maximum"]),
                unit=t["unit"],
                source=item.get("target_source", ""),
            )
            report.created["programme targets"] += 1


@transaction.atomic
def catalog_load(*, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = read_json(CATALOG_FILE)
    groups: dict[str, ContentGroup] = {g.code: g for g in ContentGroup.objects.all()}
    for item in data["programmes"]:
        _programme_load(item, groups, report)

    activities: dict[str, Activity] = {}
    for a in data["activities"]:
        activity, created = _create_missing(
            Activity, report, "activities", a["code"], name=a["name"], valid_from=_date(a.get("valid_from"))
        )
        activities[activity.code] = activity
        if created:
            decree_groups = [groups[c] for c in a["groups"]]
            # A programme whose groups copy the decree's takes the activity in the copy as well.
            copies = ContentGroup.objects.filter(
                decree_groups__in=decree_groups, programme__code="ctkcqg-2026-2030"
            )
            activity.groups.set([*decree_groups, *copies])
    for i in data["indicators"]:
        indicator, created = _create_missing(
            Indicator, report, "indicators", i["code"], name=i["name"], unit=i["unit"]
        )
        if created:
            indicator.activities.set([activities[c] for c in i["activities"]])
    for n in data["norms"]:
        _create_missing(
            SupportNorm,
            report,
            "support norms",
            n["code"],
            activity=activities[n["activity"]],
            condition=n.get("condition", ""),
            max_share=Decimal(n["max_share"]),
            cap=n.get("cap"),
            cap_per=n["cap_per"],
            legal_basis=n["legal_basis"],
            valid_from=_date(n.get("valid_from")),
            valid_to=_date(n.get("valid_to")),
            note=n.get("note", ""),
        )
    return report


# --- the support-norm check ---------------------------------------------------------------------


@dataclass(frozen=True)
class NormViolation:
    code: str  # share_exceeded | cap_exceeded | support_exceeds_cost
    message: str
    norm: SupportNorm | None
    limit: int  # the most that may be paid under this rule, in đồng


@dataclass
class SupportCheck:
    activity: Activity
    on_date: dt.date
    eligible_cost: int
    per_unit_count: int
    norms: list[SupportNorm] = field(default_factory=list)
    violations: list[NormViolation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def limit(self) -> int | None:
        """The largest support every applicable norm allows (None when no norm applies)."""
        if not self.norms:
            return None
        return min(norm_limit(n, self.eligible_cost, self.per_unit_count) for n in self.norms)


def share_limit(norm: SupportNorm, eligible_cost: int) -> int:
    """The norm's share of the eligible cost, rounded down to whole đồng."""
    return int((Decimal(eligible_cost) * norm.max_share).to_integral_value(rounding=ROUND_FLOOR))


def norm_limit(norm: SupportNorm, eligible_cost: int, per_unit_count: int = 1) -> int:
    """The most a norm allows: its share of the eligible cost, within its cap."""
    by_share = share_limit(norm, eligible_cost)
    return by_share if norm.cap is None else min(by_share, norm.cap * per_unit_count)


def _norm_violations(
    norm: SupportNorm, requested_support: int, eligible_cost: int, per_unit_count: int
) -> list[NormViolation]:
    """What one norm refuses of a requested support: its share of the cost, its cap per unit."""
    violations: list[NormViolation] = []
    by_share = share_limit(norm, eligible_cost)
    if requested_support > by_share:
        violations.append(
            NormViolation(
                "share_exceeded",
                str(
                    _(
                        "%(requested)s is %(share)s of the eligible cost %(cost)s; "
                        "%(basis)s allows at most %(max_share)s, i.e. %(limit)s."
                    )
                    % {
                        "requested": format_vnd(requested_support),
                        "share": format_percent(ratio(requested_support, eligible_cost)),
                        "cost": format_vnd(eligible_cost),
                        "basis": norm.legal_basis,
                        "max_share": format_percent(norm.max_share, 0),
                        "limit": format_vnd(by_share),
                    }
                ),
                norm,
                by_share,
            )
        )
    if norm.cap is not None and requested_support > norm.cap * per_unit_count:
        violations.append(
            NormViolation(
                "cap_exceeded",
                str(
                    _(
                        "%(requested)s is above the cap of %(cap)s %(per)s × %(count)s under %(basis)s, "
                        "i.e. %(limit)s."
                    )
                    % {
                        "requested": format_vnd(requested_support),
                        "cap": format_vnd(norm.cap),
                        "per": norm.get_cap_per_display(),
                        "count": per_unit_count,
                        "basis": norm.legal_basis,
                        "limit": format_vnd(norm.cap * per_unit_count),
                    }
                ),
                norm,
                norm.cap * per_unit_count,
            )
        )
    return violations


def check_support(
    *,
    activity: Activity,
    eligible_cost: int,
    requested_support: int,
    on_date: dt.date,
    per_unit_count: int = 1,
    condition: str = NormCondition.ANY,
) -> SupportCheck:
    """Check a requested support against every norm of `activity` in force on `on_date`.

    Returns every violation, each with the norm that caused it and the most that norm allows.
    `per_unit_count` is how many units the cap counts (establishments, models, brands, booths…).
    `condition` selects norms that depend on the circumstances (e.g. a programme fair).
    """
    eligible_cost = whole_dong(eligible_cost, field="eligible_cost")
    requested_support = whole_dong(requested_support, field="requested_support")
    if isinstance(per_unit_count, bool) or not isinstance(per_unit_count, int) or per_unit_count < 1:
        raise ValidationFailed(
            _("The number of units must be at least 1."), code="invalid_unit_count", field="per_unit_count"
        )
    norms = list(
        SupportNorm.objects.valid_on(on_date)
        .filter(activity=activity)
        .filter(condition__in=[NormCondition.ANY, condition] if condition else [NormCondition.ANY])
        .order_by("code")
    )
    result = SupportCheck(
        activity=activity,
        on_date=on_date,
        eligible_cost=eligible_cost,
        per_unit_count=per_unit_count,
        norms=norms,
    )
    if requested_support > eligible_cost:
        result.violations.append(
            NormViolation(
                "support_exceeds_cost",
                str(
                    _("The support requested (%(requested)s) is more than the eligible cost (%(cost)s).")
                    % {"requested": format_vnd(requested_support), "cost": format_vnd(eligible_cost)}
                ),
                None,
                eligible_cost,
            )
        )
    for norm in norms:
        result.violations += _norm_violations(norm, requested_support, eligible_cost, per_unit_count)
    return result


# --- editing the catalogue (system administrators) ---------------------------------------------------

_EDITABLE: dict[type, list[str]] = {
    SupportNorm: [
        "activity",
        "condition",
        "max_share",
        "cap",
        "cap_per",
        "legal_basis",
        "valid_from",
        "valid_to",
        "note",
    ],
    Activity: ["name", "description", "valid_from", "valid_to"],
    Indicator: ["name", "unit", "valid_from", "valid_to"],
}


def _require_admin(actor: Any) -> None:
    if not (getattr(actor, "is_superuser", False) or actor.has_role(Role.SYSTEM_ADMIN)):
        raise PermissionDenied(_("Only a system administrator edits the catalogue."))


@transaction.atomic
def reference_item_save(
    *,
    actor: Any,
    model: type[SupportNorm] | type[Activity] | type[Indicator],
    code: str,
    values: dict[str, Any],
    create: bool,
    m2m: dict[str, list] | None = None,
) -> Any:
    """Create or change one catalogue item (norm, activity or indicator); every field is validated
    (model rules and constraints) before anything is written, and the change is audited."""
    _require_admin(actor)
    fields = _EDITABLE[model]
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    existing = model._default_manager.select_for_update().filter(code=code).first()
    if create and existing is not None:
        raise DomainError(_("This code is already used."), code="duplicate_code", field="code")
    if not create and existing is None:
        raise NotInJurisdiction()
    nulls = {
        name: str(_("This field cannot be empty (null)."))
        for name, value in values.items()
        if value is None and not model._meta.get_field(name).null
    }
    if nulls:
        raise InvalidInput(errors=nulls, field=next(iter(nulls)))
    obj = existing or model(code=code)
    before = None if create else snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        errors = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors) from exc
    obj.save()
    for name, items in (m2m or {}).items():
        getattr(obj, name).set(items)
    audit_record(
        actor=actor,
        action=f"catalog.{model._meta.model_name}.{'create' if create else 'update'}",
        obj=obj,
        before=before,
        after=snapshot(obj, fields),
    )
    return obj

"""Writers for agencies, users and API tokens. Each takes the acting user first, runs in one
transaction, checks permission and writes the audit trail."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.audit import audit_record
from khuyencong.core.errors import NotInJurisdiction, ValidationFailed
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.geo.models import AdministrativeUnit

from .choices import AgencyKind, JurisdictionKind, Role
from .models import Agency, AgencyName, ApiToken, User, UserRole, hash_token

AGENCIES_FILE = Path(__file__).parent / "reference" / "agencies.json"


def province_display_name(province: AdministrativeUnit) -> str:
    """'Tỉnh Khánh Hòa' → 'tỉnh Khánh Hòa' (as written after 'Sở Công Thương')."""
    return province.name[:1].lower() + province.name[1:]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def agencies_load(*, report: LoadReport | None = None) -> LoadReport:
    """Reference agencies: the ministry department with its name history, and one Sở Công Thương and
    one Khuyến công centre per province — today's 34, and the 63 before the 2025 reform (valid to
    30/06/2025, each linked to its successor). Names edited by an administrator are kept."""
    report = report or LoadReport()
    data = read_json(AGENCIES_FILE)
    ministry_data = data["ministry"]
    current_name = ministry_data["names"][-1]["name"]
    ministry, created = Agency.objects.get_or_create(
        code=ministry_data["code"],
        defaults={
            "name": current_name,
            "kind": ministry_data["kind"],
            "jurisdiction_kind": JurisdictionKind.NATION,
        },
    )
    report.created["agencies"] += int(created)
    for item in ministry_data["names"]:
        _, created = AgencyName.objects.get_or_create(
            agency=ministry,
            name=item["name"],
            defaults={
                "valid_from": _date(item.get("valid_from")),
                "valid_to": _date(item.get("valid_to")),
                "note": item.get("note", ""),
            },
        )
        report.created["agency names"] += int(created)

    existing = {
        a.code: a
        for a in Agency.objects.filter(kind__in=[AgencyKind.PROVINCE_DEPARTMENT, AgencyKind.PROVINCE_CENTRE])
    }
    provinces = AdministrativeUnit.objects.provinces().select_related("current_province").order_by("code")
    for province in provinces.current():
        _province_agencies(data["per_province"], province, existing, report)
    for province in provinces.legacy():
        _province_agencies(data["per_legacy_province"], province, existing, report)
    return report


def _province_agencies(
    templates: list[dict[str, str]],
    province: AdministrativeUnit,
    existing: dict[str, Agency],
    report: LoadReport,
) -> None:
    """The agencies of one province, valid as long as the province is; those of a province that ceased
    to exist on 30/06/2025 name as successor the same kind of agency of the province it became part of."""
    current = province.current_province
    names = {"code": province.code, "current": current.code if current else ""}
    for template in templates:
        code = template["code"].format(**names)
        successor = existing.get(template["successor"].format(**names)) if "successor" in template else None
        agency = existing.get(code)
        if agency is not None:
            if successor is not None and agency.successor_id is None:
                agency.successor = successor
                agency.save(update_fields=["successor"])
                report.updated["agencies"] += 1
            continue
        agency = Agency.objects.create(
            code=code,
            name=template["name"].format(name=province_display_name(province)),
            kind=template["kind"],
            jurisdiction_kind=JurisdictionKind.UNIT,
            jurisdiction_unit=province,
            parent=existing[template["parent"].format(**names)] if "parent" in template else None,
            successor=successor,
            valid_from=province.valid_from,
            valid_to=province.valid_to,
        )
        AgencyName.objects.create(
            agency=agency, name=agency.name, valid_from=province.valid_from, valid_to=province.valid_to
        )
        existing[code] = agency
        report.created["agencies"] += 1
        report.created["agency names"] += 1


def _ensure_admin(actor: Any) -> None:
    if not (actor.is_superuser or actor.has_role(Role.SYSTEM_ADMIN)):
        from khuyencong.core.errors import PermissionDenied

        raise PermissionDenied()


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    agency: Agency | None,
    roles: list[Role],
    full_name: str = "",
    email: str = "",
) -> User:
    """Create a user with roles (system administrators only; the CLI passes actor=None for set-up)."""
    if actor is not None:
        _ensure_admin(actor)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("The user name is already taken."), code="username_taken", field="username")
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        agency=agency,
        is_staff=Role.SYSTEM_ADMIN in roles,  # the admin site is for system administrators
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={"agency": agency.code if agency else None, "roles": sorted(str(r) for r in roles)},
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: list[Role], reason: str = "") -> User:
    _ensure_admin(actor)
    before = sorted(user.roles.values_list("role", flat=True))
    after = sorted({str(r) for r in roles})
    if before != after:
        user.roles.exclude(role__in=after).delete()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in after if r not in before])
        user.__dict__.pop("_role_set", None)
        if not user.is_superuser:
            user.is_staff = Role.SYSTEM_ADMIN in after
            user.save(update_fields=["is_staff"])
        audit_record(
            actor=actor,
            action="user.roles",
            obj=user,
            before={"roles": before},
            after={"roles": after},
            reason=reason,
        )
    return user


def _token_state(token: ApiToken) -> dict[str, Any]:
    """What the audit trail keeps of a token: never the hash, only what identifies and governs it."""
    return {
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A personal token for `actor`. Returns the row and the raw token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name, e.g. the program that will use it."), code="name_required", field="name"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            _("The expiry must be in the future."), code="expiry_in_past", field="expires_at"
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[:10], key_hash=hash_token(raw), expires_at=expires_at
    )
    audit_record(actor=actor, action="api_token.create", obj=token, after=_token_state(token))
    return token, raw


def _revoke(actor: User, token: ApiToken, reason: str = "") -> bool:
    """Revoke a locked token row and audit it; a token already revoked stays as it was (False)."""
    if token.revoked_at is not None:
        return False
    before = _token_state(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        before=before,
        after=_token_state(token),
        reason=reason,
    )
    return True


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (someone else's token reads as not found)."""
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user=actor, pk=token_id)
        .first()
    )
    if token is None:
        raise NotInJurisdiction()
    _revoke(actor, token)
    return token


@transaction.atomic
def api_token_admin_revoke(*, actor: User, token_ids: list[int], reason: str = "") -> int:
    """A system administrator revokes anyone's tokens (a leaked token, a person who left). Returns how
    many were active and are now revoked. A revocation is final: there is no service that undoes it, so
    the owner creates a new token instead."""
    _ensure_admin(actor)
    tokens = ApiToken.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=token_ids)
    return sum(_revoke(actor, token, reason) for token in tokens.order_by("pk"))


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Records when the token was last used."""
    if not raw or not raw.startswith("kc_"):
        return None
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

"""Who may read which report, and who decides on submissions.

- The national aggregate is for users whose jurisdiction is the whole country (the ministry, system
  administrators, auditors attached to the ministry).
- A region's report is for the nation's users and for the region's own agency.
- A province's report (live figures, its submissions, drafts included) is for users whose jurisdiction
  covers the province: the province's own officers, its region and the nation. A commune's officers
  see their commune's projects but not the province's report.
- A province's report goes up the hierarchy: the khuyến công centre prepares it, a user with the
  approve role at the province (the Sở Công Thương) approves and sends it — or returns it to the
  centre —, and a user with the approve role at the region or the ministry approves it or returns it.
  A province never gives its own figures the final approval. Figures the nation loads for a province
  (from a file or its live figures) are sent when loaded.

Out of jurisdiction reads as *not found*, as everywhere else (accounts.jurisdiction).
"""

from typing import Any

from khuyencong.accounts.choices import JurisdictionKind
from khuyencong.accounts.jurisdiction import Action, allows, scope_of
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied
from khuyencong.geo.models import AdministrativeUnit

from .live import Scope, parse_scope


def covers_province(user: Any, unit: AdministrativeUnit) -> bool:
    """Does the user's jurisdiction cover the whole province `unit` (or the province it became)?"""
    jurisdiction = scope_of(user)
    if jurisdiction.nation:
        return True
    return (unit.current_province_id or unit.pk) in jurisdiction.provinces


def may_read(user: Any, scope: Scope) -> bool:
    if not allows(user, Action.VIEW):
        return False
    jurisdiction = scope_of(user)
    if jurisdiction.nation:
        return True
    if scope.kind == "nation":
        return False
    if scope.kind == "region":
        agency = getattr(user, "agency", None)
        return bool(
            agency is not None
            and agency.jurisdiction_kind == JurisdictionKind.REGION
            and agency.jurisdiction_region_id == getattr(scope.region, "pk", None)
        )
    return scope.unit is not None and covers_province(user, scope.unit)


def readable_scope(user: Any, text: str, year: int) -> Scope:
    """The scope named by `text` for `year`, if `user` may read its report (else NotInJurisdiction;
    PermissionDenied when the role reads no reports at all)."""
    if not allows(user, Action.VIEW):
        raise PermissionDenied()
    scope = parse_scope(text, year)
    if not may_read(user, scope):
        raise NotInJurisdiction()
    return scope


def default_scope_text(user: Any) -> str:
    """The report a user most likely wants: their province, their region, or the nation."""
    jurisdiction = scope_of(user)
    if jurisdiction.nation:
        return "nation"
    agency = getattr(user, "agency", None)
    if agency is not None and agency.jurisdiction_kind == JurisdictionKind.REGION:
        return f"region:{agency.jurisdiction_region.code}"
    if len(jurisdiction.provinces) == 1:
        province = AdministrativeUnit.objects.get(pk=next(iter(jurisdiction.provinces)))
        return f"unit:{province.code}"
    return ""


def decision_step(user: Any) -> str:
    """Which step of a province report's way up `user` decides: "nation" (the ministry's approvers),
    "region" (a regional centre's), "province" (the Department's), or "" (the user approves nothing)."""
    if not allows(user, Action.APPROVE):
        return ""
    if scope_of(user).nation:
        return "nation"
    agency = getattr(user, "agency", None)
    if agency is not None and agency.jurisdiction_kind == JurisdictionKind.REGION:
        return "region"
    return "province"


def may_decide(user: Any, unit: AdministrativeUnit) -> bool:
    """May `user` approve or return a submission of province `unit` sent up to the region or nation?"""
    step = decision_step(user)
    return step == "nation" or (step == "region" and covers_province(user, unit))


def may_send(user: Any, unit: AdministrativeUnit) -> bool:
    """May `user` approve at the Department a report its centre prepared for province `unit`, and send
    it up (or return it to the centre)? The province's own approvers, not the region's or the nation's."""
    return decision_step(user) == "province" and covers_province(user, unit)


def sent_when_submitted(user: Any) -> bool:
    """Are the reports `user` submits sent up at once? The nation's, which load figures for provinces;
    a province's reports wait for its Department's approval."""
    return scope_of(user).nation


def may_submit(user: Any, unit: AdministrativeUnit) -> bool:
    """May `user` submit figures for province `unit`? Its own officers (change role), and the
    nation's, who load figures for provinces that do not use the system yet."""
    return allows(user, Action.CHANGE) and covers_province(user, unit)

"""Reference data edited in the admin site is audited like a service's change: who, and the fields
before and after; a deletion keeps what was deleted."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.admin_audit import AuditedAdmin
from khuyencong.core.audit import audit_for
from khuyencong.projects.choices import DeadlineKind
from khuyencong.projects.models import DeadlineRule

pytestmark = pytest.mark.django_db

NOT_AUDITED_HERE = {
    # read-only, or writing through the services themselves (accounts/admin.py)
    "accounts.User": "roles through user_set_roles, other fields audited as user.admin_change",
    "accounts.ApiToken": "read-only; revoked by the audited action api_token_admin_revoke",
    "core.AuditEntry": "read-only",
    "establishments.Establishment": "read-only",
    # third-party records that are not the programme's data
    "axes.AccessAttempt": "django-axes: failed logins; deleting one unlocks an account (axes' own admin)",
    "axes.AccessLog": "django-axes: login log, read-only in its admin",
    "axes.AccessFailureLog": "django-axes: login failure log, read-only in its admin",
    "django_tasks_database.DBTaskResult": "background tasks' results (exports), not programme data",
}


def test_every_editable_admin_is_audited_or_exempt_with_a_reason():
    registered = {f"{m._meta.app_label}.{m.__name__}": a for m, a in site._registry.items()}
    assert "auth.Group" not in registered  # permissions come from roles only
    for name, model_admin in registered.items():
        if name not in NOT_AUDITED_HERE:
            assert isinstance(model_admin, AuditedAdmin), name
    assert set(NOT_AUDITED_HERE) <= set(registered)  # no stale exemption


def test_a_rule_changed_added_and_deleted_in_the_admin_site_is_audited(client, world):
    admin_user = world.user(Role.SYSTEM_ADMIN)
    client.force_login(admin_user)
    rule = DeadlineRule.objects.get(kind=DeadlineKind.SETTLEMENT, valid_to__isnull=True)
    response = client.post(
        reverse("admin:projects_deadlinerule_change", args=[rule.pk]),
        {
            "kind": rule.kind,
            "days": 20,
            "month": "",
            "day": "",
            "legal_basis": rule.legal_basis,
            "valid_from": rule.valid_from.strftime("%d/%m/%Y") if rule.valid_from else "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = audit_for(rule).get(action="admin.change")
    assert (entry.actor, entry.before, entry.after) == (admin_user, {"days": 15}, {"days": 20})

    response = client.post(
        reverse("admin:projects_deadlinerule_add"),
        {"kind": DeadlineKind.PROGRESS, "day": 28, "legal_basis": "Thử", "valid_from": "", "valid_to": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = DeadlineRule.objects.get(legal_basis="Thử")
    assert audit_for(added).get(action="admin.add").after["day"] == 28

    response = client.post(reverse("admin:projects_deadlinerule_delete", args=[added.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not DeadlineRule.objects.filter(pk=added.pk).exists()
    assert audit_for(added).get(action="admin.delete").before["legal_basis"] == "Thử"


def test_an_unchanged_save_writes_no_audit_entry(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    rule = DeadlineRule.objects.get(kind=DeadlineKind.PROGRESS, valid_to__isnull=True)
    response = client.post(
        reverse("admin:projects_deadlinerule_change", args=[rule.pk]),
        {
            "kind": rule.kind,
            "days": rule.days or "",
            "month": rule.month or "",
            "day": rule.day or "",
            "legal_basis": rule.legal_basis,
            "valid_from": rule.valid_from.strftime("%d/%m/%Y") if rule.valid_from else "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not audit_for(rule).exists()

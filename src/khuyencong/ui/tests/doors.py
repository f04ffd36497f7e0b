from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.access import door

door(
    "ui:home",
    lambda w, t, u: reverse("ui:home"),
    is_list=True,
    own_marker=lambda w, u: u.agency.name,
    foreign_marker=lambda w, u: f'data-province-code="{w.ha_noi.code}"',
)
# A picker's search (htmx, core.pickers): for the roles that may record something; what each picker
# offers outside the jurisdiction is tested in ui/tests/test_pickers.py.
door(
    "ui:picker",
    lambda w, t, u: reverse("ui:picker", args=["communes"]) + f"?q={w.phan_rang.name}",
    roles=frozenset(
        {
            Role.MINISTRY_OFFICER,
            Role.PROVINCE_OFFICER,
            Role.PROVINCE_APPROVER,
            Role.COMMUNE_OFFICER,
            Role.SYSTEM_ADMIN,
        }
    ),
    scoped=False,
    is_list=True,
    own_marker=lambda w, u: f'value="{w.phan_rang.pk}"',
)

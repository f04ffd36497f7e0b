from django.urls import reverse

from khuyencong.testing.access import door

door(
    "ui:home",
    lambda w, t, u: reverse("ui:home"),
    is_list=True,
    own_marker=lambda w, u: u.agency.name,
    foreign_marker=lambda w, u: f'data-province-code="{w.ha_noi.code}"',
)

"""An establishment's representative (ông Tư) sees what concerns them: the establishments they represent
and their projects — not every establishment and project of their commune — and a home page that says
which establishment it is, or how to get linked to one."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.establishments.models import Representative
from khuyencong.establishments.selectors import establishments_visible
from khuyencong.projects.selectors import projects_visible
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db


def test_a_representative_sees_their_establishment_and_its_projects_only(client, world):
    theirs, neighbours = make_project(world), make_project(world)  # both in phường Phan Rang
    rep = world.user(Role.ESTABLISHMENT_REP)
    client.force_login(rep)
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-testid="home-no-establishment"' in home  # not linked yet: says how to get linked
    assert set(projects_visible(rep)) == {theirs, neighbours}  # until then: their commune, read-only

    Representative.objects.create(user=rep, establishment=theirs.implementer_establishment)
    assert list(establishments_visible(rep)) == [theirs.implementer_establishment]
    assert list(projects_visible(rep)) == [theirs]
    home = client.get(reverse("ui:home")).content.decode()
    assert reverse("establishments:detail", args=[theirs.implementer_establishment_id]) in home
    assert reverse("projects:detail", args=[theirs.pk]) in home  # the support it receives
    assert reverse("projects:detail", args=[neighbours.pk]) not in home
    assert 'data-testid="plan-kpis"' not in home  # not the commune's plan and figures
    listed = client.get(reverse("projects:list")).context["page"]
    assert list(listed) == [theirs]
    assert client.get(reverse("projects:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[neighbours.pk])).status_code == 404
    other = neighbours.implementer_establishment
    assert client.get(reverse("establishments:detail", args=[other.pk])).status_code == 404

    # an officer of the commune with the representative's role as well keeps the commune's view
    officer = world.user(Role.COMMUNE_OFFICER)
    assert set(projects_visible(officer)) == {theirs, neighbours}

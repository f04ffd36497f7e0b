"""Search pickers (core.pickers): what the search box offers, to whom, and that the forms accept it."""

import re

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core import pickers
from khuyencong.events.forms import FairForm, ParticipationForm
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.forms import ParticipantForm
from khuyencong.testing.projects import establishment, make_project

pytestmark = pytest.mark.django_db


def _options(client, name, **params):
    response = client.get(reverse("ui:picker", args=[name]), params)
    assert response.status_code == 200, response.status_code
    return [int(v) for v in re.findall(r'<option value="(\d+)"', response.content.decode())]


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def test_communes_are_found_with_or_without_diacritics_and_only_in_the_jurisdiction(officer_client, world):
    assert world.phan_rang.pk in _options(officer_client, "communes", q="phan rang")
    assert world.phan_rang.pk in _options(officer_client, "communes", q="Phan Rang")
    assert _options(officer_client, "communes", q=world.ha_noi_commune.name) == []


def test_establishments_are_found_by_name_or_tax_code_within_the_jurisdiction(officer_client, world):
    own = establishment(world, "own", "Cơ sở gốm Bàu Trúc")
    own.tax_code = "4500123456"
    own.save()
    foreign = establishment(world, "foreign", "Cơ sở gốm Bát Tràng")
    assert _options(officer_client, "establishments", q="gom bau") == [own.pk]
    assert _options(officer_client, "establishments", q="4500123") == [own.pk]
    assert foreign.pk not in _options(officer_client, "establishments", q="gốm")
    body = officer_client.get(reverse("ui:picker", args=["establishments"]), {"q": "bau"}).content.decode()
    assert "Phan Rang" in body, "an establishment reads with its commune and province"


def test_the_chosen_row_stays_and_a_foreign_one_is_not_shown(officer_client, world):
    own = establishment(world, "own")
    foreign = establishment(world, "foreign")
    kept = _options(officer_client, "establishments", q="zzz", field="est", est=own.pk)
    assert kept == [own.pk]
    assert _options(officer_client, "establishments", q="zzz", field="est", est=foreign.pk) == []


def test_within_narrows_establishments_to_a_unit(officer_client, world):
    own = establishment(world, "own")
    in_phan_rang = _options(officer_client, "establishments", within=world.phan_rang.pk)
    assert own.pk in in_phan_rang
    assert _options(officer_client, "establishments", within=world.ha_noi_commune.pk) == []
    assert _options(officer_client, "establishments", within="x") == []


def test_event_projects_are_those_the_event_counts_for(officer_client, world):
    fair_project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="to-chuc-hoi-cho")
    machine_project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="may-moc-thiet-bi")
    fairs = _options(officer_client, "event-projects", counts="fair")
    assert fair_project.pk in fairs
    assert machine_project.pk not in fairs
    assert _options(officer_client, "event-projects", counts="fair", q=fair_project.code) == [fair_project.pk]
    assert _options(officer_client, "event-projects", counts="nothing") == []


def test_plan_communes_are_those_of_the_plan(officer_client, world):
    project = make_project(world, "own")
    plan = project.plan_line.plan
    assert world.phan_rang.pk in _options(officer_client, "plan-communes", plan=plan.pk, q="phan rang")
    foreign_plan = make_project(world, "foreign").plan_line.plan
    assert _options(officer_client, "plan-communes", plan=foreign_plan.pk) == []


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REGION_VIEWER, Role.ESTABLISHMENT_REP])
def test_roles_that_record_nothing_are_refused(client, world, role):
    client.force_login(world.user(role))
    assert client.get(reverse("ui:picker", args=["establishments"])).status_code == 403


def test_an_unknown_picker_is_not_found(officer_client):
    assert officer_client.get(reverse("ui:picker", args=["nothing"])).status_code == 404


def test_what_the_search_offers_the_form_accepts(officer_client, world):
    """Each row a picker's search offers validates in the forms bound to it, and a foreign row does not."""
    user = world.user(Role.PROVINCE_OFFICER)
    own = establishment(world, "own", "Cơ sở mộc Phước Dân")
    foreign = establishment(world, "foreign", "Cơ sở mộc Vạn Phúc")
    [offered] = _options(officer_client, "establishments", q="moc phuoc")
    for form_class in (ParticipantForm, ParticipationForm):
        accepted = form_class({"establishment": offered}, user=user)
        accepted.is_valid()
        assert "establishment" not in accepted.errors, form_class
        assert accepted.cleaned_data["establishment"] == own
        refused = form_class({"establishment": foreign.pk}, user=user)
        assert not refused.is_valid()
        assert "establishment" in refused.errors
    [commune] = _options(officer_client, "units", q="phan rang")[:1]
    fair = FairForm({"location": commune}, user=user)
    fair.is_valid()
    assert "location" not in fair.errors


def test_a_form_lists_few_choices_and_opens_with_the_chosen_one_among_many(client, world, monkeypatch):
    own = establishment(world, "own")
    others = [establishment(world, "own") for _ in range(3)]
    user = world.user(Role.PROVINCE_OFFICER)
    html = str(ParticipantForm(user=user)["establishment"])
    assert all(f'value="{e.pk}"' in html for e in [own, *others])
    assert 'data-testid="picker-search-establishment"' in html
    assert "picker-partial-establishment" not in html
    monkeypatch.setattr(pickers, "OPTION_LIMIT", 2)
    html = str(ParticipantForm({"establishment": own.pk}, user=user)["establishment"])
    assert re.findall(r'<option value="(\d+)"', html) == [str(own.pk)]
    assert "picker-partial-establishment" in html

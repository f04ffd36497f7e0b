"""A client signed in as a role."""

import pytest

from khuyencong.accounts.choices import Role


@pytest.fixture
def as_role(client, world):
    def login(role):
        client.force_login(world.user(role))
        return client

    return login


@pytest.fixture
def officer(as_role):
    return as_role(Role.PROVINCE_OFFICER)

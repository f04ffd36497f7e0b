"""The users the projects tests act as."""

import pytest

from khuyencong.accounts.choices import Role


@pytest.fixture
def admin(world):
    return world.user(Role.SYSTEM_ADMIN)


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def approver(world):
    return world.user(Role.PROVINCE_APPROVER)


@pytest.fixture
def ministry(world):
    return world.user(Role.MINISTRY_OFFICER)

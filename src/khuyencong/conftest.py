"""Project-wide fixtures. The test database gets a small real country once per session
(khuyencong.testing.world); each test runs in a transaction that is rolled back."""

import os

import pytest

from khuyencong.testing import world as world_module


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    """Hashing with Argon2 costs a tenth of a second a password by design; tests that create or log in
    users hash with MD5 instead (accounts/tests/test_login.py checks the product's Argon2)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(_fast_passwords, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world_module.build()
        world_module.save()  # browser tests flush the database; the world comes back from this copy


@pytest.fixture(autouse=True, scope="session")
def _uploads_in_a_temporary_directory(tmp_path_factory):
    """Uploaded documents never land in the working tree's var/media."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_the_request():
    """Background tasks (report exports) run at once, in the test, on the Tasks API's immediate
    backend. Settings are read before this file, so KHUYENCONG_TASKS cannot be set from here;
    override_settings sends `setting_changed`, on which django.tasks drops its cached backends.
    reporting/tests/test_jobs.py switches back to the database backend to run the real worker."""
    from django.test import override_settings

    immediate = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture
def world(db):
    world_module.ensure()
    return world_module.World()


def pytest_collection_modifyitems(config, items):
    """Browser tests flush the database (transactional): run them last."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

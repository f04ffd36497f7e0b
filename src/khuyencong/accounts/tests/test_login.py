"""Log-in, lock-out, log-out, password change and the demo data."""

from django.test import override_settings
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.services import user_create
from khuyencong.testing.world import PASSWORD


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_public_and_vietnamese_by_default(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_login_and_logout(client, world):
    user = world.user(Role.PROVINCE_OFFICER)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("ui:home")
    home = client.get(reverse("ui:home"))
    assert home.status_code == 200
    assert user.agency.name in home.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("ui:home")).status_code == 302


def test_wrong_password_is_refused(client, world):
    response = _login(client, world.user(Role.PROVINCE_OFFICER).username, "sai-mat-khau")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lock_out_after_repeated_failures(client, world, settings):
    user = world.user(Role.PROVINCE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "sai-mat-khau")
    response = _login(client, user.username, PASSWORD)  # right password, but locked
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(world):
    """The product hashes with Argon2 (the tests run with a fast hasher: conftest.py)."""
    from khuyencong import settings as product

    with override_settings(PASSWORD_HASHERS=product.PASSWORD_HASHERS):
        user = user_create(
            actor=None,
            username="kiem.tra.argon2",
            password="mat-khau-kiem-thu-argon2",
            agency=world.agency("ttkc-56"),
            roles=[Role.PROVINCE_OFFICER],
            full_name="Kiểm tra Argon2",
        )
        assert user.password.startswith("argon2$")
        assert user.check_password("mat-khau-kiem-thu-argon2")


def test_password_change(client, world):
    user = world.user(Role.PROVINCE_OFFICER)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026!")


def test_password_change_refuses_a_short_password(client, world):
    user = world.user(Role.PROVINCE_OFFICER)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "ngan", "new_password2": "ngan"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

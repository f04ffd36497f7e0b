"""Production settings pass Django's deployment checks."""

import os
import subprocess
import sys


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x7!production-like-secret-key-for-the-deploy-check-0123456789abcdefghij",
        "ALLOWED_HOSTS": "khuyencong.example.gov.vn",
        "KHUYENCONG_VAR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "khuyencong.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "khuyencong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_without_debug(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "KHUYENCONG_VAR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "khuyencong.settings",
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "khuyencong.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

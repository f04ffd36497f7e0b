"""The real-browser fixtures (`browser`, `kc`, `kc_world`) of ui/tests/conftest.py, for the event pages'
browser tests in this folder."""

from khuyencong.ui.tests.conftest import (  # noqa: F401 — fixtures and the hook they rely on
    browser,
    kc,
    kc_world,
    pytest_runtest_makereport,
)

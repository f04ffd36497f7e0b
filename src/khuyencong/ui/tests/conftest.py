"""Fixtures for the real-browser tests (Playwright's sync API driving Debian's Chromium).

- `browser`: one headless Chromium for the session; skipped when /usr/bin/chromium is missing,
  unless KHUYENCONG_REQUIRE_BROWSER=1 (CI), where it fails instead.
- `kc`: a fresh browser context and page per test against pytest-django's live server, on a database
  holding the test world (transactional: `khuyencong.testing.world.ensure()` rebuilds it after a flush).
  It records console errors, page errors (including Content Security Policy violations) and every
  request; a request to any host but the live server (a CDN, say) or any JS/CSP error fails the test.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from khuyencong.testing import world as world_module

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("KHUYENCONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 768}
TIMEOUT_MS = 15_000


def screenshot_dir() -> Path:
    path = Path(settings.BASE_DIR) / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium package"
        if os.environ.get("KHUYENCONG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (KHUYENCONG_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Probe:
    """What a page did that a test must not tolerate: JS errors, CSP violations, foreign hosts."""

    origin: str
    allowed_console: list[re.Pattern] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text, url = message.text, message.location.get("url", "")
        if any(pattern.search(text) for pattern in self.allowed_console):
            return
        self.console_errors.append(f"{text} (at {url or '?'})")

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def on_request(self, request) -> None:
        self.requests.append(request.url)

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.origin).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != own
        ]

    def problems(self) -> list[str]:
        problems = [f"console error: {e}" for e in self.console_errors]
        problems += [f"page error: {e}" for e in self.page_errors]
        problems += [f"request to another host: {url}" for url in self.foreign_requests()]
        return problems


class KC:
    """A browser page on the live server, with log-in, navigation and screenshot helpers."""

    def __init__(self, browser, live_server, node_name: str, viewport: dict | None = None):
        self.base_url = live_server.url
        self.node_name = node_name
        self.probe = Probe(origin=self.base_url)
        self.context = browser.new_context(
            viewport=viewport or DESKTOP, locale="vi-VN", base_url=self.base_url
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("console", self.probe.on_console)
        self.page.on("pageerror", self.probe.on_page_error)
        self.page.on("request", self.probe.on_request)
        self.shots: list[Path] = []

    def close(self) -> None:
        self.context.close()

    def allow_console(self, pattern: str) -> None:
        """Tolerate an expected console error, e.g. the 'Failed to load resource' of a 404 test."""
        self.probe.allowed_console.append(re.compile(pattern))

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        self.page.wait_for_load_state("load")
        return response

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def submit_login(self, username: str, password: str) -> None:
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("main form[method=post] button[type=submit]")

    def login(self, username: str, password: str = world_module.PASSWORD) -> None:
        self.goto("/dang-nhap/")
        self.submit_login(username, password)
        assert self.path() == "/", f"log-in as {username} ended on {self.page.url}"

    def settled(self) -> None:
        """Wait until no htmx request is in flight and no swap is settling."""
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )

    def pick(self, field: str, search: str, value: str | None = None) -> str:
        """Type into a picker's search box, wait for the list to be replaced, choose an option:
        the one with `value`, or the first that shows `search`. Choosing before the swap would lose
        the choice when the new list lands."""
        with self.page.expect_response(lambda r: f"{field}-search=" in r.url):
            self.page.fill(f"[data-testid=picker-search-{field}]", search)
        self.settled()
        if value is None:
            option = self.page.locator(f"#id_{field} option").filter(has_text=search).first
            value = option.get_attribute("value")
        self.page.select_option(f"#id_{field}", value)
        return value

    def screenshot(self, suffix: str = "") -> Path:
        name = re.sub(r"[^\w.-]+", "-", self.node_name).strip("-")
        if suffix:
            name = f"{name}-{suffix}"
        target = screenshot_dir() / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        self.shots.append(target)
        return target

    def assert_clean(self) -> None:
        problems = self.probe.problems()
        assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def kc_world(transactional_db, live_server):
    """The test world, committed so that the live server's thread sees it."""
    world_module.ensure()
    return world_module.World()


CALL_REPORT = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


def _kc(request, browser, live_server, viewport=None) -> Iterator[KC]:
    kc = KC(browser, live_server, request.node.name, viewport=viewport)
    try:
        yield kc
        report = request.node.stash.get(CALL_REPORT, None)
        if report is not None and report.passed:
            kc.assert_clean()  # whatever happened after the test's own last check
    finally:
        kc.close()


@pytest.fixture
def kc(request, browser, live_server, kc_world) -> Iterator[KC]:
    """A fresh desktop context (1366×768, vi-VN) per test."""
    yield from _kc(request, browser, live_server)


@pytest.fixture
def kc_mobile(request, browser, live_server, kc_world) -> Iterator[KC]:
    """A fresh phone-sized context (390×844, vi-VN) per test."""
    yield from _kc(request, browser, live_server, viewport={"width": 390, "height": 844})

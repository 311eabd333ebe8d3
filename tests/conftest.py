from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import CountryFactory


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render afresh in tests (their query counts are the point); the page cache has
    its own tests, which turn it back on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def kz(db):
    return CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")


@pytest.fixture
def tj(db):
    return CountryFactory(code="TJ", name_en="Tajikistan", name_ru="Таджикистан")


# Browser tests (tests/browser/, tests/security/): Playwright driving Debian's Chromium against a
# live server. One browser for the whole session, whichever directory asks first: Playwright's
# sync API cannot run twice in one process. Locally they are skipped when /usr/bin/chromium is
# missing; in CI (CI set) a missing browser is an error, never a skip. Never downloads a browser.

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require(path: Path, what: str) -> None:
    if path.exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"{what} is missing at {path}: CI must run the browser tests")
    pytest.skip(f"{what} is not installed ({path})")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require(CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls; the tests' own ORM calls are still synchronous and safe. Only while the browser is
    # up: other tests (and their subprocesses) must not inherit the flag.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh page whose console errors and page errors fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    if AXE.exists():
        # Injected through the DevTools protocol, so the page's CSP does not block it.
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == [], problems


@pytest.fixture
def axe_violations():
    def check(page) -> list[dict]:
        _require(AXE, "axe-core (npm ci --prefix tests/browser)")
        violations = page.evaluate("async () => (await axe.run()).violations")
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    return check

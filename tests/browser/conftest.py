"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They need /usr/bin/chromium (skipped with the reason when it is missing; in CI a skip fails)
and the vendored front-end libraries (`npm ci && npm run vendor`, which `make test` runs):
without them the pages cannot work, so the tests fail and say so.
"""
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("PRM_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
VENDOR_FILES = [
    ROOT / "static/vendor/chart.js/chart.umd.min.js",
    ROOT / "static/vendor/modern-normalize/modern-normalize.css",
]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(transactional_db, live_server):
    """A headless Chromium for one test.

    Started after the test database is set up (`transactional_db` first): Playwright's sync API
    runs the test in a greenlet, where Django hands out fresh connection objects, and the
    database set-up and tear-down (restoring the reference data, flushing) must happen on the
    test's own connection. The connections opened inside are closed before Playwright stops.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the browser tests")
    missing = [str(path.relative_to(ROOT)) for path in VENDOR_FILES if not path.exists()]
    if missing:
        pytest.fail(
            f"front-end libraries missing ({', '.join(missing)}): run `npm ci && npm run vendor` first "
            "(`make test` does)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    from django.db import connections

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=LAPTOP) -> a fresh page (own cookies) that fails the test on a JS error."""
    contexts, errors = [], []

    def make(viewport=LAPTOP):
        context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="Asia/Shanghai", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot():
    """shot(page, name): save a full-page screenshot into screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name, full_page=True):
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


def sign_in(page, username, password="pass-1234-word"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")

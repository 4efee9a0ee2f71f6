"""End-to-end fixtures: a real headless Debian Chromium driven by Playwright against ``live_server``.

The browser is the system one (``/usr/bin/chromium``, installed by the set-up script); Playwright's
own browser downloads are never used. Its absence is a failure, not a skip.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

# Playwright's sync API runs an asyncio event loop in the test thread; Django's ORM refuses to run
# while one is running unless told this is fine (it is: the loop is Playwright's, not ours).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "Secret-pass-2026"  # what kaifaqu.testing.factories.UserFactory sets
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test session (per xdist worker)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the e2e tests need Debian's chromium package "
            "(the set-up script installs it; `apt-get install chromium`). "
            "Never run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            pytest.fail(f"could not launch {CHROMIUM}: {exc}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _e2e_transactional_db(transactional_db):
    """The live server runs in another thread: test data must be committed for it to see it."""


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(**context_options)``: a page in a fresh browser context aimed at the live server."""
    contexts = []

    def make(**options) -> Page:
        options.setdefault("locale", "zh-CN")  # LocaleMiddleware would otherwise pick English
        options.setdefault("viewport", {"width": 1366, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def login():
    """``login(page, user)``: sign in through the real login form and wait for the dashboard."""

    def sign_in(page: Page, user, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        page.locator("#login").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("#usermenu")).to_have_count(1)  # only rendered for a signed-in user

    return sign_in

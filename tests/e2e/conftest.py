"""Browser journeys: Playwright drives the system Chromium against a live test server."""

import os

import pytest

from tests.conftest import require_or_skip

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser(chromium_path_session):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself (fixtures, assertions) are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        require_or_skip(False, "Playwright for Python")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path_session, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_or_skip(os.path.exists(path), f"Chromium at {path}")
    return path


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, base_url: str, email: str, password: str = "opp-demo-2026") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()

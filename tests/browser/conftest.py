"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download is not used (and does not work offline); the tests
launch Debian's /usr/bin/chromium (or the one VOCREHAB_CHROMIUM names). Run them with
``pytest tests/browser`` (marked ``browser``).
"""

import os

import pytest

from tests.browser import CHROMIUM

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the ORM calls that fixtures make from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium, headless, with nothing that talks to the network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def console_errors(page):
    """Errors the page logs or throws (CSP violations, failed loads, script errors)."""
    errors: list[str] = []

    def on_console(msg):
        # An error status of the document itself (a 404 page, say) is what a test asked
        # for; a failed stylesheet, script or image is not.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture(autouse=True)
def accept_the_code_of_the_period_before(settings):
    """A code typed in the last seconds of its 30-second period may reach the live
    server in the next one; the browser tests accept it there, as a phone whose clock
    runs a little behind would be, rather than wait for a fresh period to begin. What
    the server accepts and refuses is tested in tests/accounts/test_login_mfa.py."""
    settings.MFA_TOTP_TOLERANCE = 1

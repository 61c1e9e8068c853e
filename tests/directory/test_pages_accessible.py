"""In a real browser, the directory's pages with records on them are accessible.

The navigation test visits each section's first page; this one visits the forms,
registers and tables behind them, with axe-core and with the console watched for
script or Content Security Policy errors.
"""

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.test_navigation import PASSWORD, sign_in
from tests.conftest import enrol_totp
from vocrehab.accounts.models import Role

from .test_pages_render import urls, world  # noqa: F401 - the same records and pages

pytestmark = pytest.mark.browser

SKIP = ("export.csv", "/download/", "/picker/")  # files and fragments, not pages


def test_directory_pages_are_accessible(
    page,
    live_server,
    transactional_db,
    make_staff,
    service,
    console_errors,
    world,  # noqa: F811
):
    user = make_staff(Role.SERVICE_MANAGER, service, mfa=False, password=PASSWORD)
    sign_in(page, live_server, user, enrol_totp(user), console_errors)
    for url in urls(world):
        if any(part in url for part in SKIP):
            continue
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert_no_serious_violations(page, url)
    assert not console_errors, console_errors

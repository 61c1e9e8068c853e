"""The casework journey in a real browser: from the caseload's inline contact to the
six-month follow-up, with the plan PDF downloaded and read.

The referral is made through the ORM (intake is its own issue); everything after the
tier decision is done by clicking through the pages. Each main page is checked with
axe-core and for script or Content Security Policy errors.
"""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.casework.helpers import pdf_text
from vocrehab.accounts.models import Role
from vocrehab.clients.models import Client as Person
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.dates import add_months
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import set_case_manager

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user):
    """Sign in by session cookie (the sign-in pages have their own browser test)."""
    web = Client()
    web.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    cookie = web.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _referral(service, worker):
    person = Person.objects.create(
        service=service, reference="C-B-1", first_name="Morven", last_name="Blair"
    )
    episode = Episode.objects.create(
        service=service,
        client=person,
        reference="E-B-1",
        referral_date=timezone.localdate() - datetime.timedelta(days=30),
        referral_source=ReferralSource.ACUTE_NHS,
        condition=Condition.CANCER,
        work_status_at_referral=WorkStatus.OFF_SICK,
        main_reason=MainReason.RETURN_FROM_SICKNESS,
        employer_name="Clyde Logistics",
    )
    set_case_manager(episode, worker=worker)
    return episode


def _check(page, console_errors, where):
    assert_no_serious_violations(page, where)
    assert not console_errors, f"console errors on {where}: {console_errors}"


def test_casework_journey_in_a_browser(
    page, live_server, transactional_db, make_staff, service, console_errors
):
    user = make_staff(Role.CASE_MANAGER, service)
    episode = _referral(service, user)
    _sign_in(page, live_server, user)
    base = live_server.url
    today = timezone.localdate()

    # Caseload: record a contact inline, in well under 30 seconds.
    page.goto(f"{base}/casework/caseload/")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    _check(page, console_errors, "caseload")
    started = time.monotonic()
    page.get_by_role("link", name=re.compile("Record contact")).click()
    row = page.locator(f"#row-{episode.pk}")
    expect(row.get_by_label("Minutes")).to_be_visible()
    row.get_by_label("How", exact=True).select_option("phone")
    row.get_by_label("With", exact=True).select_option("client")
    row.get_by_label("Minutes").fill("15")
    row.get_by_role("button", name="Save contact").click()
    expect(page.locator(f"#row-{episode.pk}")).to_contain_text("Contact recorded")
    assert time.monotonic() - started < 30
    assert episode.contacts.count() == 1

    # The episode record: tier 3.
    page.get_by_role("link", name="Morven Blair", exact=True).click()
    expect(page.get_by_role("link", name="Change tier")).to_be_visible()
    _check(page, console_errors, "episode record")
    page.get_by_role("link", name="Change tier").click()
    page.get_by_label("Tier 3: intensive case management").check()
    page.get_by_label("Why").fill("Complex return; employer unsure how to help")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".app-episode-header")).to_contain_text("Tier 3")

    # Assessment with key issues.
    page.get_by_role("link", name="Record an assessment").click()
    expect(page.get_by_role("button", name="Save assessment")).to_be_visible()
    _check(page, console_errors, "assessment form")
    page.get_by_label(re.compile(r"^Fatigue")).fill("Tired by mid-afternoon")
    page.get_by_label("Key issues, most important first").fill(
        "Fatigue on long shifts\nTalking to the manager"
    )
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator("#assessment ~ .nhsuk-card").first).to_contain_text(
        "Fatigue on long shifts"
    )

    # A short-term goal.
    page.get_by_role("link", name="Set a goal").click()
    page.get_by_label("Goal", exact=True).fill("Back to work on reduced hours")
    page.get_by_label("Short term").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Back to work on reduced hours")

    # Employer liaison: consent, then a meeting.
    page.get_by_role("link", name="Add an employer").click()
    page.get_by_label("Client consents to us contacting the employer").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("What was discussed and agreed").fill("Agreed a four-week phased return")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Agreed a four-week phased return")

    # The phased return plan, and its PDF.
    page.get_by_role("link", name="Write a plan").click()
    expect(page.get_by_role("button", name="Save plan")).to_be_visible()
    _check(page, console_errors, "plan form")
    page.get_by_label("Start date").fill((today + datetime.timedelta(days=7)).isoformat())
    for week, hours, duties in ((1, "12", "Stock checks only"), (2, "20", "Stock checks, rota")):
        phase = page.locator(".app-plan-phase").nth(week - 1)
        phase.get_by_label("Hours").fill(hours)
        phase.get_by_label("Days").fill("Mon, Wed, Fri")
        phase.get_by_label("Duties, tasks and responsibilities").fill(duties)
    page.get_by_label("The client agrees this plan").check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name=re.compile("version 1"))).to_be_visible()
    _check(page, console_errors, "plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Stock checks only" in text and "Morven Blair" in text

    # Discharge, then the six-month follow-up.
    page.goto(f"{base}/casework/episodes/{episode.pk}/")
    page.get_by_role("link", name="Discharge", exact=True).click()
    page.get_by_label("Work status at discharge").select_option("at_work")
    page.get_by_label("Reason for discharge").fill("Back at work")
    page.get_by_role("button", name="Discharge").click()
    expect(page.locator(".app-episode-header")).to_contain_text("Discharged")
    page.get_by_role("link", name="Record the follow-up").click()
    page.get_by_label("Work status at follow-up").select_option("at_work")
    page.get_by_role("button", name="Save").click()
    # Not on the day of discharge: the six-month window opens 150 days later.
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The follow-up window opens on")
    episode.refresh_from_db()
    assert episode.work_status_at_followup == ""
    assert episode.followup_date == add_months(today, 6)
    # Six months on (the discharge moved back, as the page cannot wait), it is recorded
    # with the day it was collected.
    Episode.objects.filter(pk=episode.pk).update(
        discharge_date=today - datetime.timedelta(days=183)
    )
    page.goto(f"{base}/casework/episodes/{episode.pk}/follow-up/")
    page.get_by_label("Work status at follow-up").select_option("at_work")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("followup")).to_contain_text("collected on")
    episode.refresh_from_db()
    assert episode.work_status_at_followup == WorkStatus.AT_WORK
    assert episode.followup_collected_on == today
    assert not console_errors, console_errors

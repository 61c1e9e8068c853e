"""The "service is busy" answer in a real browser: a client's questionnaire page and a
case manager's inline contact, each refused once by a busy database, then sent again
with nothing typed again."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.database.helpers import database_locked
from vocrehab.accounts.models import Role
from vocrehab.casework import services as casework
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import set_case_manager
from vocrehab.measures import links
from vocrehab.measures import services as measures
from vocrehab.measures.models import Administration, Channel, ItemValue

from .axe import assert_no_serious_violations
from .test_casework_journey import _sign_in

pytestmark = pytest.mark.browser


def refused_once(function):
    """``function``, except that its first call meets a database too busy to save."""
    calls = []

    def busy_then_real(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise database_locked()
        return function(*args, **kwargs)

    return busy_then_real


@pytest.fixture
def episode(service):
    client = Client.objects.create(
        service=service, reference="C-BUSY", first_name="Morven", last_name="Blair"
    )
    return Episode.objects.create(
        service=service,
        client=client,
        reference="E-BUSY",
        referral_date=timezone.localdate() - datetime.timedelta(days=20),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )


def test_a_client_sends_a_refused_answer_again(page, live_server, transactional_db, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="work_confidence", timepoint="entry", status="scheduled"
    )
    link = measures.issue_link(administration, channel=Channel.EMAIL)
    page.goto(live_server.url + reverse("measures:open_link", args=[links.make_token(link)]))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    page.get_by_label("7", exact=True).check()
    with mock.patch("vocrehab.measures.services.save_answers", refused_once(measures.save_answers)):
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, the service is busy")
        assert_no_serious_violations(page, "service busy")
        page.get_by_role("button", name="Send it again").click()
        expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    assert ItemValue.objects.get(administration=administration).value == 7


def test_an_inline_contact_refused_once_is_saved_on_the_second_press(
    page, live_server, transactional_db, make_staff, service, episode
):
    user = make_staff(Role.CASE_MANAGER, service)
    set_case_manager(episode, worker=user)
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/casework/caseload/")
    page.get_by_role("link", name=re.compile("Record contact")).click()
    row = page.locator(f"#row-{episode.pk}")
    row.get_by_label("How", exact=True).select_option("phone")
    row.get_by_label("With", exact=True).select_option("client")
    row.get_by_label("Minutes").fill("25")
    with mock.patch(
        "vocrehab.casework.services.record_contact", refused_once(casework.record_contact)
    ):
        row.get_by_role("button", name="Save contact").click()
        expect(row.get_by_role("alert")).to_contain_text("Sorry, the service is busy")
        expect(row.get_by_label("Minutes")).to_have_value("25")
        assert not episode.contacts.exists()
        row.get_by_role("button", name="Save contact").click()
        expect(page.locator(f"#row-{episode.pk}")).to_contain_text("Contact recorded")
    assert episode.contacts.get().minutes == 25

"""Every link on a client's record works for whoever sees it: each episode links to the
episode record, or, for an admin assistant (contact details only), to the referral's
triage page; never to a page the reader is refused."""

import re

import pytest
from django.urls import reverse

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db

_LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')


def _links_in_main(html: str) -> set[str]:
    return set(_LINK.findall(html[html.index("<main") : html.index("</main>")]))


@pytest.fixture
def episode(service, make_staff):
    episode = create_referral(service=service, channel="phone", data=intake()).referral.episode
    # Another worker's client: a support worker reads it but may not triage it.
    episode.case_manager = make_staff(Role.CASE_MANAGER, service)
    episode.save(update_fields=["case_manager"])
    return episode


@pytest.mark.parametrize(
    ("role", "opens"),
    [
        (Role.CASE_MANAGER, "casework:episode"),
        (Role.SUPPORT_WORKER, "casework:episode"),
        (Role.SERVICE_MANAGER, "casework:episode"),
        (Role.ADMIN_ASSISTANT, "referrals:detail"),
    ],
)
def test_the_episode_links_to_a_page_the_reader_may_open(signed_in, episode, role, opens):
    http, _user = signed_in(role)
    page = http.get(reverse("clients:detail", args=[episode.client_id]))
    assert page.status_code == 200
    links = _links_in_main(page.content.decode())
    target = episode.pk if opens == "casework:episode" else episode.referral.pk
    assert reverse(opens, args=[target]) in links
    for url in sorted(links):
        assert http.get(url).status_code not in (403, 404), f"{role} is offered {url}"

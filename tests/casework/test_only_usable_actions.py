"""Staff see only the actions they may use: every link on an episode page works for the
person who sees it, and a support worker sees no actions on another worker's episode."""

import re

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role

_LINK = re.compile(r'<a [^>]*href="(/(?:casework|directory|measures|referrals)/[^"#]*)"')


def links_in_main(html: str) -> set[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return set(_LINK.findall(main))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.SERVICE_MANAGER])
def test_every_link_on_the_episode_page_works_for_whoever_sees_it(
    signed_in, make_staff, make_episode, service, role
):
    web, user = signed_in(role)
    worker = user if role != Role.SERVICE_MANAGER else make_staff(Role.CASE_MANAGER, service)
    episode = make_episode(service, worker=worker)
    page = web.get(reverse("casework:episode", args=[episode.pk]))
    assert page.status_code == 200
    links = links_in_main(page.text)
    assert reverse("casework:contact_add", args=[episode.pk]) in links
    for url in sorted(links):
        assert web.get(url).status_code != 403, f"{role} is offered {url} but refused it"


@pytest.mark.django_db
def test_a_support_worker_sees_no_actions_on_another_workers_episode(
    signed_in, make_staff, make_episode, service
):
    web, _user = signed_in(Role.SUPPORT_WORKER)
    colleague = make_staff(Role.CASE_MANAGER, service)
    episode = make_episode(service, worker=colleague)
    page = web.get(reverse("casework:episode", args=[episode.pk]))
    assert page.status_code == 200
    offered = links_in_main(page.text)
    assert not [url for url in offered if url.rstrip("/").endswith(("add", "edit", "tier"))]
    # Nor does any link's wording promise what they may not do.
    assert "enter or send a questionnaire" not in page.text
    assert "Scores, changes and charts" in page.text
    for url in sorted(offered):
        assert web.get(url).status_code != 403, f"offered {url} but refused it"
    # The rule itself still holds when the URL is typed in.
    assert web.get(reverse("casework:note_add", args=[episode.pk])).status_code == 403

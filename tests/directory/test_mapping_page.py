"""Service mapping: commissioners see needs, gaps and activity as figures, never people."""

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role

GLASGOW = "S12000049"
EDINBURGH = "S12000036"


@pytest.fixture
def data(organisation, service, make_entry, make_episode, make_onward):
    make_entry(organisation, name="Glasgow welfare", reference="gw", categories=["welfare"],
               areas=[GLASGOW])  # fmt: skip
    episodes = [make_episode(service, area_code=GLASGOW) for _ in range(6)]
    for e in episodes:
        make_onward(e, "welfare", service_ref="gw", outcome="accepted")
        make_onward(e, "legal")  # six clients with an unmet legal need
    lone = make_episode(service, area_code=EDINBURGH)
    make_onward(lone, "welfare")  # one client: small number
    return episodes + [lone]


def section(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end > 0 else len(page)]


def cell_row(page, label):
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_commissioners_see_figures_with_small_numbers_hidden(signed_in, data):
    client, _user = signed_in(Role.COMMISSIONER)
    response = client.get(reverse("directory:mapping"))
    assert response.status_code == 200
    page = response.content.decode()
    gaps = section(page, "gaps")
    legal_gap = cell_row(gaps, "Legal, ACAS and unions")
    assert ">6<" in legal_gap
    edinburgh_gap = cell_row(gaps, f">{EDINBURGH}<")
    assert ">*<" in edinburgh_gap and ">1<" not in edinburgh_gap
    activity = cell_row(section(page, "activity"), "Glasgow welfare</td>")
    assert activity.count(">6<") == 2  # referrals and taken up
    assert "are hidden" in page


@pytest.mark.django_db
def test_no_person_appears_on_the_mapping_page(signed_in, data):
    client, _user = signed_in(Role.COMMISSIONER)
    page = client.get(reverse("directory:mapping")).content.decode()
    for episode in data:
        assert episode.client.last_name not in page
        assert episode.client.reference not in page
        assert f">{episode.reference}<" not in page


@pytest.mark.django_db
def test_managers_see_exact_small_numbers(signed_in, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.get(reverse("directory:mapping")).content.decode()
    assert ">1<" in cell_row(section(page, "gaps"), f">{EDINBURGH}<")
    assert "are hidden" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT, Role.AUDITOR]
)
def test_others_may_not_see_the_mapping(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("directory:mapping")).status_code == 403


@pytest.mark.django_db
def test_commissioners_see_only_their_services(signed_in, data, other_service):
    client, _user = signed_in(Role.COMMISSIONER, other_service)
    page = client.get(reverse("directory:mapping")).content.decode()
    assert "Legal, ACAS and unions" not in section(page, "gaps")
    assert "No gaps" in page


@pytest.mark.django_db
def test_commissioners_may_not_open_people_pages(signed_in, data, service):
    client, _user = signed_in(Role.COMMISSIONER)
    episode = data[0]
    for url in (
        reverse("directory:give_material", args=[episode.pk]),
        reverse("directory:pre_course", args=[episode.pk]),
        reverse("directory:in_work", args=[episode.pk]),
        reverse("directory:in_work_due"),
    ):
        assert client.get(url).status_code == 403, url

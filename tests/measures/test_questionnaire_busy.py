"""A client's answers survive a database too busy to save them: the page answers "service
is busy" (503), the answers stay in the session until they are saved, and trying again
completes the questionnaire."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.database.helpers import database_locked
from tests.ui.dom import parse
from vocrehab.episodes.models import Episode
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel, ItemValue
from vocrehab.measures.views import UNSAVED_KEY

SAVE = "vocrehab.measures.services.save_answers"
SUBMIT = "vocrehab.measures.services.submit_response"


@pytest.fixture
def opened(client, episode):
    administration = Administration.objects.create(
        episode=episode, instrument="work_confidence", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    return link


def page(link, n):
    return reverse("measures:questionnaire", args=[link.pk, 1]) + f"?page={n}"


def check(link):
    return reverse("measures:check", args=[link.pk, 1])


def busy_form(response):
    """The "send it again" form of a busy page: address and fields, as a browser sends."""
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    form = parse(response.content.decode()).find("form", data_testid="send-again")
    return form.attrs["action"], {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input")}


def stored(link):
    return dict(ItemValue.objects.filter(administration__links=link).values_list("item", "value"))


def test_an_answer_refused_by_a_busy_database_is_kept_and_sent_again(client, opened):
    assert client.post(page(opened, 1), {"working": "7"}).status_code == 302
    with mock.patch(SAVE, side_effect=database_locked()):
        busy = client.post(page(opened, 2), {"managing_condition": "5"})
    action, fields = busy_form(busy)
    assert action == page(opened, 2)
    assert fields["managing_condition"] == "5"
    assert stored(opened) == {"working": 7.0}
    assert client.session[UNSAVED_KEY] == {
        str(opened.administrations.get().pk): {"managing_condition": "5"}
    }
    # The question shows the kept answer, should the person come back to it.
    assert 'value="5" checked' in client.get(page(opened, 2)).content.decode()

    again = client.post(action, fields)
    assert again["Location"] == page(opened, 3)
    assert stored(opened) == {"working": 7.0, "managing_condition": 5.0}
    assert client.session[UNSAVED_KEY] == {}


def test_answers_kept_from_a_busy_moment_are_saved_with_the_next_page(client, opened):
    with mock.patch(SAVE, side_effect=database_locked()):
        assert client.post(page(opened, 1), {"working": "8"}).status_code == 503
    # The person does not press "send it again" but carries on.
    assert client.post(page(opened, 2), {"managing_condition": "6"}).status_code == 302
    assert stored(opened) == {"working": 8.0, "managing_condition": 6.0}


def test_the_check_page_shows_kept_answers_and_sending_saves_them(client, opened):
    with mock.patch(SAVE, side_effect=database_locked()):
        assert client.post(page(opened, 1), {"working": "4"}).status_code == 503
    rows = parse(client.get(check(opened)).content.decode()).find("dl").text()
    assert "4" in rows and rows.count("Not answered") == 2
    done = client.post(check(opened))
    assert done["Location"] == reverse("measures:done")
    assert opened.administrations.get().status == "completed"
    assert stored(opened) == {"working": 4.0}


def test_the_whole_questionnaire_survives_a_busy_database_at_every_step(client, opened):
    """Every save and the sending each refused once, then tried again: nothing lost."""
    answers = {1: {"working": "9"}, 2: {"managing_condition": "3"}, 3: {"work_impact": "10"}}
    for n, answer in answers.items():
        with mock.patch(SAVE, side_effect=database_locked()):
            action, fields = busy_form(client.post(page(opened, n), answer))
        assert client.post(action, fields).status_code == 302
    with mock.patch(SUBMIT, side_effect=database_locked()):
        action, fields = busy_form(client.post(check(opened)))
    assert action == check(opened)
    assert client.post(action, fields)["Location"] == reverse("measures:done")
    assert opened.administrations.get().status == "completed"
    assert stored(opened) == {"working": 9.0, "managing_condition": 3.0, "work_impact": 10.0}


def test_kept_answers_go_once_the_questionnaire_is_sent(client, opened, episode):
    with mock.patch(SAVE, side_effect=database_locked()):
        client.post(page(opened, 1), {"working": "2"})
    services.save_answers(opened.administrations.get(), {"working": 1})
    services.submit_response(opened)  # sent from elsewhere meanwhile
    refused = client.post(page(opened, 2), {"managing_condition": "1"})
    assert refused.status_code == 410
    assert client.session[UNSAVED_KEY] == {}


def test_a_kept_answer_that_is_no_longer_valid_is_dropped(client, opened):
    session = client.session
    session[UNSAVED_KEY] = {
        str(opened.administrations.get().pk): {"working": "12"}
    }  # out of range now
    session.save()
    assert client.post(check(opened))["Location"] == check(opened)
    assert client.session[UNSAVED_KEY] == {}
    assert opened.administrations.get().status != "completed"


@pytest.mark.django_db(transaction=True)
def test_the_demo_questionnaire_survives_a_busy_last_page_and_sending(client, settings):
    """`make demo`'s data: a client answers the WHO-5 while the database is too busy
    to save the last page, then to send; trying again completes it with every answer."""
    settings.DEMO_MODE = True
    call_command("demo", "--no-serve", "--episodes", "6", stdout=io.StringIO())
    episode = Episode.objects.filter(service__code="GGC-VR").order_by("pk").first()
    administration = Administration.objects.create(
        episode=episode, instrument="who5", timepoint="ad_hoc", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    assert (
        client.get(reverse("measures:open_link", args=[links.make_token(link)])).status_code == 302
    )
    answers = {"q1": "2", "q2": "1", "q3": "3", "q4": "2", "q5": "5"}
    last = len(answers)
    for n, (item, value) in enumerate(answers.items(), start=1):
        if n < last:
            assert client.post(page(link, n), {item: value}).status_code == 302
            continue
        with mock.patch(SAVE, side_effect=database_locked()):
            action, fields = busy_form(client.post(page(link, n), {item: value}))
        assert client.post(action, fields)["Location"] == page(link, n + 1)
    with mock.patch(SUBMIT, side_effect=database_locked()):
        action, fields = busy_form(client.post(check(link)))
    assert client.post(action, fields)["Location"] == reverse("measures:done")
    administration.refresh_from_db()
    assert administration.status == "completed"
    assert stored(link) == {item: float(value) for item, value in answers.items()}

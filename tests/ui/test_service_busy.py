"""A database too busy to save answers "service is busy" (HTTP 503, Retry-After), never
a server error, and what the person sent is on that page, to send again."""

import datetime
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from tests.database.helpers import database_locked
from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact, Episode
from vocrehab.clients.models import Client

from .dom import parse

NOTE = 'Talked about hours & "phased" return <soon>'


@pytest.fixture
def episode(service):
    client = Client.objects.create(service=service, reference="C-BUSY", first_name="Ailsa")
    return Episode.objects.create(
        service=service,
        client=client,
        reference="E-BUSY",
        referral_date=timezone.localdate() - datetime.timedelta(days=10),
        referral_source="acute_nhs",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )


def contact(episode):
    return reverse("casework:contact_add", args=[episode.pk]), {
        "contact_date": timezone.localdate().isoformat(),
        "mode": "phone",
        "contact_with": "client",
        "interventions": ["phased_return", "condition_management"],
        "note": NOTE,
    }


def sent_again(page) -> tuple[str, list[tuple[str, str]]]:
    """The "send it again" form: its address and the fields it sends."""
    form = page.find("form", data_testid="send-again")
    fields = [(i.attrs["name"], i.attrs["value"]) for i in form.find_all("input")]
    return form.attrs["action"], fields


def assert_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    page = parse(response.content.decode())
    assert page.find("h1").text() == "Sorry, the service is busy"
    return page


def test_a_form_the_database_was_too_busy_to_save_can_be_sent_again(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url, data = contact(episode)
    with mock.patch("vocrehab.casework.services.record_contact", side_effect=database_locked()):
        busy = web.post(url, data)
    page = assert_busy(busy)
    assert not Contact.objects.exists()
    action, fields = sent_again(page)
    assert action == url
    token = [value for name, value in fields if name == "csrfmiddlewaretoken"]
    assert len(token) == 1 and token[0]  # a fresh token, once
    assert [(n, v) for n, v in fields if n != "csrfmiddlewaretoken"] == [
        ("contact_date", data["contact_date"]),
        ("mode", "phone"),
        ("contact_with", "client"),
        ("interventions", "phased_return"),
        ("interventions", "condition_management"),
        ("note", NOTE),
    ]
    checked = Browser(enforce_csrf_checks=True)
    checked.cookies = web.cookies
    again = checked.post(action, dict_of(fields))
    assert again.status_code == 302
    saved = Contact.objects.get()
    assert saved.note == NOTE
    assert saved.intervention_codes == ["phased_return", "condition_management"]


def dict_of(fields):
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_passwords_codes_and_files_are_not_kept_on_the_page(client, db):
    with mock.patch("allauth.account.views.LoginView.post", side_effect=database_locked()):
        busy = client.post(
            reverse("account_login"), {"login": "a@example.org", "password": "s3cr3t"}
        )
    page = assert_busy(busy)
    _action, fields = sent_again(page)
    assert ("login", "a@example.org") in fields
    assert "s3cr3t" not in busy.content.decode()
    assert "Passwords, codes and files are not kept" in page.text()


def test_a_page_the_database_was_too_busy_to_show_offers_to_try_again(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("casework:episode", args=[episode.pk])
    with mock.patch("vocrehab.audit.services.AccessEvent.save", side_effect=database_locked()):
        busy = web.get(url)
    page = assert_busy(busy)
    assert page.find("main").find("a").attrs["href"] == url
    assert not page.find_all("form", data_testid="send-again")


def test_htmx_gets_a_message_to_show_in_the_form(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("casework:quick_contact", args=[episode.pk])
    with mock.patch("vocrehab.casework.services.record_contact", side_effect=database_locked()):
        data = {f"qc{episode.pk}-{name}": value for name, value in contact(episode)[1].items()}
        busy = web.post(url, data, HTTP_HX_REQUEST="true")
    assert busy.status_code == 503 and busy["Retry-After"] == "10"
    fragment = parse(busy.content.decode())
    assert "data-app-busy" in fragment.find("div").attrs
    assert "what you entered is still here" in fragment.text()


def test_the_api_answers_busy_in_json(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("api:contacts", args=[episode.pk])
    with mock.patch("vocrehab.casework.services.record_contact", side_effect=database_locked()):
        busy = web.post(
            url,
            {
                "contact_date": timezone.localdate().isoformat(),
                "mode": "phone",
                "contact_with": "client",
            },
            content_type="application/json",
        )
    assert busy.status_code == 503 and busy["Retry-After"] == "10"
    assert busy.json() == {"detail": "The service is busy. Try again in a few seconds."}


def test_other_database_errors_are_still_server_errors(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url, data = contact(episode)
    mistake = OperationalError("no such table: casework_contact")
    with (
        mock.patch("vocrehab.casework.services.record_contact", side_effect=mistake),
        pytest.raises(OperationalError),
    ):
        web.post(url, data)


def test_a_session_the_database_was_too_busy_to_save(signed_in, episode):
    web, _user = signed_in(Role.CASE_MANAGER)
    url, data = contact(episode)
    with mock.patch.object(SessionStore, "save", side_effect=database_locked()):
        # A page: answer busy, to be loaded again, with the page's security headers.
        shown = web.get(reverse("casework:episode", args=[episode.pk]))
        page = assert_busy(shown)
        assert shown.has_header("Content-Security-Policy")
        assert shown["X-Frame-Options"] == "DENY"
        # A form that was saved: its answer stands; only the session change is lost.
        saved = web.post(url, data)
        assert saved.status_code == 302
        assert Contact.objects.count() == 1
        # A form the database refused too: the page holding what was sent stands.
        with mock.patch("vocrehab.casework.services.record_contact", side_effect=database_locked()):
            refused = web.post(url, {**data, "note": "second"})
        _action, fields = sent_again(assert_busy(refused))
        assert ("note", "second") in fields
    assert page.find("main").find("a").attrs["href"].endswith(f"/{episode.pk}/")

"""The log of awareness sessions given to health professionals: who may record and see
them, what a bad entry is told, and that a session belongs to the recorder's service."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vocrehab.accounts.models import Membership, Role
from vocrehab.directory.models import AwarenessSession
from vocrehab.directory.services import record_awareness_session

pytestmark = pytest.mark.django_db
URL = "directory:awareness"


def _post(day=None, **fields):
    day = day or datetime.date.today() - datetime.timedelta(days=3)
    return {
        "date_day": day.day,
        "date_month": day.month,
        "date_year": day.year,
        "audience": "nurses",
        "professionals": 14,
        "topic": "Talking about work at diagnosis",
        **fields,
    }


@pytest.mark.parametrize("role", [Role.SERVICE_MANAGER, Role.CASE_MANAGER, Role.SUPPORT_WORKER])
def test_the_services_staff_may_record_a_session(signed_in, service, role):
    client, user = signed_in(role)
    response = client.post(reverse(URL), _post())
    assert response.status_code == 302
    session = AwarenessSession.objects.get()
    assert (session.service, session.recorded_by, session.professionals) == (service, user, 14)
    page = client.get(reverse(URL)).content.decode()
    assert "Talking about work at diagnosis" in page
    assert "Nurses and nurse specialists" in page
    day = datetime.date.today() - datetime.timedelta(days=3)
    assert f"{day.day} {day:%b %Y}" in page


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.ADMINISTRATOR, Role.AUDITOR]
)
def test_others_may_not(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), _post()).status_code == 403
    assert not AwarenessSession.objects.exists()


def test_staff_see_only_their_own_services_sessions(signed_in, service, other_service):
    record_awareness_session(
        service=other_service,
        date=datetime.date(2025, 3, 4),
        audience="ahp",
        professionals=8,
        topic="Fatigue and work, for physiotherapists",
    )
    client, _user = signed_in(Role.CASE_MANAGER)
    assert "Fatigue and work" not in client.get(reverse(URL)).content.decode()


def test_staff_in_two_services_choose_which_gave_it(signed_in, service, other_service):
    client, user = signed_in(Role.CASE_MANAGER)
    Membership.objects.create(
        user=user, organisation=service.organisation, service=other_service,
        role=Role.CASE_MANAGER,
    )  # fmt: skip
    page = client.get(reverse(URL)).content.decode()
    assert "Service that gave it" in page
    response = client.post(reverse(URL), _post())
    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    client.post(reverse(URL), _post(service=other_service.pk))
    assert AwarenessSession.objects.get().service == other_service


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"professionals": 0}, "professionals"),
        ({"professionals": "many"}, "professionals"),
        ({"audience": ""}, "audience"),
        ({"audience": "patients"}, "audience"),
        ({"topic": ""}, "topic"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(signed_in, fields, field):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(reverse(URL), _post(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AwarenessSession.objects.exists()


def test_a_session_cannot_be_dated_in_the_future(signed_in, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(reverse(URL), _post(day=tomorrow))
    assert "The date of the session cannot be in the future." in response.content.decode()
    assert not AwarenessSession.objects.exists()
    with pytest.raises(ValidationError):
        record_awareness_session(
            service=service, date=tomorrow, audience="ahp", professionals=3, topic="x"
        )
    assert not AwarenessSession.objects.exists()


def test_the_form_preselects_no_audience(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse(URL)).content.decode()
    assert 'name="audience"' in page and "checked" not in page

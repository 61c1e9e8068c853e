import datetime

import pytest
import time_machine
from django.urls import reverse

from vocrehab.accounts.models import Role


@pytest.mark.django_db
def test_an_idle_session_expires(signed_in, settings):
    client, _user = signed_in(Role.CASE_MANAGER)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert client.get(reverse("home")).status_code == 200
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)
    with time_machine.travel(later):
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_activity_keeps_the_session_alive(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    now = datetime.datetime.now(datetime.UTC)
    for minutes in (20, 40, 60):
        with time_machine.travel(now + datetime.timedelta(minutes=minutes)):
            assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_lifetime(signed_in, settings):
    client, _user = signed_in(Role.CASE_MANAGER)
    now = datetime.datetime.now(datetime.UTC)
    assert client.get(reverse("home")).status_code == 200
    step = datetime.timedelta(minutes=25)
    moment = now
    # Keep active, but beyond the absolute limit the session still ends.
    while moment - now <= datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS):
        moment += step
        with time_machine.travel(moment):
            last = client.get(reverse("home")).status_code
    assert last == 302


@pytest.mark.django_db
def test_a_disabled_account_is_signed_out(signed_in):
    client, user = signed_in(Role.CASE_MANAGER)
    user.is_active = False
    user.save()
    assert client.get(reverse("home")).status_code == 302

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action

PASSWORD = "correct horse battery staple"


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_from_that_address(
    client, make_staff, service, settings
):
    user = make_staff(Role.CASE_MANAGER, service)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    # Even the right password is refused while locked.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429 or response.status_code == 403
    assert b"Too many sign-in attempts" in response.content
    assert AccessEvent.objects.filter(action=Action.LOCKED_OUT).exists()
    assert AccessEvent.objects.filter(action=Action.LOGIN_FAILED).count() >= 5


@pytest.mark.django_db
def test_lockout_is_per_address_so_others_cannot_lock_a_colleague_out(
    client, make_staff, service, settings
):
    from django.test import Client

    user = make_staff(Role.CASE_MANAGER, service)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    response = colleague.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, make_staff, service, settings):
    import datetime

    import time_machine

    user = make_staff(Role.CASE_MANAGER, service)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    later = datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
    assert response.status_code == 302

"""Support workers change the personal details only of clients allocated to them."""

import pytest

from tests.clients.test_client_edit import form_data
from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db


def _client_with_worker(service, worker, **names):
    created = create_referral(service=service, channel="phone", data=intake(**names))
    episode = created.referral.episode
    episode.case_manager = worker
    episode.save(update_fields=["case_manager"])
    return episode.client


@pytest.fixture
def setting(signed_in, make_staff, service):
    load_samples()
    http, worker = signed_in(Role.SUPPORT_WORKER)
    colleague = make_staff(Role.CASE_MANAGER, service)
    own = _client_with_worker(service, worker)
    other = _client_with_worker(
        service, colleague, first_name="Bob", last_name="Brown", nhs_number=""
    )
    return http, own, other


def test_support_worker_may_change_their_own_clients_details(setting):
    http, own, _other = setting
    assert "Change details" in http.get(f"/clients/{own.pk}/").content.decode()
    response = http.post(f"/clients/{own.pk}/edit/", form_data(own, phone="0141 496 0111"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.phone == "0141 496 0111"


def test_support_worker_may_not_change_another_workers_clients_details(setting):
    http, _own, other = setting
    assert "Change details" not in http.get(f"/clients/{other.pk}/").content.decode()
    assert http.get(f"/clients/{other.pk}/edit/").status_code == 403
    response = http.post(f"/clients/{other.pk}/edit/", form_data(other, phone="0141 496 0111"))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.phone == "0141 496 0000" and other.version == 1


def test_a_practitioner_may_change_any_client_of_their_service(setting, signed_in, client):
    _http, _own, other = setting
    client.logout()
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(f"/clients/{other.pk}/edit/", form_data(other, phone="0141 496 0222"))
    assert response.status_code == 302

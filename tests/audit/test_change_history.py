"""The change history: old and new values for every edit, and no way round the access rules."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from tests.clients.test_client_edit import form_data
from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.clients.deprivation_import import load_samples
from vocrehab.clients.models import Client
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(service):
    load_samples()
    return create_referral(service=service, channel="phone", data=intake()).referral.episode.client


def _updates(client):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(client.pk),
        action=LogEntry.Action.UPDATE,
    )


def test_an_edit_records_the_old_and_the_new_value(signed_in, ann):
    http, _user = signed_in(Role.CASE_MANAGER)
    response = http.post(
        f"/clients/{ann.pk}/edit/", form_data(ann, phone="0141 496 0999", last_name="Smyth")
    )
    assert response.status_code == 302
    (entry,) = _updates(ann)
    changes = entry.changes_dict
    assert changes["phone"] == ["0141 496 0000", "0141 496 0999"]
    assert changes["last_name"] == ["Smith", "Smyth"]
    # Fields the form sent back unchanged are not reported as changed.
    assert "first_name" not in changes and "email" not in changes


def test_the_administrator_cannot_read_the_change_history_in_the_admin(make_staff, client, ann):
    """The administrator is refused clients' records; the admin must not be a way round."""
    admin = make_staff(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get("/clients/").status_code == 403
    (entry,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(ann.pk),
        action=LogEntry.Action.CREATE,
    )
    listing = client.get("/admin/auditlog/logentry/", {"q": "Smith"})
    one = client.get(f"/admin/auditlog/logentry/{entry.pk}/change/")
    assert listing.status_code == 404 and one.status_code == 404
    for response in (listing, one, client.get("/admin/")):
        body = response.content.decode()
        assert "Smith" not in body and ann.nhs_number not in body and "1970" not in body
    # The admin index still works for what administrators manage.
    assert client.get("/admin/").status_code == 200
    assert not AccessEvent.objects.filter(client_id=ann.pk, user=admin).exists()

import csv
import io

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action, AppendOnlyError
from vocrehab.audit.services import record_read


@pytest.fixture
def a_client_record(service):
    from vocrehab.clients.models import Client

    return Client.objects.create(
        service=service, reference="P-1", first_name="Ann", last_name="Example"
    )


@pytest.mark.django_db
def test_a_read_is_recorded_with_who_what_and_where(rf, make_staff, service, a_client_record):
    user = make_staff(Role.CASE_MANAGER, service)
    request = rf.get("/clients/1/", REMOTE_ADDR="192.0.2.10")
    request.user = user
    event = record_read(request, a_client_record, fields=["nhs_number", "address"])
    assert event.user == user
    assert event.action == Action.READ
    assert event.object_type == "clients.client"
    assert event.client_id == a_client_record.pk
    assert event.service_id == service.pk
    assert event.ip_address == "192.0.2.10"
    assert event.fields == ["address", "nhs_number"]


@pytest.mark.django_db
def test_changes_to_a_record_are_logged_with_the_fields_changed(service, a_client_record):
    a_client_record.phone = "0141 496 0000"
    a_client_record.save()
    event = AccessEvent.objects.filter(action=Action.CHANGE, object_type="clients.client").get()
    assert "phone" in event.fields
    assert event.client_id == a_client_record.pk


@pytest.mark.django_db
def test_the_log_is_append_only(service, a_client_record, rf):
    event = AccessEvent.objects.create(action=Action.READ, object_type="clients.client")
    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_the_database_refuses_updates_on_postgresql(service):
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    AccessEvent.objects.create(action=Action.READ, object_type="x")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessEvent.objects.update(detail="tampered")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR])
def test_administrators_and_auditors_can_filter_the_log(signed_in, role, service):
    AccessEvent.objects.create(action=Action.EXPORT, object_type="x", user_email="a@b.org")
    AccessEvent.objects.create(
        action=Action.READ, object_type="clients.client", object_id="7", user_email="c@d.org"
    )
    client, _user = signed_in(role)
    response = client.get(reverse("audit:log"), {"action": "read"})
    assert response.status_code == 200
    events = list(response.context["page"])
    assert {e.action for e in events} == {"read"}


@pytest.mark.django_db
def test_a_bad_filter_is_explained(signed_in):
    client, _user = signed_in(Role.AUDITOR)
    response = client.get(
        reverse("audit:log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "end date must be on or after" in response.content.decode()


@pytest.mark.django_db
def test_the_log_downloads_as_csv_and_the_download_is_logged(signed_in):
    AccessEvent.objects.create(
        action=Action.READ, object_type="clients.client", object_id="7", user_email="=cmd|evil"
    )
    client, user = signed_in(Role.AUDITOR)
    response = client.get(reverse("audit:log_csv"), {"object_id": "7"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "timestamp"
    assert rows[1][1] == "'=cmd|evil"  # neutralised for spreadsheets
    assert AccessEvent.objects.filter(action=Action.EXPORT, user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        Role.SERVICE_MANAGER,
        Role.CASE_MANAGER,
        Role.SUPPORT_WORKER,
        Role.ADMIN_ASSISTANT,
        Role.COMMISSIONER,
    ],
)
def test_other_roles_cannot_see_the_log(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:log_csv")).status_code == 403


@pytest.mark.django_db
def test_a_search_by_record_type_finds_events_logged_before_the_model_moved_app():
    from vocrehab.audit.queries import filter_events

    # The append-only log keeps the label an episode had before the episode core.
    AccessEvent.objects.create(action=Action.READ, object_type="casework.episode")
    AccessEvent.objects.create(action=Action.READ, object_type="episodes.episode")
    AccessEvent.objects.create(action=Action.READ, object_type="clients.client")
    found = filter_events(object_type="episodes.episode")
    assert sorted(e.object_type for e in found) == ["casework.episode", "episodes.episode"]

"""On PostgreSQL the change history gives up entries only for a person whose disposal
is recorded, and a recorded disposal can be neither changed nor deleted."""

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction

from vocrehab.accounts.models import Role
from vocrehab.retention import services
from vocrehab.retention.models import Disposal

from .conftest import TODAY, closed_episode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")


def _refused(sql, match, params=None):
    with (
        pytest.raises(Exception, match=match),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(sql, params)


def test_only_the_disposed_persons_history_may_go(service, old_episode, worker, make_staff):
    other = closed_episode(service, worker, last_name="Jones", nhs_number="")
    services.find_due(service, today=TODAY)
    Disposal.objects.filter(client=other.client).delete()  # Jones stays in care
    services.dispose(service, by=make_staff(Role.SERVICE_MANAGER, service), today=TODAY)
    assert not LogEntry.objects.filter(additional_data__client_id=old_episode.client_id).exists()
    # Anyone else's entries are still refused, and so is any UPDATE.
    _refused(
        "DELETE FROM auditlog_logentry WHERE additional_data->>'client_id' = %s",
        "append-only",
        [str(other.client_id)],
    )
    _refused("UPDATE auditlog_logentry SET object_repr = 'tampered'", "append-only")


def test_a_recorded_disposal_is_kept(service, old_episode, make_staff):
    services.find_due(service, today=TODAY)
    services.dispose(service, by=make_staff(Role.SERVICE_MANAGER, service), today=TODAY)
    _refused("DELETE FROM retention_disposal", "a recorded disposal is kept")
    _refused("UPDATE retention_disposal SET counts = '{}'", "a recorded disposal is kept")

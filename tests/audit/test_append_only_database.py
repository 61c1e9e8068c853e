"""On PostgreSQL the database itself keeps the access log and the change history append-only:
UPDATE, DELETE and TRUNCATE are refused from any client, not only through the application."""

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction

from tests.referrals.conftest import intake
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db

TABLES = ["audit_accessevent", "auditlog_logentry"]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")


@pytest.fixture
def history(service):
    create_referral(service=service, channel="phone", data=intake())
    AccessEvent.objects.create(action=Action.READ, object_type="clients.client")
    assert LogEntry.objects.exists()


def _refused(sql):
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        # Check the rows written above now, so that TRUNCATE is not refused for them.
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        c.execute(sql)


@pytest.mark.parametrize("table", TABLES)
def test_update_is_refused(history, table):
    column = "detail" if table == "audit_accessevent" else "object_repr"
    _refused(f"UPDATE {table} SET {column} = 'tampered'")  # noqa: S608 - fixed names


@pytest.mark.parametrize("table", TABLES)
def test_delete_is_refused(history, table):
    _refused(f"DELETE FROM {table}")  # noqa: S608 - fixed names


@pytest.mark.parametrize("table", TABLES)
def test_truncate_is_refused(history, table):
    _refused(f"TRUNCATE {table}")
    assert AccessEvent.objects.exists() and LogEntry.objects.exists()


def test_new_entries_are_still_written(history):
    before = LogEntry.objects.count()
    create_referral(service=history_service(), channel="phone", data=intake(nhs_number=""))
    assert LogEntry.objects.count() > before


def history_service():
    from vocrehab.accounts.models import Service

    return Service.objects.first()

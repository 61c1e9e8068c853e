"""The hub's page of submissions received: versions, late and missing months, access."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role, Scope
from vocrehab.interchange.models import ReceivedVersion
from vocrehab.interchange.periods import due_by, parse_period, previous_month
from vocrehab.interchange.receiving import submissions_overview

pytestmark = pytest.mark.django_db

PAGE = "/data/hub/"


@pytest.fixture(autouse=True)
def _hub(settings):
    settings.VOCREHAB_HUB = True
    settings.VOCREHAB_HUB_LATE_DAY = 15


def _version(service, code, number, *, current=True, when=None, episodes=10, name="Monthly"):
    period = parse_period(code)
    version = ReceivedVersion.objects.create(
        service=service,
        period=period.code,
        period_start=period.start,
        period_end=period.end,
        number=number,
        current=current,
        checksum=f"{number:064x}",
        token_name=name,
        rows={"episodes.csv": episodes},
    )
    if when is not None:
        ReceivedVersion.objects.filter(pk=version.pk).update(received_at=when)
    return version


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_url():
    assert reverse("interchange:hub_submissions") == PAGE


def test_months_on_time_late_and_missing_are_told_apart(service):
    today = datetime.date(2026, 12, 7)
    _version(service, "2026-09", 1, when=_at(datetime.date(2026, 10, 3)))
    _version(service, "2026-10", 1, when=_at(datetime.date(2026, 11, 20)))
    # November is not due until 15 Dec.
    (entry,) = submissions_overview([service], today)
    states = [(m.period.code, m.state) for m in entry.months]
    assert states == [("2026-09", "on_time"), ("2026-10", "late_received"), ("2026-11", "due")]
    assert entry.late == []
    (entry,) = submissions_overview([service], datetime.date(2026, 12, 16))
    assert [m.period.code for m in entry.late] == ["2026-11"]


def test_a_quarter_covers_its_months_but_monthly_is_expected(service):
    _version(service, "2026-Q3", 1, when=_at(datetime.date(2026, 10, 2)))
    (entry,) = submissions_overview([service], datetime.date(2026, 10, 20))
    assert [(m.period.code, m.state) for m in entry.months] == [
        ("2026-07", "late_received"),
        ("2026-08", "late_received"),
        ("2026-09", "on_time"),
    ]


def test_a_service_with_a_token_but_nothing_sent_is_late(service, make_staff, make_token):
    owner = make_staff(Role.SERVICE_MANAGER, service, mfa=False)
    token, _secret = make_token(owner, [service], scopes=[Scope.SUBMISSIONS_WRITE])
    today = timezone.localdate()
    created = today.replace(day=1) - datetime.timedelta(days=70)
    type(token).objects.filter(pk=token.pk).update(created_at=_at(created))
    (entry,) = submissions_overview([service], today)
    last = previous_month(today)
    assert entry.months[-1].period == last
    assert all(m.state in ("late", "due") for m in entry.months)
    assert len(entry.late) >= 1
    assert entry.late[0].due == due_by(entry.late[0].period, 15)


def test_the_page_shows_versions_and_what_is_late(signed_in, service, other_service):
    _version(service, "2026-10", 1, current=False, name="Glasgow monthly", episodes=40)
    _version(service, "2026-10", 2, name="Glasgow monthly", episodes=42)
    _version(other_service, "2026-10", 1, name="Leeds monthly")
    client, _user = signed_in(Role.COMMISSIONER)
    response = client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Glasgow VR Service" in text
    assert "Version 2" in text and "All versions" in text
    assert "Version 1:" in text and "40 episodes" in text
    assert "Oct 2026" in text
    # Only the services the commissioner covers.
    assert "Leeds" not in text


def test_the_page_query_count_does_not_grow(signed_in, service, django_assert_max_num_queries):
    for month in range(1, 13):
        _version(service, f"2025-{month:02d}", 1)
        _version(service, f"2025-{month:02d}", 2, current=False)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    with django_assert_max_num_queries(12):
        assert client.get(PAGE).status_code == 200


def test_case_workers_may_not_see_it(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get(PAGE).status_code == 403


def test_not_a_hub_no_page(signed_in, settings):
    settings.VOCREHAB_HUB = False
    client, _user = signed_in(Role.COMMISSIONER)
    assert client.get(PAGE).status_code == 404


def test_the_page_names_late_and_missing_months(signed_in, service, time_machine):
    time_machine.move_to("2026-12-20 10:00")
    _version(service, "2026-09", 1, when=_at(datetime.date(2026, 10, 3)))
    _version(service, "2026-10", 1, when=_at(datetime.date(2026, 11, 20)))
    client, _user = signed_in(Role.COMMISSIONER)
    text = client.get(PAGE).content.decode()
    assert "Late or missing" in text and "Nov 2026 (due by 15 Dec 2026)" in text
    assert "Received after the day it was due: Oct 2026." in text

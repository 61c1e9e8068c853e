"""Scheduled reports: the period each run covers, subscribing and cancelling through the
pages, the run (command, daily task) made once per period, suppression for a
commissioner, a run refused when access was lost, the email, and who may download."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.accounts.test_areas import commissioner_of, tree  # noqa: F401 - a fixture
from vocrehab.accounts.models import Membership, Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.measures.management.commands import worker
from vocrehab.reports import scheduled
from vocrehab.reports.forms import EvaluationForm
from vocrehab.reports.models import ReportSubscription, RunStatus, ScheduledRun

from .helpers import make_episode

pytestmark = pytest.mark.django_db
D = dt.date
# On 1 Jan 2027 the last complete quarter is October to December 2026.
NEW_YEAR = D(2027, 1, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(service, other_service):
    """In Oct–Dec 2026: 7 referrals from acute NHS and 1 self-referral; one outside it."""
    for i in range(7):
        make_episode(service, referral_date=D(2026, 10, 5 + i), age_at_referral=40 + i)
    make_episode(service, referral_source="self", referral_date=D(2026, 11, 2))
    make_episode(service, referral_source="self", referral_date=D(2026, 9, 30))
    make_episode(other_service, referral_source="employer", referral_date=D(2026, 10, 5))
    return service


def _subscribe(user, service, frequency="quarterly", **parameters):
    return scheduled.subscribe(
        user,
        name="Quarterly board report",
        frequency=frequency,
        parameters={"services": [str(service.pk)], **parameters},
    )


def _sources(workbook_bytes):
    """{referral source code: count cell} from the XLSX's referral_sources sheet."""
    sheet = load_workbook(io.BytesIO(workbook_bytes))["referral_sources"]
    header = [c.value for c in sheet[3]]
    code, count = header.index("Referral source (code)"), header.index("Count")
    return {row[code]: row[count] for row in sheet.iter_rows(min_row=4, values_only=True)}


def _counted(sources):
    return {code: count for code, count in sources.items() if count != 0}


# -- the period ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "today", "start", "end"),
    [
        ("monthly", D(2026, 12, 7), D(2026, 11, 1), D(2026, 11, 30)),
        ("monthly", D(2027, 1, 1), D(2026, 12, 1), D(2026, 12, 31)),
        ("monthly", D(2027, 1, 31), D(2026, 12, 1), D(2026, 12, 31)),
        ("monthly", D(2028, 3, 1), D(2028, 2, 1), D(2028, 2, 29)),
        ("monthly", D(2027, 3, 31), D(2027, 2, 1), D(2027, 2, 28)),
        ("quarterly", D(2027, 1, 1), D(2026, 10, 1), D(2026, 12, 31)),
        ("quarterly", D(2027, 2, 15), D(2026, 10, 1), D(2026, 12, 31)),
        ("quarterly", D(2027, 3, 31), D(2026, 10, 1), D(2026, 12, 31)),
        ("quarterly", D(2027, 4, 1), D(2027, 1, 1), D(2027, 3, 31)),
        ("quarterly", D(2027, 7, 1), D(2027, 4, 1), D(2027, 6, 30)),
        ("quarterly", D(2027, 12, 31), D(2027, 7, 1), D(2027, 9, 30)),
    ],
)
def test_the_period_is_the_last_complete_month_or_quarter(frequency, today, start, end):
    assert scheduled.period_due(frequency, today) == (start, end)


def test_the_period_in_words():
    assert scheduled.period_words(D(2026, 10, 1), D(2026, 12, 31)) == "October to December 2026"
    assert scheduled.period_words(D(2026, 11, 1), D(2026, 11, 30)) == "November 2026"


def test_every_choice_of_the_report_form_reaches_the_report(make_staff, service, tree):  # noqa: F811
    """A new field of the evaluation form (an area, say) must be passed to the report by
    scheduled.report_for, or a subscriber would get a report they did not choose."""
    form = EvaluationForm(user=make_staff(Role.SERVICE_MANAGER, service))
    assert set(form.fields) <= set(scheduled.REPORT_ARGUMENTS)
    # A commissioner of an area also gets the area field.
    form = EvaluationForm(user=commissioner_of(tree["west"]))
    assert set(form.fields) == set(scheduled.REPORT_ARGUMENTS)


def test_a_commissioners_area_report_covers_the_services_beneath_it(tree, data, media):  # noqa: F811
    commissioner = commissioner_of(tree["west"])
    scheduled.subscribe(
        commissioner,
        name="West of Scotland",
        frequency="quarterly",
        parameters={"area": [str(tree["west"].pk)]},
    )
    make_episode(tree["third"], referral_source="employer", referral_date=D(2026, 11, 3))
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.DONE and run.suppressed is True
    assert sorted(run.service_ids) == sorted([data.pk, tree["third"].pk])


# -- subscribing through the pages -----------------------------------------------


def test_a_manager_subscribes_from_the_report_page(signed_in, data):
    client, user = signed_in(Role.SERVICE_MANAGER)
    query = {
        "services": data.pk,
        "date_from": "2024-01-01",
        "date_to": "",
        "value_set": "england-5l-2018",
        "publication": "on",
    }
    page = client.get(reverse("reports:evaluation"), query)
    link = re.search(r'href="([^"]*/reports/scheduled/new/[^"]*)"', page.content.decode())
    assert link, "the report page offers to subscribe"
    url = link.group(1).replace("&amp;", "&")
    form_page = client.get(url)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert data.name in html and "are not kept" in html  # the chosen dates are not

    response = client.post(url, {"name": "Board report", "frequency": "quarterly"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:scheduled")
    subscription = ReportSubscription.objects.get(owner=user)
    assert subscription.frequency == "quarterly" and subscription.active
    assert subscription.parameters == {
        "services": [str(data.pk)],
        "value_set": ["england-5l-2018"],
        "publication": ["on"],
    }


def test_subscribing_needs_a_frequency_and_a_report_of_theirs(signed_in, data, other_service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:subscribe") + f"?services={data.pk}"
    response = client.post(url, {"name": "Board report"})
    assert response.status_code == 400
    assert "Choose monthly or quarterly." in response.content.decode()

    response = client.post(
        reverse("reports:subscribe") + f"?services={other_service.pk}",
        {"name": "Not mine", "frequency": "monthly"},
    )
    assert response.status_code == 400
    assert "Choose the report first" in response.content.decode()

    response = client.get(reverse("reports:subscribe"))
    assert response.status_code == 400
    assert "Choose at least one service." in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_a_case_manager_without_reports_may_not_subscribe(signed_in, data):
    client, _user = signed_in(Role.CASE_MANAGER)
    for url in (reverse("reports:scheduled"), reverse("reports:subscribe")):
        assert client.get(url, {"services": data.pk}).status_code == 403


def test_cancelling_stops_the_runs_and_keeps_what_was_made(signed_in, data, make_staff):
    client, user = signed_in(Role.SERVICE_MANAGER)
    subscription = _subscribe(user, data)
    call_command("report", "run-scheduled", "--today", "2027-01-01", stdout=io.StringIO())

    other = make_staff(Role.SERVICE_MANAGER, data)
    theirs = _subscribe(other, data)
    url = reverse("reports:scheduled_cancel", args=[theirs.pk])
    assert client.post(url).status_code == 404  # not theirs to cancel
    theirs.refresh_from_db()
    assert theirs.active

    url = reverse("reports:scheduled_cancel", args=[subscription.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active and subscription.cancelled_at

    scheduled.run_due(D(2027, 4, 1))
    assert subscription.runs.count() == 1  # nothing more for it; the other one ran
    assert theirs.runs.count() == 1  # subscribed after January: April only
    page = client.get(reverse("reports:scheduled")).content.decode()
    assert "Cancelled" in page and "October to December 2026" in page


# -- running ---------------------------------------------------------------------


def test_the_command_makes_the_quarter_once_and_emails_a_link(
    signed_in, data, media, django_capture_on_commit_callbacks
):
    client, user = signed_in(Role.SERVICE_MANAGER)
    subscription = _subscribe(user, data)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued on commit
        call_command("report", "run-scheduled", "--today", "2027-01-01", stdout=out)
    assert "1 made, 0 not made, 0 already made" in out.getvalue()

    run = ScheduledRun.objects.get()
    assert run.subscription == subscription and run.status == RunStatus.DONE
    assert (run.period_start, run.period_end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert run.suppressed is False and run.service_ids == [data.pk]
    folder = media / "scheduled-reports" / str(run.pk)
    pdf = (folder / run.file("pdf")["name"]).read_bytes()
    xlsx = (folder / run.file("xlsx")["name"]).read_bytes()
    assert pdf.startswith(b"%PDF")
    # Only October to December: the September self-referral and the other service are out.
    assert _counted(_sources(xlsx)) == {"acute_nhs": 7, "self": 1}

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email] and "ready" in email.subject
    link = "http://localhost:8000" + reverse("reports:scheduled")
    assert link in email.body and "October to December 2026" in email.body
    # No figures: take away the link and the period, and not a digit is left.
    rest = email.body.replace(link, "").replace("October to December 2026", "")
    assert not re.search(r"\d", rest)
    assert data.name not in email.body

    # Again the same day, and later in the quarter: nothing more is made or sent.
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("report", "run-scheduled", "--today", "2027-01-01", stdout=out)
        scheduled.run_due(D(2027, 3, 31))
    assert "0 made, 0 not made, 1 already made" in out.getvalue()
    assert ScheduledRun.objects.count() == 1 and len(mail.outbox) == 1
    event = AccessEvent.objects.get(action=Action.EXPORT, user=user)
    assert f"scheduled evaluation report {run.pk} produced" in event.detail


def test_one_run_per_subscription_and_period_whoever_makes_it(make_staff, data):
    subscription = _subscribe(make_staff(Role.SERVICE_MANAGER, data), data)
    ScheduledRun.objects.create(
        subscription=subscription, period_start=D(2026, 10, 1), period_end=D(2026, 12, 31)
    )
    # A second worker that got there at the same moment is refused by the database...
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(
            subscription=subscription, period_start=D(2026, 10, 1), period_end=D(2026, 12, 31)
        )
    # ...and the schedule leaves the period alone.
    assert scheduled.run_due(NEW_YEAR).as_dict() == {"produced": [], "failed": [], "already": 1}
    assert ScheduledRun.objects.count() == 1


def test_the_worker_day_queues_the_schedule(
    monkeypatch, make_staff, data, django_capture_on_commit_callbacks
):
    user = make_staff(Role.SERVICE_MANAGER, data)
    _subscribe(user, data, frequency="monthly")
    monkeypatch.setattr(worker.timezone, "localdate", lambda: NEW_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        worker.announce_new_day(NEW_YEAR - dt.timedelta(days=1))
        worker.announce_new_day(NEW_YEAR)  # a later sweep the same day sends nothing
    run = ScheduledRun.objects.get()
    assert (run.period_start, run.period_end) == (D(2026, 12, 1), D(2026, 12, 31))
    assert run.status == RunStatus.DONE


def test_a_commissioners_report_is_suppressed(make_staff, data, media):
    commissioner = make_staff(Role.COMMISSIONER, data)
    _subscribe(commissioner, data)
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.DONE and run.suppressed is True
    xlsx = (media / "scheduled-reports" / str(run.pk) / run.file("xlsx")["name"]).read_bytes()
    sources = _sources(xlsx)
    assert sources["self"] in (None, "")  # one person: hidden
    assert sources["acute_nhs"] in (None, "")  # would reveal it from the total


def test_a_run_for_a_service_no_longer_theirs_fails_with_the_reason(
    client, make_staff, data, other_service, django_capture_on_commit_callbacks
):
    user = make_staff(Role.SERVICE_MANAGER, data)
    _subscribe(user, data)
    # Moved to another service: still sees reports, but not this service's.
    Membership.objects.filter(user=user).update(service=other_service)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.FAILED and not run.files
    assert "no longer report on every service" in run.error
    assert not (scheduled.run_dir(run)).exists()
    (email,) = mail.outbox
    assert "not produced" in email.subject and "no longer" not in email.body  # no reasons

    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("reports:scheduled")).content.decode()
    assert "Not produced" in page and "no longer report on every service" in page
    assert reverse("reports:scheduled_download", args=[run.pk, "pdf"]) not in page


def test_a_run_for_someone_who_lost_reports_fails(make_staff, data):
    user = make_staff(Role.SERVICE_MANAGER, data)
    _subscribe(user, data)
    Membership.objects.filter(user=user).update(role=Role.CASE_MANAGER)
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.error == "You no longer have permission to see reports."


# -- the page and downloads ------------------------------------------------------


def test_the_subscriber_sees_their_runs_and_downloads_both_files(signed_in, data):
    client, user = signed_in(Role.SERVICE_MANAGER)
    _subscribe(user, data)
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    page = client.get(reverse("reports:scheduled")).content.decode()
    assert "Quarterly board report" in page and "October to December 2026" in page
    assert "Ready" in page and f"Services: {data.name}" in page

    for fmt, start in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        response = client.get(reverse("reports:scheduled_download", args=[run.pk, fmt]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body.startswith(start)
        assert response["Content-Disposition"].startswith("attachment;")
        assert run.file(fmt)["name"] in response["Content-Disposition"]
    zipfile.ZipFile(io.BytesIO(body))  # the XLSX is a whole workbook
    events = AccessEvent.objects.filter(
        user=user, action=Action.EXPORT, detail__contains="downloaded"
    )
    assert events.count() == 2 and all(e.service_id == data.pk for e in events)

    missing = reverse("reports:scheduled_download", args=[run.pk, "json"])
    assert client.get(missing).status_code == 404


def test_nobody_else_downloads_a_run(client, make_staff, data):
    owner = make_staff(Role.SERVICE_MANAGER, data)
    _subscribe(owner, data)
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    url = reverse("reports:scheduled_download", args=[run.pk, "pdf"])

    colleague = make_staff(Role.SERVICE_MANAGER, data)
    client.force_login(colleague, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get(url).status_code == 404
    assert "Quarterly board report" not in client.get(reverse("reports:scheduled")).content.decode()

    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    assert not AccessEvent.objects.filter(action=Action.EXPORT, detail__contains="downloaded")


def test_the_subscriber_who_lost_access_is_refused(client, make_staff, data, other_service):
    owner = make_staff(Role.SERVICE_MANAGER, data)
    _subscribe(owner, data)
    scheduled.run_due(NEW_YEAR)
    run = ScheduledRun.objects.get()
    url = reverse("reports:scheduled_download", args=[run.pk, "xlsx"])
    client.force_login(owner, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get(url).status_code == 200

    membership = Membership.objects.get(user=owner)
    membership.role = Role.COMMISSIONER  # would now see this service suppressed only
    membership.save()
    assert client.get(url).status_code == 403
    membership.role, membership.service = Role.SERVICE_MANAGER, other_service
    membership.save()  # reports elsewhere, not on this service
    assert client.get(url).status_code == 403
    membership.role = Role.CASE_MANAGER  # no reports at all
    membership.save()
    assert client.get(url).status_code == 403
    assert client.get(reverse("reports:scheduled")).status_code == 403


def test_the_page_reads_a_fixed_number_of_queries(
    signed_in, make_staff, data, django_assert_max_num_queries
):
    client, user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:scheduled")
    _subscribe(user, data, frequency="monthly")
    for day in (D(2026, 11, 1), D(2026, 12, 1)):
        ScheduledRun.objects.create(
            subscription=user.report_subscriptions.get(),
            period_start=scheduled.period_due("monthly", day)[0],
            period_end=scheduled.period_due("monthly", day)[1],
            status=RunStatus.FAILED,
            error="For the count",
        )
    with django_assert_max_num_queries(13) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        subscription = _subscribe(user, data, publication=["on"], value_set=["england-5l-2018"])
        for month in (10, 11, 12):
            ScheduledRun.objects.create(
                subscription=subscription,
                period_start=D(2026, month, 1),
                period_end=D(2026, month, 28),
                status=RunStatus.DONE,
                files=[{"format": "pdf", "name": "evaluation.pdf", "size": 1}],
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Download PDF") == 12


def test_a_pdf_for_a_period_still_to_come_has_no_change_over_time(signed_in, data):
    """The period of a run made ahead of the calendar (or chosen on the report page) may
    start after today: the PDF has no months to chart, and is made all the same."""
    client, _user = signed_in(Role.SERVICE_MANAGER)
    start = dt.date.today() + dt.timedelta(days=40)
    response = client.get(
        reverse("reports:download"),
        {"services": data.pk, "format": "pdf", "date_from": start.isoformat()},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("frequency", "made", "expected"),
    [
        ("quarterly", (), (D(2026, 7, 1), D(2026, 9, 30), D(2026, 12, 8))),
        ("quarterly", (D(2026, 7, 1),), (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 1))),
        ("monthly", (), (D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 8))),
        ("monthly", (D(2026, 11, 1),), (D(2026, 12, 1), D(2026, 12, 31), D(2027, 1, 1))),
    ],
)
def test_the_next_report_and_when_it_is_made(frequency, made, expected):
    assert scheduled.next_report(frequency, D(2026, 12, 7), made) == expected


def test_a_run_abandoned_by_a_stopped_worker_is_made_later(make_staff, data):
    subscription = _subscribe(make_staff(Role.SERVICE_MANAGER, data), data)
    run = ScheduledRun.objects.create(
        subscription=subscription, period_start=D(2026, 10, 1), period_end=D(2026, 12, 31)
    )
    # Still being made by another worker: left alone.
    assert scheduled.run_due(NEW_YEAR).already == 1
    ScheduledRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - scheduled.STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert scheduled.run_due(NEW_YEAR).produced == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and ScheduledRun.objects.count() == 1

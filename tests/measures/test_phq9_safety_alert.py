"""PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0
gives the case manager a task due the same day, flagged on their caseload, whether the
client answered by link or staff entered it; the client is pointed to help now
(hazard H23)."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Reminder
from vocrehab.measures import links, services
from vocrehab.measures.models import Administration, Channel

pytestmark = pytest.mark.django_db

PHQ9_LOW = {f"q{n}": "1" for n in range(1, 9)}
RED_FLAG = 'nhsuk-tag--red app-flag">Safety alert: contact today'


@pytest.fixture
def manager(make_staff, service):
    return make_staff(Role.CASE_MANAGER, service)


@pytest.fixture
def cared_for(episode, manager):
    episode.case_manager = manager
    episode.save(update_fields=["case_manager"])
    return episode


def staff_web(user):
    web = WebClient()
    web.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return web


def answer_by_link(client, episode, answers):
    administration = Administration.objects.create(
        episode=episode, instrument="phq9", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    url = reverse("measures:questionnaire", args=[link.pk, 1])
    for number, (item, value) in enumerate(answers.items(), start=1):
        assert client.post(f"{url}?page={number}", {item: value}).status_code == 302
    return client.post(reverse("measures:check", args=[link.pk, 1]), follow=True)


def test_a_client_answering_item_9_above_0_alerts_the_case_manager_today(
    client, cared_for, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = answer_by_link(client, cared_for, {**PHQ9_LOW, "q9": "2"})
    page = done.content.decode()
    assert "Samaritans free on 116 123" in page
    assert "call 999" in page and "call 111" in page

    (alert,) = Reminder.objects.filter(episode=cared_for)
    assert alert.safety_alert
    assert alert.assigned_to == manager
    assert alert.due_on == timezone.localdate()
    assert "question 9" in alert.text and "by the client" in alert.text

    web = staff_web(manager)
    caseload = web.get(reverse("casework:caseload")).content.decode()
    assert RED_FLAG in caseload
    flagged = web.get(reverse("casework:caseload"), {"flag": "safety_alert"}).content.decode()
    assert cared_for.reference in flagged
    tasks = web.get(reverse("casework:tasks")).content.decode()
    assert "Contact today" in tasks and "Safety alert" in tasks
    # The email says to act today, with no answer in it.
    (email,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert email.subject.startswith("Contact the client today")
    assert "116 123" not in email.body and "better off dead" not in email.body


def test_item_9_saved_on_the_way_alerts_today_even_if_never_sent(client, cared_for, manager):
    """A client who answers item 9 above 0 and stops before sending: the answer is
    saved, so the case manager is told today and the client pointed to help at once;
    sending the rest later raises no second alert."""
    administration = Administration.objects.create(
        episode=cared_for, instrument="phq9", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    url = reverse("measures:questionnaire", args=[link.pk, 1])
    answers = {**PHQ9_LOW, "q9": "2"}
    for number, (item, value) in enumerate(answers.items(), start=1):
        response = client.post(f"{url}?page={number}", {item: value}, follow=True)
        assert response.status_code == 200
    # The page after item 9 (checking the answers) already points to help.
    assert "Samaritans free on 116 123" in response.content.decode()
    administration.refresh_from_db()
    assert administration.status == "in_progress"
    (alert,) = Reminder.objects.filter(episode=cared_for, safety_alert=True)
    assert alert.assigned_to == manager and alert.due_on == timezone.localdate()
    assert "by the client" in alert.text

    sent = client.post(reverse("measures:check", args=[link.pk, 1]), follow=True)
    assert "116 123" in sent.content.decode()
    administration.refresh_from_db()
    assert administration.status == "completed"
    assert Reminder.objects.filter(episode=cared_for, safety_alert=True).count() == 1


def test_item_9_changed_to_0_before_sending_keeps_the_alert_raised(client, cared_for):
    """Once told, the case manager stays told: the answer was given, then changed."""
    administration = Administration.objects.create(
        episode=cared_for, instrument="phq9", timepoint="entry", status="scheduled"
    )
    link = services.issue_link(administration, channel=Channel.EMAIL)
    client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    url = reverse("measures:questionnaire", args=[link.pk, 1])
    for number, (item, value) in enumerate({**PHQ9_LOW, "q9": "2"}.items(), start=1):
        assert client.post(f"{url}?page={number}", {item: value}).status_code == 302
    assert client.post(f"{url}?page=9&from=check", {"q9": "0"}).status_code == 302
    client.post(reverse("measures:check", args=[link.pk, 1]))
    administration.refresh_from_db()
    assert administration.status == "completed"
    assert administration.values.get(item="q9").value == 0
    assert Reminder.objects.filter(episode=cared_for, safety_alert=True).count() == 1


def test_item_9_answered_0_raises_nothing_and_shows_no_crisis_wording(client, cared_for):
    done = answer_by_link(client, cared_for, {**PHQ9_LOW, "q9": "0"})
    assert "116 123" not in done.content.decode()
    assert not Reminder.objects.filter(episode=cared_for).exists()


def test_staff_entering_item_9_above_0_alerts_the_case_manager(cared_for, manager, make_staff):
    worker = make_staff(Role.CASE_MANAGER, cared_for.service)
    web = staff_web(worker)
    url = reverse("measures:enter", args=[cared_for.pk, "phq9", "entry"])
    today = timezone.localdate()
    form = {
        "date_day": today.day,
        "date_month": today.month,
        "date_year": today.year,
        **PHQ9_LOW,
        "q9": "1",
    }
    assert web.post(url, form).status_code == 302
    (alert,) = Reminder.objects.filter(episode=cared_for, safety_alert=True)
    assert alert.assigned_to == manager  # the episode's case manager, not whoever entered it
    assert "by staff" in alert.text
    # Saving the same answers again is a correction, and raises a new alert to act on.
    version = Administration.objects.get(episode=cared_for, instrument="phq9").version
    assert web.post(url, {**form, "version": version}).status_code == 302
    assert Reminder.objects.filter(episode=cared_for, safety_alert=True).count() == 2


def test_done_clears_the_caseload_flag(cared_for, manager):
    services.record_staff_entry(
        cared_for,
        instrument="phq9",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={**PHQ9_LOW, "q9": 3},
        by=manager,
    )
    alert = Reminder.objects.get(episode=cared_for, safety_alert=True)
    web = staff_web(manager)
    web.post(reverse("casework:reminder_done", args=[alert.pk]))
    assert RED_FLAG not in web.get(reverse("casework:caseload")).content.decode()


def test_another_services_case_manager_may_not_see_the_alert(cared_for, make_staff, other_service):
    services.record_staff_entry(
        cared_for,
        instrument="phq9",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={**PHQ9_LOW, "q9": 1},
        by=cared_for.case_manager,
    )
    outsider = staff_web(make_staff(Role.CASE_MANAGER, other_service))
    assert cared_for.reference not in outsider.get(reverse("casework:tasks")).content.decode()
    page = outsider.get(reverse("casework:caseload"), {"flag": "safety_alert"})
    assert cared_for.reference not in page.content.decode()


def test_an_invalid_staff_entry_saves_nothing_and_raises_no_alert(cared_for, manager):
    web = staff_web(manager)
    url = reverse("measures:enter", args=[cared_for.pk, "phq9", "entry"])
    response = web.post(url, {"date_day": "1", "date_month": "1", "date_year": "2026", "q9": "4"})
    assert response.status_code == 200
    assert not Reminder.objects.filter(episode=cared_for).exists()
    assert not Administration.objects.filter(episode=cared_for, instrument="phq9").exists()

"""One invitation per timepoint: every questionnaire due for an episode at a timepoint
goes in one link, one letter with one code, one message; the client answers them one
after another, may stop and come back, and is reminded on the service's schedule.
Statuses read the same on every page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client as WebClient
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Reminder
from vocrehab.measures import links, services
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    Channel,
    MeasureSchedule,
    QuestionnaireLink,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 12, 9, tzinfo=ZoneInfo("Europe/London"))
ANSWERS = {
    "phq9": {**{f"q{n}": "1" for n in range(1, 10)}, "difficulty": "1"},
    "gad7": {f"q{n}": "2" for n in range(1, 8)},
    "who5": {f"q{n}": "3" for n in range(1, 6)},
}


@pytest.fixture
def wellbeing_service(service):
    service.phone = "0141 496 0000"
    service.opening_hours = "Monday to Friday, 9am to 5pm"
    service.save()
    MeasureSchedule.objects.create(
        service=service,
        entry_instruments=["phq9", "gad7", "who5"],
        reminder_after_days=3,
        max_reminders=2,
    )
    return service


@pytest.fixture
def scheduled(episode, wellbeing_service):
    return services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))


def page_url(link, number, page):
    return reverse("measures:questionnaire", args=[link.pk, number]) + f"?page={page}"


def answer(web, link, number, instrument):
    for page, (item, value) in enumerate(ANSWERS[instrument].items(), start=1):
        response = web.post(page_url(link, number, page), {item: value})
        assert response.status_code == 302, response.content.decode()[:500]


def statuses(episode):
    return {a.instrument: a.status for a in Administration.objects.filter(episode=episode)}


def test_the_sweep_sends_one_message_with_one_link_for_the_timepoint(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        counts = services.send_due_invitations()
    assert counts["invited"] == 1 and counts["sent"] == 1
    (link,) = QuestionnaireLink.objects.filter(episode=episode)
    assert sorted(a.instrument for a in link.administrations.all()) == ["gad7", "phq9", "who5"]
    (message,) = mail.outbox
    assert message.body.count("/measures/q/") == 1
    assert "(PHQ-9)" in message.body and "(GAD-7)" in message.body and "WHO-5" in message.body
    assert "please call us on 0141 496 0000 (Monday to Friday, 9am to 5pm)" in message.body
    assert set(statuses(episode).values()) == {AdministrationStatus.INVITED}


def test_a_client_answers_every_questionnaire_from_one_link_and_can_stop_and_come_back(
    episode, scheduled
):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    link = QuestionnaireLink.objects.get(episode=episode)
    token_url = reverse("measures:open_link", args=[links.make_token(link)])
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        web = WebClient()
        intro = web.get(web.get(token_url)["Location"])
        text = intro.content.decode()
        assert "Your questionnaires" in text
        assert "(PHQ-9) (10 questions)" in text and "(GAD-7) (7 questions)" in text
        assert "It takes about 8 minutes." in text
        assert set(statuses(episode).values()) == {AdministrationStatus.IN_PROGRESS}

        first = web.get(page_url(link, 1, 3)).content.decode()
        assert "Questionnaire 1 of 3" in first and "Question 3 of 10" in first
        answer(web, link, 1, "phq9")
        check = web.get(reverse("measures:check", args=[link.pk, 1])).content.decode()
        assert "Send these answers and go on" in check
        response = web.post(reverse("measures:check", args=[link.pk, 1]))
        assert response["Location"] == page_url(link, 2, 1)
        second = web.get(response["Location"]).content.decode()
        assert "Questionnaire 2 of 3: Generalised Anxiety Disorder assessment (GAD-7)" in second
        web.post(page_url(link, 2, 1), {"q1": "2"})

        # The client stops; days later, in a new browser, the same link goes on.
        again = WebClient()
        intro = again.get(again.get(token_url)["Location"]).content.decode()
        assert "Continue where you left off" in intro
        assert page_url(link, 2, 1).replace("&", "&amp;") in intro
        assert 'value="2" checked' in again.get(page_url(link, 2, 1)).content.decode()
        answer(again, link, 2, "gad7")
        assert again.post(reverse("measures:check", args=[link.pk, 2]))["Location"] == page_url(
            link, 3, 1
        )
        answer(again, link, 3, "who5")
        last = again.get(reverse("measures:check", args=[link.pk, 3])).content.decode()
        assert "Send my answers" in last
        done = again.post(reverse("measures:check", args=[link.pk, 3]), follow=True)
        assert "your answers have been sent" in done.content.decode()
        assert set(statuses(episode).values()) == {AdministrationStatus.COMPLETED}
        link.refresh_from_db()
        assert link.used_at is not None
        assert again.get(token_url).status_code == 410
        # A questionnaire already sent cannot be reopened by a browser that kept the session.
        assert web.get(page_url(link, 1, 1)).status_code == 410


def test_a_letter_holds_every_questionnaire_with_one_code_and_the_services_phone(
    signed_in, episode, scheduled
):
    staff, _ = signed_in(Role.CASE_MANAGER)
    response = staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    (link,) = QuestionnaireLink.objects.filter(episode=episode)
    assert response["Location"] == reverse("measures:letter", args=[link.pk])
    assert set(statuses(episode).values()) == {AdministrationStatus.SCHEDULED}
    letter = staff.get(response["Location"]).content.decode()
    code = links.letter_code(link)
    assert letter.count(code) == 1
    for name in ("(PHQ-9)", "(GAD-7)", "WHO-5 Well-Being Index"):
        assert name in letter
    assert "Glasgow VR Service" in letter
    assert "please call us on 0141 496 0000 (Monday to Friday, 9am to 5pm)" in letter
    # Printed: the invitation has gone.
    assert set(statuses(episode).values()) == {AdministrationStatus.INVITED}

    web = WebClient()
    opened = web.post(reverse("measures:enter_code"), {"code": code})
    assert opened["Location"] == reverse("measures:invitation", args=[link.pk])
    answer(web, link, 1, "phq9")
    web.post(reverse("measures:check", args=[link.pk, 1]))
    # Back another day with the same code: the PHQ-9 is shown as sent, the rest waits.
    later = WebClient()
    intro = later.get(
        later.post(reverse("measures:enter_code"), {"code": code})["Location"]
    ).content.decode()
    assert "Sent" in intro and "Continue where you left off" in intro
    assert statuses(episode)["phq9"] == AdministrationStatus.COMPLETED
    assert statuses(episode)["gad7"] == AdministrationStatus.IN_PROGRESS


def test_sending_again_replaces_the_invitation_and_keeps_one_code(signed_in, episode, scheduled):
    staff, _ = signed_in(Role.CASE_MANAGER)
    url = reverse("measures:send_invitation", args=[episode.pk, "entry"])
    staff.post(url, {"channel": "letter"})
    staff.post(url, {"channel": "letter"})
    live = QuestionnaireLink.objects.filter(episode=episode, revoked_at__isnull=True)
    assert live.count() == 1
    assert live.get().administrations.count() == 3


def test_item_9_in_a_multi_questionnaire_invitation_still_alerts_today(
    episode, scheduled, make_staff, service, django_capture_on_commit_callbacks
):
    manager = make_staff(Role.CASE_MANAGER, service)
    episode.case_manager = manager
    episode.save(update_fields=["case_manager"])
    link = services.issue_invitation(episode, "entry", channel=Channel.EMAIL)
    web = WebClient()
    web.get(reverse("measures:open_link", args=[links.make_token(link)]))
    ANSWERS_RED = {**ANSWERS["phq9"], "q9": "2"}
    for page, (item, value) in enumerate(ANSWERS_RED.items(), start=1):
        web.post(page_url(link, 1, page), {item: value})
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("measures:check", args=[link.pk, 1]))
    (alert,) = Reminder.objects.filter(episode=episode)
    assert alert.safety_alert
    # Pointed to help at once, on the next questionnaire's first page: the client may
    # stop there and never reach the end. Shown once, not on every page after.
    following = web.get(page_url(link, 2, 1)).content.decode()
    assert 'id="support"' in following and "Samaritans free on 116 123" in following
    assert 'id="support"' not in web.get(page_url(link, 2, 1)).content.decode()
    answer(web, link, 2, "gad7")
    web.post(reverse("measures:check", args=[link.pk, 2]))
    answer(web, link, 3, "who5")
    done = web.post(reverse("measures:check", args=[link.pk, 3]), follow=True)
    # The client is pointed to help now at the end of the journey.
    assert "Samaritans free on 116 123" in done.content.decode()


def test_reminders_follow_the_services_schedule_and_stop_when_answered(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    for days, reminded in ((2, 0), (3, 1), (5, 0), (6, 1), (9, 0), (12, 0)):
        with time_machine.travel(T0 + timedelta(days=days), tick=False):
            assert services.send_due_invitations()["reminded"] == reminded, days
    assert len(mail.outbox) == 3
    assert all("Reminder" in m.subject for m in mail.outbox[1:])
    assert all(m.body.count("/measures/q/") == 1 for m in mail.outbox)


def test_no_reminder_after_completion(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
        link = QuestionnaireLink.objects.get(episode=episode)
        for administration in link.administrations.all():
            services.save_answers(administration, {"q1": "1"})
            services.submit_response(link, administration=administration)
    link.refresh_from_db()
    assert link.used_at is not None
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        assert services.send_due_invitations()["reminded"] == 0


def test_no_reminder_after_every_questionnaire_is_cancelled(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    for administration in scheduled:
        services.cancel_administration(administration)
    link = QuestionnaireLink.objects.get(episode=episode)
    assert link.revoked_at is not None
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        assert services.send_due_invitations()["reminded"] == 0


def test_cancelling_one_keeps_the_invitation_for_the_rest(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    services.cancel_administration(scheduled[0])
    link = QuestionnaireLink.objects.get(episode=episode)
    assert link.revoked_at is None
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert services.send_due_invitations()["reminded"] == 1


def test_no_reminder_after_expiry_and_the_questionnaires_show_expired(episode, scheduled):
    with time_machine.travel(T0, tick=False):
        services.send_due_invitations()
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        counts = services.send_due_invitations()
    assert counts["reminded"] == 0 and counts["expired"] == 3
    assert set(statuses(episode).values()) == {AdministrationStatus.EXPIRED}


def test_one_status_vocabulary_on_the_staff_pages(signed_in, episode, scheduled):
    staff, user = signed_in(Role.CASE_MANAGER)
    episode.case_manager = user
    episode.save(update_fields=["case_manager"])
    measures_url = reverse("measures:episode", args=[episode.pk])
    page = staff.get(measures_url).content.decode()
    assert page.count('<td class="nhsuk-table__cell">Scheduled</td>') == 3
    # A letter waiting to be printed: still "Scheduled", never "Invitation sent".
    staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "entry"]), {"channel": "letter"}
    )
    page = staff.get(measures_url).content.decode()
    assert "Invitation sent" not in page
    assert "Letter to print" in page
    link = QuestionnaireLink.objects.get(episode=episode)
    staff.get(reverse("measures:letter", args=[link.pk]))
    page = staff.get(measures_url).content.decode()
    assert page.count('<td class="nhsuk-table__cell">Invitation sent</td>') == 3
    assert "Waiting to be sent" not in page
    services.record_staff_entry(
        episode,
        instrument="who5",
        timepoint="entry",
        date_completed=date(2026, 1, 20),
        values={"q1": 3},
        by=user,
    )
    record = staff.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    assert "Entered by staff" in record and "Invitation sent" in record
    overview = staff.get(reverse("measures:overview")).content.decode()
    assert "Invitation sent" in overview


def test_staff_may_send_only_in_their_service_and_role(
    signed_in, episode, scheduled, make_episode, other_service
):
    theirs = make_episode(other_service)
    services.schedule_entry_questionnaires(theirs, due=date(2026, 1, 12))
    staff, _ = signed_in(Role.CASE_MANAGER)
    url = reverse("measures:send_invitation", args=[theirs.pk, "entry"])
    assert staff.post(url, {"channel": "letter"}).status_code == 404
    their_link = services.issue_invitation(theirs, "entry", channel=Channel.LETTER)
    assert staff.get(reverse("measures:letter", args=[their_link.pk])).status_code == 404
    assert QuestionnaireLink.objects.filter(episode=theirs).count() == 1
    assistant, _ = signed_in(Role.ADMIN_ASSISTANT)
    mine = reverse("measures:send_invitation", args=[episode.pk, "entry"])
    assert assistant.post(mine, {"channel": "letter"}).status_code == 403
    assert not QuestionnaireLink.objects.filter(episode=episode).exists()


def test_bad_input_to_send_is_explained_and_writes_nothing(signed_in, episode, scheduled):
    staff, _ = signed_in(Role.CASE_MANAGER)
    url = reverse("measures:send_invitation", args=[episode.pk, "entry"])
    refused = staff.post(url, {"channel": "pigeon"}, follow=True).content.decode()
    assert "Choose how to send the questionnaires." in refused
    assert (
        staff.post(
            reverse("measures:send_invitation", args=[episode.pk, "never"]), {"channel": "letter"}
        ).status_code
        == 404
    )
    nothing = staff.post(
        reverse("measures:send_invitation", args=[episode.pk, "discharge"]),
        {"channel": "letter"},
        follow=True,
    ).content.decode()
    assert "Nothing at discharge can be sent to the client" in nothing
    assert not QuestionnaireLink.objects.filter(episode=episode).exists()


def test_the_service_phone_and_hours_are_set_in_the_admin(client, service, make_staff):
    admin = make_staff(Role.ADMINISTRATOR, service)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("admin:accounts_service_change", args=[service.pk]))
    assert page.status_code == 200
    assert 'name="phone"' in page.content.decode()
    assert 'name="opening_hours"' in page.content.decode()


def test_the_invitation_page_is_refused_to_a_browser_not_given_it(episode, scheduled):
    link = services.issue_invitation(episode, "entry", channel=Channel.EMAIL)
    stranger = WebClient()
    response = stranger.get(reverse("measures:invitation", args=[link.pk]))
    assert response.status_code == 403
    assert "(PHQ-9)" not in response.content.decode()


def test_the_overview_query_count_does_not_grow_with_invitations(
    signed_in, make_episode, service, wellbeing_service, django_assert_max_num_queries
):
    staff, _ = signed_in(Role.CASE_MANAGER)
    for _ in range(5):
        episode = make_episode(service, contact_by_email=False)
        services.schedule_entry_questionnaires(episode, due=date(2026, 1, 12))
        services.issue_invitation(episode, "entry", channel=Channel.LETTER)
    url = reverse("measures:overview")
    staff.get(url)
    with django_assert_max_num_queries(20):
        page = staff.get(url).content.decode()
    assert page.count("Letter for episode") == 5

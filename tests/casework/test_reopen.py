"""Re-opening a discharged episode from its page: the discharge and follow-up are cleared
(a case note keeps them), the discharge and follow-up questionnaires not yet completed
are cancelled and their invitations withdrawn, saying why, a discharge summary not yet
sent is withheld, saying why, and a later discharge starts afresh. The caseload and the
data-quality page see an open episode."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework.models import CaseNote, Letter, LetterKind, LetterStatus
from vocrehab.casework.services.letters import write_withheld_again
from vocrehab.dates import human_date
from vocrehab.measures import services as measures
from vocrehab.measures.models import Administration, QuestionnaireLink

from .test_caseload import _rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DISCHARGED = TODAY - datetime.timedelta(days=5)
CANCELLED_WHY = f"The episode was re-opened on {human_date(TODAY)}."


@pytest.fixture
def discharged(case_manager, make_episode, service):
    """Discharged five days ago on the page, with a GP and a referrer to write to: its
    discharge questionnaires due, one of them completed, the rest in an invitation sent
    by email; the follow-up ones scheduled; the two discharge summaries waiting to go."""
    web, user = case_manager
    episode = make_episode(
        service,
        worker=user,
        days_ago=60,
        first_contact_date=TODAY - datetime.timedelta(days=55),
        assessment_date=TODAY - datetime.timedelta(days=50),
        referrer_name="Nurse Jones",
        referrer_organisation="NHS GGC",
        referrer_email="nurse@example.org",
        consent_to_share=True,
    )
    client = episode.client
    client.gp_practice = "Riverside Medical Practice"
    client.gp_address = "2 River Road\nGlasgow\nG1 1AA"
    client.consent_to_share_with_gp = True
    client.email = "alex@example.org"
    client.contact_by_email = True
    client.save()
    r = web.post(
        reverse("casework:discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharge_date": DISCHARGED.isoformat(),
            "work_status": "at_work",
            "reason": "Back at work",
        },
    )
    assert r.status_code == 302
    episode.refresh_from_db()
    measures.record_staff_entry(
        episode,
        instrument="work_ability",
        timepoint="discharge",
        date_completed=TODAY - datetime.timedelta(days=2),
        values={"score": 7},
        by=user,
    )
    sent = Administration.objects.filter(
        episode=episode, timepoint="discharge", instrument__in=["phq9", "gad7"]
    )
    link = measures.issue_invitation(
        episode, "discharge", administrations=sent.values_list("pk", flat=True)
    )
    QuestionnaireLink.objects.filter(pk=link.pk).update(
        delivery_status="sent", sent_at=timezone.now()
    )
    measures._mark_delivered([link.pk])
    return episode


def _reopen(web, episode, reason="Discharged in error"):
    return web.post(reverse("casework:reopen", args=[episode.pk]), {"reason": reason})


def test_reopening_cancels_what_the_discharge_asked_and_keeps_what_was_answered(
    case_manager, discharged
):
    web, _user = case_manager
    before = {
        a.pk: a.status
        for a in Administration.objects.filter(episode=discharged).exclude(timepoint="entry")
    }
    assert set(before.values()) == {"completed", "invited", "scheduled"}
    page = web.get(reverse("casework:reopen", args=[discharged.pk]))
    assert "cancels the discharge and follow-up questionnaires not yet completed" in page.text
    assert _reopen(web, discharged).status_code == 302

    discharged.refresh_from_db()
    assert discharged.is_open and discharged.followup_date is None
    assert discharged.work_status_at_discharge == ""
    after = Administration.objects.filter(pk__in=before)
    completed = after.get(instrument="work_ability")
    assert (completed.status, completed.cancelled_reason) == ("completed", "")
    others = after.exclude(pk=completed.pk)
    assert {a.timepoint for a in others} == {"discharge", "followup"}
    assert {(a.status, a.cancelled_reason) for a in others} == {("cancelled", CANCELLED_WHY)}
    link = QuestionnaireLink.objects.get(episode=discharged)
    assert link.revoked_at is not None and link.withdrawn_reason == CANCELLED_WHY

    note = CaseNote.objects.get(episode=discharged)
    assert note.text == (
        f"Re-opened: Discharged in error. It had been discharged on {human_date(DISCHARGED)} "
        "with work status At work (including phased return) (Back at work)."
    )

    record = web.get(reverse("casework:episode", args=[discharged.pk])).text
    assert f"Cancelled: {CANCELLED_WHY}" in record
    assert "Discharge summary to the GP: withheld" in record
    questionnaires = web.get(reverse("measures:episode", args=[discharged.pk])).text
    assert f"Cancelled: {CANCELLED_WHY}" in questionnaires
    assert f"Withdrawn: {CANCELLED_WHY}" in questionnaires


@pytest.mark.parametrize("reopened", [False, True])
def test_nothing_more_is_sent_reminded_or_flagged_for_the_discharge(
    case_manager, discharged, reopened
):
    web, user = case_manager
    if reopened:
        _reopen(web, discharged)
    overdue = Administration.objects.overdue(TODAY).filter(episode=discharged)
    assert overdue.exists() is not reopened
    row = _rows(user)[discharged.reference]
    assert row.questionnaire_overdue is not reopened
    counts = measures.send_due_invitations(now=timezone.now() + datetime.timedelta(days=6))
    # Discharged still: the rest are invited and the invitation sent is reminded.
    assert (counts["invited"], counts["reminded"]) == ((0, 0) if reopened else (1, 1))
    if reopened:
        assert not QuestionnaireLink.objects.filter(episode=discharged, revoked_at__isnull=True)
        assert not row.followup_due
        assert row.flag_labels == ["No recent contact"]  # open again: its contacts count
        assert discharged.reference in _rows(user, status="open")
        assert discharged.reference not in _rows(user, status="followup")


def test_a_summary_not_yet_gone_is_withheld_saying_why_and_a_sent_one_stays(
    case_manager, discharged
):
    web, _user = case_manager
    gp, referrer = (
        Letter.objects.get(episode=discharged, kind=LetterKind.DISCHARGE, recipient_kind=who)
        for who in ("gp", "referrer")
    )
    assert (gp.status, referrer.status) == (LetterStatus.DRAFTED, LetterStatus.DRAFTED)
    Letter.objects.filter(pk=referrer.pk).update(status=LetterStatus.SENT)
    _reopen(web, discharged)
    gp.refresh_from_db()
    referrer.refresh_from_db()
    assert gp.status == LetterStatus.WITHHELD
    assert gp.reason.startswith(f"Not sent: the episode was re-opened on {human_date(TODAY)}")
    assert referrer.status == LetterStatus.SENT
    printing = web.get(reverse("casework:letters_to_print")).text
    assert discharged.reference not in printing
    # Nothing writes it again while the episode is open, whatever the record allows.
    assert write_withheld_again(discharged) == []


def test_a_failed_email_is_withheld_too(case_manager, discharged):
    web, _user = case_manager
    Letter.objects.filter(episode=discharged, recipient_kind="referrer").update(
        status=LetterStatus.FAILED
    )
    _reopen(web, discharged)
    statuses = set(
        Letter.objects.filter(episode=discharged, kind=LetterKind.DISCHARGE).values_list(
            "status", flat=True
        )
    )
    assert statuses == {LetterStatus.WITHHELD}


def test_discharging_again_schedules_fresh_questionnaires_and_writes_new_summaries(
    case_manager, discharged
):
    web, _user = case_manager
    _reopen(web, discharged)
    discharged.refresh_from_db()
    r = web.post(
        reverse("casework:discharge", args=[discharged.pk]),
        {
            "version": discharged.version,
            "discharge_date": TODAY.isoformat(),
            "work_status": "off_sick",
            "reason": "Goals met",
        },
    )
    assert r.status_code == 302
    discharged.refresh_from_db()
    in_place = Administration.objects.filter(episode=discharged, timepoint="discharge").exclude(
        status="cancelled"
    )
    # One in place per questionnaire: the completed one stands; the rest are new.
    codes = list(in_place.values_list("instrument", flat=True))
    assert len(codes) == len(set(codes)) and "work_ability" in codes
    assert in_place.get(instrument="work_ability").status == "completed"
    assert {a.status for a in in_place.exclude(instrument="work_ability")} == {"scheduled"}
    assert {a.due_date for a in in_place.exclude(instrument="work_ability")} == {TODAY}
    followups = Administration.objects.filter(episode=discharged, timepoint="followup")
    assert {a.due_date for a in followups.filter(status="scheduled")} == {discharged.followup_date}
    assert (
        followups.filter(status="cancelled").count() == followups.filter(status="scheduled").count()
    )
    gp_letters = Letter.objects.filter(
        episode=discharged, kind=LetterKind.DISCHARGE, recipient_kind="gp"
    )
    assert sorted(gp_letters.values_list("status", flat=True)) == [
        LetterStatus.DRAFTED,
        LetterStatus.WITHHELD,
    ]


def test_one_questionnaire_in_place_per_timepoint_is_still_the_rule(discharged):
    in_place = Administration.objects.filter(
        episode=discharged, timepoint="discharge", status="invited"
    ).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Administration.objects.create(
            episode=discharged,
            instrument=in_place.instrument,
            timepoint="discharge",
            status="scheduled",
        )


def test_entering_a_cancelled_questionnaire_fills_it_again(case_manager, discharged):
    web, user = case_manager
    _reopen(web, discharged)
    cancelled = Administration.objects.get(
        episode=discharged, instrument="phq9", timepoint="discharge"
    )
    values = {f"q{n}": 0 for n in range(1, 10)}
    entered = measures.record_staff_entry(
        discharged,
        instrument="phq9",
        timepoint="discharge",
        date_completed=TODAY,
        values=values,
        by=user,
    )
    assert entered.pk == cancelled.pk
    assert (entered.status, entered.cancelled_reason) == ("completed", "")


def test_reopening_an_open_episode_is_refused_on_the_form(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = _reopen(web, episode)
    assert r.status_code == 200 and "This episode is open." in r.text
    assert not CaseNote.objects.filter(episode=episode).exists()
    r = _reopen(web, episode, reason="  ")
    assert r.status_code == 200 and "Say why the episode is re-opened." in r.text


def test_a_recorded_follow_up_is_kept_in_the_note(case_manager, make_episode, service):
    web, user = case_manager
    discharged_on = TODAY - datetime.timedelta(days=200)
    collected = TODAY - datetime.timedelta(days=10)
    episode = make_episode(
        service,
        worker=user,
        days_ago=260,
        discharge_date=discharged_on,
        work_status_at_discharge="at_work",
        followup_date=discharged_on + datetime.timedelta(days=182),
        work_status_at_followup="self_employed",
        followup_collected_on=collected,
    )
    assert _reopen(web, episode, reason="Came back").status_code == 302
    note = CaseNote.objects.get(episode=episode).text
    assert note.endswith(
        f"The six-month follow-up had been recorded: Self-employed, collected on "
        f"{human_date(collected)}."
    )
    episode.refresh_from_db()
    assert (episode.work_status_at_followup, episode.followup_collected_on) == ("", None)


def test_a_support_worker_reopens_only_their_own(signed_in, make_episode, make_staff, service):
    web, worker = signed_in(Role.SUPPORT_WORKER)
    other = make_staff(Role.CASE_MANAGER, service)
    theirs = make_episode(
        service, worker=other, discharge_date=DISCHARGED, work_status_at_discharge="at_work"
    )
    assert _reopen(web, theirs).status_code == 403
    theirs.refresh_from_db()
    assert theirs.discharge_date == DISCHARGED

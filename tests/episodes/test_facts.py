"""The episode's rule set (episodes/facts.py): each rule and the words it answers with."""

import datetime as dt
from types import SimpleNamespace

import pytest

from vocrehab.codes import FOLLOWUP_WINDOW_CLOSES_DAYS, FOLLOWUP_WINDOW_OPENS_DAYS
from vocrehab.episodes import facts

D = dt.date
TODAY = D(2027, 6, 1)


def episode(**dates):
    values = dict.fromkeys(facts.DATE_FIELDS)
    values.update(referral_date=D(2026, 3, 2), engagement="")
    values.update(dates)
    return SimpleNamespace(**values)


def messages(broken):
    return {(b.field, b.message) for b in broken}


def test_the_window_is_the_vrmds_one():
    assert (FOLLOWUP_WINDOW_OPENS_DAYS, FOLLOWUP_WINDOW_CLOSES_DAYS) == (150, 270)
    window = facts.followup_window(D(2026, 12, 6))
    assert (window.opens, window.closes) == (D(2027, 5, 5), D(2027, 9, 2))
    assert D(2027, 5, 5) in window and D(2027, 9, 2) in window
    assert D(2027, 5, 4) not in window and D(2027, 9, 3) not in window


def test_whether_a_window_is_still_open_on_a_day_is_the_same_window():
    # For the filters over many episodes: the caseload, the repair, questionnaire completion.
    since = facts.window_open_since(TODAY)
    assert facts.followup_window(since).closes == TODAY
    assert facts.followup_window(since - dt.timedelta(days=1)).closes < TODAY


def test_a_date_before_an_earlier_step_names_both_with_their_dates():
    ep = episode(first_contact_date=D(2026, 3, 4))
    broken = facts.check_dates(ep, today=TODAY, assessment_date=D(2026, 3, 3))
    assert messages(broken) == {
        (
            "assessment_date",
            "The initial assessment (3 Mar 2026) cannot be before the first contact (4 Mar 2026).",
        )
    }


def test_a_date_after_a_later_step_is_refused_too():
    ep = episode(assessment_date=D(2026, 3, 10), discharge_date=D(2026, 4, 1))
    broken = facts.check_dates(ep, today=TODAY, first_contact_date=D(2026, 4, 2))
    assert messages(broken) == {
        (
            "first_contact_date",
            "The first contact (2 Apr 2026) cannot be after the initial assessment (10 Mar 2026).",
        )
    }


def test_the_nearest_date_crossed_is_named_and_the_future_refused():
    ep = episode(first_contact_date=D(2026, 3, 4), assessment_date=D(2026, 3, 9))
    (broken,) = facts.check_dates(ep, today=TODAY, discharge_date=D(2026, 3, 1))
    assert "the initial assessment (9 Mar 2026)" in broken.message
    (broken,) = facts.check_dates(ep, today=TODAY, discharge_date=D(2027, 6, 2))
    assert broken.message == "The discharge (2 Jun 2027) cannot be in the future."


def test_the_whole_order_of_a_record():
    broken = facts.date_order(
        {
            "referral_date": D(2026, 3, 2),
            "assessment_date": D(2026, 3, 1),
            "discharge_date": D(2026, 5, 1),
            "followup_collected_on": D(2026, 4, 30),
        }
    )
    assert [b.field for b in broken] == ["assessment_date", "followup_collected_on"]


def test_contacts_fall_within_the_episode():
    ep = episode(discharge_date=D(2026, 6, 30))
    assert facts.check_contact_date(ep, D(2026, 6, 30), today=TODAY) == []
    (before,) = facts.check_contact_date(ep, D(2026, 3, 1), today=TODAY)
    assert before == facts.Broken(
        "contact_date", "The contact (1 Mar 2026) cannot be before the referral (2 Mar 2026)."
    )
    (after,) = facts.check_contact_date(ep, D(2026, 7, 1), today=TODAY)
    assert after.message.startswith(
        "The contact (1 Jul 2026) cannot be after the discharge (30 Jun 2026)"
    )


def test_return_to_work_dates_are_not_before_the_referral_but_may_be_ahead():
    ep = episode()
    assert facts.check_return_to_work_date(ep, D(2030, 1, 1), field="x", what="the return") == []
    (broken,) = facts.check_return_to_work_date(
        ep, D(2026, 2, 1), field="return_date", what="the return to work"
    )
    assert broken == facts.Broken(
        "return_date",
        "The return to work (1 Feb 2026) cannot be before the referral (2 Mar 2026).",
    )


def test_a_discharge_needs_its_outcome_and_an_open_episode():
    ep = episode(assessment_date=D(2026, 3, 9))
    broken = facts.check_discharge(
        ep, on=D(2026, 5, 1), work_status="", engagement="did_not_engage", today=TODAY
    )
    assert {b.field for b in broken} == {"work_status_at_discharge", "engagement"}
    (broken,) = facts.check_discharge(
        ep,
        on=D(2026, 5, 1),
        work_status="at_work",
        last_contact_date=D(2026, 5, 2),
        today=TODAY,
    )
    assert broken.message == (
        "The discharge (1 May 2026) cannot be before the last contact (2 May 2026)."
    )
    closed = episode(discharge_date=D(2026, 5, 1))
    (broken,) = facts.check_discharge(closed, on=D(2026, 5, 2), work_status="at_work")
    assert broken.message == "This episode is already discharged."


def test_a_follow_up_before_the_window_says_when_it_opens():
    ep = episode(discharge_date=D(2026, 12, 6))
    (broken,) = facts.check_followup(ep, on=D(2026, 12, 6), work_status="at_work", today=TODAY)
    assert broken.field == "followup_collected_on"
    assert broken.message.startswith(
        "The follow-up window opens on 5 May 2027, 150 days after discharge (6 Dec 2026)"
    )
    assert "Only a service manager" in broken.message


def test_after_the_window_it_says_when_it_closed():
    ep = episode(discharge_date=D(2026, 6, 1))
    (broken,) = facts.check_followup(ep, on=D(2027, 3, 1), work_status="off_sick", today=TODAY)
    assert broken.message.startswith(
        "The follow-up window closed on 26 Feb 2027, 270 days after discharge (1 Jun 2026)"
    )


def test_a_manager_records_one_outside_the_window_only_with_a_reason():
    ep = episode(discharge_date=D(2026, 12, 6))
    on = D(2027, 1, 6)
    (broken,) = facts.check_followup(
        ep, on=on, work_status="at_work", may_override=True, reason="  ", today=TODAY
    )
    assert broken.field == "followup_outside_window_reason"
    assert broken.message.endswith("To record it all the same, give the reason.")
    assert (
        facts.check_followup(
            ep, on=on, work_status="at_work", may_override=True, reason="Moving abroad", today=TODAY
        )
        == []
    )
    # A reason does not let anyone else through.
    assert facts.check_followup(ep, on=on, work_status="at_work", reason="x", today=TODAY)


@pytest.mark.parametrize("days", [150, 183, 270])
def test_inside_the_window_anyone_records_it(days):
    ep = episode(discharge_date=D(2026, 6, 1))
    on = D(2026, 6, 1) + dt.timedelta(days=days)
    assert facts.check_followup(ep, on=on, work_status="at_work", today=TODAY) == []


def test_never_before_the_discharge_nor_without_one_even_for_a_manager():
    ep = episode(discharge_date=D(2026, 6, 1))
    (broken,) = facts.check_followup(
        ep, on=D(2026, 5, 31), work_status="at_work", may_override=True, reason="x", today=TODAY
    )
    assert broken.message == (
        "The six-month follow-up (31 May 2026) cannot be before the discharge (1 Jun 2026)."
    )
    (broken,) = facts.check_followup(episode(), on=D(2026, 5, 31), work_status="at_work")
    assert broken.message == "Record the discharge before the follow-up."
    broken = facts.check_followup(ep, on=None, work_status="")
    assert {b.field for b in broken} == {"followup_collected_on", "work_status_at_followup"}


def test_require_raises_with_every_field_named():
    with pytest.raises(facts.EpisodeFactsError) as raised:
        facts.require([facts.Broken("a", "one"), facts.Broken("a", "two"), facts.Broken("b", "x")])
    assert raised.value.message_dict == {"a": ["one", "two"], "b": ["x"]}
    facts.require([])


def test_the_day_one_episodes_follow_up_window_closed():
    """The episode page's "window closed on" agrees with the caseload's SQL rule: day 270
    is still open, day 271 has closed, and a recorded follow-up closes nothing."""
    discharged = dt.date(2026, 1, 5)
    closes = discharged + dt.timedelta(days=FOLLOWUP_WINDOW_CLOSES_DAYS)
    episode = SimpleNamespace(discharge_date=discharged, work_status_at_followup="")
    assert facts.followup_window_closed_on(episode, closes) is None
    assert facts.followup_window_closed_on(episode, closes + dt.timedelta(days=1)) == closes
    episode.work_status_at_followup = "01"
    assert facts.followup_window_closed_on(episode, closes + dt.timedelta(days=1)) is None
    assert facts.followup_window_closed_on(SimpleNamespace(discharge_date=None), closes) is None


def test_which_recorded_follow_up_the_report_leaves_out():
    """The episode page's "left out of the evaluation" is the report's window: day 150 to
    day 270 count; a day outside it or not known is left out; nothing recorded, nothing
    left out."""
    discharged = D(2026, 1, 5)

    def left_out(collected_on, status="at_work"):
        return facts.followup_left_out(
            SimpleNamespace(
                discharge_date=discharged,
                work_status_at_followup=status,
                followup_collected_on=collected_on,
            )
        )

    assert not left_out(discharged + dt.timedelta(days=FOLLOWUP_WINDOW_OPENS_DAYS))
    assert not left_out(discharged + dt.timedelta(days=FOLLOWUP_WINDOW_CLOSES_DAYS))
    assert left_out(discharged)
    assert left_out(discharged + dt.timedelta(days=FOLLOWUP_WINDOW_OPENS_DAYS - 1))
    assert left_out(discharged + dt.timedelta(days=FOLLOWUP_WINDOW_CLOSES_DAYS + 1))
    assert left_out(None)
    assert not left_out(discharged, status="")

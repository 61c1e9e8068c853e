"""Writes within an episode, one module per sub-domain. Views, the API, commands and
tasks all change casework records through these functions; each is the one path for its
change, and multi-row writes are atomic.

The episode's own writes (tier, case manager) are in :mod:`vocrehab.episodes.services`;
optimistic concurrency is :mod:`vocrehab.versioning`.
"""

from .assessment import ASSESSMENT_FIELDS, record_assessment, update_assessment
from .contacts import record_contact
from .decisions import decide_sign_off
from .discharge import (
    FOLLOWUP_MONTHS,
    discharge,
    followup_months,
    may_record_followup_outside_window,
    re_refer,
    record_followup,
    reopen,
)
from .documents import add_document
from .employers import (
    add_adjustment,
    add_employer_contact,
    record_employer_meeting,
    save_employer,
    set_adjustment_status,
)
from .errors import REFUSALS, CaseworkError
from .goals import add_goal, review_goal
from .notes import add_note, add_reminder, complete_reminder, correct_note, raise_safety_alert
from .onward import add_onward_referral, directory_picker_available, set_onward_outcome
from .plans import complete_plan_review, record_plan_progress, save_return_plan
from .supervision import (
    DEFAULT_SIGN_OFF_ACTIONS,
    change_tier_or_request,
    needs_sign_off,
    request_sign_off,
    sign_off_actions,
    supervisor_of,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "CaseworkError",
    "REFUSALS",
    "DEFAULT_SIGN_OFF_ACTIONS",
    "FOLLOWUP_MONTHS",
    "add_adjustment",
    "add_document",
    "add_employer_contact",
    "add_goal",
    "add_note",
    "add_onward_referral",
    "add_reminder",
    "change_tier_or_request",
    "may_record_followup_outside_window",
    "complete_plan_review",
    "complete_reminder",
    "raise_safety_alert",
    "correct_note",
    "decide_sign_off",
    "directory_picker_available",
    "discharge",
    "followup_months",
    "needs_sign_off",
    "re_refer",
    "record_assessment",
    "record_contact",
    "record_employer_meeting",
    "record_followup",
    "record_plan_progress",
    "reopen",
    "request_sign_off",
    "review_goal",
    "save_employer",
    "save_return_plan",
    "set_adjustment_status",
    "set_onward_outcome",
    "sign_off_actions",
    "supervisor_of",
    "update_assessment",
]

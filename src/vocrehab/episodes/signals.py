"""What the episode core announces, for apps above it that want to act on it.

The app that records a step sends the signal; an app that has something to do at that
step (measures schedules questionnaires) connects a receiver in its ``AppConfig.ready()``.
Neither knows the other: either works without the other installed.
"""

from django.dispatch import Signal

# The episode's first assessment was recorded. Arguments: episode.
first_assessment_recorded = Signal()

# The episode's first contact with the client was recorded (the date was empty before),
# by whichever path (triage, a casework contact, an assessment, the API). Arguments:
# episode.
first_contact_recorded = Signal()

# The episode was discharged; ``episode.followup_date`` is set when a follow-up is due.
# Arguments: episode.
episode_discharged = Signal()

# A discharged episode was re-opened (discharged in error, or more work needed), by
# whichever path: its discharge and follow-up are cleared from the episode. Arguments:
# episode (as it is now, open), reopening (``services.Reopening``: who, when, why, and
# the discharge and follow-up that were cleared).
episode_reopened = Signal()

# How many months after discharge the service follows its clients up. A receiver returns
# a number of months, or None to leave the default. Arguments: service.
followup_interval_requested = Signal()

# Closing a self-help episode wants the titles of the library material given to the
# client, in the order given. A receiver returns a list of titles. Arguments: episode.
library_material_requested = Signal()

# A worker's task list wants the in-work support reviews of their clients due within the
# week. A receiver returns a list of reviews. Arguments: user, services, today.
in_work_reviews_requested = Signal()

# An episode's page wants what other apps hold about the episode. A receiver returns a
# ``record.RecordPart`` (template variables and timeline entries). Arguments: episode.
episode_record_requested = Signal()

# The caseload wants the flags other apps keep about episodes. A receiver returns a list
# of ``record.CaseloadFlag``. No arguments.
caseload_flags_requested = Signal()

# A questionnaire answer that the case manager must act on the same day was recorded
# (PHQ-9 item 9, thoughts of being better off dead or of self-harm, above 0). Arguments:
# episode, instrument (its name as people read it), item, value, completed_by.
safety_answer_recorded = Signal()

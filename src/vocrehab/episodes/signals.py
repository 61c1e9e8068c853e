"""What the episode core announces, for apps above it that want to act on it.

The app that records a step sends the signal; an app that has something to do at that
step (measures schedules questionnaires) connects a receiver in its ``AppConfig.ready()``.
Neither knows the other: either works without the other installed.
"""

from django.dispatch import Signal

# The episode's first assessment was recorded. Arguments: episode.
first_assessment_recorded = Signal()

# The episode was discharged; ``episode.followup_date`` is set when a follow-up is due.
# Arguments: episode.
episode_discharged = Signal()

# How many months after discharge the service follows its clients up. A receiver returns
# a number of months, or None to leave the default. Arguments: service.
followup_interval_requested = Signal()

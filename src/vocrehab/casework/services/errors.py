"""The errors every casework write raises when a rule is broken."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from vocrehab.episodes.facts import EpisodeFactsError


class CaseworkError(ValidationError):
    """A casework rule was broken; the message says which and how to put it right."""


# What a casework write refuses with: its own rules, and the episode's (dates, outcomes,
# the follow-up window), which are the episode core's. Pages and the API catch both.
REFUSALS = (CaseworkError, EpisodeFactsError)

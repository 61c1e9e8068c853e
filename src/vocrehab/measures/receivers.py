"""Measures' answers to the episode core's signals (connected in ``apps.py``)."""

from __future__ import annotations

from . import services


def schedule_entry(sender, *, episode, **kwargs):
    """Entry questionnaires are due at the first assessment."""
    services.schedule_entry_questionnaires(episode)


def schedule_discharge(sender, *, episode, **kwargs):
    """Discharge questionnaires now; follow-up ones when a follow-up is due."""
    services.schedule_discharge_questionnaires(episode)
    if episode.followup_date:
        services.schedule_followup(episode)


def followup_months(sender, *, service, **kwargs) -> int:
    """The service's follow-up interval, kept with its questionnaire schedule."""
    return services.schedule_for(service).followup_months

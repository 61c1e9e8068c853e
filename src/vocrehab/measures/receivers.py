"""Measures' answers to the episode core's signals (connected in ``apps.py``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from vocrehab.episodes.record import CaseloadFlag, RecordPart, TimelineEntry

from . import services
from .models import Administration, AdministrationStatus
from .scores import refresh_pairs


def schedule_entry(sender, *, episode, **kwargs):
    """Entry questionnaires are due at the first assessment."""
    services.schedule_entry_questionnaires(episode)


def schedule_discharge(sender, *, episode, **kwargs):
    """Discharge questionnaires now; follow-up ones when a follow-up is due."""
    services.schedule_discharge_questionnaires(episode)
    if episode.followup_date:
        services.schedule_followup(episode)


def cancel_on_reopening(sender, *, episode, reopening, **kwargs):
    """A re-opened episode is sent, reminded and counted nothing more for its discharge."""
    services.cancel_on_reopening(episode, on=reopening.on)


def followup_months(sender, *, service, **kwargs) -> int:
    """The service's follow-up interval, kept with its questionnaire schedule."""
    return services.schedule_for(service).followup_months


def episode_questionnaires(sender, *, episode, **kwargs) -> RecordPart:
    """The episode's questionnaires, for its page and its timeline (one query)."""
    administrations = list(
        Administration.objects.filter(episode=episode).order_by("due_date", "date", "pk")
    )
    timeline = [
        TimelineEntry(
            adm.date or adm.due_date or episode.referral_date,
            "measure",
            str(adm),
            adm.status_detail,
            None,
            adm,
            4,
        )
        for adm in administrations
    ]
    return RecordPart(context={"administrations": administrations}, timeline=timeline)


def _questionnaire_overdue(today):
    return Exists(Administration.objects.overdue(today).filter(episode=OuterRef("pk")))


def caseload_flags(sender, **kwargs) -> list[CaseloadFlag]:
    """A questionnaire past due that can still be collected."""
    return [
        CaseloadFlag("questionnaire_overdue", _("Questionnaire overdue"), _questionnaire_overdue)
    ]


def refresh_pairs_on_save(sender, instance, **kwargs):
    """A completed questionnaire saved (its date or timepoint corrected, say): the
    report's pair of its episode and instrument follows."""
    if instance.status == AdministrationStatus.COMPLETED:
        refresh_pairs([instance.episode_id])


def refresh_pairs_on_delete(sender, instance, **kwargs):
    refresh_pairs([instance.episode_id])

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from vocrehab.episodes import signals


class MeasuresConfig(AppConfig):
    name = "vocrehab.measures"
    verbose_name = _("Outcome measures")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from . import receivers
        from .models import (
            Administration,
            ItemValue,
            ItemWording,
            MeasureSchedule,
            QuestionnaireLink,
        )

        auditlog.register(Administration)
        auditlog.register(ItemValue)
        # The link's nonce is what a token is signed over: keep it out of the history.
        auditlog.register(QuestionnaireLink, exclude_fields=["nonce", "code_digest"])
        auditlog.register(ItemWording)
        auditlog.register(MeasureSchedule)

        # Questionnaires go with the steps of an episode that the core announces.
        signals.first_assessment_recorded.connect(receivers.schedule_entry, dispatch_uid="measures")
        signals.episode_discharged.connect(receivers.schedule_discharge, dispatch_uid="measures")
        signals.episode_reopened.connect(receivers.cancel_on_reopening, dispatch_uid="measures")
        signals.followup_interval_requested.connect(
            receivers.followup_months, dispatch_uid="measures"
        )
        # The episode's page and the caseload show questionnaires without casework
        # importing measures.
        signals.episode_record_requested.connect(
            receivers.episode_questionnaires, dispatch_uid="measures"
        )
        signals.caseload_flags_requested.connect(receivers.caseload_flags, dispatch_uid="measures")
        # The report's entry/discharge pairs follow the questionnaires, whoever saves them.
        post_save.connect(
            receivers.refresh_pairs_on_save, sender=Administration, dispatch_uid="pairs"
        )
        post_delete.connect(
            receivers.refresh_pairs_on_delete, sender=Administration, dispatch_uid="pairs"
        )

        register(
            _("Questionnaires"),
            "measures:overview",
            Perm.VIEW_PERSON,
            order=40,
            description=_("Letters to print, invitations not sent, questionnaires overdue."),
        )
        register(
            _("Questionnaire schedule"),
            "measures:schedule",
            Perm.MANAGE_SERVICE,
            order=85,
            description=_("Which questionnaires go out at entry, discharge and follow-up."),
        )

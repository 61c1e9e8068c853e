from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "vocrehab.measures"
    verbose_name = _("Outcome measures")

    def ready(self):
        from auditlog.registry import auditlog

        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

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

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from vocrehab.clients import signals as client_signals
from vocrehab.episodes import signals


class CaseworkConfig(AppConfig):
    name = "vocrehab.casework"
    verbose_name = _("Casework")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from . import contact_counts, models, receivers

        for model in (
            models.Contact,
            models.ContactIntervention,
            models.OnwardReferral,
            models.Assessment,
            models.KeyIssue,
            models.Goal,
            models.GoalReview,
            models.Employer,
            models.EmployerContact,
            models.EmployerMeeting,
            models.ReasonableAdjustment,
            models.ReturnPlan,
            models.PlanPhase,
            models.PlanReview,
            models.PlanProgress,
            models.CaseNote,
            models.Reminder,
            models.SignOff,
            models.EpisodeDocument,
            models.Letter,
            models.LetterTemplate,
        ):
            auditlog.register(model)

        # The report's per-episode contact counts follow every saved or deleted contact.
        for model, receiver in (
            (models.Contact, contact_counts.refresh_on_contact_change),
            (models.ContactIntervention, contact_counts.refresh_on_intervention_change),
        ):
            post_save.connect(receiver, sender=model, dispatch_uid="contact-counts")
            post_delete.connect(receiver, sender=model, dispatch_uid="contact-counts")

        # A questionnaire answer that needs contact today becomes a same-day task.
        signals.safety_answer_recorded.connect(receivers.safety_alert, dispatch_uid="casework")
        # Letters to the referrer and the GP, whichever path recorded the event.
        signals.first_contact_recorded.connect(
            receivers.first_contact_letters, dispatch_uid="casework-letters"
        )
        signals.episode_discharged.connect(
            receivers.discharge_letters, dispatch_uid="casework-letters"
        )
        # Re-opened: the former discharge in a case note, its unsent summary withheld.
        signals.episode_reopened.connect(receivers.reopened, dispatch_uid="casework")
        # A letter withheld for want of consent or an address, once they are recorded.
        client_signals.client_details_changed.connect(
            receivers.withheld_letters_again, dispatch_uid="casework-letters"
        )

        register(
            _("Caseload"),
            "casework:caseload",
            Perm.VIEW_CASELOAD,
            order=20,
            description=_("Your open episodes, with what is due and what needs attention."),
        )
        register(
            _("Letters to print"),
            "casework:letters_to_print",
            Perm.SEND_LETTERS,
            order=22,
            description=_("Letters to referrers and GPs with no email: print, post, mark."),
        )
        register(
            _("Letters to referrers and GPs"),
            "casework:letter_templates",
            Perm.MANAGE_SERVICE,
            order=86,
            description=_("What the first-contact and discharge letters say."),
        )
        register(
            _("My tasks"),
            "casework:tasks",
            Perm.VIEW_CASELOAD,
            order=21,
            description=_("Follow-ups, plan reviews, standards at risk and sign-offs."),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab.clients.signals import client_reference_searched


class ReferralsConfig(AppConfig):
    name = "vocrehab.referrals"
    verbose_name = _("Referrals and triage")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from . import models, receivers

        for model in (models.Referral, models.ClockPause, models.ServiceLevel, models.Allocation):
            auditlog.register(model)
        client_reference_searched.connect(
            receivers.clients_with_referral_reference, dispatch_uid="referrals"
        )
        register(
            _("Triage"),
            "referrals:queue",
            Perm.TRIAGE,
            order=10,
            description=_(
                "New referrals, their age against the service standards, and allocation."
            ),
        )
        register(
            _("Phone referral"),
            "referrals:phone",
            Perm.TRIAGE,
            order=12,
            description=_("Enter a referral taken by phone."),
        )
        register(
            _("Service levels"),
            "referrals:levels",
            Perm.MANAGE_SERVICE,
            order=80,
            description=_("Name and describe your service's own levels of support."),
        )

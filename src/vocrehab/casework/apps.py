from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "vocrehab.casework"
    verbose_name = _("Casework")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Episode,
            models.TierChange,
            models.Contact,
            models.ContactIntervention,
            models.OnwardReferral,
        ):
            auditlog.register(model)

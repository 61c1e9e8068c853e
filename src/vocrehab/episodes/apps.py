from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "vocrehab.episodes"
    verbose_name = _("Episodes")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Episode, models.TierChange):
            auditlog.register(model)

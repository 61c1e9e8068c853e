from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "vocrehab.episodes"
    verbose_name = _("Episodes")

    def ready(self):
        from auditlog.registry import auditlog

        from vocrehab.clients.signals import client_reference_searched

        from . import models, receivers

        for model in (models.Episode, models.TierChange):
            auditlog.register(model)
        client_reference_searched.connect(
            receivers.clients_with_episode_reference, dispatch_uid="episodes"
        )

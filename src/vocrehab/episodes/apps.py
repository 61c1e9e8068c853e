from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab.clients.signals import client_reference_searched


class EpisodesConfig(AppConfig):
    name = "vocrehab.episodes"
    verbose_name = _("Episodes")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from . import models, receivers

        for model in (models.Episode, models.TierChange):
            auditlog.register(model)
        client_reference_searched.connect(
            receivers.clients_with_episode_reference, dispatch_uid="episodes"
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "vocrehab.clients"
    verbose_name = _("Clients")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Client

        auditlog.register(Client)

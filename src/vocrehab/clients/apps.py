from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "vocrehab.clients"
    verbose_name = _("Clients")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from .models import Client

        auditlog.register(Client)
        register(
            _("Find a client"),
            "clients:search",
            Perm.VIEW_CONTACTS,
            order=20,
            description=_("Search by name, NHS or CHI number, date of birth or reference."),
        )

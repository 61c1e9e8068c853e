from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vocrehab.accounts"
    verbose_name = _("Organisations, services and staff")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from .models import ApiToken

        # Making and revoking a token is in the change history (never its digest).
        auditlog.register(ApiToken, exclude_fields=["digest"], m2m_fields={"services"})

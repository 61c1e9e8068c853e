from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vocrehab.audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Connects the access log's receivers, which need the models: so only once the
        # app registry is ready.
        from . import signals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vocrehab.api"
    verbose_name = _("API")

    def ready(self):
        # Registers the Bearer token with the OpenAPI generator (a drf-spectacular extension).
        from . import schema  # noqa: F401

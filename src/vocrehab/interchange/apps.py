from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "vocrehab.interchange"
    verbose_name = _("Data interchange")
    default_auto_field = "django.db.models.BigAutoField"

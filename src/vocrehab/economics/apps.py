from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomicsConfig(AppConfig):
    name = "vocrehab.economics"
    verbose_name = _("Cost-benefit analysis")

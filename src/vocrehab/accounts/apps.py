from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vocrehab.accounts"
    verbose_name = _("Organisations, services and staff")

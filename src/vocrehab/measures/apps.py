from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "vocrehab.measures"
    verbose_name = _("Outcome measures")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Administration, ItemValue

        auditlog.register(Administration)
        auditlog.register(ItemValue)

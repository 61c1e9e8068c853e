from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirConfig(AppConfig):
    name = "vocrehab.fhir"
    verbose_name = _("FHIR interface")

    def ready(self):
        from vocrehab import scheduling

        from .tasks import enqueue_daily_cleanup

        scheduling.daily.connect(enqueue_daily_cleanup, dispatch_uid="fhir-export-cleanup")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab import scheduling


class FhirConfig(AppConfig):
    name = "vocrehab.fhir"
    verbose_name = _("FHIR interface")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from .tasks import enqueue_daily_cleanup

        scheduling.daily.connect(enqueue_daily_cleanup, dispatch_uid="fhir-export-cleanup")

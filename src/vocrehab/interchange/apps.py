from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vocrehab import scheduling


class InterchangeConfig(AppConfig):
    name = "vocrehab.interchange"
    verbose_name = _("Data interchange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from vocrehab.accounts import navigation
        from vocrehab.accounts.access import Perm

        from .tasks import enqueue_daily_submissions

        scheduling.daily.connect(enqueue_daily_submissions, dispatch_uid="interchange-submissions")

        navigation.register(
            _("Import data"),
            "interchange:import",
            Perm.IMPORT_DATA,
            order=80,
            description=_("Bring a service's history in from a VRMDS spreadsheet or .zip."),
        )
        navigation.register(
            _("Export data"),
            "interchange:export",
            Perm.EXPORT_DATA,
            order=81,
            description=_("Download services' records as a VRMDS dataset."),
        )
        navigation.register(
            _("Submissions to hubs"),
            "interchange:submissions",
            Perm.EXPORT_DATA,
            order=83,
            description=_("What this service sent to commissioners' hubs, and how it went."),
        )
        if getattr(settings, "VOCREHAB_HUB", False):
            navigation.register(
                _("Submissions received"),
                "interchange:hub_submissions",
                Perm.VIEW_REPORTS,
                order=82,
                description=_("Which services sent this hub their data, and what is late."),
            )

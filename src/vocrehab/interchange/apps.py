from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "vocrehab.interchange"
    verbose_name = _("Data interchange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from vocrehab.accounts import navigation
        from vocrehab.accounts.access import Perm

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
        if getattr(settings, "VOCREHAB_HUB", False):
            navigation.register(
                _("Submissions received"),
                "interchange:hub_submissions",
                Perm.VIEW_REPORTS,
                order=82,
                description=_("Which services sent this hub their data, and what is late."),
            )

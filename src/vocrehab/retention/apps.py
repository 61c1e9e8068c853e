from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab import scheduling


class RetentionConfig(AppConfig):
    name = "vocrehab.retention"
    verbose_name = _("Retention and disposal")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from .tasks import enqueue_nightly_check

        scheduling.daily.connect(enqueue_nightly_check, dispatch_uid="retention-nightly-check")
        register(
            _("Retention"),
            "retention:due",
            Perm.DISPOSE_RECORDS,
            order=95,
            description=_("Records past their retention period, to confirm for disposal."),
        )

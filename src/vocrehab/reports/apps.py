from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab import scheduling


class ReportsConfig(AppConfig):
    name = "vocrehab.reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

        from .tasks import enqueue_scheduled_reports

        scheduling.daily.connect(enqueue_scheduled_reports, dispatch_uid="reports-scheduled")

        register(
            _("Dashboard"),
            "reports:dashboard",
            Perm.VIEW_DASHBOARD,
            order=20,
            description=_("Referrals, caseloads, service standards and outcomes at a glance."),
        )
        register(
            _("Reports"),
            "reports:evaluation",
            Perm.VIEW_REPORTS,
            order=60,
            description=_("The standard evaluation tables, charts and downloads."),
        )
        register(
            _("Benchmarking"),
            "reports:benchmark",
            Perm.VIEW_REPORTS,
            order=61,
            description=_("The evaluation tables for several services side by side."),
        )
        register(
            _("Scheduled reports"),
            "reports:scheduled",
            Perm.VIEW_REPORTS,
            order=62,
            description=_("The evaluation report made for you every month or quarter."),
        )

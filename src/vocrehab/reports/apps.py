from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vocrehab.reports"
    verbose_name = _("Reports")

    def ready(self):
        from vocrehab.accounts.access import Perm
        from vocrehab.accounts.navigation import register

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

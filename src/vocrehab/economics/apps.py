from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomicsConfig(AppConfig):
    name = "vocrehab.economics"
    verbose_name = _("Cost-benefit analysis")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts import navigation
        from vocrehab.accounts.access import Perm

        from .models import CostPreset, ServiceCostYear, ServiceStaffCost

        auditlog.register(CostPreset)
        auditlog.register(ServiceCostYear)
        auditlog.register(ServiceStaffCost)
        navigation.register(
            _("Cost-benefit analysis"),
            "economics:analysis",
            Perm.RUN_ECONOMICS,
            order=70,
            description=_("Benefits to DWP, HM Treasury, the NHS and employers against costs."),
        )
        navigation.register(
            _("Service costs"),
            "economics:cost_list",
            Perm.MANAGE_SERVICE,
            order=86,
            description=_("Staff and other costs by year, for the cost-benefit analysis."),
        )

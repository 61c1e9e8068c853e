from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vocrehab.episodes import signals


class DirectoryConfig(AppConfig):
    name = "vocrehab.directory"
    verbose_name = _("Services directory")

    def ready(self):
        # Imported here: models, and the modules that import them, load only once the
        # app registry is ready.
        from auditlog.registry import auditlog

        from vocrehab.accounts import navigation
        from vocrehab.accounts.access import Perm

        from . import models, receivers

        signals.library_material_requested.connect(
            receivers.library_material_titles, dispatch_uid="directory"
        )
        signals.in_work_reviews_requested.connect(
            receivers.in_work_reviews_due, dispatch_uid="directory"
        )
        for model in (
            models.DirectoryService,
            models.DirectoryCategory,
            models.DirectoryCondition,
            models.DirectoryCoverage,
            models.SelfHelpMaterial,
            models.MaterialGiven,
            models.Programme,
            models.Cohort,
            models.PreCourseAssessment,
            models.Enrolment,
            models.Attendance,
            models.InWorkSchedule,
            models.InWorkSupport,
            models.InWorkReview,
            models.AwarenessSession,
        ):
            auditlog.register(model)

        navigation.register(
            _("Services directory"),
            "directory:index",
            Perm.VIEW_DIRECTORY,
            order=60,
            description=_("Local services to refer or signpost clients to, by area and need."),
        )
        navigation.register(
            _("Self-help library"),
            "directory:library",
            Perm.VIEW_DIRECTORY,
            order=61,
            description=_("Leaflets, links and documents to give clients, carers and employers."),
        )
        navigation.register(
            _("Courses"),
            "directory:programmes",
            Perm.VIEW_DIRECTORY,
            order=62,
            description=_("Condition management courses, cohorts, enrolment and attendance."),
        )
        navigation.register(
            _("In-work reviews"),
            "directory:in_work_due",
            Perm.VIEW_CASELOAD,
            order=63,
            description=_("Reviews due after clients' return to work."),
        )
        navigation.register(
            _("Awareness sessions"),
            "directory:awareness",
            Perm.VIEW_CASELOAD,
            order=64,
            description=_("Sessions given to health professionals, counted in the report."),
        )
        navigation.register(
            _("Service mapping"),
            "directory:mapping",
            Perm.VIEW_SERVICE_MAPPING,
            order=70,
            description=_("Which needs are covered where, the gaps, and use of each service."),
        )

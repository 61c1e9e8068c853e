from django.apps import AppConfig


class VocrehabConfig(AppConfig):
    """The project package itself: shared templates, static files and template tags."""

    name = "vocrehab"
    verbose_name = "vocrehab"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks

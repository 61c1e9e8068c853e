from django.apps import AppConfig


class VocrehabConfig(AppConfig):
    """The project package itself: shared templates, static files, template tags and the
    deployment checks of our own."""

    name = "vocrehab"
    verbose_name = "vocrehab"

    def ready(self):
        from . import checks  # noqa: F401 - registers the checks

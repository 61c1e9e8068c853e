"""Settings for the test suite: the real settings with test-only speed-ups."""

import os

os.environ.setdefault("VOCREHAB_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("VOCREHAB_PSEUDONYMISATION_KEY", "test-pseudonymisation-key")

from vocrehab.settings import *  # noqa: E402,F403

# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the apps' folders through the finders, as in development; a test
# run collects nothing, so WhiteNoise is given no collected folder to look for.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

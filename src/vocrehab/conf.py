"""Reading an app's optional settings: Django settings first, then the environment.

A deployment can then set each one either way without editing settings.py.
"""

from __future__ import annotations

import os

from django.conf import settings


def setting(name: str, default):
    """The value of ``name`` from Django settings, else the environment, else ``default``."""
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def text_setting(name: str, default: str = "") -> str:
    """A text setting from Django settings or the environment; empty counts as unset."""
    return str(getattr(settings, name, "") or os.environ.get(name, "") or default)


def notify_api_key() -> str:
    """The GOV.UK Notify API key (``VOCREHAB_NOTIFY_API_KEY``), or "" when Notify is not used."""
    return str(getattr(settings, "NOTIFY_API_KEY", "") or text_setting("VOCREHAB_NOTIFY_API_KEY"))

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

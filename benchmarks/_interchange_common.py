"""Shared set-up for the interchange benchmarks (a plain helper, not a benchmark)."""

import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def setup_django() -> None:
    """The interchange code needs Django's translation machinery, not a database or a
    secret key: configure the minimum unless real settings were asked for."""
    import django
    from django.conf import settings

    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        django.setup()
    elif not settings.configured:
        settings.configure(USE_I18N=False)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_size_mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.iterdir()) / 2**20

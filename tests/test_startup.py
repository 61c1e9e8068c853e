"""Start-up stays light: heavy libraries load when first used, never at set-up (issue 21).

A command or a web worker that never draws a chart, runs a statistic or writes a PDF
must not pay for loading SciPy, Matplotlib or WeasyPrint. These tests run a fresh
Python (this test process has long since imported everything) that does what a web
worker does when it boots and what ``vocrehab --help`` does, then lists which heavy
libraries it loaded.
"""

import json
import os
import subprocess
import sys

from benchmarks.bench_startup import WORKER as WORKER_BOOT

# Libraries that take tens or hundreds of milliseconds to load and that only some pages
# and commands use. Django, the REST framework and the database driver are not here:
# every web worker needs them.
HEAVY = (
    "scipy",
    "numpy",
    "matplotlib",
    "PIL",
    "fontTools",
    "weasyprint",
    "pandas",
    "openpyxl",
    "fhir.resources",
    "fhir_core",
    "pydantic",
    "reportlab",
    "holidays",
    "faker",
)

# What a web worker does on boot and on its first request, then what `vocrehab --help`
# does (it loads every command's class to list its summary).
BOOT = (
    WORKER_BOOT
    + """
import json
import sys

from vocrehab import cli

help_text = cli.main_help()
heavy = json.loads(sys.argv[1])
print(json.dumps({
    "status": statuses[0],
    "help": "Usage: vocrehab" in help_text,
    "loaded": [name for name in heavy if name in sys.modules],
}))
"""
)


def run_fresh(code, *args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCREHAB_", "DJANGO_"))}
    env.update(
        {
            "VOCREHAB_DEBUG": "1",
            "VOCREHAB_SECRET_KEY": "startup-test-key-" + "x" * 40,
            "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            # As on a new machine: no Matplotlib font cache yet.
            "MPLCONFIGDIR": str(tmp_path / "matplotlib"),
        }
    )
    env.pop("MPLBACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_web_worker_and_help_load_no_heavy_library(tmp_path):
    result = run_fresh(BOOT, json.dumps(HEAVY), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"].startswith("200"), report
    assert report["help"]
    assert report["loaded"] == [], (
        f"loaded at start-up: {', '.join(report['loaded'])}; import it inside the "
        "function that uses it (see docs/performance.md, start-up)"
    )
    assert result.stderr == "", "nothing on stderr at start-up, even on a new machine"


def test_the_check_would_see_a_heavy_library_loaded_at_start_up(tmp_path):
    """The subprocess really reports what a boot loads (so an empty list means something)."""
    code = BOOT.replace("from vocrehab import cli", "import scipy.stats\nfrom vocrehab import cli")
    result = run_fresh(code, json.dumps(HEAVY), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "scipy" in json.loads(result.stdout.strip().splitlines()[-1])["loaded"]


DRAW = """
import django

django.setup()
from vocrehab.reports import charts

svg = charts.chart_svg(
    "conditions", {"cells": [{"condition": "cancer", "condition_detail": "", "count": 7}]}
)
import matplotlib

assert "<svg" in svg, svg[:200]
assert matplotlib.get_backend().lower() == "agg", matplotlib.get_backend()
print("drawn")
"""


def test_a_chart_loads_matplotlib_when_first_drawn_and_draws_without_a_display(tmp_path):
    result = run_fresh(DRAW, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "drawn"


def test_the_deployment_check_names_a_library_that_cannot_be_loaded(monkeypatch):
    """Libraries load on first use, so a broken one is caught by `check --deploy` instead."""
    from vocrehab import checks

    monkeypatch.setattr(
        checks, "LOADED_ON_FIRST_USE", ("holidays", "vocrehab_no_such_library_for_tests")
    )
    errors = checks.libraries_load()
    assert [e.id for e in errors] == ["vocrehab.E004"]
    assert "vocrehab_no_such_library_for_tests cannot be loaded" in errors[0].msg


def test_the_deployment_check_passes_when_every_library_loads():
    from vocrehab import checks

    assert checks.libraries_load() == []


def test_the_deployment_check_loads_every_heavy_library_the_project_uses():
    """Each library kept out of start-up, and used, is one the deployment check loads."""
    from pathlib import Path

    from vocrehab import checks

    checked = {name.split(".")[0] for name in checks.LOADED_ON_FIRST_USE}
    source = "\n".join(path.read_text() for path in Path(checks.__file__).parent.rglob("*.py"))
    used = {
        name.split(".")[0]
        for name in HEAVY
        if f"import {name}" in source or f"from {name} " in source or f"from {name}." in source
    }
    assert used - {"PIL", "fontTools"} <= checked, used - checked

"""Without Chromium the browser tests are left out with one line saying how to add it;
where the browser is required (CI), its absence fails the run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TEST = "tests/browser/test_navigation.py"


def run_pytest(**env):
    environment = {k: v for k, v in os.environ.items() if k != "VOCREHAB_REQUIRE_BROWSER"}
    environment.update(env, VOCREHAB_CHROMIUM="/nonexistent/chromium")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", BROWSER_TEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_chromium_browser_tests_are_left_out_with_one_line():
    result = run_pytest()
    lines = [line for line in result.stdout.splitlines() if "Chromium is not installed" in line]
    assert len(lines) == 1, result.stdout
    assert "Browser tests not run (" in lines[0]
    assert "apt-get install chromium" in lines[0]
    assert "deselected" in result.stdout
    assert "passed" not in result.stdout


def test_where_the_browser_is_required_its_absence_fails_the_run():
    result = run_pytest(VOCREHAB_REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "Browser tests are required but /nonexistent/chromium is missing" in result.stderr

"""`vocrehab worker` with the database down: one clear line and a non-zero exit."""

import os
import subprocess
import sys

import pytest


def run_worker(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCREHAB_", "DJANGO_"))}
    env.update(
        {
            "VOCREHAB_DEBUG": "1",
            "VOCREHAB_SECRET_KEY": "worker-test-key-" + "x" * 40,
            "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
            "DATABASE_URL": database_url,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "vocrehab.cli", "worker", "--sweep-minutes", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://vocrehab@127.0.0.1:1/vocrehab",  # nothing listens on port 1
        "sqlite:////nonexistent-folder/vocrehab.sqlite3",
    ],
)
def test_worker_without_a_database_says_so_in_one_line(database_url):
    result = run_worker(database_url)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot reach the database" in lines[0]

"""The ``vocrehab dataset validate`` and ``vocrehab synth`` commands."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .helpers import EXAMPLE, read_example, write_dataset

REPO = Path(__file__).resolve().parents[2]


def _run(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_validate_example_exits_0():
    assert _run("dataset", "validate", str(EXAMPLE)) == (0, ["No errors."])


def test_validate_prints_every_error_then_the_count_and_exits_1(tmp_path):
    files = read_example()
    files["contacts.csv"][0]["mode"] = "skype"
    files["contacts.csv"][1]["minutes"] = "-3"
    status, lines = _run("dataset", "validate", str(write_dataset(tmp_path, files)))
    assert status == 1
    assert lines[0].startswith('contacts.csv:2:mode: "skype" is not a mode code')
    assert lines[1] == "contacts.csv:3:minutes: -3 is below the lowest allowed, 0"
    assert lines[2] == "2 error(s)."


def test_max_errors_caps_the_lines_not_the_count(tmp_path):
    files = read_example()
    for row in files["contacts.csv"]:
        row["mode"] = "skype"
    status, lines = _run(
        "dataset", "validate", str(write_dataset(tmp_path, files)), "--max-errors", "2"
    )
    assert status == 1
    assert len(lines) == 3
    assert lines[-1] == "5 errors (the first 2 shown)."


def test_max_errors_must_be_positive():
    with pytest.raises(CommandError):
        call_command("dataset", "validate", str(EXAMPLE), "--max-errors", "0")


def test_synth_writes_a_valid_dataset(tmp_path):
    out = io.StringIO()
    call_command(
        "synth", "--episodes", "120", "--out", str(tmp_path / "s"), "--seed", "4",
        "--services", "2", stdout=out,
    )  # fmt: skip
    assert "episodes.csv: 120 rows" in out.getvalue()
    assert _run("dataset", "validate", str(tmp_path / "s")) == (0, ["No errors."])


def test_synth_rejects_nonsense(tmp_path):
    with pytest.raises(CommandError):
        call_command("synth", "--episodes", "10", "--out", str(tmp_path), "--services", "0")


def test_console_script_end_to_end(tmp_path):
    script = Path(sys.executable).with_name("vocrehab")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO))
    made = subprocess.run(
        [str(script), "synth", "--episodes", "50", "--out", str(tmp_path / "d.zip")],
        capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    ok = subprocess.run(
        [str(script), "dataset", "validate", str(tmp_path / "d.zip")],
        capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert (ok.returncode, ok.stdout) == (0, "No errors.\n"), ok.stderr
    (tmp_path / "bad").mkdir()
    bad = subprocess.run(
        [str(script), "dataset", "validate", str(tmp_path / "bad")],
        capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 1
    assert bad.stdout == "episodes.csv: this required file is missing\n1 error(s).\n"

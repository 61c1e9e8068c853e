"""The `vocrehab` command explains itself, even in a shell with nothing configured."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from vocrehab import cli

VOCREHAB = str(Path(sys.executable).with_name("vocrehab"))


def run_bare(*args, tmp_path):
    """Run `vocrehab` with no environment but PATH and a scratch HOME."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [VOCREHAB, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("args", [(), ("--help",)])
def test_help_in_a_bare_shell_lists_product_commands_first_by_group(args, tmp_path):
    result = run_bare(*args, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    headings = [out.index(title + ":") for title in cli.COMMAND_GROUPS.values()]
    assert headings == sorted(headings), "groups are listed in their declared order"
    assert "VOCREHAB_SECRET_KEY" not in out + result.stderr
    for name, summary in [
        ("dataset", "Work with VRMDS datasets"),
        ("report", "Produce a standard report"),
        ("cba", "Run the cost-benefit analysis"),
        ("directory", "Import, export or list for review"),
        ("worker", "Run the background worker"),
    ]:
        line = next(line for line in out.splitlines() if line.split()[:1] == [name])
        assert summary in line
    # Django's own commands stay available, listed after the product's.
    assert out.index("Service operations:") < out.index("migrate") < out.index("collectstatic")


def test_help_for_one_command_works_in_a_bare_shell(tmp_path):
    result = run_bare("help", "report", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "usage: vocrehab report" in result.stdout


def test_a_command_that_needs_configuration_says_what_to_set(tmp_path):
    result = run_bare("migrate", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "Set VOCREHAB_SECRET_KEY" in result.stderr
    assert ".env.example" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_product_command_names_a_known_group():
    for name, app in get_commands().items():
        if app.startswith("vocrehab"):
            command = load_command_class(app, name)
            assert getattr(command, "group", None) in cli.COMMAND_GROUPS, name
            assert command.help, f"{name} has no one-line description"

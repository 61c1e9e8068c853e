"""The ``vocrehab`` console script: Django's manage.py for an installed package.

``vocrehab`` alone, ``vocrehab --help`` and ``vocrehab help`` list the product's own
commands first, by group, then Django's and the libraries' commands. Help works in a
bare shell: it needs no configuration, because nothing it does signs or stores anything.
"""

import os
import secrets
import sys

import django
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line, get_commands, load_command_class

# The order groups are listed in; each product command names its group (``group = …``).
COMMAND_GROUPS = {
    "data": "Data: import, export and synthetic datasets",
    "reports": "Reports",
    "economics": "Economics",
    "directory": "Directory",
    "operations": "Service operations",
}

HELP_FLAGS = frozenset({"-h", "--help"})


def _is_help_request(args: list[str]) -> bool:
    return not args or args[0] == "help" or any(arg in HELP_FLAGS for arg in args)


def _product_commands() -> dict[str, list[tuple[str, str]]]:
    """Product commands by group: (name, first sentence of its help), sorted by name."""
    groups: dict[str, list[tuple[str, str]]] = {key: [] for key in COMMAND_GROUPS}
    for name, app in sorted(get_commands().items()):
        if not app.startswith("vocrehab"):
            continue
        command = load_command_class(app, name)
        summary = " ".join((command.help or "").split()).split(". ")[0].rstrip(".")
        groups[getattr(command, "group", "operations")].append((name, summary))
    return groups


def _other_commands() -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for name, app in sorted(get_commands().items()):
        if not app.startswith("vocrehab"):
            label = "django" if app == "django.core" else app.rpartition(".")[2]
            by_app.setdefault(label, []).append(name)
    return by_app


def main_help() -> str:
    """The overview printed by ``vocrehab``, ``vocrehab --help`` and ``vocrehab help``."""
    # Django is set up here only for the overview; a command sets it up through manage.
    django.setup()
    lines = [
        "Usage: vocrehab <command> [options]",
        "       vocrehab help <command>   (or vocrehab <command> --help) for one command",
        "",
    ]
    for key, commands in _product_commands().items():
        if not commands:
            continue
        lines.append(COMMAND_GROUPS[key] + ":")
        width = max(len(name) for name, _ in commands)
        lines.extend(f"  {name.ljust(width)}  {summary}" for name, summary in commands)
        lines.append("")
    lines.append("Django's and its libraries' commands (migrate, createsuperuser, check, …):")
    for app, names in sorted(_other_commands().items()):
        lines.append(f"  [{app}] " + ", ".join(names))
    return "\n".join(lines) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    args = sys.argv[1:]
    if args[:1] == ["demo"]:
        # The demo runs in debug and demo mode unless the environment says otherwise; a
        # production environment (VOCREHAB_DEBUG=0) makes the settings refuse it.
        os.environ.setdefault("VOCREHAB_DEBUG", "1")
        os.environ.setdefault("VOCREHAB_DEMO", "1")
    if _is_help_request(args):
        # Help signs nothing, so a throwaway key lets it run where none is configured.
        os.environ.setdefault("VOCREHAB_SECRET_KEY", secrets.token_urlsafe(50))
        if len(args) <= 1 and args[:1] in ([], ["help"], ["-h"], ["--help"]):
            sys.stdout.write(main_help())
            return
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as problem:
        sys.stderr.write(
            f"vocrehab: {problem}\n"
            "Configuration comes from environment variables: .env.example lists them and "
            "docs/administration.md explains them. To try vocrehab locally, run `make demo`.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()

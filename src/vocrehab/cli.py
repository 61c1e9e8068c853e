"""The ``vocrehab`` console script: Django's manage.py for an installed package."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocrehab.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo runs in debug and demo mode unless the environment says otherwise; a
        # production environment (VOCREHAB_DEBUG=0) makes the settings refuse it.
        os.environ.setdefault("VOCREHAB_DEBUG", "1")
        os.environ.setdefault("VOCREHAB_DEMO", "1")
    # Django is imported once the environment above is set.
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

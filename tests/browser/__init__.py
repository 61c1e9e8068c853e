"""Browser tests: which Chromium drives them."""

import os
import shutil

# Debian's Chromium by default; VOCREHAB_CHROMIUM names another (Ubuntu's snap, say).
CHROMIUM = os.environ.get("VOCREHAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def chromium_installed() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)

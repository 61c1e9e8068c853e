"""Vendored front-end files are present, licensed, and need no network or Node."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]
NHSUK = ROOT / "src/vocrehab/static/vendor/nhsuk-frontend"
HTMX = ROOT / "src/vocrehab/static/vendor/htmx"
AXE = ROOT / "tests/browser/vendor"


@pytest.mark.parametrize(
    "path",
    [
        "vendor/nhsuk-frontend/nhsuk-frontend.min.css",
        "vendor/nhsuk-frontend/nhsuk-frontend.min.js",
        "vendor/nhsuk-frontend/assets/images/favicon.ico",
        "vendor/nhsuk-frontend/assets/images/favicon.svg",
        "vendor/nhsuk-frontend/assets/images/nhsuk-icon-180.png",
        "vendor/htmx/htmx.min.js",
        "vocrehab/app.css",
        "vocrehab/app.js",
        "vocrehab/js-enabled.js",
    ],
)
def test_static_file_is_found_by_staticfiles(path):
    assert finders.find(path), f"{path} is not served"


def test_vendored_licences_are_present():
    assert "MIT License" in (NHSUK / "LICENSE").read_text()
    assert "Zero-Clause BSD" in (HTMX / "LICENSE").read_text()
    assert "Mozilla Public License" in (AXE / "LICENSE-axe-core").read_text()


def test_the_files_are_the_versions_written_down():
    # The versions live in requirements/vendored.json (tests/ui/test_vendored_lock.py).
    versions = {
        name: package["version"]
        for name, package in json.loads((ROOT / "requirements/vendored.json").read_text())[
            "packages"
        ].items()
    }
    assert (
        f'version="{versions["nhsuk-frontend"]}"' in (NHSUK / "nhsuk-frontend.min.js").read_text()
    )
    assert f'"{versions["htmx.org"]}"' in (HTMX / "htmx.min.js").read_text()
    assert f"axe v{versions['axe-core']}" in (AXE / "axe.min.js").read_text()[:200]


def test_css_needs_no_other_host_and_its_images_exist():
    css = (NHSUK / "nhsuk-frontend.min.css").read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert urls, "expected icon references in the NHS.UK CSS"
    for url in urls:
        url = url.strip("'\"")
        if url.startswith("data:"):
            continue
        assert not re.match(r"^(https?:)?//|^/", url), f"{url} would leave our static files"
        assert (NHSUK / url).is_file(), f"{url} is missing"


@pytest.mark.parametrize(
    "path",
    [
        NHSUK / "nhsuk-frontend.min.css",
        NHSUK / "nhsuk-frontend.min.js",
        HTMX / "htmx.min.js",
    ],
)
def test_no_source_map_references(path):
    # Manifest storage fails collectstatic on a referenced map that is not shipped.
    assert "sourceMappingURL" not in path.read_text()


def test_own_scripts_have_no_eval_or_inline_html_handlers():
    for name in ("app.js", "js-enabled.js"):
        source = (ROOT / "src/vocrehab/static/vocrehab" / name).read_text()
        assert "eval(" not in source
        assert "innerHTML" not in source
        assert 'setAttribute("on' not in source

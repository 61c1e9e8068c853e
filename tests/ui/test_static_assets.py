"""Vendored front-end files are present, licensed, and need no network or Node."""

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


def test_vendored_licences_and_provenance_are_present():
    assert "MIT License" in (NHSUK / "LICENSE").read_text()
    assert "Zero-Clause BSD" in (HTMX / "LICENSE").read_text()
    assert "Mozilla Public License" in (AXE / "LICENSE-axe-core").read_text()
    assert "10.6.1" in (NHSUK / "README.vendored.md").read_text()
    assert "2.0.11" in (HTMX / "README.vendored.md").read_text()
    assert "4.14.1" in (AXE / "README.vendored.md").read_text()


def test_versions_match_the_files():
    assert 'version="10.6.1"' in (NHSUK / "nhsuk-frontend.min.js").read_text()
    assert '"2.0.11"' in (HTMX / "htmx.min.js").read_text()
    assert "axe v4.14.1" in (AXE / "axe.min.js").read_text()[:200]


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

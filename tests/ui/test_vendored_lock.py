"""The vendored front-end files are exactly the ones whose checksums are written down."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/vendored.py"
LOCK = json.loads((ROOT / "requirements/vendored.json").read_text())


def check(root):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_of_the_vendored_files(tmp_path):
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "requirements/vendored.json", tmp_path / "requirements")
    for package in LOCK["packages"].values():
        shutil.copytree(ROOT / package["folder"], tmp_path / package["folder"])
    return tmp_path


def test_every_vendored_file_matches_its_checksum():
    result = check(ROOT)
    assert result.returncode == 0, result.stderr


def test_each_package_records_its_version_and_registry_integrity():
    versions = {name: p["version"] for name, p in LOCK["packages"].items()}
    assert versions == {"nhsuk-frontend": "10.6.1", "htmx.org": "2.0.11", "axe-core": "4.14.1"}
    for package in LOCK["packages"].values():
        assert package["integrity"].startswith("sha512-")
        assert package["files"]


def test_a_changed_file_is_named(tmp_path):
    root = copy_of_the_vendored_files(tmp_path)
    (root / "src/vocrehab/static/vendor/htmx/htmx.min.js").write_text("alert(1)")
    result = check(root)
    assert result.returncode == 1
    assert "vendor/htmx/htmx.min.js differs from its checksum" in result.stderr


def test_an_unlisted_file_is_named(tmp_path):
    root = copy_of_the_vendored_files(tmp_path)
    (root / "src/vocrehab/static/vendor/htmx/extra.js").write_text("")
    result = check(root)
    assert result.returncode == 1
    assert "vendor/htmx/extra.js is not listed" in result.stderr

"""The installed packages are the ones uv.lock pins (`make install` installs from it)."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def locked_versions() -> dict[str, set[str]]:
    """Each locked package's versions (several where they differ by Python version)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    versions: dict[str, set[str]] = {}
    for package in lock["package"]:
        if package["name"] != "vocrehab":
            versions.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
    return versions


def installed_versions():
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }


def test_every_installed_package_that_the_lock_names_has_the_locked_version():
    locked, installed = locked_versions(), installed_versions()
    drift = {
        name: (installed[name], versions)
        for name, versions in locked.items()
        if name in installed and installed[name] not in versions
    }
    assert not drift, f"installed ≠ locked (run `make install`): {drift}"


def test_the_direct_dependencies_are_installed_from_the_lock():
    locked, installed = locked_versions(), installed_versions()
    for line in metadata.requires("vocrehab"):
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in uv.lock"
        if requirement.marker is None or requirement.marker.evaluate({"extra": "dev"}):
            assert name in installed, f"{name} is not installed"

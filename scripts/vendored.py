"""Check (or rewrite) the checksums of the vendored front-end files.

`requirements/vendored.json` records, for each package copied into the repository (the
NHS.UK frontend, htmx, axe-core for the browser tests): its npm version, the registry's
integrity hash of the package it was copied from, and the SHA-256 of every file as
shipped here. `check` fails on any changed, missing or unlisted file; `update` rewrites
the file checksums after a deliberate update (see each folder's README.vendored.md).

    python scripts/vendored.py check [--root DIR]
    python scripts/vendored.py update
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

LOCK = Path("requirements/vendored.json")


def checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): "sha256:"
        + hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def problems(root: Path) -> list[str]:
    lock = json.loads((root / LOCK).read_text())
    found = []
    for name, package in lock["packages"].items():
        folder = root / package["folder"]
        if f"**{package['version']}**" not in (folder / "README.vendored.md").read_text():
            found.append(f"{name}: README.vendored.md does not name version {package['version']}")
        actual = checksums(folder)
        for path, digest in package["files"].items():
            if path not in actual:
                found.append(f"{name}: {package['folder']}/{path} is missing")
            elif actual[path] != digest:
                found.append(f"{name}: {package['folder']}/{path} differs from its checksum")
        found += [
            f"{name}: {package['folder']}/{path} is not listed in {LOCK}"
            for path in actual
            if path not in package["files"]
        ]
    return found


def update(root: Path) -> None:
    lock = json.loads((root / LOCK).read_text())
    for package in lock["packages"].values():
        package["files"] = checksums(root / package["folder"])
    (root / LOCK).write_text(json.dumps(lock, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "update"])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    if args.action == "update":
        update(args.root)
        return 0
    found = problems(args.root)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

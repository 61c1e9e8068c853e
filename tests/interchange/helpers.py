"""Build small VRMDS datasets for tests, starting from the shipped example."""

import csv
import datetime as dt
from pathlib import Path

# A byte-for-byte copy of dataset/example from the VRMDS standard.
EXAMPLE = Path(__file__).parent / "example"
SHARED_EXAMPLE = Path("/work/shared/dataset/example")

# The example's dates run to 2025; validating "as of" a fixed day keeps tests stable.
TODAY = dt.date(2026, 1, 1)


def read_example() -> dict[str, list[dict[str, str]]]:
    """The example dataset as {file name: list of row dicts}, header order kept."""
    files = {}
    for path in sorted(EXAMPLE.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as fh:
            files[path.name] = list(csv.DictReader(fh))
    return files


def write_dataset(folder: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    """Write {file name: rows} as CSV files in ``folder``; the header is the union of keys."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        header: list[str] = []
        for row in rows:
            header += [k for k in row if k not in header]
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return folder

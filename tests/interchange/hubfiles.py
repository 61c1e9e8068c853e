"""Submission files for hub tests: the VRMDS example, as one service's .zip."""

import csv
import hashlib
import io
import zipfile

from tests.interchange.helpers import read_example

# The example's first quarter, which the hub tests send: EX-1 to EX-3. Its fourth
# episode is a re-referral of February 2025, which that quarter's submission lacks.
QUARTER = "2024-Q1"
LATER = ("EX-4",)


def example_zip(service_code: str, *, change=None, drop_episodes=(), keep=()) -> bytes:
    """The example dataset as a .zip of one service, as a submission of ``QUARTER``:
    without the ``LATER`` episode and ``drop_episodes``, unless ``keep`` names them;
    ``change(files)`` edits the rows."""
    files = read_example()
    drop_episodes = (set(LATER) | set(drop_episodes)) - set(keep)
    for row in files["episodes.csv"]:
        row["service_code"] = service_code
    # Each file's columns, kept when every row is dropped (a period with no episode).
    headers = {name: [k for row in rows[:1] for k in row] for name, rows in files.items()}
    if drop_episodes:
        files = {
            name: [r for r in rows if r.get("episode_id") not in drop_episodes]
            for name, rows in files.items()
        }
    if change is not None:
        change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, rows in files.items():
            text = io.StringIO()
            header: list[str] = list(headers.get(name, []))
            for row in rows:
                header += [k for k in row if k not in header]
            writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            zf.writestr(name, text.getvalue())
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

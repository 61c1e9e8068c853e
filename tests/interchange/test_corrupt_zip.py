"""A zip whose compressed data is corrupt: a clear message naming the file, nothing written."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode

from .helpers import EXAMPLE
from .importing import example_service

REPO = Path(__file__).resolve().parents[2]
NAMES = ("episodes.csv", "contacts.csv", "onward.csv", "measures.csv")


def corrupt_zip() -> bytes:
    """The example dataset zipped, with bytes inside episodes.csv's deflate stream spoilt.

    Sizes and headers stay valid, so the archive opens and lists; only inflating the
    member fails (``zlib.error``), as with a file damaged in transfer.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in NAMES:
            zf.writestr(name, (EXAMPLE / name).read_bytes())
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("episodes.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + 40):
        data[offset] = 0xFF
    return bytes(data)


@pytest.mark.django_db
def test_web_import_names_the_damaged_file(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    http, _user = signed_in(Role.SERVICE_MANAGER)
    upload = SimpleUploadedFile("damaged.zip", corrupt_zip(), content_type="application/zip")
    response = http.post(reverse("interchange:import"), {"service": service.pk, "file": upload})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        response = http.get(response["Location"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "episodes.csv" in page and "damaged" in page
    assert Episode.objects.count() == 0 and Client.objects.count() == 0


def test_command_line_import_gives_one_clear_line(tmp_path, organisation):
    path = tmp_path / "damaged.zip"
    path.write_bytes(corrupt_zip())
    result = subprocess.run(
        [sys.executable, "-m", "vocrehab.cli", "dataset", "validate", str(path)],
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "episodes.csv: the file is damaged inside the archive" in output


@pytest.mark.django_db
def test_import_command_writes_nothing(tmp_path, organisation):
    from django.core.management import call_command

    example_service(organisation)
    path = tmp_path / "damaged.zip"
    path.write_bytes(corrupt_zip())
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("dataset", "import", str(path), stdout=out)
    assert exit_.value.code == 1
    assert "episodes.csv: the file is damaged inside the archive" in out.getvalue()
    assert Episode.objects.count() == 0 and Client.objects.count() == 0

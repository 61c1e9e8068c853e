"""Two installs, live: a service and a hub, each its own database and server process,
talking HTTP on 127.0.0.1. The service sends a synthetic quarter; the hub's evaluation
report for that service and quarter equals the service's own (both read unsuppressed,
as managers, through each install's API); then a corrected file replaces it: one
current version, two in the history, and the reports still agree. Last, the service's
worker sends last month's submission on its own, as it does at the start of each day."""

import datetime
import json
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.db import connection

from tests.database.helpers import ROOT, database_url, environment
from vocrehab.interchange import synth
from vocrehab.interchange.submitting import previous_month

CODE = "GGC-VR"
PERIOD, START, END = "2025-Q2", "2025-04-01", "2025-06-30"
EPISODES = 1200  # about 30 referred in the quarter, a re-referral or two among them
TIMEOUT = 240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Install:
    """One vocrehab install: its database file, its environment, its server."""

    def __init__(self, name: str, tmp_path, **settings):
        folder = tmp_path / name
        folder.mkdir()
        self.env = environment(database_url(folder), folder)
        self.env["VOCREHAB_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        self.env.update(settings)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.log = folder / "server.log"

    def run(self, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "vocrehab.cli", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    def act(self, *args) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "tests.interchange.hub_actors", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        self.output = self.log.open("w")
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vocrehab.cli",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/api/v1/schema/", timeout=2, allow_redirects=False)
                return
            except requests.ConnectionError:
                assert self.server.poll() is None, self.log.read_text()
                time.sleep(0.2)
        raise AssertionError(f"the server did not start: {self.log.read_text()}")

    def worker_until(self, done, seconds: float = 120):
        """Run ``vocrehab worker`` until ``done()`` gives something, then stop it."""
        log = self.log.with_name("worker.log")
        with log.open("w") as output:
            worker = subprocess.Popen(
                [sys.executable, "-m", "vocrehab.cli", "worker", "--interval", "0.5"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + seconds
                while not (found := done()):
                    assert worker.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(1)
                return found
            finally:
                worker.terminate()
                worker.wait(timeout=30)

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self.server is not None:
            self.output.close()

    def report(self, token: str) -> dict:
        response = requests.get(
            f"{self.url}/api/v1/reports/evaluation",
            params={"service": CODE, "from": START, "to": END},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert response.headers["Vocrehab-Suppressed"] == "false"
        return response.json()


def _same_figures(ours: dict, theirs: dict) -> None:
    assert theirs["filters"] == ours["filters"]
    assert theirs["tables"].keys() == ours["tables"].keys()
    for name, table in ours["tables"].items():
        if name == "conditions":
            # Free text is not sent: the hub counts the same conditions, and ICD-10
            # details only.
            theirs_rows = {
                (c["condition"], c["condition_detail"]): c["count"]
                for c in theirs["tables"][name]["cells"]
            }
            for cell in table["cells"]:
                key = (cell["condition"], cell["condition_detail"])
                if not cell["condition_detail"]:
                    assert theirs_rows[key] == cell["count"], key
            continue
        assert theirs["tables"][name] == table, name


@pytest.mark.django_db(transaction=True)
def test_a_service_sends_a_quarter_to_a_hub_and_corrects_it(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("two installs need two database files")
    dataset = tmp_path / "synthetic.zip"
    synth.write_synthetic_dataset(dataset, episodes=EPISODES, seed=20, services=1)
    service = Install("service", tmp_path)
    hub = Install("hub", tmp_path, VOCREHAB_HUB="1")
    try:
        imported = service.run("dataset", "import", str(dataset), "--create-services")
        assert imported.returncode == 0, imported.stderr + imported.stdout
        ours = service.act("manager", CODE)
        theirs = hub.act("hub-setup", CODE)
        service.start()
        hub.start()

        added = service.run(
            "hub", "add", "--service", CODE, "--name", "region", "--url", hub.url,
            stdin=theirs["submit"] + "\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert theirs["submit"] not in added.stdout

        sent = service.run("submit", "--hub", "region", "--period", PERIOD)
        assert sent.returncode == 0, sent.stderr + sent.stdout
        assert "Accepted by the hub" in sent.stdout
        own = service.report(ours["reports"])
        referred = next(
            c["count"] for c in own["tables"]["summary"]["cells"] if c["metric"] == "referred"
        )
        assert referred >= 20
        _same_figures(own, hub.report(theirs["reports"]))

        # The same again: nothing changes at the hub.
        again = service.run("submit", "--hub", "region", "--period", PERIOD)
        assert again.returncode == 0 and "Already held by the hub" in again.stdout

        changed = service.act("correct", CODE, START, END)
        corrected = service.run("submit", "--hub", "region", "--period", PERIOD)
        assert corrected.returncode == 0, corrected.stderr + corrected.stdout
        held = hub.act("versions", CODE, PERIOD)
        assert [(v["number"], v["current"]) for v in held["versions"]] == [(1, False), (2, True)]
        assert held["versions"][1]["episodes_removed"] == 1
        assert held["versions"][0]["checksum"] != held["versions"][1]["checksum"]
        assert held["versions"][1]["token_name"] == f"{CODE} monthly"
        assert (
            held["versions"][1]["rows"]["episodes.csv"]
            == held["versions"][0]["rows"]["episodes.csv"] - 1
        )
        own = service.report(ours["reports"])
        _same_figures(own, hub.report(theirs["reports"]))
        assert changed["withdrawn"] not in json.dumps(held)

        # On its own: the service's worker, at the first sweep of its day, sends the
        # month before to each monthly hub, and the hub holds it.
        month = previous_month(datetime.date.today()).code
        assert hub.act("versions", CODE, month)["versions"] == []
        held = service.worker_until(lambda: hub.act("versions", CODE, month)["versions"])
        assert [(v["number"], v["current"]) for v in held] == [(1, True)]
        assert held[0]["token_name"] == f"{CODE} monthly"
    finally:
        service.stop()
        hub.stop()

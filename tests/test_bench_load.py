"""The HTTP load benchmark's machinery at a tiny scale, so that it cannot rot unseen.

``benchmarks/bench_load.py`` prepares the people (accounts with a TOTP authenticator,
caseloads, a triage queue) and its Locust users work through the real pages. Here the
same preparation runs on the test database and the same users, in their own process,
sign in through the login and two-factor pages and do every kind of request, with the
header a TLS-terminating proxy sends, against the application served on 127.0.0.1.
Every answer must be the one a person expects (see the locustfile): no error at all.
"""

import json
import subprocess
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from benchmarks.bench_load import LOCUSTFILE, prepare
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

from vocrehab.casework.models import Contact
from vocrehab.referrals.models import Referral

KINDS = {
    "caseload",
    "client search",
    "contact: form",
    "contact: save",
    "episode record",
    "triage queue",
    "public: start page",
    "public: form page",
    "public: answers (POST)",
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def server(transactional_db, settings):
    """The application on 127.0.0.1, behind a (simulated) TLS-terminating proxy.

    One request at a time: the test database may be SQLite in memory."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    httpd = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_Quiet)

    def serve():
        try:
            httpd.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


def test_the_load_benchmark_users_work_through_the_real_pages(server, service, tmp_path):
    plan = prepare([service], 2, caseload=2, queue=4)
    assert [len(person["episodes"]) for person in plan["case_managers"]] == [2, 2]
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    out = tmp_path / "results.json"
    options = "--users 3 --public 1 --warmup 0 --seconds 6 --think 0.02 --in-turn"
    run = subprocess.run(
        [
            *(sys.executable, str(LOCUSTFILE), "--host", f"http://127.0.0.1:{server}"),
            *("--plan", str(plan_path), "--out", str(out), *options.split()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(out.read_text())

    assert results["signed_in"] == 2
    assert results["sign_in"]["failures"] == 0
    assert results["errors"] == {}
    assert results["total"]["failures"] == 0
    assert set(results["seen"]) >= KINDS, sorted(results["seen"])
    # What they sent was stored: contacts on their own caseloads, and referrals from the
    # public form waiting in the queue.
    episodes = [e for person in plan["case_managers"] for e in person["episodes"]]
    assert Contact.objects.filter(episode__in=episodes, recorded_by__isnull=False).exists()
    sent = results["seen"].get("public: send (POST)", 0)
    # (one more when a referral was being sent as the run ended)
    assert 4 + sent <= Referral.objects.filter(service=service).count() <= 4 + sent + 1

"""The people of the HTTP load benchmark, for Locust: case managers and the public.

``benchmarks/bench_load.py`` builds the database, writes a plan (the accounts, their
episodes, what to search for, the service the public refers to), starts gunicorn and
runs this file, whose :func:`main` runs the users headless through Locust's library API
and writes the results as JSON.

Every simulated person is a browser of their own: a session cookie, a CSRF token read
from each form, and a connection from an address of their own in 127.0.0.0/8, as people
reach a service from their own machines. The server is reached over plain HTTP as it is
behind the TLS-terminating proxy of docs/administration.md: each request carries
``X-Forwarded-Proto: https``, and the session's Secure cookies are sent back as the
proxy would pass them on.

Case managers sign in through the real pages: email and password, then the current
code of their TOTP authenticator. Their day, by weight: open an episode (6), the
caseload (4), client search (3), the triage queue (2), record a contact (2: the form,
then the answers). A member of the public fills in a referral form page by page and
sends it; each referral comes from a new address, so the public forms' per-address
hourly limit stays on and is never reached by one person. Every answer is checked: a
redirect to the sign-in page, a form shown again with errors, a 429 or any 4xx/5xx
counts as an error.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import statistics
import struct
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, SequentialTaskSet, between, events, task
from locust.clients import LocustHttpAdapter
from locust.env import Environment
from locust.exception import StopUser
from urllib3 import PoolManager

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_SUMMARY = re.compile(r'nhsuk-error-summary__list">(.*?)</ul>', re.S)
CONTACT_DATE = re.compile(r'name="contact_date"[^>]*value="([0-9-]+)"')
SIGN_IN = "sign in"
FIRST_NAMES = ["Ann", "James", "Mary", "John", "Fiona", "David", "Aisha", "Tom", "Grace"]
SURNAMES = ["Smith", "Brown", "Wilson", "Campbell", "Patel", "Khan", "Jones", "Okafor"]
POSTCODES = ["G31 9ZA", "EH1 1YZ", "LS1 4DY", "M1 1AE", "BS1 4ST", "DD1 9SY", "BN1 1GE"]


def totp(secret: str, at: float | None = None) -> str:
    """The current six-digit code of a TOTP authenticator (RFC 6238: SHA-1, 30 s)."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _form_errors(page: str) -> str:
    """The messages of a form's error summary, if the page has one."""
    summary = ERROR_SUMMARY.search(page)
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S) if summary else []
    return "; ".join(re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in items[:3])


def public_address(n: int) -> str:
    """The ``n``th address of the public: 127.1.0.1 onwards (127.0.0.x are staff's)."""
    n, last = divmod(n, 254)
    second, third = divmod(n % (254 * 256), 256)
    return f"127.{second + 1}.{third}.{last + 1}"


def load_plan() -> dict:
    path = os.environ.get("VOCREHAB_LOAD_PLAN")
    if not path:
        raise SystemExit("Set VOCREHAB_LOAD_PLAN to the plan bench_load.py wrote.")
    return json.loads(Path(path).read_text())


class Browser:
    """One person's browser: their address, their cookies, pages checked as they load."""

    def __init__(self, user: HttpUser, plan: dict, address: str):
        self.user = user
        self.client = user.client
        # Where the browser believes it is: the proxy's https:// address.
        scheme = "https" if plan["proxy"] else "http"
        self.origin = f"{scheme}://{urlsplit(user.host).netloc}"
        self.client.headers.update({"X-Forwarded-Proto": "https"} if plan["proxy"] else {})
        self.move_to(address)

    def move_to(self, address: str) -> None:
        """A new address and no cookies: another person at another machine."""
        pool = PoolManager(maxsize=1, source_address=(address, 0))
        for scheme in ("http://", "https://"):
            self.client.mount(scheme, LocustHttpAdapter(pool_manager=pool))
        self.client.cookies.clear()

    def _through_the_proxy(self) -> None:
        """Let Secure cookies go back over the plain-HTTP hop: this client stands where
        the TLS-terminating proxy stands, and the browser sent them to it over HTTPS.
        (requests sends a Secure cookie only to an https:// address.)"""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, params: dict | None = None) -> str:
        """GET a page that must answer 200 (a redirect, to sign in say, is an error)."""
        with self.client.get(
            path, params=params, name=name, allow_redirects=False, catch_response=True
        ) as response:
            self._through_the_proxy()
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{name}: HTTP {response.status_code} {where}".strip())
                return ""
            return response.text

    def send(self, path: str, form_page: str, data: dict, name: str, expect: str = "") -> str:
        """POST a form with the CSRF token of the page it came from; it must redirect
        (to ``expect`` when given). Returns where it redirected to."""
        token = CSRF.search(form_page)
        if token is None:
            raise RuntimeError(f"{name}: no CSRF token on the form page {path}")
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._through_the_proxy()
            where = response.headers.get("Location", "")
            if response.status_code != 302:
                detail = _form_errors(response.text)
                response.failure(f"{name}: HTTP {response.status_code} {detail}".strip())
                return ""
            if expect and not where.startswith(expect):
                response.failure(f"{name}: redirected to {where}, not {expect}")
                return ""
            return where


class CaseManager(HttpUser):
    """A case manager on a busy day, signed in with password and authenticator code."""

    weight = 7
    wait_time = between(0.5, 1.5)
    _accounts = itertools.count()
    signed_in = 0
    refused = 0

    def on_start(self):
        plan = load_plan()
        index = next(CaseManager._accounts)
        if index >= len(plan["case_managers"]):
            CaseManager.refused += 1
            raise StopUser("more case managers than accounts in the plan")
        self.account = plan["case_managers"][index]
        self.browser = Browser(self, plan, self.account["address"])
        self.rng = random.Random(index)  # noqa: S311 - which record to open next
        if self.sign_in():
            CaseManager.signed_in += 1
        else:
            CaseManager.refused += 1
            raise StopUser("could not sign in")

    def sign_in(self) -> bool:
        b, account = self.browser, self.account
        login = b.page("/accounts/login/", f"{SIGN_IN}: page")
        where = b.send(
            "/accounts/login/",
            login,
            {"login": account["email"], "password": account["password"]},
            f"{SIGN_IN}: password",
            expect="/accounts/2fa/authenticate/",
        )
        if not where:
            return False
        for _attempt in range(2):
            form = b.page("/accounts/2fa/authenticate/", f"{SIGN_IN}: code page")
            if 30 - time.time() % 30 < 5:
                # The authenticator app shows the code about to change: wait for the next.
                gevent.sleep(30 - time.time() % 30 + 0.2)
            code = totp(account["totp_secret"])
            where = b.send("/accounts/2fa/authenticate/", form, {"code": code}, f"{SIGN_IN}: code")
            if where and not where.startswith("/accounts/"):
                return True
            # The code may have changed between reading it and sending it: wait for
            # the next one, as a person would.
            gevent.sleep(30 - time.time() % 30 + 0.5)
        return False

    def _episode(self) -> int:
        return self.rng.choice(self.account["episodes"])

    @task(6)
    def episode(self):
        self.browser.page(f"/casework/episodes/{self._episode()}/", "episode record")

    @task(4)
    def caseload(self):
        self.browser.page("/casework/caseload/", "caseload")

    @task(3)
    def search(self):
        self.browser.page(
            "/clients/", "client search", {"q": self.rng.choice(self.account["search"])}
        )

    @task(2)
    def triage(self):
        self.browser.page("/referrals/", "triage queue")

    @task(2)
    def record_contact(self):
        episode = self._episode()
        path = f"/casework/episodes/{episode}/contacts/add/"
        form = self.browser.page(path, "contact: form")
        if not form:
            return
        date = CONTACT_DATE.search(form)
        self.browser.send(
            path,
            form,
            {
                "contact_date": date.group(1) if date else time.strftime("%Y-%m-%d"),
                "mode": self.rng.choice(["phone", "video", "face_to_face"]),
                "contact_with": "client",
                "minutes": str(self.rng.choice([15, 30, 45, 60])),
                "interventions": self.rng.sample(["goal_setting", "problem_solving"], 1),
                "note": "Talked through the phased return plan.",
            },
            "contact: save",
            expect=f"/casework/episodes/{episode}/",
        )


class EachInTurn(SequentialTaskSet):
    """A case manager's requests one kind after another, each once a round: for checking
    that every kind works (``--in-turn``), not for weighing them as a day does."""

    tasks = [
        lambda turn: turn.user.episode(),
        lambda turn: turn.user.caseload(),
        lambda turn: turn.user.search(),
        lambda turn: turn.user.triage(),
        lambda turn: turn.user.record_contact(),
    ]


def _referral_steps(rng: random.Random, service: int) -> list[tuple[str, dict]]:
    """A professional's answers, page by page (synthetic person, valid throughout)."""
    year = rng.randrange(1960, 2000)
    person = {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(SURNAMES),
        "date_of_birth_day": str(rng.randrange(1, 29)),
        "date_of_birth_month": str(rng.randrange(1, 13)),
        "date_of_birth_year": str(year),
        "nhs_number": "",
        "sex": rng.choice(["female", "male"]),
        "ethnicity": "A",
        "postcode": rng.choice(POSTCODES),
        "address": "1 Sample Street",
        "phone": "0141 496 0000",
        "email": "",
        "contact_methods": ["phone"],
        "safe_to_leave_message": "yes",
        "contact_notes": "",
        "service": str(service),
        "website": "",
    }
    health = {
        "condition": "cancer",
        "condition_detail": "C50",
        "treatment_stage": "during",
        "work_status_at_referral": "off_sick",
        "weeks_absent_at_referral": str(rng.randrange(1, 30)),
        "occupation": "4",
        "job_title": "Clerk",
        "employer_name": "Acme",
        "main_reason": "return_from_sickness",
        "website": "",
    }
    referrer = {
        "referrer_name": "Nurse Jones",
        "referrer_role": "Breast care nurse",
        "referrer_organisation": "Synthetic Health Board",
        "referral_source": "acute_nhs",
        "referrer_email": "referrer@example.invalid",
        "referrer_phone": "",
        "website": "",
    }
    consent = {"consent_to_contact": "on", "consent_to_share": "yes", "website": ""}
    return [("person", person), ("health", health), ("you", referrer), ("consent", consent)]


class ReferralJourney(SequentialTaskSet):
    """Start page, four pages of answers, check and send, acknowledgement: a referral."""

    _journeys = itertools.count()

    def on_start(self):
        self.plan = load_plan()
        self.browser = Browser(self.user, self.plan, self._address())

    def _address(self) -> str:
        return public_address(self.plan["public_address_offset"] + next(ReferralJourney._journeys))

    @task
    def start(self):
        self.browser.move_to(self._address())
        self.rng = random.Random()  # noqa: S311 - synthetic answers
        self.steps = _referral_steps(self.rng, self.plan["public_service"])
        self.browser.page("/referrals/refer/", "public: start page")

    def _step(self, index: int):
        slug, answers = self.steps[index]
        path = f"/referrals/refer/professional/{slug}/"
        form = self.browser.page(path, "public: form page")
        if form:
            following = (
                f"/referrals/refer/professional/{self.steps[index + 1][0]}/"
                if index + 1 < len(self.steps)
                else "/referrals/refer/professional/check/"
            )
            self.browser.send(path, form, answers, "public: answers (POST)", expect=following)

    @task
    def person(self):
        self._step(0)

    @task
    def health(self):
        self._step(1)

    @task
    def referrer(self):
        self._step(2)

    @task
    def consent(self):
        self._step(3)

    @task
    def check_and_send(self):
        path = "/referrals/refer/professional/check/"
        form = self.browser.page(path, "public: check answers")
        if form and self.browser.send(
            path, form, {"website": ""}, "public: send (POST)", expect="/referrals/refer/done/"
        ):
            self.browser.page("/referrals/refer/done/", "public: acknowledgement")


class PublicReferrer(HttpUser):
    """A member of the public, or a professional, referring someone through the website."""

    weight = 1
    wait_time = between(0.5, 1.5)
    tasks = [ReferralJourney]


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted times."""
    if not ordered:
        return 0.0
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "requests": len(ordered),
        "median_ms": statistics.median(ordered) if ordered else 0.0,
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": ordered[-1] if ordered else 0.0,
    }


def run(
    host: str,
    plan_path: str,
    users: int,
    public: int,
    seconds: float,
    *,
    warmup: float = 10,
    think: float | None = None,
    in_turn: bool = False,
) -> dict:
    """Sign every case manager in, run the mix ``warmup`` seconds, then measure it for
    ``seconds``; returns the results as a dict.

    Sign-in is timed apart (it happens once a day, not at the rate of the rest), and so
    is the warm-up (each server process's first pages load their templates); an error
    counts wherever it happens."""
    os.environ["VOCREHAB_LOAD_PLAN"] = plan_path
    if think is not None:
        for cls in (CaseManager, PublicReferrer):
            cls.wait_time = between(think / 2, think * 1.5)
    if in_turn:
        CaseManager.tasks = [EachInTurn]
    CaseManager.fixed_count = users - public
    PublicReferrer.fixed_count = public
    env = Environment(user_classes=[CaseManager, PublicReferrer], host=host, events=events)
    phase = {"now": "starting"}
    times: dict[str, dict[str, list[float]]] = {"sign-in": {}, "warm-up": {}, "measured": {}}
    failures: dict[str, dict[str, int]] = {"sign-in": {}, "warm-up": {}, "measured": {}}
    errors: dict[str, int] = {}

    def on_request(name, response_time, exception, **_kwargs):
        if name.startswith(SIGN_IN):
            now = "sign-in"
        elif phase["now"] in ("starting", "warm-up"):
            now = "warm-up"  # the public start at once, while staff sign in
        elif phase["now"] == "measured":
            now = "measured"
        else:
            return
        times[now].setdefault(name, []).append(response_time)
        if exception:
            failures[now][name] = failures[now].get(name, 0) + 1
            errors[str(exception)] = errors.get(str(exception), 0) + 1

    def on_user_error(user_instance, exception, tb, **_kwargs):
        if phase["now"] != "done":
            message = f"{type(exception).__name__}: {exception}"
            errors[message] = errors.get(message, 0) + 1

    env.events.request.add_listener(on_request)
    env.events.user_error.add_listener(on_user_error)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    case_managers = users - public
    deadline = time.monotonic() + 120
    while CaseManager.signed_in + CaseManager.refused < case_managers:
        if time.monotonic() > deadline:
            break
        gevent.sleep(0.1)
    phase["now"] = "warm-up"
    gevent.sleep(warmup)
    phase["now"] = "measured"
    started = time.monotonic()
    print(f"measuring for {seconds:g} s", flush=True)  # bench_load.py watches for these
    gevent.sleep(seconds)
    phase["now"] = "done"
    elapsed = time.monotonic() - started
    print(f"measured {elapsed:.1f} s", flush=True)
    runner.quit()

    def totals(which: str) -> dict:
        every = [t for values in times[which].values() for t in values]
        return {**_summary(every), "failures": sum(failures[which].values())}

    measured = totals("measured")
    measured["per_second"] = measured["requests"] / elapsed if elapsed else 0.0
    return {
        "seconds": elapsed,
        "warmup_seconds": warmup,
        "users": users,
        "case_managers": case_managers,
        "public": public,
        "signed_in": CaseManager.signed_in,
        "sign_in": totals("sign-in"),
        "warm_up": totals("warm-up"),
        "total": measured,
        # Every kind of request made after sign-in, warm-up included, and how often.
        "seen": {
            name: len(times["warm-up"].get(name, ())) + len(times["measured"].get(name, ()))
            for name in sorted({*times["warm-up"], *times["measured"]})
        },
        "by_name": {
            name: {**_summary(values), "failures": failures["measured"].get(name, 0)}
            for name, values in sorted(times["measured"].items())
        },
        # Every error of the run, sign-in and warm-up included (failed requests, and
        # exceptions in a simulated person's code).
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the load benchmark's users headless.")
    parser.add_argument("--host", required=True, help="for example http://127.0.0.1:8001")
    parser.add_argument("--plan", required=True)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--public", type=int, default=2, help="of the users, the public")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10, help="seconds not measured")
    parser.add_argument("--think", type=float, default=None, help="mean think time (s)")
    parser.add_argument(
        "--in-turn", action="store_true", help="case managers: every kind in turn, unweighted"
    )
    parser.add_argument("--out", help="write the results here as JSON")
    args = parser.parse_args(argv)
    if not 0 <= args.public < args.users:
        parser.error("--public must leave at least one case manager")
    results = run(
        args.host,
        args.plan,
        args.users,
        args.public,
        args.seconds,
        warmup=args.warmup,
        think=args.think,
        in_turn=args.in_turn,
    )
    text = json.dumps(results, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

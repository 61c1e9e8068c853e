"""Benchmark: start-up of `vocrehab --help` and of a web worker against a bare Django set-up.

    python benchmarks/bench_startup.py [--repeat N]

Times three fresh Python processes, each ``--repeat`` times (default 15), interleaved
(one of each per round, the order rotating from round to round) so that load from other
work falls on all three alike:

(a) bare: ``python -c "import django; django.setup()"`` with the product's settings;
(b) help: ``vocrehab --help`` (sets Django up and loads every command to list it);
(c) worker: what a web worker does on boot: import the WSGI application, load the
    URLconf and every view module it names, then serve one request (the public sign-in
    page) through the WSGI application.

Each is wall-clock time from starting the process to its exit. Prints the median, the
interquartile range and the range (min–max) of each, and each one's ratio to (a): the
ratio of the medians and the median of the per-round ratios with their interquartile
range (the figure judged: a round's three runs share the machine's load). Target
(issue 21): (b) and (c) within 1.5 × (a). The load average is printed before and after.

Settings: debug on, a scratch SQLite database the request never touches, and a
throwaway secret key; other ``VOCREHAB_*`` and ``DJANGO_*`` variables from the
environment are dropped so that all three see the same settings. Options it does not
know (``make bench`` passes ``--episodes`` to every script) are ignored.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5

BARE = "import django; django.setup()"

# A web worker's boot and first request, as the WSGI server would drive it (the
# start-up test runs the same script, then checks what it loaded).
WORKER = """
from importlib import import_module
from wsgiref.util import setup_testing_defaults

from vocrehab.wsgi import application
from django.urls import get_resolver

def walk(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            walk(pattern.url_patterns)
        else:
            import_module(pattern.callback.__module__)

walk(get_resolver().url_patterns)
environ = {"PATH_INFO": "/accounts/login/", "HTTP_HOST": "localhost"}
setup_testing_defaults(environ)
statuses = []
body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
assert statuses[0].startswith("200"), statuses
"""


def _environment(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCREHAB_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vocrehab.settings",
            "VOCREHAB_DEBUG": "1",
            "VOCREHAB_SECRET_KEY": "bench-startup-" + "x" * 50,
            "DATABASE_URL": f"sqlite:///{scratch / 'bench-startup.sqlite3'}",
            "VOCREHAB_VAR_DIR": str(scratch),
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return env


def _run(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr}")
    return seconds


def _quartiles(values: list[float]) -> tuple[float, float]:
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args, _ = parser.parse_known_args(argv)
    vocrehab = str(Path(sys.executable).with_name("vocrehab"))
    commands = {
        "(a) bare django.setup()": [sys.executable, "-c", BARE],
        "(b) vocrehab --help": [vocrehab, "--help"],
        "(c) web worker boot + 1 request": [sys.executable, "-c", WORKER],
    }
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        env = _environment(Path(scratch))
        for name in names:  # warm-up: bytecode compiled, files in the page cache
            _run(commands[name], env, Path(scratch))
        load_before = _load()
        for round_ in range(args.repeat):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(_run(commands[name], env, Path(scratch)))
        load_after = _load()
    print(
        f"bench_startup: {args.repeat} runs of each, interleaved; {os.cpu_count()} CPUs; "
        f"load average (1, 5, 15 min) before {load_before}, after {load_after}"
    )
    print(
        f"{'process':34} {'median s':>9} {'IQR s':>13} {'min–max s':>13} "
        f"{'ratio of medians':>17} {'median ratio (IQR)':>19}"
    )
    bare = times[names[0]]
    failed = False
    for name in names:
        values = times[name]
        median = statistics.median(values)
        q1, q3 = _quartiles(values)
        ratio_of_medians = median / statistics.median(bare)
        ratios = [v / b for v, b in zip(values, bare, strict=True)]
        paired = statistics.median(ratios)
        r1, r3 = _quartiles(ratios)
        verdict = ""
        if name != names[0]:
            ok = paired <= TARGET_RATIO
            failed |= not ok
            verdict = f"  {'within' if ok else 'OVER'} the {TARGET_RATIO}× target"
        print(
            f"{name:34} {median:9.3f} {q1:6.3f}–{q3:6.3f} {min(values):6.3f}–{max(values):6.3f} "
            f"{ratio_of_medians:17.2f} {paired:7.2f} ({r1:.2f}–{r3:.2f}){verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

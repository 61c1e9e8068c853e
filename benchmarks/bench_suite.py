"""Benchmark: the test suite's wall time, as `make test` runs it (issue 21, item 5).

    python benchmarks/bench_suite.py                 # SQLite (the default database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vocrehab python benchmarks/bench_suite.py

Runs the README's test command (``make test``: pytest with one worker per core) once
against the database in ``DATABASE_URL`` (SQLite when unset), and prints its wall time,
the processor time of the run and its children, the number of tests pytest reports,
and the ratio to the target: under 5 minutes on a 2-core machine. Exits non-zero when
the suite fails or the target is missed. Run it on an otherwise idle machine: the
suite uses every core.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_known_args()  # `make bench` passes every script the same options
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - a fixed command
        ["make", "-s", "test"],  # noqa: S607 - make from the PATH, as the README says
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = next(
        (line for line in reversed(result.stdout.splitlines()) if " in " in line and "=" in line),
        "",
    )
    passed = re.search(r"(\d+) passed", summary)
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"database:        {database}, {os.cpu_count()} CPUs")
    print(f"tests:           {passed.group(1) if passed else '?'} passed ({summary.strip('= ')})")
    print(f"suite:           {wall:.0f} s wall, {children.ru_utime + children.ru_stime:.0f} s CPU")
    ok = result.returncode == 0 and wall <= TARGET_SECONDS
    print(
        f"target:          under {TARGET_SECONDS:.0f} s ({wall / TARGET_SECONDS:.2f} of it): "
        f"{'met' if ok else 'MISSED' if result.returncode == 0 else 'the suite FAILED'}"
    )
    if result.returncode:
        print(result.stdout[-3000:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

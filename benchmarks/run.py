"""Run every benchmark in this folder (``make bench``) and print what each reports.

Each ``bench_*.py`` is a plain script that prints its own measurements; see
``docs/performance.md`` for the targets, the results and how to reproduce them. Extra
arguments (for example ``--episodes 100000``) are passed to every script; a script can
also be run on its own.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    # Script-name filters come first; everything from the first option on is passed
    # through (so ``--episodes 100000`` keeps its value).
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    only, passthrough = argv[:first_option], argv[first_option:]
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        scripts = [s for s in scripts if any(name in s.name for name in only)]
    failures = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *passthrough], check=False)  # noqa: S603
        print(
            f"--- {script.name}: exit {result.returncode}, "
            f"{time.perf_counter() - started:.1f} s wall",
            flush=True,
        )
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: write a synthetic VRMDS dataset (target: 1,000,000 episodes in under 5 minutes).

    python benchmarks/bench_synth.py [--episodes N] [--seed S] [--services K] [--out PATH]

Prints wall time, rows per second, output size and peak memory; exits 1 if the
1,000,000-episode target rate is missed.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _interchange_common import folder_size_mib, peak_rss_mib, setup_django

TARGET_SECONDS_PER_MILLION = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--services", type=int, default=7)
    parser.add_argument("--out", type=Path, help="keep the dataset here (default: a temp dir)")
    args, _unknown = parser.parse_known_args()
    setup_django()
    from vocrehab.interchange.synth import write_synthetic_dataset

    scratch = None
    out = args.out
    if out is None:
        scratch = tempfile.mkdtemp(prefix="vrmds-bench-")
        out = Path(scratch) / "dataset"
    try:
        started = time.perf_counter()
        counts = write_synthetic_dataset(
            out, episodes=args.episodes, seed=args.seed, services=args.services
        )
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        print(f"episodes:        {args.episodes:,} in {args.services} services, seed {args.seed}")
        for name, count in counts.items():
            print(f"  {name:<14} {count:>12,} rows")
        print(f"time:            {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")
        print(f"output:          {folder_size_mib(out):,.0f} MiB")
        print(f"peak RSS:        {peak_rss_mib():,.0f} MiB")
        allowed = TARGET_SECONDS_PER_MILLION * args.episodes / 1_000_000
        verdict = "met" if seconds <= allowed else "MISSED"
        print(f"target:          {allowed:.0f} s for this size (5 min per million): {verdict}")
        return 0 if seconds <= allowed else 1
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

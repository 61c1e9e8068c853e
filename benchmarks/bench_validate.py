"""Benchmark: validate a large VRMDS dataset in bounded memory.

    python benchmarks/bench_validate.py [--episodes N] [--dataset PATH] [--zip]

Without ``--dataset`` it first writes a synthetic dataset in a child process (so that
its memory is not counted), then validates it and prints wall time, rows per second,
the error count and peak memory of the validating process.
"""

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _interchange_common import folder_size_mib, peak_rss_mib, setup_django


def _generate(out: Path, episodes: int) -> None:
    setup_django()
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(out, episodes=episodes, seed=1, services=7)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--dataset", type=Path, help="validate this dataset instead")
    parser.add_argument("--zip", action="store_true", help="generate a .zip, not a folder")
    args, _unknown = parser.parse_known_args()

    scratch = None
    path = args.dataset
    try:
        if path is None:
            scratch = tempfile.mkdtemp(prefix="vrmds-bench-")
            path = Path(scratch) / ("dataset.zip" if args.zip else "dataset")
            started = time.perf_counter()
            child = multiprocessing.get_context("fork").Process(
                target=_generate, args=(path, args.episodes)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                print("generating the dataset failed", file=sys.stderr)
                return 1
            print(f"generated:       {args.episodes:,} episodes in "
                  f"{time.perf_counter() - started:.1f} s (not counted below)")  # fmt: skip

        setup_django()
        from vocrehab.interchange.vrmds.reader import Limits
        from vocrehab.interchange.vrmds.validate import validate_dataset

        before = peak_rss_mib()
        started = time.perf_counter()
        result = validate_dataset(path, max_errors=20, limits=Limits(max_total_bytes=2**40))
        seconds = time.perf_counter() - started
        rows = sum(result.rows.values())
        print(f"dataset:         {path.name}, {folder_size_mib(path):,.0f} MiB")
        for name, count in result.rows.items():
            print(f"  {name:<14} {count:>12,} rows")
        print(f"time:            {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")
        print(f"errors:          {result.error_count:,}")
        for issue in result.errors[:5]:
            print(f"  {issue}")
        print(f"peak RSS:        {peak_rss_mib():,.0f} MiB (before validating: {before:,.0f})")
        return 0 if result.is_valid or args.dataset else 1
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

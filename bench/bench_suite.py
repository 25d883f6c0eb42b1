"""Benchmark the test suite: this checkout's `make test` against an older commit's, in one run.

The baseline's files (``git archive REF``) are unpacked into a temporary folder and its
suite runs there the way its own Makefile ran it (``python -m pytest`` plus the options
given), with that folder first on ``PYTHONPATH`` so its tests import its own ``bncheck``.
This checkout's suite runs as ``make test`` runs it (``pytest -n auto``).  Both use this
virtual environment's packages.  The runs alternate (baseline, this, baseline, this, ...)
so that a change in the machine's load touches both; the table gives each run's wall time,
tests passed, and the ratio of the best times.

    .venv/bin/python bench/bench_suite.py [--baseline e5f1001] [--repeat 1]
                                          [--baseline-args ""] [--args "-n auto --dist loadfile"]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def unpack(ref: str, folder: Path) -> None:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=False)
    if archive.returncode != 0:
        reason = archive.stderr.decode(errors="replace").strip()
        raise SystemExit(f"bench_suite: cannot read {ref!r}: {reason}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")


def suite(folder: Path, options: list[str]) -> tuple[float, str]:
    """Run ``python -m pytest OPTIONS`` in ``folder``: wall seconds and pytest's summary line."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    lines = [line for line in completed.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    summary = lines[-1].strip("= ") if lines else "no summary"
    if completed.returncode != 0:
        raise SystemExit(f"bench_suite: the suite in {folder} failed: {summary}\n{completed.stdout[-2000:]}")
    return elapsed, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="e5f1001", metavar="REF", help="the commit to compare with")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each suite (alternating)")
    parser.add_argument("--baseline-args", default="", help="pytest options of the baseline's `make test`")
    parser.add_argument(
        "--args", default="-n auto --dist loadfile", help="pytest options of this checkout's `make test`"
    )
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as temp:
        baseline = Path(temp) / "baseline"
        unpack(args.baseline, baseline)
        for _ in range(args.repeat):
            for name, folder, options in (
                (f"baseline {args.baseline}", baseline, shlex.split(args.baseline_args)),
                ("this checkout", ROOT, shlex.split(args.args)),
            ):
                seconds, summary = suite(folder, options)
                rows.append((name, seconds, summary))
                print(f"  {name}: {seconds:.1f} s ({summary})", file=sys.stderr, flush=True)
    best = {name: min(seconds for row_name, seconds, _ in rows if row_name == name) for name, _, _ in rows}
    base_name, this_name = f"baseline {args.baseline}", "this checkout"
    print(f"`make test` on {os.cpu_count()} CPUs, {args.repeat} alternating run(s) of each\n")
    print("| suite | pytest options | wall (best) | tests |")
    print("| --- | --- | ---: | --- |")
    for name, options in ((base_name, args.baseline_args), (this_name, args.args)):
        summary = next(summary for row_name, _, summary in rows if row_name == name)
        print(f"| {name} | `{options or '(none)'}` | {best[name]:.1f} s | {summary} |")
    print(f"\nbaseline ÷ this checkout: {best[base_name] / best[this_name]:.2f}× faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Wall time of `bncheck run --all` against a bare `import tensorflow`, in one run.

Target: every scenario together within 3x the bare import.  Each command runs in
a fresh process, alternating, `--repeat` times; medians are compared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time


def _time(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1", CUDA_VISIBLE_DEVICES="")
    baseline_cmd = [sys.executable, "-c", "import tensorflow"]
    bncheck_cmd = [sys.executable, "-m", "bncheck", "run", "--all", "--device", "cpu"]
    _time(baseline_cmd, env)  # warm the file cache for both
    baseline, runs = [], []
    for _ in range(args.repeat):
        baseline.append(_time(baseline_cmd, env))
        runs.append(_time(bncheck_cmd, env))
    base, run = statistics.median(baseline), statistics.median(runs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print("| command | median wall time (s) | ratio to `import tensorflow` |")
    print("| --- | --- | --- |")
    print(f"| `python -c 'import tensorflow'` (baseline) | {base:.2f} | 1.00 |")
    print(f"| `bncheck run --all --device cpu` | {run:.2f} | {run / base:.2f} |")
    print()
    print(f"target <= 3.00x: {'met' if run / base <= 3.0 else 'NOT met'} ({args.repeat} runs each, alternating)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

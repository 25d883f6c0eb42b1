"""Benchmark `bncheck lint` on the installed TensorFlow and tf-keras source trees.

All in one run, on the same files: bncheck (1 process, the default -j, and without the
byte pre-filter), `ruff check --select B`, `flake8 --select B` (bugbear), and the
floor of reading and `ast.parse`-ing every file in one Python process.  Then
`bncheck lint` on one small file against the start-up of a bare Python.
Prints a markdown table of wall times and ratios (best of --repeat runs).

    .venv/bin/python bench/bench_lint.py [--repeat 2] [--skip-flake8]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

PARSE_FLOOR = r"""
import ast, sys
from pathlib import Path
for root in sys.argv[1:]:
    for path in Path(root).rglob("*.py"):
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            pass
"""

SMALL_FILE = """import tensorflow.compat.v1 as tf

x = tf.placeholder(tf.float32, [None, 4])
h = tf.layers.batch_normalization(x, training=True)
loss = tf.reduce_mean(h)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.AdamOptimizer().minimize(loss)
"""


def source_tree(package: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"bench_lint: package {package!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def wall(command: list[str], repeat: int) -> float:
    """The best wall time of ``repeat`` runs of ``command`` (its output discarded)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if completed.returncode not in (0, 1):
            raise SystemExit(f"bench_lint: {' '.join(command[:3])} failed: {completed.stderr.strip()[-300:]}")
        best = min(best, elapsed)
    return best


def main() -> int:
    """Run every measurement and print the markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-flake8", action="store_true", help="flake8 is by far the slowest row")
    args = parser.parse_args()

    trees = [str(source_tree("tensorflow")), str(source_tree("tf_keras"))]
    files = sum(1 for root in trees for _ in Path(root).rglob("*.py"))
    cpus = os.cpu_count() or 1
    bncheck = [sys.executable, "-m", "bncheck", "lint", "--exit-zero"]
    rows: list[tuple[str, float]] = []
    rows.append(
        (
            "ast.parse every file, one process (floor)",
            wall([sys.executable, "-c", PARSE_FLOOR, *trees], args.repeat),
        )
    )
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    rows.append(
        (
            f"ruff check --select B ({cpus} threads)",
            wall(
                [ruff, "check", "--select", "B", "--no-cache", "--exit-zero", "--quiet", *trees], args.repeat
            ),
        )
    )
    if not args.skip_flake8:
        rows.append(
            (
                f"flake8 --select B, bugbear (-j {cpus})",
                wall(
                    [sys.executable, "-m", "flake8", "--select", "B", "--exit-zero", "-j", str(cpus), *trees],
                    1,
                ),
            )
        )
    rows.append(("bncheck lint -j 1", wall([*bncheck, "-j", "1", *trees], args.repeat)))
    rows.append(
        (
            f"bncheck lint, default (-j: {cpus} processes from 100 files on)",
            wall([*bncheck, *trees], args.repeat),
        )
    )
    rows.append(
        ("bncheck lint -j 1 --no-prefilter", wall([*bncheck, "-j", "1", "--no-prefilter", *trees], 1))
    )

    floor = rows[0][1]
    ruff_time = rows[1][1]
    print(
        f"\n{files} files in {', '.join(Path(t).name for t in trees)}; {cpus} CPU(s); best of {args.repeat}\n"
    )
    print("| run | wall s | × ruff | × ast.parse floor |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / ruff_time:.2f} | {seconds / floor:.2f} |")

    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "train.py"
        small.write_text(SMALL_FILE, encoding="utf-8")
        python = wall([sys.executable, "-c", "pass"], 5)
        one = wall([*bncheck, str(small)], 5)
        ruff_one = wall(
            [ruff, "check", "--select", "B", "--no-cache", "--exit-zero", "--quiet", str(small)], 5
        )
    print("\nOne small file (process start included, best of 5)\n")
    print("| run | wall s | × bare python |")
    print("| --- | ---: | ---: |")
    for name, seconds in (
        ("python -c pass", python),
        ("bncheck lint train.py", one),
        ("ruff check train.py", ruff_one),
    ):
        print(f"| {name} | {seconds:.3f} | {seconds / python:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark `bncheck lint --fix` and `--diff` against plain `bncheck lint` on one file with many findings.

Each size is one generated file of N functions, each with a batch-norm layer, a bare `minimize`
(BN001) and a trainable-only Saver (BN003): 2 × N findings, all fixable. Every command runs in a
fresh process (start-up included) on a fresh copy of the file; best of --repeat runs. The baseline
is plain lint with `--format json` (no fix is planned); text output plans the fixes to mark them
`[*]`. The ratios to the baseline, measured in the same run, stay flat if the fixes are linear.
`--pythonpath DIR` runs the bncheck package found in DIR instead (an older checkout, to compare).

    .venv/bin/python bench/bench_fix.py [--repeat 3] [--findings 250,500,1000] [--pythonpath DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BNCHECK = [sys.executable, "-m", "bncheck"]

FUNCTION = '''

def train_{n}(x, labels):
    """Model {n}: a BN layer, a train op that skips the updates, a Saver of trainable variables."""
    h = tf.layers.batch_normalization(x, training=True, name="bn_{n}")
    loss = tf.losses.softmax_cross_entropy(labels, h)
    optimizer = tf.train.AdamOptimizer(1e-3)
    train_op_{n} = optimizer.minimize(
        loss,
        global_step=tf.train.get_or_create_global_step())  # the step counter
    saver = tf.train.Saver(var_list=tf.trainable_variables(), max_to_keep=5)
    return train_op_{n}, saver
'''


def program(findings: int) -> str:
    """A file with ``findings`` fixable findings (two per function)."""
    return "import tensorflow.compat.v1 as tf\n" + "".join(FUNCTION.format(n=n) for n in range(findings // 2))


def best_wall(
    arguments: list[str], source: str, folder: Path, repeat: int, env: dict | None = None
) -> tuple[float, str]:
    """The best wall time of ``bncheck ARGUMENTS file`` on a fresh copy; the last run's stdout."""
    best = float("inf")
    output = ""
    for attempt in range(repeat):
        path = folder / f"train_{attempt}.py"
        path.write_text(source, encoding="utf-8")
        start = time.perf_counter()
        # run from the temporary folder: `python -m` puts the current folder first on sys.path
        completed = subprocess.run(
            [*BNCHECK, *arguments, str(path)], capture_output=True, text=True, env=env, cwd=folder
        )
        best = min(best, time.perf_counter() - start)
        if completed.returncode not in (0, 1):
            raise SystemExit(f"bench_fix: {' '.join(arguments)} failed: {completed.stderr.strip()}")
        output = completed.stdout
        path.unlink()
    return best, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--findings", default="250,500,1000")
    parser.add_argument("--pythonpath", type=Path, help="run the bncheck package in this folder")
    options = parser.parse_args()
    sizes = [int(value) for value in options.findings.split(",")]
    env = None
    if options.pythonpath is not None:
        env = {**os.environ, "PYTHONPATH": str(options.pythonpath.resolve())}
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for findings in sizes:
            source = program(findings)

            def timed(*arguments: str) -> tuple[float, str]:
                return best_wall(["lint", "--isolated", *arguments], source, folder, options.repeat, env)

            lint, report = timed("--format", "json")
            reported = len(json.loads(report)["findings"])
            if reported != findings:
                raise SystemExit(f"bench_fix: expected {findings} findings, lint reported {reported}")
            text, _ = timed()
            fix, after = timed("--fix")
            if after.strip():
                raise SystemExit(f"bench_fix: --fix left findings: {after.splitlines()[0]}")
            diff, patch = timed("--diff")
            if patch.count("\n+    with tf.control_dependencies(") != findings // 2:
                raise SystemExit("bench_fix: --diff does not show one `with` per train op")
            size = len(source.encode()) / 1024
            rows.append((findings, size, lint, text, fix, diff))
    print(f"Best of {options.repeat} wall times, process start included.\n")
    print("| findings | file KB | lint --format json s | text (with [*]) s | × json | --fix s | × json "
          "| --diff s | × json |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for findings, size, lint, text, fix, diff in rows:
        print(
            f"| {findings:,} | {size:.0f} | {lint:.2f} | {text:.2f} | {text / lint:.2f} | {fix:.2f} "
            f"| {fix / lint:.2f} | {diff:.2f} | {diff / lint:.2f} |"
        )
    if options.pythonpath is None:
        print()
        print(phases(sizes, options.repeat))
    return 0


def phases(sizes: list[int], repeat: int) -> str:
    """In one process, CPU seconds per phase: lint, planning the fixes, the diff, linting the fixed file."""
    from bncheck.lint.api import lint_paths
    from bncheck.lint.config import LintConfig
    from bncheck.lint.fixes import plan_fixes

    lines = [
        "In one process, best of the same runs, CPU seconds per phase:\n",
        "| findings | lint | plan fixes | × lint | diff | lint of the fixed file |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as temporary:
        for findings in sizes:
            path = Path(temporary) / "train.py"
            fixed_path = Path(temporary) / "fixed.py"
            best = [float("inf")] * 4
            for _ in range(repeat):
                path.write_text(program(findings), encoding="utf-8")
                clock = time.process_time
                start = clock()
                found = lint_paths([path], LintConfig()).findings
                linted = clock()
                plans = plan_fixes(found)
                planned = clock()
                plans[0].diff()
                diffed = clock()
                fixed_path.write_text(plans[0].after, encoding="utf-8")
                left = lint_paths([fixed_path], LintConfig()).findings
                relinted = clock()
                if left:
                    raise SystemExit(f"bench_fix: the fixed file still has {len(left)} findings")
                times = [linted - start, planned - linted, diffed - planned, relinted - diffed]
                best = [min(old, new) for old, new in zip(best, times)]
            lines.append(
                f"| {findings:,} | {best[0]:.3f} | {best[1]:.3f} | {best[1] / best[0]:.2f} "
                f"| {best[2]:.3f} | {best[3]:.3f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

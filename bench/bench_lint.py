"""Benchmark `bncheck lint` on the installed TensorFlow and tf-keras source trees.

All in one run, on the same files: bncheck (1 process, the default -j, and without the
byte pre-filter), `ruff check --select B`, `flake8 --select B` (bugbear), and the
floor of reading and `ast.parse`-ing every file in one Python process.  Then
`bncheck lint` on one small file against the start-up of a bare Python.
Prints a markdown table of wall times and ratios (best of --repeat runs).

    .venv/bin/python bench/bench_lint.py [--repeat 2] [--skip-flake8] [--baseline REF]

``--baseline REF`` also runs the bncheck of a git commit (its ``bncheck/`` package, from
``git archive``) on the same inputs, interleaved with this one, and prints this/baseline ratios:
the way to compare speeds on a loaded machine.
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


def baseline_package(ref: str, folder: Path) -> dict[str, str]:
    """Unpack ``bncheck/`` of git commit ``ref`` into ``folder``; the environment that runs it."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "bncheck"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        reason = archive.stderr.decode(errors="replace").strip()
        raise SystemExit(f"bench_lint: cannot read {ref!r}: {reason}")
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return {**_installed_env(), "PYTHONPATH": str(folder)}


def _installed_env() -> dict[str, str]:
    """The environment of an installed bncheck: its modules byte-compiled, as pip leaves them.

    With PYTHONDONTWRITEBYTECODE set every run would compile the whole package from source,
    a cost that grows with the package and that no installed copy pays.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _byte_compile(*folders: Path) -> None:
    for folder in folders:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)


def interleaved(
    commands: list[tuple[list[str], dict | None]], repeat: int, cwd: str
) -> list[tuple[float, float]]:
    """Best wall time and best CPU time (user + system, worker processes included) of each command,
    the commands taking turns so that they share the load.  On a loaded machine the CPU time is
    the steadier measure of the work done; the wall time of a parallel run moves with the load."""
    import resource

    best = [(float("inf"), float("inf"))] * len(commands)
    for _ in range(repeat):
        for index, (command, env) in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            completed = subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd
            )
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            if completed.returncode not in (0, 1):
                reason = completed.stderr.strip()[-300:]
                raise SystemExit(f"bench_lint: {' '.join(command[:4])} failed: {reason}")
            best[index] = (min(best[index][0], elapsed), min(best[index][1], cpu))
    return best


def compare_with_baseline(ref: str, trees: list[str], repeat: int) -> None:
    """This bncheck against the one of commit ``ref``, on the same inputs, interleaved."""
    bncheck = [sys.executable, "-m", "bncheck", "lint", "--exit-zero"]
    with tempfile.TemporaryDirectory() as folder:
        env = baseline_package(ref, Path(folder) / "baseline")
        here = Path(__file__).resolve().parent.parent / "bncheck"
        _byte_compile(here, Path(folder) / "baseline" / "bncheck")
        small = Path(folder) / "train.py"
        small.write_text(SMALL_FILE, encoding="utf-8")
        # run from a neutral folder: `python -m` puts the working folder first on sys.path
        cwd = folder
        rows = []
        for name, arguments, times in (
            ("default (-j: one process per CPU from 100 files on)", trees, repeat),
            ("-j 1", ["-j", "1", *trees], repeat),
            ("one small file", [str(small)], max(5, repeat)),
        ):
            commands = [([*bncheck, *arguments], _installed_env()), ([*bncheck, *arguments], env)]
            current, base = interleaved(commands, times, cwd)
            rows.append((name, current, base))
    print(f"\nAgainst the baseline {ref} (same inputs, runs interleaved, best of each)\n")
    print(
        f"| bncheck lint | wall s, this | wall s, {ref} | wall ratio "
        f"| CPU s, this | CPU s, {ref} | CPU ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, (wall, cpu), (base_wall, base_cpu) in rows:
        print(
            f"| {name} | {wall:.3f} | {base_wall:.3f} | {wall / base_wall:.2f} "
            f"| {cpu:.2f} | {base_cpu:.2f} | {cpu / base_cpu:.2f} |"
        )


def main() -> int:
    """Run every measurement and print the markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-flake8", action="store_true", help="flake8 is by far the slowest row")
    parser.add_argument("--baseline", metavar="REF", help="also compare with the bncheck of this git commit")
    parser.add_argument("--baseline-only", action="store_true", help="only the comparison with --baseline")
    args = parser.parse_args()
    if args.baseline_only and not args.baseline:
        parser.error("--baseline-only needs --baseline REF")

    trees = [str(source_tree("tensorflow")), str(source_tree("tf_keras"))]
    if args.baseline_only:
        compare_with_baseline(args.baseline, trees, args.repeat)
        return 0
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
    if args.baseline:
        compare_with_baseline(args.baseline, trees, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

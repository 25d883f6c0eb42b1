"""Benchmark `bncheck audit` without TensorFlow, with TensorFlow, and TensorFlow's inspect_checkpoint.

In one run, on a TF1 checkpoint of at least 1 GB (mostly non-BN weights) and on a small one (two
conv+BN layers trained for three steps), interleaved, the fastest of REPEATS rounds after a warm-up
round that fills the page cache:
- baselines: `python -c "import numpy"` and `python -c "import tensorflow"`;
- `bncheck audit PREFIX --format json` (the file reader: no TensorFlow);
- `bncheck audit --reader tf PREFIX --format json` (TensorFlow's reader);
- `python -m tensorflow.python.tools.inspect_checkpoint --all_tensors`.
Each command's peak resident memory comes from its own rusage (``os.wait4``).  Targets: the
TensorFlow-free audit at most 0.15x the TensorFlow-based audit, within 3x of the numpy import on the
small checkpoint, and under 100 MB peak memory on the large one.  The checkpoints are written to a
temporary directory and deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 3
BIG_WEIGHTS = 4  # float32 variables of 64 Mi elements (256 MiB) each: 1 GiB of non-BN weights
BIG_ELEMENTS = 64 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]


def build_large(directory: Path) -> str:
    """Four 256 MiB conv-like weights plus the 53 slim BN layers of ResNet-50, trained-looking."""
    import numpy as np

    from bncheck import tfcompat
    from tests.audit_fixtures import resnet50_slim_layers

    tf = tfcompat.load()
    v1 = tf.compat.v1
    rng = np.random.default_rng(0)
    graph = tf.Graph()
    with graph.as_default():
        for index in range(BIG_WEIGHTS):
            # a random initializer op, not a constant: keeps the 1 GiB out of the GraphDef
            v1.Variable(tf.random.uniform([BIG_ELEMENTS // 1024, 1024]), name=f"big/dense{index}/kernel")
        for scope, channels in resnet50_slim_layers():
            v1.Variable(rng.normal(0, 0.1, channels).astype(np.float32), name=f"{scope}/beta")
            v1.Variable(rng.normal(0, 1, channels).astype(np.float32), name=f"{scope}/moving_mean")
            v1.Variable(rng.uniform(0.5, 2, channels).astype(np.float32), name=f"{scope}/moving_variance")
        v1.Variable(np.int64(100000), name="global_step")
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver().save(
                session, str(directory / "model.ckpt"), global_step=100000, write_meta_graph=False
            )


def build_small(directory: Path) -> str:
    from tests.audit_fixtures import build_tf1

    return build_tf1(directory, updates="all", steps=3)


def run_once(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one command, its output discarded."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=errors, env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"{command} failed ({code}): {errors.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss


def timed_rounds(commands: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """Fastest wall time and largest peak RSS of REPEATS interleaved rounds, after a warm-up round.

    Interleaving and the minimum keep the comparison fair on a machine shared with other work.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = dict.fromkeys(commands, 0)
    for repeat in range(REPEATS + 1):
        for name, command in commands.items():
            elapsed, peak = run_once(command)
            if repeat:
                times[name].append(elapsed)
                peaks[name] = max(peaks[name], peak)
    return {name: (min(times[name]), peaks[name]) for name in commands}


def build_both(directory: Path) -> None:
    """Write both checkpoints (run in a child: this process must stay small, see ``main``)."""
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    large = build_large(directory / "large")
    small = build_small(directory / "small")
    print(large, small, f"{time.perf_counter() - start:.1f}")


def main() -> int:
    if sys.argv[1:2] == ["--build"]:
        build_both(Path(sys.argv[2]))
        return 0
    python = sys.executable
    bncheck = str(Path(python).with_name("bncheck"))
    directory = Path(tempfile.mkdtemp(prefix="bncheck-bench-audit-"))
    load = os.getloadavg()[0]
    try:
        # built by a child: a child's peak RSS (wait4) starts from this process's size when it forks,
        # so this process never imports TensorFlow or numpy
        built = subprocess.run(
            [python, __file__, "--build", str(directory)],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        )
        large, small, build_s = built.stdout.split()[-3:]
        size = sum(path.stat().st_size for path in (directory / "large").glob("model.ckpt-*"))
        commands: dict[str, list[str]] = {
            "import numpy": [python, "-c", "import numpy"],
            "import tensorflow": [python, "-c", "import tensorflow"],
        }
        for label, prefix in (("small", small), ("large", large)):
            commands[f"{label}: audit"] = [bncheck, "audit", prefix, "--format", "json"]
            with_tf = [bncheck, "audit", "--reader", "tf", prefix, "--format", "json"]
            commands[f"{label}: audit --reader tf"] = with_tf
            commands[f"{label}: inspect_checkpoint"] = [
                python,
                "-m",
                "tensorflow.python.tools.inspect_checkpoint",
                f"--file_name={prefix}",
                "--all_tensors",
            ]
        measured = timed_rounds(commands)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    numpy_s = measured["import numpy"][0]
    print(
        f"large checkpoint: {size / 1e9:.2f} GB (53 BN layers + {BIG_WEIGHTS} x 256 MiB weights); "
        f"small: 2 conv+BN layers, 31 tensors (both built in {build_s} s)"
    )
    print(
        f"({os.cpu_count()} CPUs, load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"fastest of {REPEATS} interleaved rounds after a warm-up; peak RSS the largest of the rounds)"
    )
    print()
    print("| command | wall time (s) | peak RSS (MB) |")
    print("| --- | ---: | ---: |")
    for name, (seconds, peak) in measured.items():
        print(f"| {name} | {seconds:.3f} | {peak / 1024:.0f} |")
    print()
    met = True
    print("| measure | value | target |")
    print("| --- | ---: | --- |")
    for label in ("small", "large"):
        ratio = measured[f"{label}: audit"][0] / measured[f"{label}: audit --reader tf"][0]
        met &= ratio <= 0.15
        print(f"| {label}: audit / audit --reader tf | {ratio:.3f} | <= 0.15 |")
        versus = measured[f"{label}: audit"][0] / measured[f"{label}: inspect_checkpoint"][0]
        print(f"| {label}: audit / inspect_checkpoint | {versus:.3f} | |")
    small_ratio = measured["small: audit"][0] / numpy_s
    met &= small_ratio <= 3.0
    print(f'| small: audit / `python -c "import numpy"` | {small_ratio:.2f} | <= 3 |')
    peak_mb = measured["large: audit"][1] / 1024
    met &= peak_mb < 100
    print(f"| large: audit peak RSS | {peak_mb:.0f} MB | < 100 MB |")
    print()
    print(f"targets {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

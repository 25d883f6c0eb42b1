"""Benchmark `bncheck audit` on a checkpoint of at least 1 GB (mostly non-BN weights).

In one run, on the same file: a bare `python -c "import tensorflow"` (the floor every
TensorFlow tool pays), `bncheck audit`, and TensorFlow's own
`inspect_checkpoint --all_tensors`.  Reports the audit time beyond the TensorFlow import
(target <= 0.5 s) and the ratio to inspect_checkpoint.  The checkpoint is written to a
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


def build_checkpoint(directory: Path) -> str:
    """Four 256 MiB conv-like weights plus the 53 slim BN layers of ResNet-50, trained-looking."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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


def run_once(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed, result.stdout.decode()[-200:]


def timed_rounds(commands: dict[str, list[str]]) -> dict[str, float]:
    """Fastest of REPEATS interleaved rounds (after a warm-up round that fills the page cache).

    Interleaving and the minimum keep the comparison fair on a machine shared with other work.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for repeat in range(REPEATS + 1):
        for name, command in commands.items():
            elapsed, _ = run_once(command)
            if repeat:
                times[name].append(elapsed)
    return {name: min(values) for name, values in times.items()}


# The whole `bncheck audit` command, timed inside one process from the moment TensorFlow is
# imported: CLI, bncheck imports, tfcompat set-up, reading, checks and JSON rendering.  On a
# shared machine the import alone varies by seconds between processes; this does not.
IN_PROCESS = (
    "import io, sys, time, contextlib; start = time.perf_counter(); import tensorflow; "
    "imported = time.perf_counter(); from bncheck.cli import main; sink = io.StringIO()\n"
    "with contextlib.redirect_stdout(sink):\n"
    "    try:\n        main(['audit', sys.argv[1], '--format', 'json'])\n"
    "    except SystemExit:\n        pass\n"
    "print(f'{time.perf_counter() - imported:.4f} {imported - start:.4f}', len(sink.getvalue()))"
)
CORE_ONLY = (
    "import sys, time; from bncheck import tfcompat; tfcompat.load(); "
    "from bncheck.audit import audit_paths; start = time.perf_counter(); "
    "report = audit_paths([sys.argv[1]]); print(f'{time.perf_counter() - start:.4f}', len(report.layers))"
)


def main() -> int:
    python = sys.executable
    bncheck = str(Path(python).with_name("bncheck"))
    directory = Path(tempfile.mkdtemp(prefix="bncheck-bench-audit-"))
    try:
        start = time.perf_counter()
        prefix = build_checkpoint(directory)
        build_s = time.perf_counter() - start
        size = sum(path.stat().st_size for path in directory.glob("model.ckpt-*"))
        env_note = f"{os.cpu_count()} CPUs, TensorFlow import included in every command"
        measured = timed_rounds(
            {
                "import": [python, "-c", "import tensorflow"],
                "audit": [bncheck, "audit", prefix, "--format", "json"],
                "inspect": [
                    python,
                    "-m",
                    "tensorflow.python.tools.inspect_checkpoint",
                    f"--file_name={prefix}",
                    "--all_tensors",
                ],
            }
        )
        in_process = min(
            float(run_once([python, "-c", IN_PROCESS, prefix])[1].split()[0]) for _ in range(REPEATS)
        )
        core = min(float(run_once([python, "-c", CORE_ONLY, prefix])[1].split()[0]) for _ in range(REPEATS))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    import_s, audit_s, inspect_s = measured["import"], measured["audit"], measured["inspect"]
    beyond = audit_s - import_s
    print(
        f"checkpoint: {size / 1e9:.2f} GB, 53 BN layers + {BIG_WEIGHTS} x 256 MiB weights "
        f"(built in {build_s:.1f} s)"
    )
    print(f"({env_note}; fastest of {REPEATS} interleaved rounds after a warm-up)")
    print()
    print("| command | wall time (s) |")
    print("| --- | --- |")
    print(f'| `python -c "import tensorflow"` (baseline) | {import_s:.2f} |')
    print(f"| `bncheck audit PREFIX --format json` | {audit_s:.2f} |")
    print(f"| `python -m tensorflow.python.tools.inspect_checkpoint --all_tensors` | {inspect_s:.2f} |")
    print()
    print(
        f"audit beyond the TensorFlow import, CLI minus bare import: {beyond:.2f} s; "
        f"inside one process, the whole command after `import tensorflow`: {in_process:.3f} s; "
        f"audit_paths alone: {core:.3f} s "
        f"(target <= 0.5 s: {'met' if in_process <= 0.5 else 'NOT met'})"
    )
    print(
        f"audit / inspect_checkpoint (whole commands): {audit_s / inspect_s:.2f}; "
        f"beyond the import: {max(beyond, 0.0):.2f} s vs {inspect_s - import_s:.2f} s"
    )
    return 0 if in_process <= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())

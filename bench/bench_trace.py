"""Benchmark `bncheck trace`: training steps per second of a small model with and without it, in one run.

Two measurements, both alternating the two conditions so that machine noise hits
them alike:

* end to end: the same training script run as ``python train.py`` and as
  ``bncheck trace -- python train.py``; the script times its own training loop
  (TensorFlow's import and graph building are excluded, they do not scale with steps);
* in process: blocks of steps with and without an active ``UpdateWatcher``
  (the per-step cost of the Session.run wrapper alone).

Target: trace at most 5% slower.  Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = 1000
ROUNDS = 8
BLOCK = 100
PAIRS = 30

SCRIPT = """\
import sys, time
import numpy as np
import tensorflow as tf
v1 = tf.compat.v1
v1.disable_eager_execution()
steps = int(sys.argv[1])
rng = np.random.RandomState(0)
data, labels = rng.rand(32, 64).astype("float32"), rng.randint(0, 10, 32)
x = v1.placeholder(tf.float32, [None, 64])
y = v1.placeholder(tf.int64, [None])
h = x
for index in range(2):
    h = v1.layers.dense(h, 64, name=f"dense{index}")
    h = tf.nn.relu(v1.layers.batch_normalization(h, training=True, name=f"bn{index}"))
logits = v1.layers.dense(h, 10, name="logits")
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
    train_op = v1.train.GradientDescentOptimizer(0.05).minimize(loss)
config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
with v1.Session(config=config) as sess:
    sess.run(v1.global_variables_initializer())
    feed = {x: data, y: labels}
    for _ in range(100):  # warm-up
        sess.run(train_op, feed)
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        sess.run([train_op, loss], feed)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
print(f"STEPS_PER_SECOND {steps / elapsed:.1f} {steps / cpu:.1f}")
"""


def _steps_per_second(command: list[str]) -> tuple[float, float]:
    """Steps per wall-clock second and per CPU second (all threads) of the script's training loop."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_USE_LEGACY_KERAS": "1", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("STEPS_PER_SECOND"):
            return float(line.split()[1]), float(line.split()[2])
    raise SystemExit(f"{command} printed no rate ({result.returncode}): {result.stderr[-2000:]}")


def end_to_end() -> list[tuple[str, float, float, float]]:
    """Per clock (wall, CPU): median steps/s without and with `bncheck trace`, and the median paired ratio."""
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "train.py"
        script.write_text(SCRIPT)
        bare, traced = [], []
        plain = [sys.executable, str(script), str(STEPS)]
        under_trace = [sys.executable, "-m", "bncheck", "trace", "--", "python", str(script), str(STEPS)]
        for round_ in range(ROUNDS):
            # alternate which goes first, so that a trend in machine load favours neither
            order = [(bare, plain), (traced, under_trace)]
            for rates, command in order if round_ % 2 == 0 else order[::-1]:
                rates.append(_steps_per_second(command))
    results = []
    for index, clock in enumerate(("wall-clock", "CPU")):
        ratios = [with_trace[index] / without[index] for without, with_trace in zip(bare, traced)]
        spread = ", ".join(f"{(1 - ratio) * 100:+.0f}%" for ratio in sorted(ratios))
        print(f"end-to-end {clock} slowdown of each process pair: {spread}", file=sys.stderr)
        results.append(
            (
                clock,
                statistics.median(rate[index] for rate in bare),
                statistics.median(rate[index] for rate in traced),
                statistics.median(ratios),
            )
        )
    return results


def in_process() -> tuple[float, float, float, float, float]:
    """Alternating blocks without and with a watcher: medians, median paired ratio, costs of record()."""
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    from bncheck import tfcompat
    from bncheck.trace.watch import UpdateWatcher

    tf = tfcompat.load()
    v1 = tf.compat.v1
    namespace: dict = {}
    source = SCRIPT.split("with v1.Session(config=config) as sess:")[0].replace("int(sys.argv[1])", "0")
    exec(compile(source, "<bench model>", "exec"), namespace)  # noqa: S102 - builds the same model in-process
    sess = v1.Session(config=namespace["config"])
    sess.run(v1.global_variables_initializer())
    feed = {namespace["x"]: namespace["data"], namespace["y"]: namespace["labels"]}
    fetches = [namespace["train_op"], namespace["loss"]]
    for _ in range(100):
        sess.run(fetches, feed)

    def block() -> float:
        start = time.perf_counter()
        for _ in range(BLOCK):
            sess.run(fetches, feed)
        return BLOCK / (time.perf_counter() - start)

    # one watcher throughout, as in a traced run: its one-time graph analysis is timed apart
    watcher = UpdateWatcher()
    start = time.perf_counter()
    watcher.record(sess.graph, fetches)
    first_seconds = time.perf_counter() - start
    bare, traced, ratios = [], [], []
    for _ in range(PAIRS):
        bare.append(block())
        watcher.start()
        try:
            traced.append(block())
        finally:
            watcher.stop()
        ratios.append(traced[-1] / bare[-1])
    assert watcher.steps == PAIRS * BLOCK + 1
    # the wrapper's own cost per run, timed directly on the cached fetch set
    watcher = UpdateWatcher()
    graph = sess.graph
    watcher.record(graph, fetches)
    start = time.perf_counter()
    for _ in range(20000):
        watcher.record(graph, fetches)
    record_seconds = (time.perf_counter() - start) / 20000
    sess.close()
    return (
        statistics.median(bare),
        statistics.median(traced),
        statistics.median(ratios),
        record_seconds,
        first_seconds,
    )


def script_in_process(script_rounds: int = 6) -> tuple[float, float, float]:
    """The training script itself, run via runpy in this process, alternately with and without a watcher.

    This is what `bncheck trace` does minus the process start: CPU steps/s medians and median paired ratio.
    """
    import contextlib
    import io
    import runpy

    from bncheck import tfcompat
    from bncheck.trace.watch import UpdateWatcher

    tf = tfcompat.load()
    bare, traced = [], []
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "train.py"
        script.write_text(SCRIPT)
        saved_argv = sys.argv
        for round_ in range(script_rounds * 2):
            watcher = UpdateWatcher()
            active = round_ % 2 == 1
            if active:
                watcher.start()
            sys.argv = [str(script), str(STEPS)]
            output = io.StringIO()
            try:
                with tf.Graph().as_default(), contextlib.redirect_stdout(output):
                    runpy.run_path(str(script), run_name="__main__")
            finally:
                watcher.stop()
                sys.argv = saved_argv
            (traced if active else bare).append(float(output.getvalue().split()[2]))
    ratios = [with_trace / without for without, with_trace in zip(bare, traced)]
    return statistics.median(bare), statistics.median(traced), statistics.median(ratios)


def main() -> int:
    rows = [
        (
            (
                f"end to end, {clock} steps/s: `python train.py` vs `bncheck trace -- python train.py`, "
                f"{ROUNDS} process pairs"
            ),
            without,
            with_trace,
            1 - ratio,
        )
        for clock, without, with_trace, ratio in end_to_end()
    ]
    bare, traced, ratio, record_seconds, first_seconds = in_process()
    rows.append(
        (
            f"in process: {PAIRS} alternating block pairs of {BLOCK} steps, one watcher",
            bare,
            traced,
            1 - ratio,
        )
    )
    script_bare, script_traced, script_ratio = script_in_process()
    rows.append(
        (
            "in process: the script via runpy, 6 pairs with/without a watcher, CPU steps/s",
            script_bare,
            script_traced,
            1 - script_ratio,
        )
    )
    print("| measurement | without trace (steps/s) | with trace (steps/s) | slowdown |")
    print("| --- | ---: | ---: | ---: |")
    for name, without, with_trace, slowdown in rows:
        print(f"| {name} | {without:.0f} | {with_trace:.0f} | {slowdown * 100:+.1f}% |")
    step_seconds = 1 / bare
    print(
        f"\nwrapper cost per Session.run: {record_seconds * 1e6:.1f} us = "
        f"{record_seconds / step_seconds * 100:.2f}% of a {step_seconds * 1e3:.2f} ms training step "
        "(target: trace at most 5% slower)"
    )
    print(f"one-time graph analysis on the first run of a fetch set: {first_seconds * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

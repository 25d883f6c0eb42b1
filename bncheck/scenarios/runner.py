"""Run a validated scenario on real TensorFlow graphs: the helpers every procedure shares.

Each variant gets a fresh graph and session (``session``); variables are read into plain-data
snapshots (``snapshot``); train steps go through ``train_loop``, which traces the first step to
learn where TensorFlow placed each op.  The procedures themselves live in
``bncheck/scenarios/procedures/``; ``run_scenario`` looks the scenario's one up in the registry.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from bncheck import tfcompat
from bncheck.scenarios import procedures
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.results import SMALL, ScenarioResult, ValueSummary, VariableSnapshot, VariantResult
from bncheck.scenarios.spec import Scenario


@dataclass(frozen=True)
class RunContext:
    """What a procedure's run function gets: TensorFlow, the scenario, the device, a checkpoint folder."""

    tf: Any
    scenario: Scenario
    device: tfcompat.Device
    save_dir: Path | None = None


def summarize(array: Any) -> ValueSummary:
    array = np.asarray(array, dtype=np.float64)
    finite = array[np.isfinite(array)] if array.size else array
    if not finite.size:
        stats = (float("nan"),) * 4
    else:
        stats = (float(finite.min()), float(finite.mean()), float(finite.max()), float(finite.std()))
    values = [float(value) for value in array.ravel()] if array.size <= SMALL else None
    return ValueSummary(
        tuple(int(dim) for dim in array.shape), stats[0], stats[1], stats[2], stats[3], values
    )


def make_input(table: dict[str, Any], shape: list[int] | None = None, seed_offset: int = 0) -> np.ndarray:
    """A batch as an [input] table describes it, deterministic in its seed."""
    shape = tuple(shape or table["shape"])
    rng = np.random.default_rng(table["seed"] + seed_offset)
    if table["distribution"] == "uniform":
        batch = rng.uniform(table["low"], table["high"], size=shape)
    elif table["distribution"] == "normal":
        batch = rng.normal(table["mean"], table["stddev"], size=shape)
    else:
        batch = np.full(shape, table["value"])
    return batch.astype(np.float32)


def _placements(run_metadata: Any) -> dict[str, str]:
    placements: dict[str, str] = {}
    for device_stats in run_metadata.step_stats.dev_stats:
        device = tfcompat.short_device(device_stats.device)
        for node in device_stats.node_stats:
            placements.setdefault(node.node_name, device)
    return placements


def _variable_device(variable: Any, placements: dict[str, str], fallback: str) -> str:
    name = variable.op.name
    if name in placements:
        return placements[name]
    for node, device in placements.items():
        if node.startswith(name + "/"):
            return device
    return tfcompat.short_device(variable.device) if variable.device else fallback


def snapshot(
    session: Any,
    variables: list,
    placements: dict[str, str],
    fallback: str,
    optimizer_names: frozenset[str] = frozenset(),
) -> list[VariableSnapshot]:
    """Every variable's value and placement; ``optimizer_names`` are the optimizer's own (slots, powers)."""
    values = session.run(variables) if variables else []
    trainable = {id(variable) for variable in session.graph.get_collection("trainable_variables")}
    return [
        VariableSnapshot(
            name=variable.op.name,
            shape=tuple(int(dim) for dim in variable.shape),
            dtype=variable.dtype.base_dtype.name,
            trainable=id(variable) in trainable,
            device=_variable_device(variable, placements, fallback),
            value=summarize(value),
            optimizer=variable.op.name in optimizer_names,
        )
        for variable, value in zip(variables, values)
    ]


def snapshot_values(snapshots: list[VariableSnapshot], variable: Any) -> np.ndarray | None:
    """The full value of ``variable`` in a snapshot, when it was small enough to keep."""
    for snap in snapshots:
        if snap.name == variable.op.name and snap.value.values is not None:
            return np.asarray(snap.value.values).reshape(snap.shape)
    return None


# Grappler (TensorFlow's graph optimizer) rewrites every new fetch set before its first run;
# on these tiny graphs that costs more than the steps themselves, and it never changes what
# the graph computes.  `bncheck run --grappler` turns it back on, as in a training program.
_optimize_graphs: contextvars.ContextVar[bool] = contextvars.ContextVar("optimize_graphs", default=False)


def session(tf: Any, graph: Any) -> Any:
    # the graphs are tiny: one thread each avoids pool hand-offs that cost more than the ops
    config = tf.compat.v1.ConfigProto(
        allow_soft_placement=True, intra_op_parallelism_threads=1, inter_op_parallelism_threads=1
    )
    config.gpu_options.allow_growth = True
    if not _optimize_graphs.get():
        config.graph_options.rewrite_options.disable_meta_optimizer = True
    return tf.compat.v1.Session(graph=graph, config=config)


def traced_run(tf: Any, sess: Any, fetches: Any, feed: dict) -> tuple[Any, dict[str, str]]:
    """One ``Session.run`` with a full trace: the values and where each op ran."""
    options = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE)
    metadata = tf.compat.v1.RunMetadata()
    value = sess.run(fetches, feed, options=options, run_metadata=metadata)
    return value, _placements(metadata)


def train_loop(
    tf: Any,
    sess: Any,
    fetches: Any,
    feed: dict | Callable[[int], dict],
    steps: int,
    before_step: Callable[[int], None] | None = None,
    after_step: Callable[[int, Any], None] | None = None,
) -> tuple[Any, dict[str, str]]:
    """Run ``steps`` train steps, the first one traced; returns the last step's values and the placements."""
    values, placements = None, {}
    for step in range(steps):
        if before_step is not None:
            before_step(step)
        step_feed = feed(step) if callable(feed) else feed
        if step == 0:
            values, placements = traced_run(tf, sess, fetches, step_feed)
        else:
            values = sess.run(fetches, step_feed)
        if after_step is not None:
            after_step(step, values)
    return values, placements


def optimizer(tf: Any, name: str, learning_rate: float) -> Any:
    train = tf.compat.v1.train
    return (
        train.AdamOptimizer(learning_rate)
        if name == "adam"
        else train.GradientDescentOptimizer(learning_rate)
    )


def optimizer_variable_names(graph: Any, before: set[str]) -> frozenset[str]:
    """The variables the optimizer added (Adam's slots and beta powers): those new since ``before``."""
    return frozenset(v.op.name for v in graph.get_collection("variables") if v.op.name not in before)


def wire_updates(
    tf: Any, mode: str, layer: Any, collection: list, early: list | None, make_step: Callable[[], Any]
) -> tuple[Any, list, int]:
    """Build the train step as the ``updates`` mode says; returns (train_op, extra fetches, ops wired)."""
    if mode == "control_dependencies":
        with tf.control_dependencies(collection):
            return make_step(), [], len(collection)
    if mode == "collected_too_early":
        with tf.control_dependencies(early or []):
            return make_step(), [], len(early or [])
    if mode == "layer_updates":
        with tf.control_dependencies(layer.update_ops):
            return make_step(), [], len(layer.update_ops)
    if mode == "fetch":
        return make_step(), list(collection), len(collection)
    if mode == "group":
        return tf.group(make_step(), *collection, name="train_and_update"), [], len(collection)
    return make_step(), [], 0  # "none", "in_place": nothing is tied to the step from outside


def error_line(error: BaseException) -> str:
    """The line of a TensorFlow error that names the problem (not "Graph execution error:", not a frame)."""
    text = str(getattr(error, "message", None) or error)
    for line in text.splitlines():
        line = line.strip()
        if (
            not line
            or line.endswith("error:")
            or line.startswith(("Detected at node", "File ", "[[", "Traceback", "Node: "))
        ):
            continue
        return re.sub(r"\s*\[\[\{\{node [^}]*\}\}\]\].*$", "", line)
    return type(error).__name__


def error_result(variant: Any, observations: dict[str, Any]) -> VariantResult:
    """The result of a variant TensorFlow refused, as the scenario documents it should."""
    return VariantResult(
        label=variant.label,
        settings={key: value for key, value in variant.settings.items() if key != "label"},
        snapshots={},
        outputs={},
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        notes=[f"TensorFlow raised: {observations.get('error')}"],
    )


def public_settings(settings: dict[str, Any], layer: Any | None = None) -> dict[str, Any]:
    """A variant's settings as reported, with what the built layer actually used."""
    public = {key: value for key, value in settings.items() if key != "label"}
    if layer is not None:
        public["momentum"] = layer.momentum
        public["fused"] = layer.fused
        public["scale"] = layer.gamma is not None
    return public


@contextlib.contextmanager
def _save_dir(save_dir: Path | None, needed: bool) -> Iterator[Path | None]:
    if not needed:
        yield None
    elif save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        yield save_dir
    else:
        with tempfile.TemporaryDirectory(prefix="bncheck-") as temporary:
            yield Path(temporary)


def run_scenario(
    scenario: Scenario,
    device: tfcompat.Device,
    save_dir: Path | None = None,
    verbose: bool = False,
    optimize_graphs: bool = False,
) -> ScenarioResult:
    """Run every variant of ``scenario`` on ``device`` and check its expectations.

    ``optimize_graphs`` runs the sessions with Grappler on (off by default: see ``session``).
    TensorFlow's native log lines (printed at the first Session.run) are kept off stderr unless ``verbose``.
    """
    tf = tfcompat.load(verbose)
    token = _optimize_graphs.set(optimize_graphs)
    # TF1-style conds (Switch/Merge), as the graphs of tf.compat.v1 programs have them: they build
    # several times faster than TF2's functional If and its gradient, and compute the same values
    v2_conds = tf.compat.v1.control_flow_v2_enabled()
    tf.compat.v1.disable_control_flow_v2()
    try:
        with tfcompat.quiet_native_stderr(not verbose):
            return _run(tf, scenario, device, save_dir)
    finally:
        if v2_conds:
            tf.compat.v1.enable_control_flow_v2()
        _optimize_graphs.reset(token)


def _run(tf: Any, scenario: Scenario, device: tfcompat.Device, save_dir: Path | None) -> ScenarioResult:
    started = time.perf_counter()
    procedure = procedures.get(scenario.procedure)
    variants: list[VariantResult] = []
    used: set[str] = set()
    trajectory = None
    with _save_dir(save_dir, procedure.writes_checkpoints) as directory:
        context = RunContext(tf, scenario, device, directory)
        for variant in scenario.variants:
            result, devices = procedure.run_variant(context, variant)
            variants.append(dataclasses.replace(result, role=variant.role))
            used |= devices
        if procedure.run_tables is not None:
            trajectory = procedure.run_tables(context)
    return ScenarioResult(
        name=scenario.name,
        title=scenario.title,
        pitfall=scenario.pitfall,
        path=str(scenario.path),
        procedure=scenario.procedure,
        device=device.description,
        device_requested=device.requested,
        devices_used=sorted(used),
        tensorflow_version=tf.__version__,
        variants=variants,
        trajectory=trajectory,
        verdict=scenario.verdict,
        references=list(scenario.references),
        seconds=time.perf_counter() - started,
    )

"""Run a validated scenario on real TensorFlow graphs and return plain data.

One procedure per kind of scenario: ``train_eval`` (train steps, then an
inference run, on one fixed batch), ``control_dependency_demo``,
``saver_roundtrip`` and ``accuracy_gap``.  Each variant gets a fresh graph and
session.  Observations are computed with numpy from what TensorFlow returned and
then checked against the scenario file's expectations.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from bncheck import tfcompat
from bncheck.errors import BncheckError
from bncheck.scenarios import builders
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.results import SMALL, ScenarioResult, Trajectory, ValueSummary, VariableSnapshot, VariantResult
from bncheck.scenarios.spec import Scenario, Variant


# ---------------------------------------------------------------- helpers

def summarize(array: Any) -> ValueSummary:
    array = np.asarray(array, dtype=np.float64)
    finite = array[np.isfinite(array)] if array.size else array
    if not finite.size:
        stats = (float("nan"),) * 4
    else:
        stats = (float(finite.min()), float(finite.mean()), float(finite.max()), float(finite.std()))
    values = [float(value) for value in array.ravel()] if array.size <= SMALL else None
    return ValueSummary(tuple(int(dim) for dim in array.shape), stats[0], stats[1], stats[2], stats[3], values)


def make_input(table: dict[str, Any]) -> np.ndarray:
    """The fixed batch of a train_eval scenario, deterministic in its seed."""
    shape = tuple(table["shape"])
    rng = np.random.default_rng(table["seed"])
    if table["distribution"] == "uniform":
        batch = rng.uniform(table["low"], table["high"], size=shape)
    elif table["distribution"] == "normal":
        batch = rng.normal(table["mean"], table["stddev"], size=shape)
    else:
        batch = np.full(shape, table["value"])
    return batch.astype(np.float32)


def _placements(tf: Any, run_metadata: Any) -> dict[str, str]:
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


def _snapshot(session: Any, variables: list, placements: dict[str, str], fallback: str) -> list[VariableSnapshot]:
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
        )
        for variable, value in zip(variables, values)
    ]


# Grappler (TensorFlow's graph optimizer) rewrites every new fetch set before its first run;
# on these tiny graphs that costs more than the steps themselves, and it never changes what
# the graph computes.  `bncheck run --grappler` turns it back on, as in a training program.
_optimize_graphs: contextvars.ContextVar[bool] = contextvars.ContextVar("optimize_graphs", default=False)


def _session(tf: Any, graph: Any) -> Any:
    # the graphs are tiny: one thread each avoids pool hand-offs that cost more than the ops
    config = tf.compat.v1.ConfigProto(allow_soft_placement=True, intra_op_parallelism_threads=1,
                                      inter_op_parallelism_threads=1)
    config.gpu_options.allow_growth = True
    if not _optimize_graphs.get():
        config.graph_options.rewrite_options.disable_meta_optimizer = True
    return tf.compat.v1.Session(graph=graph, config=config)


def _traced_run(tf: Any, session: Any, fetches: Any, feed: dict) -> tuple[Any, dict[str, str]]:
    options = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE)
    metadata = tf.compat.v1.RunMetadata()
    value = session.run(fetches, feed, options=options, run_metadata=metadata)
    return value, _placements(tf, metadata)


def _close(a: Any, b: Any, rtol: float = 1e-4, atol: float | None = None) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:  # shapes that cannot be compared are not close
        return False
    if atol is None:
        atol = rtol * max(1.0, float(np.nanmax(np.abs(b))) if b.size else 1.0)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _optimizer(tf: Any, name: str, learning_rate: float) -> Any:
    train = tf.compat.v1.train
    return train.AdamOptimizer(learning_rate) if name == "adam" else train.GradientDescentOptimizer(learning_rate)


# ---------------------------------------------------------------- train_eval

def _wire_updates(tf: Any, mode: str, layer: builders.BatchNormLayer, collection: list, early: list | None,
                  make_step) -> tuple[Any, list, int]:
    """Build the train step as the scenario's ``updates`` mode says; returns (train_op, extra fetches, wired)."""
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


def _train_eval_variant(tf: Any, scenario: Scenario, variant: Variant, device: tfcompat.Device) -> tuple[VariantResult, set[str]]:
    v1 = tf.compat.v1
    settings = variant.settings
    train = scenario.table("train")
    batch = make_input(scenario.table("input"))
    steps = train["steps"]
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        v1.set_random_seed(scenario.table("input")["seed"])
        inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        training = {"placeholder": is_training, "true": True, "false": False}[settings["training"]]
        early = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS)) if settings["updates"] == "collected_too_early" else None
        layer = builders.build(settings["api"], tf, inputs, training, settings)
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))

        if train["optimizer"] == "none":
            def make_step():
                return v1.no_op(name="train_step")
        else:
            target = np.random.default_rng(scenario.table("input")["seed"] + 1).normal(size=batch.shape)
            loss = tf.reduce_mean(tf.square(layer.output - tf.constant(target, tf.float32)), name="loss")
            if not v1.trainable_variables():
                raise BncheckError(
                    f"{scenario.path}: variant {variant.label!r} has no trainable variables "
                    "(center and scale are false): set train.optimizer = 'none'"
                )

            def make_step():
                return _optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(loss, name="train_op")

        train_op, extra, wired = _wire_updates(tf, settings["updates"], layer, collection, early, make_step)
        init = v1.global_variables_initializer()
        variables = v1.global_variables()

    placements: dict[str, str] = {}
    train_feed = {inputs: batch, is_training: True}
    with _session(tf, graph) as session:
        session.run(init)
        initial = _snapshot(session, variables, {}, device.short)
        train_output = None
        for step in range(steps):
            fetches = {"step": train_op, "output": layer.output, "extra": extra}
            if step == 0:
                values, placements = _traced_run(tf, session, fetches, train_feed)
            else:
                values = session.run(fetches, train_feed)
            train_output = values["output"]
        after_train = _snapshot(session, variables, placements, device.short)
        test_feed = {inputs: batch, is_training: False}
        if placements:
            test_output = session.run(layer.output, test_feed)
        else:  # no train step ran: learn the placement from the inference run
            test_output, placements = _traced_run(tf, session, layer.output, test_feed)
        after_test = _snapshot(session, variables, placements, device.short)
        moving_after_train = session.run([layer.moving_mean, layer.moving_variance])

    observations = _train_eval_observations(layer, batch, steps, initial, after_train, after_test,
                                            moving_after_train, train_output, test_output, collection, wired)
    outputs = {"input": summarize(batch), "test": summarize(test_output)}
    if train_output is not None:
        outputs = {"input": outputs["input"], "train": summarize(train_output), "test": outputs["test"]}
    result = VariantResult(
        label=variant.label,
        settings=_public_settings(settings, layer),
        snapshots={"initial": initial, "after_train": after_train, "after_test": after_test},
        outputs=outputs,
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        arrays={"input": batch, "train_output": train_output, "test_output": test_output,
                "moving_mean": moving_after_train[0], "moving_variance": moving_after_train[1]},
    )
    return result, set(placements.values())


def _public_settings(settings: dict[str, Any], layer: builders.BatchNormLayer | None) -> dict[str, Any]:
    public = {key: value for key, value in settings.items() if key != "label"}
    if layer is not None:
        public["momentum"] = layer.momentum
        public["fused"] = layer.fused
        public["scale"] = layer.gamma is not None
    return public


def _values(snapshots: list[VariableSnapshot], variable: Any) -> np.ndarray | None:
    for snap in snapshots:
        if snap.name == variable.op.name and snap.value.values is not None:
            return np.asarray(snap.value.values)
    return None


def _train_eval_observations(layer: builders.BatchNormLayer, batch: np.ndarray, steps: int, initial: list,
                             after_train: list, after_test: list, moving: list, train_output: Any,
                             test_output: Any, collection: list, wired: int) -> dict[str, Any]:
    axes = tuple(range(batch.ndim - 1))
    count = int(np.prod(batch.shape[:-1]))
    batch64 = batch.astype(np.float64)
    batch_mean = batch64.mean(axis=axes)
    biased = batch64.var(axis=axes)
    unbiased = biased * count / (count - 1) if count > 1 else np.full_like(biased, np.inf)
    momentum = layer.momentum
    kept = momentum**steps  # weight left on the initial value after `steps` updates
    moving_mean, moving_variance = (np.asarray(value, dtype=np.float64) for value in moving)
    scale = max(1.0, float(np.abs(batch_mean).max()))

    def stats_of(snapshots: list) -> tuple:
        return tuple(_values(snapshots, variable) for variable in (layer.moving_mean, layer.moving_variance))

    ratio = None
    if 1 - kept > 1e-12 and float(biased.min()) > 0:
        ratio = float(np.mean((moving_variance - kept) / ((1 - kept) * biased)))
    observations: dict[str, Any] = {
        "update_ops_in_collection": len(collection),
        "update_ops_wired": wired,
        "moving_stats_unchanged": bool(np.allclose(moving_mean, 0.0, atol=1e-7) and np.allclose(moving_variance, 1.0, atol=1e-7)),
        "moving_mean_follows_momentum": _close(moving_mean, (1 - kept) * batch_mean, rtol=1e-4, atol=1e-4 * scale),
        "moving_mean_equals_batch_mean": _close(moving_mean, batch_mean, rtol=1e-5, atol=1e-5 * scale),
        "moving_variance_is_unbiased": bool(np.all(np.isfinite(unbiased))) and _close(moving_variance, kept + (1 - kept) * unbiased, rtol=1e-4),
        "moving_variance_is_biased": _close(moving_variance, kept + (1 - kept) * biased, rtol=1e-4),
        "moving_variance_ratio": ratio,
        "stats_changed_by_test": any(
            a is not None and b is not None and not np.array_equal(a, b)
            for a, b in zip(stats_of(after_train), stats_of(after_test))
        ),
        "has_gamma": layer.gamma is not None,
        "has_beta": layer.beta is not None,
        "momentum": float(momentum),
        "fused": bool(layer.fused),
        "bn_variables": [variable.op.name.removeprefix(layer.scope + "/") for variable in layer.variables],
        "batch_variance_max": float(biased.max()),
        "test_output_is_input": _close(test_output, batch, rtol=2e-3, atol=1e-3 * scale),
    }
    if train_output is not None:
        difference = float(np.max(np.abs(np.asarray(test_output, np.float64) - np.asarray(train_output, np.float64))))
        beta = _values(initial, layer.beta) if layer.beta is not None else np.zeros(batch.shape[-1])
        observations.update({
            "test_matches_train": _close(test_output, train_output, rtol=1e-4, atol=1e-4),
            "max_test_train_difference": difference,
            "train_output_is_beta": _close(train_output, np.broadcast_to(beta, batch.shape), rtol=1e-5, atol=1e-5),
        })
    else:
        observations.update({"test_matches_train": None, "max_test_train_difference": None, "train_output_is_beta": None})
    return observations


def _trajectory(tf: Any, scenario: Scenario, device: tfcompat.Device) -> Trajectory:
    v1 = tf.compat.v1
    table = scenario.table("trajectory")
    batch = make_input(scenario.table("input"))
    batch_mean = float(batch[..., 0].astype(np.float64).mean())
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
        layers = []
        for position, momentum in enumerate(table["momentum"]):
            layers.append(builders.build(table["api"], tf, inputs, True,
                                         {"momentum": momentum, "updates": "in_place"},
                                         name=f"bn_{position}"))
        collection = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(collection):
            step = tf.group(*[layer.output for layer in layers], name="update_step")
        with tf.control_dependencies([step]):  # read after this step's update, not before it
            means = [tf.identity(layer.moving_mean.read_value()) for layer in layers]
        init = v1.global_variables_initializer()
    series: dict[str, list[float]] = {f"{m:g}": [] for m in table["momentum"]}
    with _session(tf, graph) as session:
        session.run(init)
        for _ in range(table["steps"]):
            values = session.run(means, {inputs: batch})
            for momentum, value in zip(table["momentum"], values):
                series[f"{momentum:g}"].append(float(value[0]))
    follows = all(
        _close(values, [(1 - float(key) ** (k + 1)) * batch_mean for k in range(len(values))],
               rtol=1e-4, atol=1e-4 * max(1.0, abs(batch_mean)))
        for key, values in series.items()
    )
    expect = table.get("expect", {})
    return Trajectory(table["api"], table["steps"], batch_mean, series,
                      evaluate("trajectory", expect, {"follows_formula": follows}))


# ---------------------------------------------------------------- control dependency demo

def _demo_variant(tf: Any, variant: Variant, device: tfcompat.Device) -> tuple[VariantResult, set[str]]:
    v1 = tf.compat.v1
    settings = variant.settings
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        a = v1.get_variable("a", initializer=tf.constant(settings["a"], tf.float32))
        b = v1.get_variable("b", initializer=tf.constant(settings["b"], tf.float32))
        assign = v1.assign(a, settings["assign_value"], name="assign_a")
        if settings["control_dependency"]:
            with tf.control_dependencies([assign]):
                total = tf.add(a, b, name="a_plus_b")
        else:
            total = tf.add(a, b, name="a_plus_b")
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    with _session(tf, graph) as session:
        session.run(init)
        initial = _snapshot(session, variables, {}, device.short)
        value, placements = _traced_run(tf, session, total, {})
        after = _snapshot(session, variables, placements, device.short)
        a_after = float(session.run(a))
    observations = {"sum": float(value), "a_after": a_after}
    result = VariantResult(
        label=variant.label,
        settings={key: value for key, value in settings.items() if key != "label"},
        snapshots={"initial": initial, "after_run": after},
        outputs={"a + b": summarize(value)},
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
    )
    return result, set(placements.values())


# ---------------------------------------------------------------- saver round trip

def _bn_model(tf: Any, scenario: Scenario, settings: dict[str, Any], batch: np.ndarray,
              train_step: bool = True) -> dict[str, Any]:
    """The model a saver scenario trains and restores: BN on the input, trained with its updates wired.

    The restoring side (``train_step=False``) is an evaluation script: same layers, no optimizer.
    """
    v1 = tf.compat.v1
    train = scenario.table("train")
    inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
    is_training = v1.placeholder_with_default(False, [], name="is_training")
    layer = builders.build(settings["api"], tf, inputs, is_training, {"momentum": settings.get("momentum")})
    target = np.random.default_rng(scenario.table("input")["seed"] + 1).normal(size=batch.shape)
    if not train_step:
        return {"inputs": inputs, "is_training": is_training, "layer": layer, "step": None}
    loss = tf.reduce_mean(tf.square(layer.output - tf.constant(target, tf.float32)))
    updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS) + list(layer.update_ops)
    with tf.control_dependencies(updates):
        step = _optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(loss) \
            if train["optimizer"] != "none" else v1.no_op()
    return {"inputs": inputs, "is_training": is_training, "layer": layer, "step": step}


def _var_list(tf: Any, which: str) -> list:
    v1 = tf.compat.v1
    if which == "global":
        return v1.global_variables()
    var_list = list(v1.trainable_variables())
    if which == "trainable_and_moving":
        # the usual fix: append the moving statistics by name
        var_list += [v for v in v1.global_variables() if "moving_mean" in v.name or "moving_variance" in v.name
                     or "pop_mean" in v.name or "pop_var" in v.name]
    return var_list


def _first_error_line(error: Exception) -> str:
    text = str(error)
    match = re.search(r"Key [^\n]*? not found in checkpoint", text)
    if match:
        return match.group(0)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _saver_variant(tf: Any, scenario: Scenario, variant: Variant, device: tfcompat.Device,
                   save_dir: Path) -> tuple[VariantResult, set[str]]:
    v1 = tf.compat.v1
    settings = variant.settings
    batch = make_input(scenario.table("input"))
    steps = scenario.table("train")["steps"]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", variant.label).strip("-").lower() or "variant"
    prefix = save_dir / slug / "model.ckpt"

    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        model = _bn_model(tf, scenario, settings, batch)
        saver = v1.train.Saver(var_list=_var_list(tf, settings["var_list"]))
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    train_feed = {model["inputs"]: batch, model["is_training"]: True}
    test_feed = {model["inputs"]: batch, model["is_training"]: False}
    with _session(tf, graph) as session:
        session.run(init)
        initial = _snapshot(session, variables, {}, device.short)
        placements: dict[str, str] = {}
        for step in range(steps):
            if step == 0:
                _, placements = _traced_run(tf, session, model["step"], train_feed)
            else:
                session.run(model["step"], train_feed)
        after_train = _snapshot(session, variables, placements, device.short)
        test_output = session.run(model["layer"].output, test_feed)
        written = saver.save(session, str(prefix), global_step=steps)
    saved = sorted(name for name, _ in tf.train.list_variables(written))
    layer_names = [model["layer"].moving_mean.op.name, model["layer"].moving_variance.op.name]

    restored_graph = tf.Graph()
    with restored_graph.as_default(), tf.device(device.name):
        restored = _bn_model(tf, scenario, settings, batch, train_step=False)
        restore_list = v1.global_variables() if settings["restore"] == "all" else _var_list(tf, settings["var_list"])
        restorer = v1.train.Saver(var_list=restore_list)
        init = v1.global_variables_initializer()
        restored_variables = v1.global_variables()
    error_text = ""
    snapshots = {"initial": initial, "after_train": after_train}
    restored_output = None
    with _session(tf, restored_graph) as session:
        session.run(init)
        try:
            restorer.restore(session, written)
        except tf.errors.NotFoundError as error:
            error_text = _first_error_line(error)
        else:
            snapshots["after_restore"] = _snapshot(session, restored_variables, placements, device.short)
            restored_output = session.run(restored["layer"].output,
                                          {restored["inputs"]: batch, restored["is_training"]: False})
            moving = session.run([restored["layer"].moving_mean, restored["layer"].moving_variance])
    observations: dict[str, Any] = {
        "moving_stats_saved": all(name in saved for name in layer_names),
        "saved_variables": saved,
        "restore_failed": bool(error_text),
        "restore_error": error_text,
        "restored_output_matches": restored_output is not None and bool(np.array_equal(restored_output, test_output)),
        "restored_moving_stats_initial": restored_output is not None and bool(
            np.allclose(moving[0], 0.0) and np.allclose(moving[1], 1.0)),
    }
    outputs = {"test": summarize(test_output)}
    if restored_output is not None:
        outputs["test after restore"] = summarize(restored_output)
    notes = [f"checkpoint: {written}", f"saved: {', '.join(saved)}"]
    if error_text:
        notes.append(f"restore raised NotFoundError: {error_text}")
    result = VariantResult(
        label=variant.label,
        settings={key: value for key, value in settings.items() if key != "label"},
        snapshots=snapshots,
        outputs=outputs,
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        notes=notes,
        arrays={"test_output": test_output, "restored_output": restored_output},
    )
    return result, set(placements.values())


# ---------------------------------------------------------------- accuracy gap

def make_dataset(table: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A deterministic classification set whose features sit far from zero, like raw pixels."""
    rng = np.random.default_rng(table["seed"])
    centres = table["offset"] + table["separation"] * rng.standard_normal((table["classes"], table["features"]))

    def draw(size: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, table["classes"], size=size)
        features = centres[labels] + table["noise"] * rng.standard_normal((size, table["features"]))
        return np.clip(features, 0.0, 255.0).astype(np.float32), labels.astype(np.int64)

    train_x, train_y = draw(table["train_size"])
    test_x, test_y = draw(table["test_size"])
    return train_x, train_y, test_x, test_y


def _accuracy_variant(tf: Any, scenario: Scenario, variant: Variant, device: tfcompat.Device) -> tuple[VariantResult, set[str]]:
    v1 = tf.compat.v1
    settings = variant.settings
    data = scenario.table("data")
    train = scenario.table("train")
    train_x, train_y, test_x, test_y = make_dataset(data)
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        v1.set_random_seed(data["seed"])
        features = v1.placeholder(tf.float32, [None, data["features"]], name="features")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        initializer = v1.glorot_uniform_initializer(seed=data["seed"])
        hidden = v1.layers.dense(features, data["hidden"], use_bias=False, kernel_initializer=initializer, name="dense")
        layer = builders.build(settings["api"], tf, hidden, is_training, settings)
        logits = v1.layers.dense(tf.nn.relu(layer.output), data["classes"], kernel_initializer=initializer, name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        predictions = tf.argmax(logits, axis=1)
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))

        def make_step():
            return _optimizer(tf, train["optimizer"] if train["optimizer"] != "none" else "adam",
                              train["learning_rate"]).minimize(loss)

        step, extra, _ = _wire_updates(tf, settings["updates"], layer, collection, [], make_step)
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    rng = np.random.default_rng(data["seed"] + 1)
    placements: dict[str, str] = {}
    with _session(tf, graph) as session:
        session.run(init)
        initial = _snapshot(session, variables, {}, device.short)
        order = rng.permutation(len(train_x))
        cursor = 0
        for position in range(train["steps"]):
            if cursor + data["batch_size"] > len(order):
                order, cursor = rng.permutation(len(train_x)), 0
            chosen = order[cursor:cursor + data["batch_size"]]
            cursor += data["batch_size"]
            feed = {features: train_x[chosen], labels: train_y[chosen], is_training: True}
            if position == 0:
                _, placements = _traced_run(tf, session, [step, extra], feed)
            else:
                session.run([step, extra], feed)
        after_train = _snapshot(session, variables, placements, device.short)
        # inference first: a training-mode pass of an in-place layer would move the statistics
        test_predictions = session.run(predictions, {features: test_x, is_training: False})
        after_test = _snapshot(session, variables, placements, device.short)
        moving = session.run([layer.moving_mean, layer.moving_variance])
        train_predictions = np.concatenate([
            session.run(predictions, {features: train_x[start:start + data["batch_size"]], is_training: True})
            for start in range(0, len(train_x), data["batch_size"])
        ])
    observations = {
        "train_accuracy": float(np.mean(train_predictions == train_y)),
        "test_accuracy": float(np.mean(test_predictions == test_y)),
        "chance": 1.0 / data["classes"],
        "moving_stats_unchanged": bool(np.allclose(moving[0], 0.0) and np.allclose(moving[1], 1.0)),
    }
    result = VariantResult(
        label=variant.label,
        settings=_public_settings(settings, layer),
        snapshots={"initial": initial, "after_train": after_train, "after_test": after_test},
        outputs={"train-mode accuracy (training set)": summarize(observations["train_accuracy"]),
                 "inference-mode accuracy (held-out set)": summarize(observations["test_accuracy"])},
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
    )
    return result, set(placements.values())


# ---------------------------------------------------------------- entry point

@contextlib.contextmanager
def _save_dir(save_dir: Path | None) -> Iterator[Path]:
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        yield save_dir
        return
    with tempfile.TemporaryDirectory(prefix="bncheck-") as temporary:
        yield Path(temporary)


def run_scenario(scenario: Scenario, device: tfcompat.Device, save_dir: Path | None = None,
                 verbose: bool = False, optimize_graphs: bool = False) -> ScenarioResult:
    """Run every variant of ``scenario`` on ``device`` and check its expectations.

    ``optimize_graphs`` runs the sessions with Grappler on (off by default: see ``_session``).
    """
    tf = tfcompat.load(verbose)
    token = _optimize_graphs.set(optimize_graphs)
    try:
        return _run(tf, scenario, device, save_dir)
    finally:
        _optimize_graphs.reset(token)


def _run(tf: Any, scenario: Scenario, device: tfcompat.Device, save_dir: Path | None) -> ScenarioResult:
    started = time.perf_counter()
    variants: list[VariantResult] = []
    used: set[str] = set()
    trajectory = None
    with _save_dir(save_dir if scenario.procedure == "saver_roundtrip" else None) as directory:
        for variant in scenario.variants:
            if scenario.procedure == "train_eval":
                result, devices = _train_eval_variant(tf, scenario, variant, device)
            elif scenario.procedure == "control_dependency_demo":
                result, devices = _demo_variant(tf, variant, device)
            elif scenario.procedure == "saver_roundtrip":
                result, devices = _saver_variant(tf, scenario, variant, device, directory)
            else:
                result, devices = _accuracy_variant(tf, scenario, variant, device)
            variants.append(result)
            used |= devices
        if scenario.procedure == "train_eval" and "trajectory" in scenario.tables:
            trajectory = _trajectory(tf, scenario, device)
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

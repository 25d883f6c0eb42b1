"""``towers``: data-parallel towers sharing one BN layer's variables, each fed its own batch.

Tower ``i`` is built under ``tf.name_scope("tower_i")`` with the variables shared through
``variable_scope(reuse=AUTO_REUSE)``, as multi-GPU training scripts do, and gets the batch of
``[input]`` (seed + i) shifted by ``i * towers.shift``.  The train op depends on the update ops
collected from the first tower only (``get_collection(UPDATE_OPS, scope="tower_0")``) or from all.
After each step moving_mean is read and its change matched against the moving-average update from
the first tower's batch alone, and from every tower's batch.
"""

from __future__ import annotations

import itertools
from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.procedures.train_eval import check_tables
from bncheck.scenarios.schema import INT, NUMBER, TEXT, FieldSpec

TOWER_FIELDS = {
    "count": FieldSpec(INT, default=2, check=schema.int_range(2, 8), doc="number of towers"),
    "shift": FieldSpec(NUMBER, default=100.0, doc="tower i's batch is [input]'s (seed + i) plus i * shift"),
}

VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "api": FieldSpec(TEXT, default="layers", choices=("layers", "contrib"), doc="which BN implementation"),
    "momentum": schema.MOMENTUM,
    "collect": FieldSpec(
        TEXT,
        choices=("first_tower", "all_towers"),
        doc="get_collection(UPDATE_OPS, scope='tower_0') or get_collection(UPDATE_OPS)",
    ),
    "expect": schema.EXPECT,
}

OBSERVATIONS = pick(
    "update_ops_in_collection",
    "update_ops_wired",
    "towers_per_step",
    "moving_mean_follows_first_tower",
    "moving_stats_unchanged",
)


def _towers_in_step(before: Any, after: Any, means: list, momentum: float) -> int | None:
    """How many towers' batches one step folded into moving_mean: 1 (the first), all, or None (neither)."""
    from bncheck.scenarios import measure

    if measure.close(after, momentum * before + (1 - momentum) * means[0]):
        return 1
    candidates = [
        before - (1 - momentum) * sum(before - mean for mean in means)
    ]  # every update read the old value
    for order in itertools.permutations(range(len(means))):
        candidates.append(measure.moving_average(before, [means[i] for i in order], momentum))
    return len(means) if any(measure.close(after, candidate) for candidate in candidates) else None


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    import numpy as np

    from bncheck.errors import BncheckError
    from bncheck.scenarios import builders, measure, runner
    from bncheck.scenarios.results import VariantResult

    tf, scenario, device = context.tf, context.scenario, context.device
    v1 = tf.compat.v1
    settings = variant.settings
    towers, train = scenario.table("towers"), scenario.table("train")
    batches = [
        runner.make_input(scenario.table("input"), seed_offset=i) + np.float32(i * towers["shift"])
        for i in range(towers["count"])
    ]
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        v1.set_random_seed(scenario.table("input")["seed"])
        inputs, layers, losses = [], [], []
        for i, batch in enumerate(batches):
            with tf.name_scope(f"tower_{i}"), v1.variable_scope("model", reuse=v1.AUTO_REUSE):
                inputs.append(v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs"))
                layers.append(builders.build(settings["api"], tf, inputs[-1], True, settings))
                target = np.random.default_rng(i + 1).normal(size=batch.shape)
                losses.append(tf.reduce_mean(tf.square(layers[-1].output - tf.constant(target, tf.float32))))
        if len(v1.global_variables()) != len(layers[0].variables):
            raise BncheckError(
                f"{scenario.path}: the towers of variant {variant.label!r} do not share one layer"
            )
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        scope = "tower_0" if settings["collect"] == "first_tower" else None
        wired = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS, scope=scope))
        before_optimizer = {v.op.name for v in v1.global_variables()}
        with tf.control_dependencies(wired):
            if train["optimizer"] == "none":
                step = v1.no_op(name="train_op")
            else:
                step = runner.optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(
                    tf.add_n(losses), name="train_op"
                )
        optimizer_names = runner.optimizer_variable_names(graph, before_optimizer)
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    moving_mean = layers[0].moving_mean
    feed = dict(zip(inputs, batches))
    history: list = []
    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short, optimizer_names)
        history.append(session.run(moving_mean))
        _, placements = runner.train_loop(
            tf,
            session,
            step,
            feed,
            train["steps"],
            after_step=lambda _step, _values: history.append(session.run(moving_mean)),
        )
        after_train = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        moving = session.run([layers[0].moving_mean, layers[0].moving_variance])
    means = [measure.batch_moments(batch)[0] for batch in batches]
    momentum = layers[0].momentum
    per_step = {
        _towers_in_step(np.asarray(a, np.float64), np.asarray(b, np.float64), means, momentum)
        for a, b in zip(history, history[1:])
    }
    steps = train["steps"]
    observations = {
        "update_ops_in_collection": len(collection),
        "update_ops_wired": len(wired),
        "towers_per_step": per_step.pop() if len(per_step) == 1 else None,
        "moving_mean_follows_first_tower": measure.close(moving[0], (1 - momentum**steps) * means[0]),
        "moving_stats_unchanged": measure.stats_at_initial(*moving),
    }
    outputs = {f"tower_{i} batch mean": runner.summarize(mean) for i, mean in enumerate(means)}
    outputs["moving_mean after training"] = runner.summarize(moving[0])
    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings, layers[0]),
        snapshots={"initial": initial, "after_train": after_train},
        outputs=outputs,
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        arrays={
            "batches": batches,
            "moving_mean_history": [np.asarray(h) for h in history],
            "moving_mean": moving[0],
            "moving_variance": moving[1],
        },
    )
    return result, set(placements.values())


def sizes(tables: dict[str, dict[str, Any]], variants: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    elements = schema.elements(tables["input"]["shape"]) * tables["towers"]["count"]
    return [
        ("input.shape", elements, "elements"),
        ("train.steps", tables["train"]["steps"] * elements, "work"),
    ]


PROCEDURE = Procedure(
    name="towers",
    summary="data-parallel towers sharing one BN layer, the updates collected from one tower or all",
    tables={"input": schema.INPUT_FIELDS, "train": schema.TRAIN_FIELDS, "towers": TOWER_FIELDS},
    variant_fields=VARIANT_FIELDS,
    observations=OBSERVATIONS,
    run_variant=run_variant,
    check_tables=check_tables,
    sizes=sizes,
)

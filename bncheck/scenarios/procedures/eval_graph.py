"""``eval_graph``: a training graph and an evaluation graph sharing one BN layer's variables.

The training side is built in ``variable_scope("model")`` with its updates wired (``updates``), the
evaluation side in ``variable_scope("model", reuse=True)`` with ``training`` fixed to
``eval_training``, as scripts that build one graph per phase do.  After ``train.steps`` steps on the
training batch, the inference output (training side, training=False) is taken, then ``eval.batches``
evaluation batches are run through the evaluation side, then the inference output again.
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.procedures.train_eval import check_tables, check_variant
from bncheck.scenarios.schema import BOOL, INT, NUMBER, TEXT, FieldSpec

EVAL_FIELDS = {
    "batches": FieldSpec(INT, default=5, check=schema.int_range(1, 10_000), doc="evaluation batches run"),
    "shift": FieldSpec(NUMBER, default=50.0, doc="evaluation batch j is [input]'s (seed + 1 + j) plus shift"),
}

VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "api": FieldSpec(
        TEXT, default="layers", choices=("layers", "contrib", "nn"), doc="which BN implementation"
    ),
    "momentum": schema.MOMENTUM,
    "updates": FieldSpec(
        TEXT,
        default="control_dependencies",
        choices=("control_dependencies", "in_place"),
        doc="how the training side's updates run (in_place: contrib updates_collections=None, nn)",
    ),
    "eval_training": FieldSpec(BOOL, doc="the evaluation side's training argument"),
    "expect": schema.EXPECT,
}

OBSERVATIONS = pick(
    "update_ops_in_collection",
    "stats_changed_by_eval",
    "moving_mean_follows_eval_batches",
    "inference_changed_by_eval",
    "max_inference_change",
)


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    import numpy as np

    from bncheck.errors import BncheckError
    from bncheck.scenarios import builders, measure, runner
    from bncheck.scenarios.results import VariantResult

    tf, scenario, device = context.tf, context.scenario, context.device
    v1 = tf.compat.v1
    settings = variant.settings
    train, evaluation = scenario.table("train"), scenario.table("eval")
    batch = runner.make_input(scenario.table("input"))
    eval_batches = [
        runner.make_input(scenario.table("input"), seed_offset=1 + j) + np.float32(evaluation["shift"])
        for j in range(evaluation["batches"])
    ]
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        v1.set_random_seed(scenario.table("input")["seed"])
        inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        with v1.variable_scope("model"):
            layer = builders.build(settings["api"], tf, inputs, is_training, settings)
        train_updates = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        target = np.random.default_rng(scenario.table("input")["seed"] + 1).normal(size=batch.shape)
        loss = tf.reduce_mean(tf.square(layer.output - tf.constant(target, tf.float32)))
        before_optimizer = {v.op.name for v in v1.global_variables()}
        with tf.control_dependencies(train_updates if settings["updates"] == "control_dependencies" else []):
            if train["optimizer"] == "none":
                step = v1.no_op(name="train_op")
            else:
                step = runner.optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(
                    loss, name="train_op"
                )
        optimizer_names = runner.optimizer_variable_names(graph, before_optimizer)
        shared = len(v1.global_variables())
        eval_inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="eval_inputs")
        with v1.variable_scope("model", reuse=True):
            eval_layer = builders.build(settings["api"], tf, eval_inputs, settings["eval_training"], settings)
        if len(v1.global_variables()) != shared:
            raise BncheckError(
                f"{scenario.path}: the evaluation side of {variant.label!r} does not share the variables"
            )
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    stats = [layer.moving_mean, layer.moving_variance]
    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short, optimizer_names)
        _, placements = runner.train_loop(
            tf, session, step, {inputs: batch, is_training: True}, train["steps"]
        )
        after_train = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        probe = {inputs: batch, is_training: False}
        before_output, before_stats = session.run([layer.output, stats], probe)
        for eval_batch in eval_batches:
            session.run(eval_layer.output, {eval_inputs: eval_batch})
        after_eval = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        after_output, after_stats = session.run([layer.output, stats], probe)
    eval_means = [measure.batch_moments(eval_batch)[0] for eval_batch in eval_batches]
    expected_mean = measure.moving_average(before_stats[0], eval_means, layer.momentum)
    observations = {
        "update_ops_in_collection": len(collection),
        "stats_changed_by_eval": not all(measure.unchanged(a, b) for a, b in zip(after_stats, before_stats)),
        "moving_mean_follows_eval_batches": measure.close(after_stats[0], expected_mean),
        "inference_changed_by_eval": not measure.unchanged(after_output, before_output),
        "max_inference_change": measure.max_difference(after_output, before_output),
    }
    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings, layer),
        snapshots={"initial": initial, "after_train": after_train, "after_eval": after_eval},
        outputs={
            "inference before evaluation": runner.summarize(before_output),
            "inference after evaluation": runner.summarize(after_output),
        },
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        arrays={
            "input": batch,
            "eval_batches": eval_batches,
            "stats_before_eval": before_stats,
            "stats_after_eval": after_stats,
            "output_before_eval": before_output,
            "output_after_eval": after_output,
        },
    )
    return result, set(placements.values())


def sizes(tables: dict[str, dict[str, Any]], variants: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    elements = schema.elements(tables["input"]["shape"])
    return [
        ("input.shape", elements, "elements"),
        ("train.steps", tables["train"]["steps"] * elements, "work"),
        ("eval.batches", tables["eval"]["batches"] * elements, "work"),
    ]


PROCEDURE = Procedure(
    name="eval_graph",
    summary="a training and an evaluation graph sharing one BN layer: evaluation batches, then inference",
    tables={"input": schema.INPUT_FIELDS, "train": schema.TRAIN_FIELDS, "eval": EVAL_FIELDS},
    variant_fields=VARIANT_FIELDS,
    observations=OBSERVATIONS,
    run_variant=run_variant,
    check_variant=check_variant,
    check_tables=check_tables,
    sizes=sizes,
)

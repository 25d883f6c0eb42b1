"""``accuracy_gap``: a small classifier trained in training mode, scored in both modes.

Dense -> BN -> ReLU -> dense on a deterministic data set whose features sit near 128 like raw
pixels; accuracy on the training set with training-mode BN (batch statistics) against accuracy on
a held-out set with inference-mode BN (moving statistics).
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.procedures.train_eval import check_variant
from bncheck.scenarios.schema import INT, NUMBER, FieldSpec

DATA_FIELDS = {
    "classes": FieldSpec(INT, default=4, check=schema.int_range(2, 100), doc="number of classes"),
    "features": FieldSpec(
        INT, default=16, check=lambda v: None if v >= 2 else "an integer >= 2", doc="features per example"
    ),
    "train_size": FieldSpec(
        INT,
        default=512,
        check=lambda v: None if v >= 8 else "an integer >= 8",
        doc="examples in the training set",
    ),
    "test_size": FieldSpec(
        INT,
        default=512,
        check=lambda v: None if v >= 8 else "an integer >= 8",
        doc="examples in the held-out set",
    ),
    "batch_size": FieldSpec(INT, default=64, check=schema.positive, doc="examples per train step"),
    "offset": FieldSpec(NUMBER, default=128.0, doc="mean of every feature (raw pixels sit near 128)"),
    "separation": FieldSpec(NUMBER, default=40.0, doc="how far class means lie from the offset"),
    "noise": FieldSpec(
        NUMBER, default=20.0, check=schema.positive, doc="standard deviation around a class mean"
    ),
    "hidden": FieldSpec(INT, default=32, check=schema.positive, doc="units of the dense layer BN follows"),
    "seed": FieldSpec(
        INT,
        default=0,
        check=schema.int_range(0, 2**31 - 1),
        doc="seed of the data set, the initializers and the batch order",
    ),
}

VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "api": FieldSpec(schema.TEXT, default="layers", choices=schema.APIS, doc="which BN implementation"),
    "momentum": schema.MOMENTUM,
    "updates": schema.UPDATES,
    "expect": schema.EXPECT,
}


def make_dataset(table: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """A deterministic classification set whose features sit far from zero, like raw pixels."""
    import numpy as np

    rng = np.random.default_rng(table["seed"])
    centres = table["offset"] + table["separation"] * rng.standard_normal(
        (table["classes"], table["features"])
    )

    def draw(size: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, table["classes"], size=size)
        features = centres[labels] + table["noise"] * rng.standard_normal((size, table["features"]))
        return np.clip(features, 0.0, 255.0).astype(np.float32), labels.astype(np.int64)

    train_x, train_y = draw(table["train_size"])
    test_x, test_y = draw(table["test_size"])
    return train_x, train_y, test_x, test_y


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    import numpy as np

    from bncheck.scenarios import builders, measure, runner
    from bncheck.scenarios.results import VariantResult

    tf, scenario, device = context.tf, context.scenario, context.device
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
        hidden = v1.layers.dense(
            features, data["hidden"], use_bias=False, kernel_initializer=initializer, name="dense"
        )
        layer = builders.build(settings["api"], tf, hidden, is_training, settings)
        logits = v1.layers.dense(
            tf.nn.relu(layer.output), data["classes"], kernel_initializer=initializer, name="logits"
        )
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        predictions = tf.argmax(logits, axis=1)
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        before_optimizer = {v.op.name for v in v1.global_variables()}

        def make_step():
            return runner.optimizer(
                tf, train["optimizer"] if train["optimizer"] != "none" else "adam", train["learning_rate"]
            ).minimize(loss)

        step, extra, _ = runner.wire_updates(tf, settings["updates"], layer, collection, [], make_step)
        optimizer_names = runner.optimizer_variable_names(graph, before_optimizer)
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    rng = np.random.default_rng(data["seed"] + 1)
    order = rng.permutation(len(train_x))
    cursor = 0

    def next_batch(_step: int) -> dict:
        nonlocal order, cursor
        if cursor + data["batch_size"] > len(order):
            order, cursor = rng.permutation(len(train_x)), 0
        start, cursor = cursor, cursor + data["batch_size"]
        chosen = order[start:cursor]
        return {features: train_x[chosen], labels: train_y[chosen], is_training: True}

    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short, optimizer_names)
        _, placements = runner.train_loop(tf, session, [step, extra], next_batch, train["steps"])
        after_train = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        # inference first: a training-mode pass of an in-place layer would move the statistics
        test_predictions = session.run(predictions, {features: test_x, is_training: False})
        after_test = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        moving = session.run([layer.moving_mean, layer.moving_variance])
        batches = np.array_split(train_x, range(data["batch_size"], len(train_x), data["batch_size"]))
        train_predictions = np.concatenate(
            [session.run(predictions, {features: batch, is_training: True}) for batch in batches]
        )
    observations = {
        "train_accuracy": float(np.mean(train_predictions == train_y)),
        "test_accuracy": float(np.mean(test_predictions == test_y)),
        "chance": 1.0 / data["classes"],
        "moving_stats_unchanged": measure.stats_at_initial(*moving),
    }
    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings, layer),
        snapshots={"initial": initial, "after_train": after_train, "after_test": after_test},
        outputs={
            "train-mode accuracy (training set)": runner.summarize(observations["train_accuracy"]),
            "inference-mode accuracy (held-out set)": runner.summarize(observations["test_accuracy"]),
        },
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
    )
    return result, set(placements.values())


def sizes(tables: dict[str, dict[str, Any]], variants: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    data, steps = tables["data"], tables["train"]["steps"]
    width = max(data["features"], data["hidden"])
    return [
        ("data.features", data["features"], "units"),
        ("data.hidden", data["hidden"], "units"),
        ("data.train_size", (data["train_size"] + data["test_size"]) * data["features"], "elements"),
        ("data.batch_size", data["batch_size"] * width, "elements"),
        ("train.steps", steps * min(data["batch_size"], data["train_size"]) * width, "work"),
    ]


PROCEDURE = Procedure(
    name="accuracy_gap",
    summary="a small classifier: training-mode accuracy against inference-mode accuracy",
    tables={"data": DATA_FIELDS, "train": schema.TRAIN_FIELDS},
    variant_fields=VARIANT_FIELDS,
    observations=pick("train_accuracy", "test_accuracy", "chance", "moving_stats_unchanged"),
    run_variant=run_variant,
    check_variant=check_variant,
    sizes=sizes,
)

"""``saver_roundtrip``: train with the updates wired, save with a Saver's var_list, restore in a fresh graph.

The restoring side is an evaluation script: the same layers, no optimizer, restoring every global
variable (``restore = "all"``) or the same var_list (``"same"``).  Checkpoints go to
``--save-dir/<variant>/`` when given (one folder per variant, each with its own ``checkpoint`` file).
"""

from __future__ import annotations

import re
from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.procedures.train_eval import check_tables
from bncheck.scenarios.schema import TEXT, FieldSpec

VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "api": FieldSpec(TEXT, default="layers", choices=schema.APIS, doc="which BN implementation"),
    "momentum": schema.MOMENTUM,
    "var_list": FieldSpec(
        TEXT,
        choices=("trainable", "global", "trainable_and_moving"),
        doc="what the Saver that writes the checkpoint is given",
    ),
    "restore": FieldSpec(
        TEXT,
        default="all",
        choices=("all", "same"),
        doc="restore every global variable (a fresh eval script) or with the same var_list",
    ),
    "expect": schema.EXPECT,
}


def variant_folder(label: str) -> str:
    """The folder a variant's checkpoint is written to under --save-dir."""
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-").lower() or "variant"


def _bn_model(
    tf: Any, scenario: Any, settings: dict[str, Any], batch: Any, train_step: bool = True
) -> dict[str, Any]:
    """BN on the input, trained with its updates wired; ``train_step=False`` builds the evaluation side."""
    import numpy as np

    from bncheck.scenarios import builders, runner

    v1 = tf.compat.v1
    train = scenario.table("train")
    inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
    is_training = v1.placeholder_with_default(False, [], name="is_training")
    layer = builders.build(settings["api"], tf, inputs, is_training, {"momentum": settings.get("momentum")})
    if not train_step:
        return {"inputs": inputs, "is_training": is_training, "layer": layer, "step": None}
    target = np.random.default_rng(scenario.table("input")["seed"] + 1).normal(size=batch.shape)
    loss = tf.reduce_mean(tf.square(layer.output - tf.constant(target, tf.float32)))
    updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS) + list(layer.update_ops)
    with tf.control_dependencies(updates):
        step = (
            runner.optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(loss)
            if train["optimizer"] != "none"
            else v1.no_op()
        )
    return {"inputs": inputs, "is_training": is_training, "layer": layer, "step": step}


def _var_list(tf: Any, which: str) -> list:
    v1 = tf.compat.v1
    if which == "global":
        return v1.global_variables()
    var_list = list(v1.trainable_variables())
    if which == "trainable_and_moving":
        # the usual fix: append the moving statistics by name
        var_list += [
            v
            for v in v1.global_variables()
            if "moving_mean" in v.name
            or "moving_variance" in v.name
            or "pop_mean" in v.name
            or "pop_var" in v.name
        ]
    return var_list


def _first_error_line(error: Exception) -> str:
    match = re.search(r"Key [^\n]*? not found in checkpoint", str(error))
    if match:
        return match.group(0)
    from bncheck.scenarios.runner import error_line

    return error_line(error)


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    import numpy as np

    from bncheck.scenarios import measure, runner
    from bncheck.scenarios.results import VariantResult

    tf, scenario, device = context.tf, context.scenario, context.device
    v1 = tf.compat.v1
    settings = variant.settings
    batch = runner.make_input(scenario.table("input"))
    steps = scenario.table("train")["steps"]
    prefix = context.save_dir / variant_folder(variant.label) / "model.ckpt"

    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        model = _bn_model(tf, scenario, settings, batch)
        saver = v1.train.Saver(var_list=_var_list(tf, settings["var_list"]))
        init = v1.global_variables_initializer()
        variables = v1.global_variables()
    train_feed = {model["inputs"]: batch, model["is_training"]: True}
    test_feed = {model["inputs"]: batch, model["is_training"]: False}
    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short)
        _, placements = runner.train_loop(tf, session, model["step"], train_feed, steps)
        after_train = runner.snapshot(session, variables, placements, device.short)
        test_output = session.run(model["layer"].output, test_feed)
        written = saver.save(session, str(prefix), global_step=steps)
    saved = sorted(name for name, _ in tf.train.list_variables(written))
    layer_names = [model["layer"].moving_mean.op.name, model["layer"].moving_variance.op.name]

    restored_graph = tf.Graph()
    with restored_graph.as_default(), tf.device(device.name):
        restored = _bn_model(tf, scenario, settings, batch, train_step=False)
        restore_list = (
            v1.global_variables() if settings["restore"] == "all" else _var_list(tf, settings["var_list"])
        )
        restorer = v1.train.Saver(var_list=restore_list)
        init = v1.global_variables_initializer()
        restored_variables = v1.global_variables()
    error_text = ""
    snapshots = {"initial": initial, "after_train": after_train}
    restored_output = moving = None
    with runner.session(tf, restored_graph) as session:
        session.run(init)
        try:
            restorer.restore(session, written)
        except tf.errors.NotFoundError as error:
            error_text = _first_error_line(error)
        else:
            snapshots["after_restore"] = runner.snapshot(
                session, restored_variables, placements, device.short
            )
            restored_output = session.run(
                restored["layer"].output, {restored["inputs"]: batch, restored["is_training"]: False}
            )
            moving = session.run([restored["layer"].moving_mean, restored["layer"].moving_variance])
    observations: dict[str, Any] = {
        "moving_stats_saved": all(name in saved for name in layer_names),
        "saved_variables": saved,
        "restore_failed": bool(error_text),
        "restore_error": error_text,
        "restored_output_matches": restored_output is not None
        and bool(np.array_equal(restored_output, test_output)),
        "restored_moving_stats_initial": moving is not None and measure.stats_at_initial(*moving),
    }
    outputs = {"test": runner.summarize(test_output)}
    if restored_output is not None:
        outputs["test after restore"] = runner.summarize(restored_output)
    notes = [f"checkpoint: {written}", f"saved: {', '.join(saved)}"]
    if error_text:
        notes.append(f"restore raised NotFoundError: {error_text}")
    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings),
        snapshots=snapshots,
        outputs=outputs,
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        notes=notes,
        arrays={"test_output": test_output, "restored_output": restored_output},
    )
    return result, set(placements.values())


def sizes(tables: dict[str, dict[str, Any]], variants: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    elements = schema.elements(tables["input"]["shape"])
    return [
        ("input.shape", elements, "elements"),
        ("train.steps", tables["train"]["steps"] * elements, "work"),
    ]


PROCEDURE = Procedure(
    name="saver_roundtrip",
    summary="train, save with a Saver's var_list, restore into a fresh evaluation graph",
    tables={"input": schema.INPUT_FIELDS, "train": schema.TRAIN_FIELDS},
    variant_fields=VARIANT_FIELDS,
    observations=pick(
        "moving_stats_saved",
        "saved_variables",
        "restore_failed",
        "restore_error",
        "restored_output_matches",
        "restored_moving_stats_initial",
    ),
    run_variant=run_variant,
    check_tables=check_tables,
    sizes=sizes,
    writes_checkpoints=True,
)

"""``train_eval``: train steps on one fixed batch, then an inference run; optionally a moving_mean trajectory.

Each variant builds one BN layer on the batch (``input_shape`` may give a variant its own), wires its
updates as ``updates`` says, trains ``train.steps`` steps with ``training`` fed True, then runs the
layer with ``training`` False.  A ``[trajectory]`` table adds one graph with a layer per momentum,
updated in place for ``steps`` steps, to show moving_mean = (1 - m^k) * batch_mean step by step.
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.schema import BOOL, INT, LIST, NUMBER, TABLE, TEXT, FieldSpec

TRAJECTORY_FIELDS = {
    "momentum": FieldSpec(
        LIST, default=[0.9, 0.99, 0.999], check=schema.momentum_list, doc="one BN layer per momentum"
    ),
    "steps": FieldSpec(
        INT,
        default=300,
        check=schema.int_range(1, schema.LIMITS["steps"]),
        doc="in-place updates on the [input] batch",
    ),
    "api": FieldSpec(TEXT, default="layers", choices=schema.APIS, doc="which BN implementation"),
    "expect": schema.EXPECT,
}


def _clipping(value: Any) -> str | None:
    if value is None:
        return None
    if not set(value) <= {"rmax", "rmin", "dmax"} or not all(
        isinstance(item, (int, float)) and not isinstance(item, bool) and 0 <= item <= 1e6
        for item in value.values()
    ):
        return "a table with rmax, rmin, dmax (numbers from 0 to 1e6)"
    return None


VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "api": schema.API,
    "momentum": schema.MOMENTUM,
    "epsilon": FieldSpec(NUMBER, default=1e-3, check=schema.positive, doc="added to the variance"),
    "fused": FieldSpec(BOOL, default=None, doc="fused kernel; default: the API's own"),
    "center": FieldSpec(BOOL, default=True, doc="beta"),
    "scale": FieldSpec(BOOL, default=None, doc="gamma; default: the API's own (contrib: false)"),
    "updates": schema.UPDATES,
    "training": FieldSpec(
        TEXT,
        default="placeholder",
        choices=("placeholder", "true", "false"),
        doc="what the layer's training argument is",
    ),
    "trainable": FieldSpec(BOOL, default=True, doc="the layer's trainable argument (tf.layers, Keras)"),
    "renorm": FieldSpec(BOOL, default=False, doc="batch renormalization (tf.layers, Keras)"),
    "renorm_momentum": FieldSpec(
        NUMBER, default=0.99, check=schema.unit_interval, doc="momentum of renorm_mean / renorm_stddev"
    ),
    "renorm_clipping": FieldSpec(TABLE, default=None, check=_clipping, doc="{ rmax, rmin, dmax }"),
    "virtual_batch_size": FieldSpec(
        INT,
        default=None,
        check=lambda v: None if v is None or v > 0 else "> 0",
        doc="ghost batch size (tf.layers, Keras)",
    ),
    "input_shape": FieldSpec(
        LIST,
        default=None,
        check=schema.optional_shape,
        doc="this variant's batch shape; default: input.shape",
    ),
    "expect": schema.EXPECT,
}

OBSERVATIONS = pick(
    "update_ops_in_collection",
    "update_ops_wired",
    "moving_stats_unchanged",
    "moving_mean_follows_momentum",
    "moving_mean_equals_batch_mean",
    "moving_variance_is_unbiased",
    "moving_variance_is_biased",
    "moving_variance_ratio",
    "moving_variance_is_ghost_mean",
    "test_matches_train",
    "test_output_is_input",
    "train_output_is_beta",
    "train_uses_batch_stats",
    "train_uses_moving_stats",
    "train_uses_ghost_batches",
    "max_test_train_difference",
    "stats_changed_by_test",
    "variables_changed_by_train",
    "trainable_bn_variables",
    "has_gamma",
    "has_beta",
    "momentum",
    "fused",
    "bn_variables",
    "batch_variance_max",
    "error",
)


def check_variant(settings: dict[str, Any]) -> str | None:
    api, updates = settings.get("api"), settings.get("updates")
    if updates == "in_place" and api not in ("contrib", "nn"):
        return "updates = 'in_place' needs api = 'contrib' or 'nn' (they update in place)"
    if updates == "layer_updates" and api not in ("keras", "keras_v2"):
        return "updates = 'layer_updates' needs a Keras api (only Keras keeps them on the layer)"
    if api == "nn" and updates not in (None, "none", "in_place"):
        return "api = 'nn' takes updates = 'in_place' (the wrapper's control dependencies) or 'none'"
    if settings.get("fused") and api == "nn":
        return "fused = true is not available for api = 'nn' (tf.nn.batch_normalization)"
    layer_only = [
        key
        for key in ("renorm", "virtual_batch_size", "renorm_clipping")
        if settings.get(key) not in (None, False)
    ]
    if not settings.get("trainable", True):
        layer_only.append("trainable")
    if layer_only and api in ("contrib", "nn"):
        return f"{layer_only[0]} needs api = 'layers', 'keras' or 'keras_v2'"
    return None


def check_tables(tables: dict[str, dict[str, Any]]) -> str | None:
    inputs = tables.get("input")
    if inputs and inputs["distribution"] == "uniform" and inputs["high"] <= inputs["low"]:
        return f"'input.high' ({inputs['high']:g}) must be greater than 'input.low' ({inputs['low']:g})"
    return None


def sizes(tables: dict[str, dict[str, Any]], variants: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    steps = tables["train"]["steps"]
    found = [
        ("input.shape", schema.elements(tables["input"]["shape"]), "elements"),
        ("train.steps", steps * schema.elements(tables["input"]["shape"]), "work"),
    ]
    for position, variant in enumerate(variants, start=1):
        if variant.get("input_shape"):
            found += [
                (f"variant.{position}.input_shape", schema.elements(variant["input_shape"]), "elements"),
                ("train.steps", steps * schema.elements(variant["input_shape"]), "work"),
            ]
    trajectory = tables.get("trajectory")
    if trajectory:
        found += [
            ("trajectory.momentum", len(trajectory["momentum"]), "layers"),
            (
                "trajectory.steps",
                trajectory["steps"] * len(trajectory["momentum"]) * schema.elements(tables["input"]["shape"]),
                "work",
            ),
        ]
    return found


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    from bncheck.scenarios import runner

    tf = context.tf
    try:
        return _run_variant(context, variant)
    except (tf.errors.OpError, ValueError, TypeError) as error:
        if "error" not in variant.expect:
            raise
        # the scenario documents that TensorFlow refuses this variant: that refusal is the observation
        observations = {observation.name: None for observation in OBSERVATIONS}
        observations["error"] = runner.error_line(error)
        return runner.error_result(variant, observations), set()


def _run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    import numpy as np

    from bncheck.scenarios import builders, runner

    tf, scenario, device = context.tf, context.scenario, context.device
    v1 = tf.compat.v1
    settings = variant.settings
    train = scenario.table("train")
    batch = runner.make_input(scenario.table("input"), settings.get("input_shape"))
    steps = train["steps"]
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        v1.set_random_seed(scenario.table("input")["seed"])
        inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        training = {"placeholder": is_training, "true": True, "false": False}[settings["training"]]
        early = (
            list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
            if settings["updates"] == "collected_too_early"
            else None
        )
        layer = builders.build(settings["api"], tf, inputs, training, settings)
        collection = list(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
        trainable_names = {v.op.name for v in v1.trainable_variables()}
        before_optimizer = {v.op.name for v in v1.global_variables()}

        # a frozen layer (trainable = false, or neither center nor scale) leaves the optimizer nothing:
        # the step then only runs the layer, as when the rest of a fine-tuned model trains
        if train["optimizer"] == "none" or not v1.trainable_variables():

            def make_step():
                return v1.no_op(name="train_step")
        else:
            target = np.random.default_rng(scenario.table("input")["seed"] + 1).normal(size=batch.shape)
            loss = tf.reduce_mean(tf.square(layer.output - tf.constant(target, tf.float32)), name="loss")

            def make_step():
                return runner.optimizer(tf, train["optimizer"], train["learning_rate"]).minimize(
                    loss, name="train_op"
                )

        train_op, extra, wired = runner.wire_updates(
            tf, settings["updates"], layer, collection, early, make_step
        )
        optimizer_names = runner.optimizer_variable_names(graph, before_optimizer)
        init = v1.global_variables_initializer()
        variables = v1.global_variables()

    layer_state = [layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance]
    before_last: dict[str, Any] = {}
    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short, optimizer_names)

        def remember_state(step: int) -> None:
            if step == steps - 1:  # what the last step's training-mode output was computed from
                values = session.run([v for v in layer_state if v is not None])
                present = iter(values)
                before_last.update(
                    {
                        key: next(present) if v is not None else None
                        for key, v in zip(("gamma", "beta", "mean", "variance"), layer_state)
                    }
                )

        values, placements = runner.train_loop(
            tf,
            session,
            {"step": train_op, "output": layer.output, "extra": extra},
            {inputs: batch, is_training: True},
            steps,
            before_step=remember_state,
        )
        train_output = None if values is None else values["output"]
        after_train = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        test_feed = {inputs: batch, is_training: False}
        if placements:
            test_output = session.run(layer.output, test_feed)
        else:  # no train step ran: learn the placement from the inference run
            test_output, placements = runner.traced_run(tf, session, layer.output, test_feed)
        after_test = runner.snapshot(session, variables, placements, device.short, optimizer_names)
        moving_after_train = [
            np.asarray(value) for value in session.run([layer.moving_mean, layer.moving_variance])
        ]

    observations = _observations(
        layer,
        settings,
        batch,
        steps,
        initial,
        after_train,
        after_test,
        moving_after_train,
        train_output,
        test_output,
        collection,
        wired,
        before_last,
        trainable_names,
    )
    outputs = {"input": runner.summarize(batch), "test": runner.summarize(test_output)}
    if train_output is not None:
        outputs = {
            "input": outputs["input"],
            "train": runner.summarize(train_output),
            "test": outputs["test"],
        }
    from bncheck.scenarios.results import VariantResult

    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings, layer),
        snapshots={"initial": initial, "after_train": after_train, "after_test": after_test},
        outputs=outputs,
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
        arrays={
            "input": batch,
            "train_output": train_output,
            "test_output": test_output,
            "moving_mean": moving_after_train[0],
            "moving_variance": moving_after_train[1],
            "before_last_step": dict(before_last),
        },
    )
    return result, set(placements.values())


def _observations(
    layer: Any,
    settings: dict[str, Any],
    batch: Any,
    steps: int,
    initial: list,
    after_train: list,
    after_test: list,
    moving: list,
    train_output: Any,
    test_output: Any,
    collection: list,
    wired: int,
    before_last: dict[str, Any],
    trainable_names: set[str],
) -> dict[str, Any]:
    import numpy as np

    from bncheck.scenarios import measure
    from bncheck.scenarios.runner import snapshot_values

    batch_mean, biased, count = measure.batch_moments(batch)
    unbiased = biased * count / (count - 1) if count > 1 else np.full_like(biased, np.inf)
    momentum = layer.momentum
    kept = momentum**steps  # weight left on the initial value after `steps` updates
    # per-channel vectors (with virtual_batch_size, Keras keeps the parameters as [1, ..., C])
    moving_mean, moving_variance = (np.asarray(value, dtype=np.float64).ravel() for value in moving)
    scale = max(1.0, float(np.abs(batch_mean).max()))
    epsilon = float(settings.get("epsilon") or 1e-3)
    ghost = settings.get("virtual_batch_size")
    ghost_ok = bool(ghost) and batch.shape[0] % ghost == 0

    def stats_of(snapshots: list) -> tuple:
        return tuple(
            snapshot_values(snapshots, variable) for variable in (layer.moving_mean, layer.moving_variance)
        )

    def relative(variable: Any) -> str:
        return variable.op.name.removeprefix(layer.scope + "/")

    ratio = None
    if 1 - kept > 1e-12 and float(biased.min()) > 0:
        ratio = float(np.mean((moving_variance - kept) / ((1 - kept) * biased)))
    ghost_variance_match = None
    if ghost_ok:
        ghosts = measure.ghost_batches(batch, ghost)
        ghost_variance = ghosts.var(axis=tuple(range(1, ghosts.ndim - 1))).mean(axis=0)
        ghost_variance_match = measure.close(moving_variance, kept + (1 - kept) * ghost_variance)
    changed = []
    for variable in layer.all_variables:
        a, b = snapshot_values(initial, variable), snapshot_values(after_train, variable)
        if a is not None and b is not None and not measure.unchanged(b, a):
            changed.append(relative(variable))
    observations: dict[str, Any] = {
        "update_ops_in_collection": len(collection),
        "update_ops_wired": wired,
        "moving_stats_unchanged": measure.stats_at_initial(moving_mean, moving_variance),
        "moving_mean_follows_momentum": measure.close(
            moving_mean, (1 - kept) * batch_mean, atol=1e-4 * scale
        ),
        "moving_mean_equals_batch_mean": measure.close(moving_mean, batch_mean, rtol=1e-5, atol=1e-5 * scale),
        "moving_variance_is_unbiased": bool(np.all(np.isfinite(unbiased)))
        and measure.close(moving_variance, kept + (1 - kept) * unbiased),
        "moving_variance_is_biased": measure.close(moving_variance, kept + (1 - kept) * biased),
        "moving_variance_ratio": ratio,
        "moving_variance_is_ghost_mean": ghost_variance_match,
        "stats_changed_by_test": any(
            a is not None and b is not None and not measure.unchanged(b, a)
            for a, b in zip(stats_of(after_train), stats_of(after_test))
        ),
        "variables_changed_by_train": changed,
        "trainable_bn_variables": [relative(v) for v in layer.all_variables if v.op.name in trainable_names],
        "has_gamma": layer.gamma is not None,
        "has_beta": layer.beta is not None,
        "momentum": float(momentum),
        "fused": bool(layer.fused),
        "bn_variables": [relative(variable) for variable in layer.all_variables],
        "batch_variance_max": float(biased.max()),
        "test_output_is_input": measure.close(test_output, batch, rtol=2e-3, atol=1e-3 * scale),
        "error": "",
    }
    channels = batch.shape[-1]
    if train_output is not None and before_last:
        state = {
            key: None if value is None else np.asarray(value, np.float64).ravel()
            for key, value in before_last.items()
        }
        gamma = state["gamma"] if state["gamma"] is not None else np.ones(channels)
        beta = state["beta"] if state["beta"] is not None else np.zeros(channels)
        initial_beta = (
            snapshot_values(initial, layer.beta).ravel() if layer.beta is not None else np.zeros(channels)
        )
        observations.update(
            {
                "test_matches_train": measure.close(test_output, train_output, atol=1e-4),
                "max_test_train_difference": measure.max_difference(test_output, train_output),
                "train_output_is_beta": measure.close(
                    train_output, np.broadcast_to(initial_beta, batch.shape), rtol=1e-5, atol=1e-5
                ),
                "train_uses_batch_stats": measure.close(
                    train_output,
                    measure.normalized(batch, batch_mean, biased, gamma, beta, epsilon),
                    atol=1e-4,
                ),
                "train_uses_moving_stats": measure.close(
                    train_output,
                    measure.normalized(batch, state["mean"], state["variance"], gamma, beta, epsilon),
                    atol=1e-4,
                ),
                "train_uses_ghost_batches": ghost_ok
                and measure.close(
                    train_output, measure.ghost_normalized(batch, ghost, gamma, beta, epsilon), atol=1e-4
                ),
            }
        )
    else:
        observations.update(
            {
                name: None
                for name in (
                    "test_matches_train",
                    "max_test_train_difference",
                    "train_output_is_beta",
                    "train_uses_batch_stats",
                    "train_uses_moving_stats",
                    "train_uses_ghost_batches",
                )
            }
        )
    return observations


def run_trajectory(context: Any) -> Any:
    """The moving_mean of channel 0 after each in-place update, one layer per momentum, one fixed batch."""
    import numpy as np

    from bncheck.scenarios import builders, measure, runner
    from bncheck.scenarios.results import Trajectory

    tf, scenario, device = context.tf, context.scenario, context.device
    table = scenario.table("trajectory")
    if not table:
        return None
    v1 = tf.compat.v1
    batch = runner.make_input(scenario.table("input"))
    batch_mean = float(batch[..., 0].astype(np.float64).mean())
    graph = tf.Graph()
    with graph.as_default(), tf.device(device.name):
        inputs = v1.placeholder(tf.float32, [None, *batch.shape[1:]], name="inputs")
        layers = [
            builders.build(
                table["api"],
                tf,
                inputs,
                True,
                {"momentum": momentum, "updates": "in_place"},
                name=f"bn_{position}",
            )
            for position, momentum in enumerate(table["momentum"])
        ]
        collection = v1.get_collection(v1.GraphKeys.UPDATE_OPS) + [
            op for layer in layers for op in layer.update_ops if table["api"] in ("keras", "keras_v2")
        ]
        with tf.control_dependencies(collection):
            step = tf.group(*[layer.output for layer in layers], name="update_step")
        with tf.control_dependencies([step]):  # read after this step's update, not before it
            means = [tf.identity(layer.moving_mean.read_value()) for layer in layers]
        init = v1.global_variables_initializer()
    series: dict[str, list[float]] = {f"{m:g}": [] for m in table["momentum"]}
    with runner.session(tf, graph) as session:
        session.run(init)

        def record(_step: int, values: Any) -> None:
            for momentum, value in zip(table["momentum"], values):
                series[f"{momentum:g}"].append(float(value[0]))

        runner.train_loop(tf, session, means, {inputs: batch}, table["steps"], after_step=record)
    follows = all(
        measure.close(
            values,
            [(1 - float(key) ** (k + 1)) * batch_mean for k in range(len(values))],
            atol=1e-4 * max(1.0, abs(batch_mean)),
        )
        for key, values in series.items()
    )
    return Trajectory(
        table["api"],
        table["steps"],
        batch_mean,
        series,
        evaluate("trajectory", table.get("expect", {}), {"follows_formula": follows}),
    )


PROCEDURE = Procedure(
    name="train_eval",
    summary="train steps on one fixed batch, then an inference run (training=False)",
    tables={"input": schema.INPUT_FIELDS, "train": schema.TRAIN_FIELDS, "trajectory": TRAJECTORY_FIELDS},
    optional_tables=frozenset({"trajectory"}),
    variant_fields=VARIANT_FIELDS,
    observations=OBSERVATIONS,
    table_observations={"trajectory": pick("follows_formula")},
    run_variant=run_variant,
    run_tables=run_trajectory,
    check_variant=check_variant,
    check_tables=check_tables,
    sizes=sizes,
)

"""``control_dependency_demo``: ``a + b`` fetched once, with and without a control dependency on an assign."""

from __future__ import annotations

from typing import Any

from bncheck.scenarios import schema
from bncheck.scenarios.expectations import evaluate
from bncheck.scenarios.observations import pick
from bncheck.scenarios.procedures import Procedure
from bncheck.scenarios.schema import BOOL, NUMBER, FieldSpec

VARIANT_FIELDS = {
    "label": schema.LABEL,
    "role": schema.ROLE,
    "a": FieldSpec(NUMBER, default=1.0, doc="initial value of variable a"),
    "b": FieldSpec(NUMBER, default=2.0, doc="value of variable b"),
    "assign_value": FieldSpec(NUMBER, default=10.0, doc="what assign(a, value) writes"),
    "control_dependency": FieldSpec(BOOL, doc="build a + b under control_dependencies([assign])"),
    "expect": schema.EXPECT,
}


def run_variant(context: Any, variant: Any) -> tuple[Any, set[str]]:
    from bncheck.scenarios import runner
    from bncheck.scenarios.results import VariantResult

    tf, device = context.tf, context.device
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
    with runner.session(tf, graph) as session:
        session.run(init)
        initial = runner.snapshot(session, variables, {}, device.short)
        value, placements = runner.traced_run(tf, session, total, {})
        after = runner.snapshot(session, variables, placements, device.short)
        a_after = float(session.run(a))
    observations = {"sum": float(value), "a_after": a_after}
    result = VariantResult(
        label=variant.label,
        settings=runner.public_settings(settings),
        snapshots={"initial": initial, "after_run": after},
        outputs={"a + b": runner.summarize(value)},
        observations=observations,
        expectations=evaluate(variant.label, variant.expect, observations),
    )
    return result, set(placements.values())


PROCEDURE = Procedure(
    name="control_dependency_demo",
    summary="a + b fetched once, with or without a control dependency on assign(a, value)",
    tables={},
    variant_fields=VARIANT_FIELDS,
    observations=pick("sum", "a_after"),
    run_variant=run_variant,
)

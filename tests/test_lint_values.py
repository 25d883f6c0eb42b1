"""Value flow (bncheck.lint.values): what expressions hold, followed through the code of one file."""

from __future__ import annotations

import ast
import gc

from bncheck.lint.context import FileContext, build_context
from bncheck.lint.engine import analyze_source, options_for
from bncheck.lint.config import LintConfig
from bncheck.lint.values import Holds, value_flow


def _context(source: str) -> FileContext:
    return build_context("example.py", source, ast.parse(source))


def _holds_of(source: str, name: str) -> Holds:
    """What the last assignment's value to ``name`` holds, evaluated where it stands."""
    context = _context(source)
    assignment = context.assignments[name][-1]
    return value_flow(context).holds(assignment.value, assignment.function)


def test_a_comprehension_over_trainable_variables_plus_the_step_holds_no_moving_statistics() -> None:
    holds = _holds_of(
        "import tensorflow as tf\n"
        "step = tf.train.get_or_create_global_step()\n"
        "var_list = [v for v in tf.trainable_variables() if 'logits' not in v.name] + [step]\n",
        "var_list",
    )
    assert holds & Holds.TRAINABLE
    assert not holds & (Holds.ALL_VARIABLES | Holds.UNKNOWN)


def test_appending_the_moving_statistics_adds_all_variables_to_the_list() -> None:
    holds = _holds_of(
        "import tensorflow as tf\n"
        "var_list = tf.trainable_variables()\n"
        "var_list += [v for v in tf.global_variables() if 'moving_' in v.name]\n"
        "saver_list = var_list\n",
        "saver_list",
    )
    assert holds & Holds.TRAINABLE and holds & Holds.ALL_VARIABLES


def test_a_list_named_update_ops_holding_weights_holds_no_updates() -> None:
    context = _context(
        "import tensorflow as tf\n"
        "update_ops = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='head')\n"
        "with tf.control_dependencies(update_ops):\n"
        "    op = tf.no_op()\n"
    )
    call = next(call for call in context.calls if call.method == "no_op")
    assert not value_flow(context).under_dependencies(call)


def test_a_parameter_holds_what_the_call_sites_of_the_file_pass() -> None:
    context = _context(
        "import tensorflow as tf\n"
        "def train_op_for(loss, deps):\n"
        "    with tf.control_dependencies(deps):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n"
        "op = train_op_for(tf.zeros([]), tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n"
    )
    assert _minimize_waits_for_updates(context)


def _minimize_waits_for_updates(context: FileContext) -> bool:
    """The file's ``minimize`` call sits under a control dependency that may hold the update ops."""
    call = next(call for call in context.calls if call.method == "minimize")
    return value_flow(context).under_dependencies(call)


def test_a_parameter_nobody_in_the_file_passes_is_unknown_and_counts_by_its_name() -> None:
    context = _context(
        "import tensorflow as tf\n"
        "def train_op_for(loss, update_ops):\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n"
    )
    call = next(call for call in context.calls if call.method == "minimize")
    flow = value_flow(context)
    deps = call.withs[0].args[0]
    assert flow.holds(deps, call.function) == Holds.UNKNOWN
    assert flow.under_dependencies(call)


def test_a_placeholder_returned_in_a_tuple_is_followed_through_the_unpacking() -> None:
    holds = _holds_of(
        "import tensorflow as tf\n"
        "def build():\n"
        "    flag = tf.placeholder(tf.bool)\n"
        "    return tf.zeros([]), flag\n"
        "out, is_training = build()\n"
        "mode = is_training\n",
        "mode",
    )
    assert holds == Holds.PLACEHOLDER


def test_analysing_a_file_leaves_no_context_alive_without_the_cyclic_collector() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
        "saver = tf.train.Saver([v for v in tf.trainable_variables()])\n"
    ).encode()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        result = analyze_source("example.py", source, options_for(LintConfig()))
        alive = [o for o in gc.get_objects() if isinstance(o, FileContext)]
    finally:
        if enabled:
            gc.enable()
    assert "BN003" in [c.finding.code for c in result.candidates]
    assert alive == []


def test_a_list_rebuilt_from_itself_holds_what_it_held_before() -> None:
    # `names = {v.op.name: v for v in names}` meets itself: that adds nothing, it is not unknown
    source = (
        "import tensorflow as tf\n"
        "def restore_fn(scope):\n"
        "    names = [v for v in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)]\n"
        "    names = {v.op.name.replace('net', scope): v for v in names}\n"
        "    chosen = names\n"
    )
    holds = _holds_of(source, "chosen")
    assert holds & Holds.TRAINABLE
    assert not holds & (Holds.ALL_VARIABLES | Holds.UNKNOWN)
    # the same names fed from the global variables: the moving statistics are in
    everything = source.replace("TRAINABLE_VARIABLES", "GLOBAL_VARIABLES")
    assert _holds_of(everything, "chosen") & Holds.ALL_VARIABLES


def test_a_dict_holds_what_is_stored_into_it_by_key() -> None:
    source = (
        "import tensorflow as tf\n"
        "def restore_fn(reader):\n"
        "    by_name = {v.op.name: v for v in tf.trainable_variables()}\n"
        "    available = {}\n"
        "    for name in by_name:\n"
        "        if reader.has_tensor(name):\n"
        "            available[name] = by_name[name]\n"
        "    chosen = available\n"
    )
    holds = _holds_of(source, "chosen")
    assert holds & Holds.TRAINABLE and not holds & Holds.UNKNOWN
    # a store elsewhere into another dict changes nothing here
    other = source.replace("available[name] =", "elsewhere[name] =")
    assert not _holds_of(other, "chosen") & Holds.TRAINABLE


def test_a_parameter_the_function_reassigns_still_holds_what_it_is_passed() -> None:
    # `update_ops` filtered in place: it holds what the caller passed (the updates), not nothing
    context = _context(
        "import tensorflow as tf\n"
        "def build(loss, update_ops):\n"
        "    update_ops = [op for op in update_ops if 'tower_0' in op.name]\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n"
        "train_op = build(tf.constant(0.0), tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n"
    )
    assert _minimize_waits_for_updates(context)

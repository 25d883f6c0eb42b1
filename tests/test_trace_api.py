"""The Python API for users' tests: bncheck.assert_updates_run and bncheck.watch_updates."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# the user's test below builds a tf_keras layer
pytest.importorskip("tf_keras")

# run in a child process: watch_updates patches Session.run for the whole process while active
USER_TEST = """\
import json
import sys
import numpy as np
import bncheck

assert "tensorflow" not in sys.modules  # `import bncheck` alone stays light
import tensorflow as tf
import tf_keras

v1 = tf.compat.v1
v1.disable_eager_execution()
data = np.random.RandomState(1).rand(8, 4).astype("float32")
x = v1.placeholder(tf.float32, [None, 4])
h = v1.layers.batch_normalization(x, training=True, name="bn_a")  # <bn_a>
keras_bn = tf_keras.layers.BatchNormalization(name="bn_k")
h = keras_bn(h, training=True)  # <bn_k>
loss = tf.reduce_mean(tf.square(h))
optimizer = v1.train.GradientDescentOptimizer(0.1)
buggy = optimizer.minimize(loss, name="buggy_train")
with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
    half = optimizer.minimize(loss, name="half_train")
with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS) + keras_bn.updates):
    fixed = optimizer.minimize(loss, name="fixed_train")

results = {}
for name, op in (("buggy", buggy), ("half", half), ("fixed", fixed)):
    try:
        bncheck.assert_updates_run(op)
        results[name] = None
    except AssertionError as error:
        results[name] = str(error)

with v1.Session() as sess:
    sess.run(v1.global_variables_initializer())
    with bncheck.watch_updates() as watcher:
        for _ in range(3):
            sess.run(half, {x: data})
        sess.run(keras_bn.updates, {x: data})  # the Keras updates, run on their own once
    outside = sess.run(fixed, {x: data})  # after the block: not counted
    report = watcher.report().to_dict()
    try:
        with bncheck.watch_updates(check=True):
            sess.run(buggy, {x: data})
        results["check"] = None
    except AssertionError as error:
        results["check"] = str(error)
results["report"] = report
results["patched_after"] = v1.Session.run.__name__ != "run" or hasattr(v1.Session.run, "__wrapped__")
print(json.dumps(results))
"""


def line_of(source: str, marker: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.endswith(f"# <{marker}>"))


def run_user_test(tmp_path) -> dict:
    script = tmp_path / "test_model.py"
    script.write_text(USER_TEST)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_USE_LEGACY_KERAS": "1"}
    result = subprocess.run(
        [sys.executable, str(script)], check=False, capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), str(script)


def test_assert_updates_run_and_watch_updates_on_a_real_model(tmp_path):
    results, script = run_user_test(tmp_path)

    # assert_updates_run: the BN201 message names every layer left out, and where it was created
    assert results["buggy"].startswith("BN201 moving-statistics updates of BN layers 'bn_a' (tf.layers")
    assert "'bn_k' (keras" in results["buggy"] and "buggy_train does not depend on them" in results["buggy"]
    assert f"'bn_a' created at {script}:{line_of(USER_TEST, 'bn_a')}" in results["buggy"]
    assert f"'bn_k' created at {script}:{line_of(USER_TEST, 'bn_k')}" in results["buggy"]
    assert "'bn_a'" not in results["half"] and "BN layer 'bn_k' (keras" in results["half"]
    assert results["fixed"] is None

    # watch_updates counted the three steps in the block and nothing after it
    report = results["report"]
    assert report["steps"] == 3
    assert [(op["name"], op["steps"]) for op in report["train_ops"]] == [("half_train", 3)]
    counts = {
        layer["name"]: (layer["steps_with_updates"], layer["update_runs"]) for layer in report["layers"]
    }
    assert counts == {"bn_a": (3, 3), "bn_k": (0, 1)}

    # check=True raises BN204 for the layers whose updates the block never ran
    assert results["check"].count("BN204") == 2 and "'bn_a'" in results["check"]
    assert results["patched_after"] is False

"""`bncheck trace` on real tiny training scripts, each traced in its own process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers_cli import run_bncheck

# every traced script builds a tf.compat.v1.layers or tf_keras layer, both need tf-keras
pytest.importorskip("tf_keras")

PRELUDE = """\
import sys
import numpy as np
import tensorflow as tf
v1 = tf.compat.v1
v1.disable_eager_execution()
DATA = np.random.RandomState(0).rand(16, 4).astype("float32")
"""

# one layer of each BN API, chained; argv[1] says whether their updates are wired into the train op
ALL_APIS = (
    PRELUDE
    + """\
import tf_keras
from tensorflow.python.training import moving_averages

FIXED = sys.argv[1] == "fixed"
STEPS = int(sys.argv[2])


def contrib_batch_norm(x):
    with v1.variable_scope("conv1/BatchNorm"):
        zeros, ones = v1.zeros_initializer(), v1.ones_initializer()
        moving_mean = v1.get_variable("moving_mean", [4], initializer=zeros, trainable=False)
        moving_var = v1.get_variable("moving_variance", [4], initializer=ones, trainable=False)
        beta = v1.get_variable("beta", [4], initializer=v1.zeros_initializer())
        mean, var = tf.nn.moments(x, [0])
        update = moving_averages.assign_moving_average(moving_mean, mean, 0.99, False)  # <contrib>
        v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, update)
        update = moving_averages.assign_moving_average(moving_var, var, 0.99, False)
        v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, update)
        return tf.nn.batch_normalization(x, mean, var, beta, None, 1e-3)


def manual_batch_norm(x):
    with v1.variable_scope("bn_manual"):
        scale = tf.Variable(tf.ones([4]), name="scale")
        pop_mean = tf.Variable(tf.zeros([4]), trainable=False, name="pop_mean")
        pop_var = tf.Variable(tf.ones([4]), trainable=False, name="pop_var")
        mean, var = tf.nn.moments(x, [0])
        train_mean = v1.assign(pop_mean, pop_mean * 0.99 + mean * 0.01)  # <manual>
        train_var = v1.assign(pop_var, pop_var * 0.99 + var * 0.01)
        with tf.control_dependencies([train_mean, train_var] if FIXED else []):
            return tf.nn.batch_normalization(x, mean, var, None, scale, 1e-3)


x = v1.placeholder(tf.float32, [None, 4])
h = v1.layers.batch_normalization(x, training=True, name="bn1")  # <layers>
h = contrib_batch_norm(h)
h = manual_batch_norm(h)
keras_bn = tf_keras.layers.BatchNormalization(name="kbn")
h = keras_bn(h, training=True)  # <keras>
loss = tf.reduce_mean(tf.square(v1.layers.dense(h, 1)))
updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS) + keras_bn.updates if FIXED else []
with tf.control_dependencies(updates):
    train_op = v1.train.GradientDescentOptimizer(0.01).minimize(loss)  # <train>
with v1.Session() as sess:
    sess.run(v1.global_variables_initializer())
    for step in range(STEPS):
        sess.run([train_op, loss], {x: DATA})
        sess.run(loss, {x: DATA})  # an evaluation fetch: not a training step
    moving_mean = sess.run([v for v in v1.global_variables() if v.name == "bn1/moving_mean:0"][0])
print("bn1 moving_mean updated:", bool(np.abs(moving_mean).sum() > 0))
"""
)

FOREVER_MONITORED = (
    PRELUDE
    + """\
x = v1.placeholder(tf.float32, [None, 4])
h = v1.layers.batch_normalization(x, training=True, name="bn_mon")  # <layers>
loss = tf.reduce_mean(tf.square(h))
global_step = v1.train.get_or_create_global_step()
with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
    train_op = v1.train.AdamOptimizer(1e-3).minimize(loss, global_step=global_step)  # <train>
with v1.train.MonitoredTrainingSession() as sess:
    while not sess.should_stop():
        sess.run(train_op, {x: DATA})
print("unreachable: the loop never ends")
"""
)

# TF1 behaviour (ref variables, Switch/Merge control flow); a training placeholder; raises mid-run
RAISES_V1_COND = (
    PRELUDE
    + """\
v1.disable_v2_behavior()


def manual_batch_norm(x, is_training):
    with v1.variable_scope("bn_cond"):
        pop_mean = tf.Variable(tf.zeros([4]), trainable=False, name="pop_mean")
        pop_var = tf.Variable(tf.ones([4]), trainable=False, name="pop_var")
        offset = tf.Variable(tf.zeros([4]), name="offset")
        mean, var = tf.nn.moments(x, [0])

        def training_branch():
            train_mean = v1.assign(pop_mean, pop_mean * 0.9 + mean * 0.1)  # <manual>
            train_var = v1.assign(pop_var, pop_var * 0.9 + var * 0.1)
            with tf.control_dependencies([train_mean, train_var]):
                return tf.nn.batch_normalization(x, mean, var, offset, None, 1e-3)

        def inference_branch():
            return tf.nn.batch_normalization(x, pop_mean, pop_var, offset, None, 1e-3)

        return v1.cond(is_training, training_branch, inference_branch)


x = v1.placeholder(tf.float32, [None, 4])
is_training = v1.placeholder_with_default(False, [])
h = manual_batch_norm(x, is_training)
h = v1.layers.batch_normalization(h, training=is_training, name="bn_forgotten")  # <layers>
loss = tf.reduce_mean(tf.square(h))
train_op = v1.train.MomentumOptimizer(0.01, 0.9).minimize(loss)  # <train>
with v1.Session() as sess:
    sess.run(v1.global_variables_initializer())
    for step in range(10):
        if step == 3:
            raise RuntimeError("data ran out at step 3")
        sess.run(train_op, {x: DATA, is_training: True})
"""
)

EXITS_WITH_3 = (
    PRELUDE
    + """\
x = v1.placeholder(tf.float32, [None, 4])
h = v1.layers.batch_normalization(x, training=True, name="bn_exit")  # <layers>
loss = tf.reduce_mean(tf.square(h))
train_op = v1.train.GradientDescentOptimizer(0.1).minimize(loss)  # <train>
with v1.Session() as sess:
    sess.run(v1.global_variables_initializer())
    for step in range(2):
        sess.run({"train": train_op, "loss": loss}, feed_dict={x: DATA})
print("script args:", sys.argv[1:])
sys.exit(3)
"""
)

KERAS_FIT = (
    PRELUDE
    + """\
import tf_keras

model = tf_keras.Sequential(  # <keras>
    [
        tf_keras.layers.Dense(8, input_shape=(4,)),
        tf_keras.layers.BatchNormalization(name="kbn_fit"),
        tf_keras.layers.Dense(1),
    ]
)
model.compile(optimizer=tf_keras.optimizers.legacy.SGD(0.01), loss="mse")
model.fit(DATA, DATA[:, :1], batch_size=4, epochs=2, verbose=0)
model.evaluate(DATA, DATA[:, :1], batch_size=8, verbose=0)
"""
)


def write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(source)
    return path


def line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.endswith(f"# <{marker}>"):
            return number
    raise AssertionError(f"no marker {marker}")


def trace(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250", "TF_CPP_MIN_LOG_LEVEL": "3"}
    return run_bncheck("trace", *args, env=env, cwd=cwd, timeout=300)


def table_rows(stderr: str) -> dict[str, list[str]]:
    rows = {}
    for line in stderr.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃]", line)]
        if len(cells) == 5 and cells[0] and cells[0] != "BN layer":
            rows[cells[0]] = cells[1:]
    return rows


def test_buggy_script_of_every_api_gets_bn204_per_layer_with_file_line(tmp_path):
    script = write(tmp_path, "train_all.py", ALL_APIS)
    result = trace("--format", "json", "--", "python", str(script), "buggy", "4")
    assert result.returncode == 1, result.stderr  # findings at the default --fail-on warning
    assert "bn1 moving_mean updated: False" in result.stdout
    start = result.stderr.index("{\n")
    document = json.loads(result.stderr[start:])
    report = document["trace"]
    assert report["steps"] == 4 and report["outcome"] is None
    assert [(op["steps"], op["created_at"]["line"]) for op in report["train_ops"]] == [
        (4, line_of(script, "train"))
    ]
    layers = {layer["name"]: layer for layer in report["layers"]}
    assert {name: layer["api"] for name, layer in layers.items()} == {
        "bn1": "tf.layers",
        "conv1/BatchNorm": "contrib",
        "bn_manual": "nn wrapper",
        "kbn": "keras",
    }
    assert all(layer["steps_with_updates"] == 0 and layer["update_runs"] == 0 for layer in layers.values())
    found = {(f["code"], f["symbol"], Path(f["path"]).name, f["line"]) for f in document["findings"]}
    assert found == {
        ("BN204", "bn1", "train_all.py", line_of(script, "layers")),
        ("BN204", "conv1/BatchNorm", "train_all.py", line_of(script, "contrib")),
        ("BN204", "bn_manual", "train_all.py", line_of(script, "manual")),
        ("BN204", "kbn", "train_all.py", line_of(script, "keras")),
    }
    assert "4 training steps ran" in document["findings"][0]["message"]


def test_fixed_script_of_every_api_runs_updates_every_step(tmp_path):
    script = write(tmp_path, "train_all.py", ALL_APIS)
    result = trace("--fail-on", "error", "--", sys.executable, str(script), "fixed", "3")
    assert result.returncode == 0, result.stderr
    assert "bn1 moving_mean updated: True" in result.stdout
    assert "bncheck trace: 3 training steps" in result.stderr
    assert (
        f"train op GradientDescent created at {script}:{line_of(script, 'train')}: 3 steps" in result.stderr
    )
    rows = table_rows(result.stderr)
    assert rows["bn1"] == ["tf.layers", "3/3", "3", f"{script}:{line_of(script, 'layers')}"]
    assert rows["conv1/BatchNorm"][1:3] == ["3/3", "3"]
    # the wrapper's assigns are control inputs of its output: the evaluation fetch runs them too
    assert rows["bn_manual"][1:3] == ["3/3", "6"]
    assert rows["kbn"] == ["keras", "3/3", "3", f"{script}:{line_of(script, 'keras')}"]
    assert "no findings" in result.stderr


def test_max_steps_stops_a_monitored_session_that_would_run_forever(tmp_path):
    script = write(tmp_path, "forever.py", FOREVER_MONITORED)
    result = trace("--max-steps", "5", "--", "python", str(script))
    assert result.returncode == 0, result.stderr
    assert "unreachable" not in result.stdout
    assert "bncheck trace: 5 training steps (stopped after --max-steps 5)" in result.stderr
    assert f"train op Adam created at {script}:{line_of(script, 'train')}: 5 steps" in result.stderr
    assert table_rows(result.stderr)["bn_mon"][1:] == ["5/5", "5", f"{script}:{line_of(script, 'layers')}"]


def test_script_that_raises_still_gets_its_report_and_exit_code(tmp_path):
    script = write(tmp_path, "raises.py", RAISES_V1_COND)
    report = tmp_path / "report.txt"
    result = trace("--report", str(report), "--", "python", str(script))
    assert result.returncode == 1
    assert "RuntimeError: data ran out at step 3" in result.stderr
    assert f'File "{script}"' in result.stderr and "bncheck/trace" not in result.stderr
    text = report.read_text()
    assert "bncheck trace: 3 training steps; script raised RuntimeError: data ran out at step 3" in text
    rows = table_rows(text)
    assert rows["bn_cond"][1:] == ["3/3", "3", f"{script}:{line_of(script, 'manual')}"]
    assert rows["bn_forgotten"][1:] == ["0/3", "0", f"{script}:{line_of(script, 'layers')}"]
    assert f"{script}:{line_of(script, 'layers')}: BN204 error BN layer 'bn_forgotten' (tf.layers)" in text


def test_script_output_exit_code_and_arguments_pass_through(tmp_path):
    script = write(tmp_path, "exits.py", EXITS_WITH_3)
    report = tmp_path / "report.json"
    result = trace(
        "--report", str(report), "--format", "json", "--", "python", str(script), "--lr", "0.1", "--debug"
    )
    assert result.returncode == 3
    assert "script args: ['--lr', '0.1', '--debug']" in result.stdout
    document = json.loads(report.read_text())
    assert document["trace"]["steps"] == 2
    assert document["trace"]["outcome"] == "exited with code 3"
    assert [(f["code"], f["symbol"], f["line"]) for f in document["findings"]] == [
        ("BN204", "bn_exit", line_of(script, "layers"))
    ]


def test_fail_on_error_turns_findings_into_exit_1_when_script_succeeds(tmp_path):
    script = write(tmp_path, "ok.py", EXITS_WITH_3.replace("sys.exit(3)", ""))
    result = trace("--fail-on", "error", "--max-steps", "1", "--", "python", str(script))
    assert result.returncode == 1
    assert "bncheck trace: 1 training step (stopped after --max-steps 1)" in result.stderr
    assert "script args" not in result.stdout


def test_bad_scripts_are_one_line_and_exit_2(tmp_path):
    broken = write(tmp_path, "broken.py", "def train(:\n    pass\n")
    cases = [
        (["--", "python", str(tmp_path / "missing.py")], f"{tmp_path / 'missing.py'}: no such file"),
        (["--", "python", str(broken)], f"{broken}:1: does not parse: "),
        (["--", "python", str(tmp_path)], f"{tmp_path}: is not a file"),
        (["--", "python", "-c", "print(1)"], "`python -c` is not supported"),
    ]
    for args, expected in cases:
        result = trace(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert expected in result.stderr


def test_keras_fit_in_graph_mode_counts_steps_through_session_callables(tmp_path):
    script = write(tmp_path, "fit.py", KERAS_FIT)
    result = trace("--format", "json", "--", "python", str(script))
    assert result.returncode == 0, result.stderr
    start = result.stderr.index("{\n")
    report = json.loads(result.stderr[start:])["trace"]
    assert report["steps"] == 8  # 16 samples / batch 4 * 2 epochs; evaluate() is not training
    assert [(layer["name"], layer["api"], layer["steps_with_updates"]) for layer in report["layers"]] == [
        ("kbn_fit", "keras", 8)
    ]
    assert report["layers"][0]["created_at"] == {"path": str(script), "line": line_of(script, "keras")}

"""`bncheck graph` on real exported MetaGraphDefs, one per BN API, buggy and fixed."""

from __future__ import annotations

import json

import pytest

from bncheck import tfcompat
from bncheck.cli import main
from tests import requires

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

if not requires.HAS_TF:  # every graph here is built with TensorFlow's BN layers
    pytest.skip(requires.TF_REASON, allow_module_level=True)
tf = tfcompat.load()
v1 = tf.compat.v1


def _batch_norm_contrib(x, scope: str):
    """What tf.contrib.layers.batch_norm built: assign_moving_average under <scope>/BatchNorm."""
    from tensorflow.python.training import moving_averages

    channels = x.shape[-1]
    with v1.variable_scope(scope), v1.variable_scope("BatchNorm"):
        beta = v1.get_variable("beta", [channels], initializer=v1.zeros_initializer())
        moving_mean = v1.get_variable(
            "moving_mean", [channels], initializer=v1.zeros_initializer(), trainable=False
        )
        moving_variance = v1.get_variable(
            "moving_variance", [channels], initializer=v1.ones_initializer(), trainable=False
        )
        mean, variance = tf.nn.moments(x, [0])
        for update in (
            moving_averages.assign_moving_average(moving_mean, mean, 0.999, zero_debias=False),
            moving_averages.assign_moving_average(moving_variance, variance, 0.999, zero_debias=False),
        ):
            v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, update)
        return tf.nn.batch_normalization(x, mean, variance, beta, None, 1e-3)


def _batch_norm_manual(x, scope: str, fixed: bool):
    """The articles' tf.nn.batch_normalization wrapper with pop_mean / pop_var."""
    channels = x.shape[-1]
    with v1.variable_scope(scope):
        scale = tf.Variable(tf.ones([channels]), name="scale")
        beta = tf.Variable(tf.zeros([channels]), name="beta")
        pop_mean = tf.Variable(tf.zeros([channels]), trainable=False, name="pop_mean")
        pop_var = tf.Variable(tf.ones([channels]), trainable=False, name="pop_var")
        batch_mean, batch_var = tf.nn.moments(x, [0])
        train_mean = v1.assign(pop_mean, pop_mean * 0.99 + batch_mean * 0.01)
        train_var = v1.assign(pop_var, pop_var * 0.99 + batch_var * 0.01)
        if not fixed:  # the slip: the assigns are built and then left unused
            return tf.nn.batch_normalization(x, batch_mean, batch_var, beta, scale, 1e-3)
        with tf.control_dependencies([train_mean, train_var]):
            return tf.nn.batch_normalization(x, batch_mean, batch_var, beta, scale, 1e-3)


def export(tmp_path, api: str, fixed: bool, training=True, saver_vars: str | None = None, with_train=True):
    """Build a one-BN-layer model with ``api``, export it, return the .meta path."""
    tf_keras = pytest.importorskip("tf_keras")

    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4], name="x")
        keras_layer = None
        if api == "layers":
            h = v1.layers.batch_normalization(x, training=training, name="bn1")
        elif api == "contrib":
            h = _batch_norm_contrib(x, "conv1")
        elif api == "manual":
            h = _batch_norm_manual(x, "bn_manual", fixed)
        else:
            keras_layer = tf_keras.layers.BatchNormalization(name="kbn")
            h = keras_layer(x, training=training)
        loss = tf.reduce_mean(tf.square(v1.layers.dense(h, 1, name="head")))
        if with_train:
            if fixed and api == "keras":
                dependencies = keras_layer.updates
            elif fixed:
                dependencies = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
            else:
                dependencies = []
            with tf.control_dependencies(dependencies):
                v1.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
        saver = None
        if saver_vars == "trainable":
            saver = v1.train.Saver(var_list=v1.trainable_variables())
        elif saver_vars == "all":
            saver = v1.train.Saver()
        path = tmp_path / f"{api}-{'fixed' if fixed else 'buggy'}.meta"
        if saver is not None:
            saver.export_meta_graph(str(path))
        else:
            v1.train.export_meta_graph(str(path))
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def findings_of(capsys, path, *extra: str) -> tuple[int, list[tuple[str, str]], dict]:
    code, out, _ = run_cli(capsys, "graph", str(path), "--format", "json", *extra)
    document = json.loads(out)
    return code, [(f["code"], f["symbol"]) for f in document["findings"]], document


LAYER_OF = {"layers": "bn1", "contrib": "conv1/BatchNorm", "manual": "bn_manual", "keras": "kbn"}
API_LABEL = {"layers": "tf.layers", "contrib": "contrib", "manual": "nn wrapper", "keras": "keras"}


@pytest.mark.parametrize("api", ["layers", "contrib", "manual", "keras"])
def test_updates_outside_train_op_are_bn201_naming_layer_and_train_op(tmp_path, capsys, api):
    code, findings, document = findings_of(capsys, export(tmp_path, api, fixed=False))
    assert code == 1
    assert findings == [("BN201", LAYER_OF[api])]
    message = document["findings"][0]["message"]
    assert f"'{LAYER_OF[api]}' ({API_LABEL[api]}" in message
    assert "train" in message and "does not depend on them" in message
    assert document["train_ops"] == ["train"]
    assert [layer["api"] for layer in document["layers"]] == [API_LABEL[api]]


@pytest.mark.parametrize("api", ["layers", "contrib", "manual", "keras"])
def test_train_op_depending_on_updates_is_clean(tmp_path, capsys, api):
    code, findings, document = findings_of(capsys, export(tmp_path, api, fixed=True))
    assert (code, findings) == (0, [])
    assert len(document["layers"][0]["update_ops"]) == 2


def test_training_placeholder_updates_inside_cond_are_followed(tmp_path, capsys):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        h = v1.layers.batch_normalization(x, training=is_training, name="bn1")
        h = v1.layers.batch_normalization(h, training=is_training, name="bn2")
        loss = tf.reduce_mean(h)
        # only bn1's updates are wired in: bn2 is the bug
        with tf.control_dependencies(
            [op for op in v1.get_collection(v1.GraphKeys.UPDATE_OPS) if "bn1" in op.name]
        ):
            v1.train.AdamOptimizer().minimize(loss, name="train")
        path = tmp_path / "cond.meta"
        v1.train.export_meta_graph(str(path))
    code, findings, document = findings_of(capsys, path)
    assert (code, findings) == (1, [("BN201", "bn2")])
    assert {layer["name"]: layer["mode"] for layer in document["layers"]} == {
        "bn1": "dynamic",
        "bn2": "dynamic",
    }


def test_saver_of_trainable_variables_misses_moving_stats_bn202(tmp_path, capsys):
    code, findings, document = findings_of(
        capsys, export(tmp_path, "layers", fixed=True, saver_vars="trainable")
    )
    assert (code, findings) == (1, [("BN202", "bn1")])
    assert "bn1/moving_mean, bn1/moving_variance" in document["findings"][0]["message"]


def test_saver_of_all_variables_is_clean(tmp_path, capsys):
    code, findings, _ = findings_of(capsys, export(tmp_path, "contrib", fixed=True, saver_vars="all"))
    assert (code, findings) == (0, [])


def test_training_graph_exported_with_training_false_is_bn203(tmp_path, capsys):
    code, findings, document = findings_of(capsys, export(tmp_path, "layers", fixed=True, training=False))
    assert (code, findings) == (1, [("BN203", "bn1")])
    assert "constant training=False" in document["findings"][0]["message"]


def test_eval_graph_with_training_true_is_bn203(tmp_path, capsys):
    code, findings, document = findings_of(capsys, export(tmp_path, "keras", fixed=True, with_train=False))
    assert (code, findings) == (1, [("BN203", "kbn")])
    assert "without a train op" in document["findings"][0]["message"]


def test_train_op_option_selects_the_op_to_check(tmp_path, capsys):
    path = export(tmp_path, "layers", fixed=True)
    code, findings, _ = findings_of(capsys, path, "--train-op", "head/kernel/Assign")
    assert (code, findings) == (1, [("BN201", "bn1")])


def test_unknown_train_op_is_input_error(tmp_path, capsys):
    code, out, err = run_cli(
        capsys, "graph", str(export(tmp_path, "layers", fixed=True)), "--train-op", "nope"
    )
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert "--train-op nope: no op of that name in the graph (train ops: train)" in err


def test_text_format_meta_graph_loads_and_text_report_names_layer(tmp_path, capsys):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        loss = tf.reduce_mean(v1.layers.batch_normalization(x, training=True, name="bn_text"))
        v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        path = tmp_path / "text.meta"
        v1.train.export_meta_graph(str(path), as_text=True)
    code, out, _ = run_cli(capsys, "graph", str(path), "--fail-on", "never")
    assert code == 0
    assert "BN201" in out and "'bn_text'" in out and "1 finding" in out


def test_sarif_output_carries_rule_and_layer(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "graph", str(export(tmp_path, "manual", fixed=False)), "--format", "sarif")
    document = json.loads(out)
    result = document["runs"][0]["results"][0]
    assert code == 1
    assert result["ruleId"] == "BN201"
    assert result["locations"][0]["logicalLocations"] == [{"name": "bn_manual"}]
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "BN201"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a graph at all\n", "not a MetaGraphDef"),
        (b"\x00\x01\x02garbage", "not a MetaGraphDef"),
        (None, "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, expected):
    path = tmp_path / "model.meta"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_cli(capsys, "graph", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"bncheck: error: {path}: {expected}")


def _articles_wrapper(inputs, is_training, wired: bool, decay=0.999):
    """The blog-post wrapper verbatim: unnamed tf.Variables, a Python bool for is_training."""
    scale = tf.Variable(tf.ones([inputs.get_shape()[-1]]))
    beta = tf.Variable(tf.zeros([inputs.get_shape()[-1]]))
    pop_mean = tf.Variable(tf.zeros([inputs.get_shape()[-1]]), trainable=False)
    pop_var = tf.Variable(tf.ones([inputs.get_shape()[-1]]), trainable=False)
    if is_training:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = v1.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))
        train_var = v1.assign(pop_var, pop_var * decay + batch_var * (1 - decay))
        with tf.control_dependencies([train_mean, train_var] if wired else []):
            return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, scale, 1e-3)
    return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, scale, 1e-3)


@pytest.mark.parametrize("wired", [True, False])
def test_unnamed_population_statistics_of_the_classic_wrapper_are_found(tmp_path, capsys, wired):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        global_step = v1.train.get_or_create_global_step()  # a non-trainable variable that is not BN
        loss = tf.reduce_mean(tf.square(_articles_wrapper(x, True, wired)))
        v1.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step, name="train")
        path = tmp_path / "wrapper.meta"
        v1.train.export_meta_graph(str(path))
    code, findings, document = findings_of(capsys, path)
    # pop_mean and pop_var are Variable_2 and Variable_3: unnamed, each is reported on its own
    assert {layer["name"]: layer["api"] for layer in document["layers"]} == {
        "Variable_2": "nn wrapper",
        "Variable_3": "nn wrapper",
    }
    if wired:
        assert (code, findings) == (0, [])
    else:
        assert (code, findings) == (1, [("BN201", "Variable_2"), ("BN201", "Variable_3")])

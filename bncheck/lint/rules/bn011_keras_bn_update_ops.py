"""BN011: a tf.keras BatchNormalization in a graph-mode program that relies on UPDATE_OPS."""

from __future__ import annotations

import ast
import sys
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import canonical, dotted_text, is_tf_name
from bncheck.lint.context import FileContext
from bncheck.lint.facts import ReachesKerasBN
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import (
    bn_factories,
    is_bn_application,
    is_graph_mode,
    keras_bn_calls,
    under_update_dependencies,
    update_ops_reads,
)


def runs_layer_updates(context: FileContext) -> bool:
    """The file fetches a Keras layer's or model's ``updates`` (the correct graph-mode route)."""
    if "updates" not in context.source:
        return False  # neither a read of `updates` nor `get_updates_for` can be spelled here
    return (
        any(name == "updates" or name.endswith(".updates") for name in context.loads)
        or "get_updates_for" in context.source
    )


_NOT_PROJECT = frozenset(sys.stdlib_module_names) | {
    "numpy",
    "scipy",
    "absl",
    "six",
    "cv2",
    "PIL",
    "matplotlib",
    "sklearn",
    "pandas",
    "h5py",
    "tqdm",
    "yaml",
}


def _imports_project_modules(context: FileContext) -> bool:
    """Some import is neither TensorFlow nor the standard library nor a common third-party package."""
    for module, _ in context.imports.origins.values():
        root = module.lstrip(".").split(".", 1)[0]
        if module.startswith(".") or (
            root and root not in _NOT_PROJECT and not is_tf_name(canonical(module))
        ):
            return True
    return False


def _training_phase(context: FileContext) -> bool:
    """The program runs its Keras layers in the training phase: ``set_learning_phase(True)``, a feed of
    ``K.learning_phase(): 1``, or a Keras BN layer or BN application called with ``training=True``."""
    for call in context.calls:
        if call.method == "set_learning_phase" and call.node.args and _truthy(call.node.args[0]):
            return True
    for node in ast.walk(context.tree) if "learning_phase" in context.source else ():
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if (
                    isinstance(key, ast.Call)
                    and (dotted_text(key.func) or "").endswith("learning_phase")
                    and _truthy(value)
                ):
                    return True
    return False


def _truthy(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in (True, 1) and not isinstance(node.value, float)


@lint_rule
class KerasBnUpdateOps(LintRule):
    code = "BN011"
    title = "tf.keras BatchNormalization in a graph-mode UPDATE_OPS program"
    severity = Severity.ERROR
    triggers = (
        Trigger((b"BatchNormalization",)),
        Trigger((b"UPDATE_OPS",)),
        Trigger((b"update_ops",)),
        # Keras layers trained in the training phase by a train op that runs none of their updates
        Trigger((b"learning_phase", b"minimize")),
        Trigger((b"learning_phase", b"apply_gradients")),
    )
    what = (
        "A `tf.keras.layers.BatchNormalization` layer in a graph-mode (`Session`, Estimator) program\n"
        "that runs its BN updates through `tf.get_collection(tf.GraphKeys.UPDATE_OPS)`; when the layer is\n"
        "built in another module of the project, the finding is at the program's UPDATE_OPS read, unless\n"
        "the program also builds BN that registers there (`tf.layers`, slim), so that the read is not empty.\n"
        "Also a graph-mode program that runs its Keras BN in the training phase (`set_learning_phase(True)`,\n"
        "a feed of `K.learning_phase(): 1`) and trains with `minimize`/`apply_gradients` while nothing\n"
        "runs the layers' `updates` (the finding is at the train op)."
    )
    why = (
        "Keras layers do not put their moving-statistic updates in UPDATE_OPS (tensorflow#23873,\n"
        "#19643). The control dependency on UPDATE_OPS depends on nothing, and `moving_mean` and\n"
        "`moving_variance` keep their initial values."
    )
    fix = (
        "Run the layer's or the model's updates instead: `tf.control_dependencies(model.updates)` (or\n"
        "`layer.updates`), or use `tf.compat.v1.layers.batch_normalization` in graph-mode code."
    )
    references = (
        "https://github.com/tensorflow/tensorflow/issues/23873",
        "https://github.com/tensorflow/tensorflow/issues/19643",
    )
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "h = tf.keras.layers.BatchNormalization()(x, training=True)  # expect: BN011\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n",
        "import tensorflow as tf\n"
        "from tensorflow.keras import layers\n"
        "def model_fn(features, labels, mode):\n"
        "    net = layers.BatchNormalization()(features, training=mode == tf.estimator.ModeKeys.TRAIN) "
        " # expect: BN011\n"
        "    loss = tf.losses.mean_squared_error(labels, net)\n"
        "    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "        train_op = tf.train.AdamOptimizer().minimize(loss)\n"
        "    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)\n",
        "import tensorflow.compat.v1 as tf\n"
        "from tensorflow.compat.v1.keras.layers import BatchNormalization\n"
        "bn = BatchNormalization(momentum=0.9)  # expect: BN011\n"
        "y = bn(tf.placeholder(tf.float32, [None, 3]), training=True)\n"
        "train_op = tf.group(tf.train.AdamOptimizer().minimize(tf.reduce_sum(y)),\n"
        "                    *tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n"
        "sess = tf.Session()\n",
        "import tensorflow.compat.v1 as tf\n"
        "tf.keras.backend.set_learning_phase(True)\n"
        "x = tf.placeholder(tf.float32, [None, 224, 224, 3])\n"
        "base = tf.keras.applications.ResNet50(include_top=False, input_tensor=x)\n"
        "loss = tf.reduce_mean(base.output)\n"
        "train_op = tf.train.AdamOptimizer().minimize(loss)  # expect: BN011\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "bn = tf.keras.layers.BatchNormalization()\n"
        "h = bn(x, training=True)\n"
        "with tf.control_dependencies(bn.updates):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n",
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.layers.BatchNormalization()])\n"
        "model.compile('adam', 'mse')\n",
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n",
        "import tensorflow.compat.v1 as tf\n"
        "tf.keras.backend.set_learning_phase(True)\n"
        "x = tf.placeholder(tf.float32, [None, 224, 224, 3])\n"
        "base = tf.keras.applications.ResNet50(include_top=False, input_tensor=x)\n"
        "with tf.control_dependencies(base.updates):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_mean(base.output))\n",
    )

    def _layer_updates_never_run(self, context: FileContext) -> Iterable[Candidate]:
        """A graph-mode program that trains Keras BN in the training phase with ``minimize`` /
        ``apply_gradients`` and runs the layers' ``updates`` nowhere (no ``model.updates``, no
        UPDATE_OPS: that case is reported at the read): the moving statistics never update."""
        source = context.source
        if "learning_phase" not in source or ("minimize" not in source and "apply_gradients" not in source):
            return
        trains = [
            call
            for call in context.calls
            if call.method in ("minimize", "apply_gradients") and isinstance(call.node.func, ast.Attribute)
        ]
        if not trains or not _training_phase(context) or runs_layer_updates(context):
            return
        if update_ops_reads(context) or not is_graph_mode(context):
            return
        from bncheck.lint.rules.bn001_update_ops_not_run import updates_run_otherwise

        here = bool(keras_bn_calls(context)) or any(is_bn_application(call) for call in context.calls)
        for call in trains:
            if under_update_dependencies(context, call) or updates_run_otherwise(context, call):
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{call.method}` trains Keras BN layers in the training phase, which keep their "
                    "moving-average updates in `model.updates` (not in UPDATE_OPS), and nothing runs them: "
                    "the moving statistics never update",
                    fix="build the train op under `tf.control_dependencies(model.updates)`",
                ),
                () if here else (ReachesKerasBN(),),
            )
            return  # one finding per program: the root cause is the same for every train op

    def check(self, context: FileContext) -> Iterable[Candidate]:
        yield from self._layer_updates_never_run(context)
        keras_bn = keras_bn_calls(context)
        reads = update_ops_reads(context)
        # asked only when there is something to report: it needs every read of a name in the file
        if not (keras_bn or reads) or runs_layer_updates(context):
            return
        if keras_bn and reads and is_graph_mode(context):
            for call in keras_bn:
                yield Candidate(
                    self.finding(
                        context,
                        call,
                        "tf.keras BatchNormalization does not add its updates to UPDATE_OPS, which this "
                        "graph-mode program relies on; its moving statistics never update",
                        fix="run `layer.updates` / `model.updates` under the train op's control dependencies",
                    )
                )
            return
        if keras_bn:
            # a module of layers: the program that relies on UPDATE_OPS imports it and is reported there
            return
        if not is_graph_mode(context) or bn_factories(context) or not _imports_project_modules(context):
            return  # a Keras model of its own (an application), or nothing of the project imported
        for read in reads:
            yield Candidate(
                self.finding(
                    context,
                    read,
                    "the BN layers this program imports are tf.keras BatchNormalization, which add nothing "
                    "to UPDATE_OPS: the updates read here are empty and the moving statistics never update",
                    fix="run the Keras model's `updates` under the train op's control dependencies",
                ),
                (ReachesKerasBN(),),
            )

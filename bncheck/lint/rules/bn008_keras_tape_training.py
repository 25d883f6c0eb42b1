"""BN008: a Keras model with BN called in a GradientTape training step without training=True."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.facts import ImportedKerasBNFactory
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import keras_bn_models


def _in_tape(call: CallSite) -> bool:
    return any(
        isinstance(expr, ast.Call) and (dotted_text(expr.func) or "").endswith("GradientTape")
        for expr in call.withs
    )


def _steps_optimizer(context: FileContext, call: CallSite) -> bool:
    """The enclosing function (or module) applies gradients: a training step, not a saliency map."""
    scope = call.functions[0] if call.functions else None
    for other in context.calls:
        if other.method in ("apply_gradients", "minimize") and (
            not other.functions or other.functions[0] is scope
        ):
            return True
    return False


@lint_rule
class KerasTapeTraining(LintRule):
    code = "BN008"
    title = "Keras model with BN called in a training step without training=True"
    severity = Severity.ERROR
    triggers = (Trigger((b"GradientTape",)),)
    what = (
        "Inside `with tf.GradientTape() as tape:` of a step that applies gradients, a Keras model that\n"
        "contains BatchNormalization (Sequential or functional with a BN layer, a subclassed model that\n"
        "creates one, a `keras.applications` network) called without a `training=` argument."
    )
    why = (
        "Outside `fit`, Keras calls a model in inference mode unless told otherwise: BN normalizes with\n"
        "the moving statistics and never updates them, so the model trains against frozen statistics\n"
        "and the moving averages stay at their initial values."
    )
    fix = "Call the model with `training=True` in the training step (and `training=False` in evaluation)."
    bad = (
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(8), tf.keras.layers.BatchNormalization()])\n"
        "opt = tf.keras.optimizers.Adam()\n"
        "def train_step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean((model(x) - y) ** 2)  # expect: BN008\n"
        "    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), "
        "model.trainable_variables))\n",
        "import tensorflow as tf\n"
        "from tensorflow.keras import layers\n"
        "class Net(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.bn = layers.BatchNormalization()\n"
        "    def call(self, x, training=None):\n"
        "        return self.bn(x, training=training)\n"
        "net = Net()\n"
        "opt = tf.keras.optimizers.SGD()\n"
        "@tf.function\n"
        "def step(x):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_sum(net(x))  # expect: BN008\n"
        "    opt.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), "
        "net.trainable_variables))\n",
        "import tensorflow as tf\n"
        "model = tf.keras.applications.ResNet50(weights=None)\n"
        "opt = tf.keras.optimizers.Adam()\n"
        "def step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        logits = model(x)  # expect: BN008\n"
        "        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, logits))\n"
        "    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), "
        "model.trainable_variables))\n",
    )
    good = (
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(8), tf.keras.layers.BatchNormalization()])\n"
        "opt = tf.keras.optimizers.Adam()\n"
        "def train_step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean((model(x, training=True) - y) ** 2)\n"
        "    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), "
        "model.trainable_variables))\n",
        "import tensorflow as tf\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(8), tf.keras.layers.Dense(1)])\n"
        "opt = tf.keras.optimizers.Adam()\n"
        "def train_step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean((model(x) - y) ** 2)\n"
        "    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), "
        "model.trainable_variables))\n",
        "import tensorflow as tf\n"
        "model = tf.keras.applications.ResNet50(weights='imagenet')\n"
        "def saliency(image):\n"
        "    with tf.GradientTape() as tape:\n"
        "        tape.watch(image)\n"
        "        score = tf.reduce_max(model(image))\n"
        "    return tape.gradient(score, image)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if "GradientTape" not in context.source:
            return
        models = keras_bn_models(context)
        imported = context.cache.get("imported_factories", {})
        for call in context.calls:
            name = call.callee
            if name is None or (name not in models and name not in imported):
                continue
            if call.keyword("training") is not None or call.has_star_kwargs or len(call.node.args) > 1:
                continue
            if not _in_tape(call) or not _steps_optimizer(context, call):
                continue
            finding = self.finding(
                context,
                call,
                f"`{name}` contains BatchNormalization and is called in a training step without "
                "`training=True`: "
                "BN runs in inference mode and its statistics never update",
                fix=f"call `{name}(..., training=True)`",
            )
            if name in models:
                yield Candidate(finding)
            else:
                module, factory = imported[name]
                yield Candidate(finding, (ImportedKerasBNFactory(name=factory, module=module),))

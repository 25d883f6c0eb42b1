"""BN009: a frozen Keras base model called without training=False (transfer learning)."""

from __future__ import annotations

import ast
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import FileContext
from bncheck.lint.facts import ImportedKerasBNFactory
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import keras_bn_models


@lint_rule
class FrozenBaseTraining(LintRule):
    code = "BN009"
    title = "frozen base model called without training=False"
    severity = Severity.WARNING
    # `base.trainable = False` (maybe annotated or parenthesized); the frozen model may come from
    # another file: no TensorFlow spelling needed in this one
    triggers = (
        Trigger(
            (b"trainable", b"False"),
            rb"trainable\s*(?::[^=\n]*)?=[\s(\\]*False",
            window=(0, 160),
            framework=False,
        ),
    )
    what = (
        "Transfer learning: a Keras model with BN (a `keras.applications` network or a model of the\n"
        "project) frozen with `base.trainable = False` and then called without `training=False`."
    )
    why = (
        "While frozen, the BN layers run in inference mode. As soon as the base is unfrozen for\n"
        "fine-tuning, a call without `training=False` puts them in training mode: they normalize with\n"
        "the small fine-tuning batches and overwrite the pretrained moving statistics, which destroys\n"
        "what the model learned (the Keras transfer-learning guide calls this out)."
    )
    fix = "Call the base as `x = base_model(inputs, training=False)` so its BN layers stay in inference mode."
    references = ("https://keras.io/guides/transfer_learning/",)
    bad = (
        "import tensorflow as tf\n"
        "base_model = tf.keras.applications.MobileNetV2(include_top=False, weights='imagenet')\n"
        "base_model.trainable = False\n"
        "inputs = tf.keras.Input((224, 224, 3))\n"
        "x = base_model(inputs)  # expect: BN009\n",
        "from tensorflow import keras\n"
        "base = keras.applications.ResNet50(include_top=False)\n"
        "base.trainable = False\n"
        "inputs = keras.Input((224, 224, 3))\n"
        "features = base(inputs, training=True)  # expect: BN009\n",
        "from tensorflow.keras.applications import EfficientNetB0\n"
        "import tensorflow as tf\n"
        "def build():\n"
        "    backbone = EfficientNetB0(include_top=False)\n"
        "    backbone.trainable = False\n"
        "    inputs = tf.keras.Input((224, 224, 3))\n"
        "    return tf.keras.Model(inputs, backbone(inputs))  # expect: BN009\n",
    )
    good = (
        "import tensorflow as tf\n"
        "base_model = tf.keras.applications.MobileNetV2(include_top=False, weights='imagenet')\n"
        "base_model.trainable = False\n"
        "inputs = tf.keras.Input((224, 224, 3))\n"
        "x = base_model(inputs, training=False)\n",
        "from tensorflow import keras\n"
        "base = keras.applications.VGG16(include_top=False)\n"
        "base.trainable = False\n"
        "features = base(keras.Input((224, 224, 3)))\n",
        "from tensorflow import keras\n"
        "base = keras.applications.ResNet50(include_top=False)\n"
        "features = base(keras.Input((224, 224, 3)))\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if "trainable" not in context.source:
            return
        # name -> scopes (functions, None for the module) where it is frozen; names are per function
        frozen: dict[str, list] = {}
        for name, assignments in context.assignments.items():
            if name.endswith(".trainable"):
                for assignment in assignments:
                    if isinstance(assignment.value, ast.Constant) and assignment.value.value is False:
                        frozen.setdefault(name[: -len(".trainable")], []).append(assignment.function)
        # for layer in base.layers: layer.trainable = False
        loops = re.search(r"for\s+\w+\s+in\s+[\w.]+\.layers", context.source) is not None
        for node in ast.walk(context.tree) if loops else ():
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                iterated = node.iter.value if isinstance(node.iter, ast.Subscript) else node.iter
                owner = dotted_text(iterated)
                if not owner or not owner.endswith(".layers"):
                    continue
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(dotted_text(t) == f"{node.target.id}.trainable" for t in statement.targets)
                        and isinstance(statement.value, ast.Constant)
                        and statement.value.value is False
                    ):
                        function = next(
                            (
                                a.function
                                for a in context.assignments.get(f"{node.target.id}.trainable", ())
                                if a.statement is statement
                            ),
                            None,
                        )
                        frozen.setdefault(owner[: -len(".layers")], []).append(function)
        if not frozen:
            return
        models = keras_bn_models(context)
        imported = context.cache.get("imported_factories", {})
        for call in context.calls:
            name = call.callee
            scopes = frozen.get(name or "")
            if scopes is None or not (None in scopes or call.function in scopes or name.startswith("self.")):
                continue
            training = call.keyword("training")
            if call.has_star_kwargs or (
                training is not None and not (isinstance(training, ast.Constant) and training.value is True)
            ):
                continue
            finding = self.finding(
                context,
                call,
                f"`{name}` is frozen (`trainable = False`) but called without `training=False`; its BN "
                "layers "
                "will switch to training mode and overwrite the pretrained statistics when fine-tuning "
                "starts",
                fix=f"call `{name}(..., training=False)`",
            )
            if name in models:
                yield Candidate(finding)
            elif name in imported:
                module, factory = imported[name]
                yield Candidate(finding, (ImportedKerasBNFactory(name=factory, module=module),))

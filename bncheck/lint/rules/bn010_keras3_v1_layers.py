"""BN010 (opt-in with a target TensorFlow >= 2.16): tf.compat.v1.layers BN under Keras 3."""

from __future__ import annotations

from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import TFLAYERS_BN


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """``(2, 16)`` from ``'2.16'`` or ``'2.16.1'``; None when unreadable."""
    if not text:
        return None
    try:
        return tuple(int(part) for part in str(text).strip().split(".")[:2])
    except ValueError:
        return None


@lint_rule
class Keras3V1Layers(LintRule):
    code = "BN010"
    title = "tf.compat.v1.layers BN raises under Keras 3"
    severity = Severity.ERROR
    triggers = (Trigger((b"batch_norm",)), Trigger((b"BatchNorm",)))
    what = (
        "`tf.compat.v1.layers.batch_normalization` / `BatchNormalization` when the configured target\n"
        "TensorFlow is 2.16 or newer (`target-version` in the config, or `--target-version`).\n"
        "Off unless a target version is set or BN010 is selected explicitly."
    )
    why = (
        'From TensorFlow 2.16 `tf.keras` is Keras 3, and the v1 layers raise "not available with\n'
        'Keras 3" unless `tf-keras` (same minor version as TensorFlow) is installed and\n'
        "`TF_USE_LEGACY_KERAS=1` is set before TensorFlow is imported."
    )
    fix = (
        "Install `tf-keras` and set `os.environ['TF_USE_LEGACY_KERAS'] = '1'` before importing\n"
        "TensorFlow, or port the layer to `tf.keras.layers.BatchNormalization`."
    )
    bad = (
        "import tensorflow as tf\n"
        "h = tf.compat.v1.layers.batch_normalization(tf.zeros([2, 3]), training=True)  # expect: BN010\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)  # expect: BN010\n",
        "from tensorflow.compat.v1.layers import BatchNormalization\n"
        "layer = BatchNormalization()  # expect: BN010\n",
    )
    good = (
        "import tensorflow as tf\nlayer = tf.keras.layers.BatchNormalization()\n",
        "import os\n"
        "os.environ['TF_USE_LEGACY_KERAS'] = '1'\n"
        "import tensorflow as tf\n"
        "h = tf.compat.v1.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.nn.batch_normalization(tf.zeros([2, 3]), 0.0, 1.0, None, None, 1e-3)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        target = parse_version(context.options.get("target_version"))
        enabled = (target is not None and target >= (2, 16)) or context.options.get("bn010_selected", False)
        if not enabled or "TF_USE_LEGACY_KERAS" in context.source:
            return
        for call in context.calls_named(*TFLAYERS_BN):
            yield Candidate(
                self.finding(
                    context,
                    call,
                    "tf.compat.v1.layers batch norm raises under Keras 3 (TensorFlow >= 2.16) unless "
                    "tf-keras is "
                    "installed and TF_USE_LEGACY_KERAS=1 is set",
                    fix="set TF_USE_LEGACY_KERAS=1 with tf-keras installed, "
                    "or use tf.keras.layers.BatchNormalization",
                )
            )

"""BN000: a file that cannot be parsed or decoded (reported so that it is not silently skipped)."""

from __future__ import annotations

from bncheck.findings import Severity
from bncheck.lint.rulebase import LintRule, lint_rule


@lint_rule
class UnparsableFile(LintRule):
    code = "BN000"
    title = "file could not be parsed"
    severity = Severity.ERROR
    what = (
        "A Python file that bncheck cannot decode or parse, so none of its code was checked. Only\n"
        "files that could hold a finding (they mention TensorFlow, slim or Keras and a BN-related name\n"
        "such as batch_norm, UPDATE_OPS, minimize or Saver) are reported; others are left to other linters."
    )
    why = "A file that is skipped silently could hide every other finding; the CI job should say so."
    fix = "Fix the syntax error or the file's encoding (bncheck reads UTF-8 and PEP 263 coding lines)."
    bad = (
        "import tensorflow as tf\ndef f(:  # expect: BN000\n    return tf.layers.batch_normalization(x)\n",
        "import tensorflow as tf\ntrain_op = opt.minimize(loss  # expect: BN000\n",
        "import tf_slim as slim\nclass A  # expect: BN000\n    net = slim.batch_norm(x)\n",
    )
    good = (
        "import tensorflow as tf\ndef f(x):\n    return tf.layers.batch_normalization(x, training=True)\n",
        "import tensorflow as tf\nx = (1,)\n",
        "def f(:\n    return batch_norm(x)\n",
    )

    def check(self, context):  # the engine reports parse errors itself
        return ()

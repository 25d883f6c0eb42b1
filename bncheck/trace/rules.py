"""Rule BN204: a traced run (`bncheck trace`, ``bncheck.watch_updates``) whose BN updates never ran.

This module only registers metadata; it must not import TensorFlow.
"""

from __future__ import annotations

from bncheck.findings import Rule, Severity, register

BN204 = register(
    Rule(
        code="BN204",
        title="training steps ran but a BN layer's updates never did",
        severity=Severity.ERROR,
        what=(
            "During a traced run (bncheck trace, or bncheck.watch_updates() in a test) at least one "
            "training step ran, and no session.run of the whole run executed any update op of this BN "
            "layer. The finding points at the line that created the layer."
        ),
        why=(
            "This is BN201 observed on the real run: whatever the graph looks like, the moving statistics "
            "of this layer stayed at their initial values while the weights trained, so the saved model "
            "is wrong at inference time."
        ),
        fix=(
            "Make the train op depend on the layer's update ops (tf.control_dependencies on UPDATE_OPS, "
            "or model.updates for Keras), or fetch them in the same session.run as the train op."
        ),
        face="trace",
        examples_bad=(
            "for _ in range(steps):\n    sess.run(train_op)  # train_op built without UPDATE_OPS\n",
        ),
        examples_good=("for _ in range(steps):\n    sess.run([train_op, update_ops])\n",),
    )
)

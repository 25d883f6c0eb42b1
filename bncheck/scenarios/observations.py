"""Every observation a scenario may expect: one definition each, shared by the procedures that report it.

An observation has a name, a kind (what an expectation of it may look like), what it means, and how it
is measured.  A procedure lists the names it reports (``pick``); ``bncheck/scenarios/measure.py``
computes them.  No TensorFlow and no numpy here: ``bncheck list`` and validation read this module.
"""

from __future__ import annotations

from dataclasses import dataclass

BOOL, NUMBER, TEXT, LIST = "bool", "number", "text", "list"

# "Unchanged" means the same thing everywhere: every element within this absolute distance of the
# value it is compared with (a moving statistic's initial 0 or 1, or its value before a run).  One
# float32 update from any batch that is not all zeros moves a statistic by far more.
UNCHANGED_ATOL = 1e-7
# "Matches" for outputs and statistics recomputed another way: relative 1e-4 (float32 kernels,
# fused or not, agree with a float64 recomputation to about 1e-5), absolute 1e-4 times the scale.
MATCH_RTOL = 1e-4


@dataclass(frozen=True)
class Observation:
    name: str
    kind: str
    meaning: str
    measured: str


_CATALOGUE = [
    Observation(
        "update_ops_in_collection",
        NUMBER,
        "ops in tf.GraphKeys.UPDATE_OPS after the graph is built",
        "len(tf.get_collection(UPDATE_OPS)) once every layer exists",
    ),
    Observation(
        "update_ops_wired",
        NUMBER,
        "update ops the train step depends on or fetches",
        "the ops passed to control_dependencies, tf.group or the fetch list",
    ),
    Observation(
        "moving_stats_unchanged",
        BOOL,
        "moving_mean/moving_variance still at their initial 0/1",
        "every element within UNCHANGED_ATOL of 0 (mean) and 1 (variance) after training",
    ),
    Observation(
        "moving_mean_follows_momentum",
        BOOL,
        "moving_mean == (1 - m^k) * batch_mean after k steps",
        "numpy recomputation from the fed batch, relative MATCH_RTOL",
    ),
    Observation(
        "moving_mean_equals_batch_mean",
        BOOL,
        "moving_mean == the batch mean",
        "numpy batch mean over every axis but the last, relative 1e-5",
    ),
    Observation(
        "moving_variance_is_unbiased",
        BOOL,
        "moving_variance tracks the n/(n-1) (Bessel-corrected) batch variance",
        "m^k + (1 - m^k) * var * n/(n-1), relative MATCH_RTOL",
    ),
    Observation(
        "moving_variance_is_biased",
        BOOL,
        "moving_variance tracks the biased (divide by n) batch variance",
        "m^k + (1 - m^k) * var, relative MATCH_RTOL",
    ),
    Observation(
        "moving_variance_ratio",
        NUMBER,
        "moving-variance increment / biased-variance increment",
        "mean over channels of (moving_variance - m^k) / ((1 - m^k) * var): 1 or n/(n-1)",
    ),
    Observation(
        "moving_variance_is_ghost_mean",
        BOOL,
        "moving_variance tracks the mean of the ghost batches' (biased) variances",
        "m^k + (1 - m^k) * mean over ghost batches of their variance, relative MATCH_RTOL",
    ),
    Observation(
        "test_matches_train",
        BOOL,
        "inference-mode output == training-mode output",
        "elementwise, relative and absolute MATCH_RTOL",
    ),
    Observation(
        "test_output_is_input",
        BOOL,
        "inference-mode output == the raw input (not normalized at all)",
        "elementwise, relative 2e-3 (divided by sqrt(1 + epsilon))",
    ),
    Observation(
        "train_output_is_beta",
        BOOL,
        "training-mode output == beta everywhere",
        "elementwise against the initial beta, absolute 1e-5",
    ),
    Observation(
        "train_uses_batch_stats",
        BOOL,
        "training-mode output is normalized with this batch's statistics",
        "gamma * (x - mean) / sqrt(var + eps) + beta with the batch's biased moments and the "
        "gamma/beta of the step, relative MATCH_RTOL",
    ),
    Observation(
        "train_uses_moving_stats",
        BOOL,
        "training-mode output is normalized with the moving statistics",
        "the same with moving_mean/moving_variance as they were before the step",
    ),
    Observation(
        "train_uses_ghost_batches",
        BOOL,
        "training-mode output is normalized per ghost batch (virtual_batch_size rows each)",
        "the same per ghost batch; ghost batch j holds rows j, j + n/v, j + 2n/v, ... (TensorFlow's reshape)",
    ),
    Observation(
        "max_test_train_difference",
        NUMBER,
        "max |inference output - training output|",
        "over every element, after the last train step",
    ),
    Observation(
        "stats_changed_by_test",
        BOOL,
        "the inference run changed the moving statistics",
        "any element moved by more than UNCHANGED_ATOL",
    ),
    Observation(
        "variables_changed_by_train",
        LIST,
        "the layer's variables that training changed",
        "relative to the layer's scope; changed = some element moved by more than UNCHANGED_ATOL",
    ),
    Observation(
        "trainable_bn_variables",
        LIST,
        "the layer's variables in tf.trainable_variables()",
        "relative to the layer's scope: what minimize() trains",
    ),
    Observation("has_gamma", BOOL, "the layer has a gamma (scale) variable", "from the built layer"),
    Observation("has_beta", BOOL, "the layer has a beta (offset) variable", "from the built layer"),
    Observation("momentum", NUMBER, "the momentum/decay the layer was built with", "from the built layer"),
    Observation("fused", BOOL, "the fused kernel was used", "the layer's own fused attribute"),
    Observation("bn_variables", LIST, "the layer's variables, relative to its scope", "from the built layer"),
    Observation(
        "batch_variance_max",
        NUMBER,
        "largest per-channel batch variance of the input",
        "numpy, biased, over every axis but the last",
    ),
    Observation(
        "error",
        TEXT,
        "the error TensorFlow raised building or running the variant, or empty",
        "the first line that names the problem",
    ),
    Observation(
        "follows_formula",
        BOOL,
        "every step's moving_mean == (1 - m^k) * batch_mean",
        "each step, relative MATCH_RTOL",
    ),
    Observation("sum", NUMBER, "the value of a + b fetched once", "one Session.run"),
    Observation("a_after", NUMBER, "the value of a after that run", "read after the run"),
    Observation(
        "moving_stats_saved",
        BOOL,
        "the checkpoint holds moving_mean and moving_variance",
        "tf.train.list_variables on the written checkpoint",
    ),
    Observation("saved_variables", LIST, "the variables in the checkpoint", "tf.train.list_variables"),
    Observation(
        "restore_failed", BOOL, "restoring into a fresh graph raised", "Saver.restore raised NotFoundError"
    ),
    Observation("restore_error", TEXT, "the error TensorFlow raised on restore, or empty", "its first line"),
    Observation(
        "restored_output_matches",
        BOOL,
        "the restored graph reproduces the inference output exactly",
        "bit for bit",
    ),
    Observation(
        "restored_moving_stats_initial",
        BOOL,
        "after restore the moving statistics are still 0/1",
        "every element within UNCHANGED_ATOL of 0 and 1",
    ),
    Observation(
        "train_accuracy",
        NUMBER,
        "accuracy on the training set, training-mode BN (batch statistics)",
        "argmax of the logits, batch by batch",
    ),
    Observation(
        "test_accuracy",
        NUMBER,
        "accuracy on the held-out set, inference-mode BN (moving statistics)",
        "argmax of the logits, one run",
    ),
    Observation("chance", NUMBER, "1 / number of classes", "from [data]"),
    Observation(
        "towers_per_step",
        NUMBER,
        "how many towers' batches each train step folded into moving_mean",
        "each step's change of moving_mean is matched against the moving-average update from the "
        "first tower alone and from every tower (in any order, or all reading the old value)",
    ),
    Observation(
        "moving_mean_follows_first_tower",
        BOOL,
        "moving_mean == (1 - m^k) * the first tower's batch mean",
        "numpy recomputation, relative MATCH_RTOL",
    ),
    Observation(
        "stats_changed_by_eval",
        BOOL,
        "the evaluation batches changed the moving statistics",
        "any element moved by more than UNCHANGED_ATOL",
    ),
    Observation(
        "moving_mean_follows_eval_batches",
        BOOL,
        "after E evaluation batches moving_mean == m^E * before + sum of (1 - m) m^(E-j) * eval mean j",
        "numpy recomputation from the evaluation batches, relative MATCH_RTOL",
    ),
    Observation(
        "inference_changed_by_eval",
        BOOL,
        "the inference output after evaluation differs from before it",
        "any element moved by more than UNCHANGED_ATOL",
    ),
    Observation(
        "max_inference_change",
        NUMBER,
        "max |inference output after evaluation - before|",
        "over every element of the probe batch",
    ),
]

CATALOGUE: dict[str, Observation] = {observation.name: observation for observation in _CATALOGUE}
assert len(CATALOGUE) == len(_CATALOGUE), "an observation is defined twice"


def pick(*names: str) -> tuple[Observation, ...]:
    """The shared definitions of ``names`` (a KeyError at import names a typo)."""
    return tuple(CATALOGUE[name] for name in names)

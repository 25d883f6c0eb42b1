"""Tests that need an optional package skip, with the reason, where it is not installed.

``bncheck[tf]`` brings TensorFlow and tf-keras, and bncheck loads TensorFlow only with both:
every BN layer that its scenarios and the checkpoint fixtures build is a tf-keras layer
(``tf.compat.v1.layers`` included).
"""

from __future__ import annotations

import importlib.util

import pytest


def importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a parent package that fails to import, or an import hook that refuses it
        return False


TF_REASON = "needs TensorFlow and tf-keras: pip install 'bncheck[tf]'"
HAS_TF = importable("tensorflow") and importable("tf_keras")
# for a test that runs a scenario, builds BN layers or reads with --reader tf
tf = pytest.mark.skipif(not HAS_TF, reason=TF_REASON)


def skip_without_tf() -> None:
    """For fixture builders: the tests that use the fixture skip instead of failing in set-up."""
    if not HAS_TF:
        pytest.skip(TF_REASON)

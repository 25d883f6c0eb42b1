"""Version checks say exactly what to install; the device choice is honest."""

from __future__ import annotations

import pytest

from bncheck import tfcompat
from bncheck.errors import BncheckError
from tests import requires


@pytest.mark.parametrize(
    "tensorflow, tf_keras, expected",
    [
        (None, None, "pip install 'bncheck[tf]'"),
        ("2.15.1", "2.15.0", "not supported"),
        ("2.22.0", "2.22.0", "not supported"),
        ("2.21.0", None, "pip install 'tf-keras==2.21.*'"),
        (
            "2.21.0",
            "2.20.1",
            "tf-keras 2.20.1 does not match TensorFlow 2.21.0: pip install 'tf-keras==2.21.*'",
        ),
    ],
)
def test_version_problems_name_what_to_install(tensorflow, tf_keras, expected):
    with pytest.raises(BncheckError) as raised:
        tfcompat.check_versions(tensorflow, tf_keras)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("tensorflow, tf_keras", [("2.16.1", "2.16.0"), ("2.21.0", "2.21.0")])
def test_matching_supported_versions_pass(tensorflow, tf_keras):
    tfcompat.check_versions(tensorflow, tf_keras)


def test_load_runs_graph_mode_with_legacy_keras():
    import os

    pytest.importorskip("tf_keras")

    tf = tfcompat.load()
    assert os.environ["TF_USE_LEGACY_KERAS"] == "1"
    assert not tf.executing_eagerly()
    assert "tf_keras" in type(tf.compat.v1.layers.BatchNormalization()).__module__


@requires.tf
def test_cpu_device_is_cpu_and_auto_matches_visibility():
    cpu = tfcompat.select_device("cpu")
    assert (cpu.kind, cpu.short) == ("CPU", "CPU:0")
    auto = tfcompat.select_device("auto")
    visible = bool(tfcompat.load().config.list_physical_devices("GPU"))
    assert auto.kind == ("GPU" if visible else "CPU")


def test_short_device_names():
    assert tfcompat.short_device("/job:localhost/replica:0/task:0/device:GPU:0") == "GPU:0"
    assert tfcompat.short_device("/device:CPU:0") == "CPU:0"

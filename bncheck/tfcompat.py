"""The only module that imports TensorFlow.

It prepares the environment before the import (legacy Keras for
``tf.compat.v1.layers``, quiet C++ logs), checks the installed TensorFlow and
tf-keras versions, switches to graph mode and chooses the device.  Every other
module gets TensorFlow from ``load()``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import sys
import warnings
from dataclasses import dataclass
from types import ModuleType

from bncheck.errors import BncheckError

SUPPORTED = ((2, 16), (2, 21))  # inclusive range of TensorFlow minor versions
INSTALL_HINT = "pip install 'bncheck[tf]'  (tensorflow>=2.16,<2.22 and tf-keras of the same minor version)"
DEVICE_CHOICES = ("auto", "cpu", "gpu")

_tf: ModuleType | None = None


def _minor(version: str) -> tuple[int, int] | None:
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _installed(*names: str) -> str | None:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def check_versions(tensorflow_version: str | None, tf_keras_version: str | None) -> None:
    """Raise BncheckError saying exactly what to install when the pair is unusable."""
    if tensorflow_version is None:
        raise BncheckError(f"TensorFlow is not installed; this command needs it: {INSTALL_HINT}")
    tf_minor = _minor(tensorflow_version)
    if tf_minor is None or not (SUPPORTED[0] <= tf_minor <= SUPPORTED[1]):
        raise BncheckError(
            f"TensorFlow {tensorflow_version} is not supported (need 2.16 to 2.21): "
            "pip install 'tensorflow>=2.16,<2.22' 'tf-keras>=2.16,<2.22'"
        )
    wanted = f"{tf_minor[0]}.{tf_minor[1]}"
    if tf_keras_version is None:
        raise BncheckError(
            f"tf-keras is not installed; tf.compat.v1.layers needs it with TensorFlow {tensorflow_version}: "
            f"pip install 'tf-keras=={wanted}.*'"
        )
    if _minor(tf_keras_version) != tf_minor:
        raise BncheckError(
            f"tf-keras {tf_keras_version} does not match TensorFlow {tensorflow_version}: "
            f"pip install 'tf-keras=={wanted}.*'"
        )


@contextlib.contextmanager
def quiet_native_stderr(enabled: bool = True):
    """Keep TensorFlow's C++ log lines (printed straight to fd 2, bypassing Python) off the terminal."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def load(verbose: bool = False) -> ModuleType:
    """Import TensorFlow once, in graph mode, and return ``tf`` (the top-level module)."""
    global _tf
    if _tf is not None:
        return _tf
    check_versions(_installed("tensorflow", "tensorflow-cpu", "tf-nightly"), _installed("tf-keras", "tf_keras"))
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    if not verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    with quiet_native_stderr(not verbose), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import tensorflow as tf  # noqa: PLC0415 - the one lazy import of TensorFlow
        except ImportError as error:
            raise BncheckError(f"TensorFlow failed to import ({error}): {INSTALL_HINT}") from error
    if not verbose:
        tf.get_logger().setLevel("ERROR")
        tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"(tf_keras|keras|tensorflow)")
        # the legacy-layer deprecation notices are attributed to the caller's module
        warnings.filterwarnings("ignore", category=UserWarning, message=r".*is deprecated")
        try:
            from tensorflow.python.util import deprecation  # noqa: PLC0415

            deprecation._PRINT_DEPRECATION_WARNINGS = False
        except ImportError:  # pragma: no cover - private module moved
            pass
    tf.compat.v1.disable_eager_execution()
    _tf = tf
    return tf


def collection_proto_type(tf: ModuleType, key: str) -> type | None:
    """The proto class TensorFlow parses the ``bytes_list`` of collection ``key`` with, or None.

    ``import_meta_graph`` parses those collections (``variables``, ``savers``, ``cond_context``,
    ...) itself and lets a DecodeError or an AttributeError escape on damaged ones.
    """
    from tensorflow.python.framework import ops  # noqa: PLC0415 - TensorFlow's own collection registry

    if key == tf.compat.v1.GraphKeys.METRIC_VARIABLES:  # TensorFlow reads these as global variables
        key = tf.compat.v1.GraphKeys.GLOBAL_VARIABLES
    if ops.get_from_proto_function(key) is None:
        return None
    return ops.get_collection_proto_type(key)


@contextlib.contextmanager
def quiet_python_logs(enabled: bool = True):
    """Silence TensorFlow's Python logger (its ``ERROR:tensorflow:`` lines about a user's file)."""
    if not enabled or _tf is None:
        yield
        return
    logger = _tf.get_logger()
    saved = logger.level
    logger.setLevel("CRITICAL")
    try:
        yield
    finally:
        logger.setLevel(saved)


def versions() -> dict[str, str]:
    """TensorFlow and tf-keras versions as installed (no import)."""
    return {
        "tensorflow": _installed("tensorflow", "tensorflow-cpu", "tf-nightly") or "not installed",
        "tf_keras": _installed("tf-keras", "tf_keras") or "not installed",
    }


@dataclass(frozen=True)
class Device:
    """The device bncheck places graphs on: ``requested`` as given, ``name`` as TensorFlow spells it."""

    requested: str
    kind: str  # "CPU" or "GPU"
    name: str  # e.g. "/device:GPU:0"
    description: str  # e.g. "GPU:0 (NVIDIA H100 80GB HBM3)"

    @property
    def short(self) -> str:
        return self.name.removeprefix("/device:")


def select_device(requested: str = "auto", verbose: bool = False) -> Device:
    """Choose CPU or GPU.  ``gpu`` without a visible GPU is an input error (exit 2)."""
    requested = requested.lower()
    if requested not in DEVICE_CHOICES:
        raise BncheckError(f"--device {requested}: expected one of {', '.join(DEVICE_CHOICES)}")
    tf = load(verbose)
    gpus = tf.config.list_physical_devices("GPU")
    if requested == "gpu" and not gpus:
        raise BncheckError(
            "--device gpu: TensorFlow sees no GPU on this machine "
            f"(TensorFlow {tf.__version__}, built with CUDA: {tf.test.is_built_with_cuda()}); "
            "use --device cpu or --device auto"
        )
    if gpus and requested in ("gpu", "auto"):
        detail = ""
        try:
            detail = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "")
        except (RuntimeError, ValueError):  # pragma: no cover - depends on the driver
            pass
        return Device(requested, "GPU", "/device:GPU:0", f"GPU:0 ({detail})" if detail else "GPU:0")
    if gpus:
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError:  # pragma: no cover - runtime already initialised; placement still pins CPU
            pass
    return Device(requested, "CPU", "/device:CPU:0", "CPU:0")


def short_device(name: str) -> str:
    """``/job:localhost/replica:0/task:0/device:CPU:0`` -> ``CPU:0``."""
    if not name:
        return "?"
    match = re.search(r"device:([A-Za-z_]+:\d+)", name)
    return match.group(1) if match else name


def assign_moving_average():
    """TensorFlow's ``assign_moving_average`` (what tf.contrib and tf-slim used); not in the public v2 API."""
    load()
    from tensorflow.python.training import moving_averages  # noqa: PLC0415

    return moving_averages.assign_moving_average

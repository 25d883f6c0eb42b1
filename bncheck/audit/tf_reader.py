"""The TensorFlow reader of tensor bundles (``--reader tf``): ``tf.train.load_checkpoint``.

Kept to compare bncheck's own file reader with TensorFlow's on the same checkpoint; it imports
TensorFlow through ``tfcompat``.  It lists names, shapes and dtypes from the index and fetches one
tensor at a time, so the large weights are never loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from bncheck.errors import InputError
from bncheck.tfcompat import quiet_native_stderr


def _tf_problem(error: BaseException) -> str:
    """A short, one-line reason from a TensorFlow error message."""
    message = " ".join(str(getattr(error, "message", None) or error).split())
    tail = message.rsplit("): ", 1)[-1] if "): " in message else message
    return tail[:160]


def open_bundle(
    prefix: str, index: Path, data: list[Path], verbose: bool
) -> tuple[dict[str, tuple[int, ...]], Callable[[str], Any], int]:
    """(name -> shape, read(name), bytes of data) of the bundle at ``prefix``."""
    from bncheck import tfcompat

    tf = tfcompat.load(verbose)
    try:
        with quiet_native_stderr(not verbose):
            reader = tf.train.load_checkpoint(prefix)
            shapes = {name: tuple(shape) for name, shape in reader.get_variable_to_shape_map().items()}
            dtypes = reader.get_variable_to_dtype_map()
    except Exception as error:  # noqa: BLE001 - TensorFlow raises several types for a bad bundle
        named = next((str(path) for path in [index, *data] if str(path) in str(error)), str(index))
        raise InputError(named, f"corrupt or unreadable checkpoint ({_tf_problem(error)})") from None
    if not data and shapes:
        raise InputError(f"{prefix}.data-00000-of-00001", "missing checkpoint data file")
    size = sum(path.stat().st_size for path in data)
    _check_not_truncated(prefix, data, shapes, dtypes, size)

    def read(key: str) -> Any:
        try:
            with quiet_native_stderr(not verbose):
                return reader.get_tensor(key)
        except Exception as error:  # noqa: BLE001 - truncated or corrupt data
            named = str(data[0]) if len(data) == 1 else f"{prefix}.data-*"
            raise InputError(named, f"cannot read tensor {key!r} ({_tf_problem(error)})") from None

    return shapes, read, size


def _check_not_truncated(prefix: str, data: list[Path], shapes: dict, dtypes: dict, size: int) -> None:
    """Compare the bytes the index promises (fixed-size tensors only) with the .data files.

    The reader opens a truncated bundle without complaint and fails only on the tensors
    past the cut, which the audit may never read; this catches it up front.
    """
    expected = 0
    for name, shape in shapes.items():
        dtype = dtypes.get(name)
        if dtype is None or dtype.name in ("string", "variant", "resource"):
            continue
        expected += int(np.prod(shape, dtype=np.int64)) * dtype.size
    if size < expected:
        named = str(data[0]) if len(data) == 1 else f"{prefix}.data-*"
        raise InputError(named, f"truncated: {size} bytes, but the index lists {expected} bytes of tensors")

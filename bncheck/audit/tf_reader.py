"""The TensorFlow reader of tensor bundles (``--reader tf``): ``tf.train.load_checkpoint``.

Kept to compare bncheck's own file reader with TensorFlow's on the same checkpoint; it imports
TensorFlow through ``tfcompat``.  It lists names, shapes and dtypes from the index and fetches one
tensor at a time, so the large weights are never loaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from bncheck.errors import InputError
from bncheck.tfcompat import quiet_native_stderr


def _tf_problem(error: BaseException | str) -> str:
    """A short, one-line reason from a TensorFlow error message."""
    message = " ".join(str(getattr(error, "message", None) or error).split())
    tail = message.rsplit("): ", 1)[-1] if "): " in message else message
    return tail[:160]


def open_bundle(
    prefix: str, index: Path, data: list[Path], verbose: bool
) -> tuple[dict[str, tuple[int, ...]], Callable[[str], Any], int, Callable[[], None]]:
    """(name -> shape, read(name), bytes of data, close()) of the bundle at ``prefix``."""
    from bncheck import tfcompat

    tf = tfcompat.load(verbose)
    opened, close = _literal_prefix(prefix, index, data)
    try:
        with quiet_native_stderr(not verbose):
            reader = tf.train.load_checkpoint(opened)
            shapes = {name: tuple(shape) for name, shape in reader.get_variable_to_shape_map().items()}
            dtypes = reader.get_variable_to_dtype_map()
    except Exception as error:  # noqa: BLE001 - TensorFlow raises several types for a bad bundle
        close()
        problem = str(getattr(error, "message", None) or error).replace(opened, prefix)
        named = next((str(path) for path in [index, *data] if str(path) in problem), str(index))
        raise InputError(named, f"corrupt or unreadable checkpoint ({_tf_problem(problem)})") from None
    try:
        if not data and shapes:
            raise InputError(f"{prefix}.data-00000-of-00001", "missing checkpoint data file")
        size = sum(path.stat().st_size for path in data)
        _check_not_truncated(prefix, data, shapes, dtypes, size)
    except BaseException:
        close()
        raise

    def read(key: str) -> Any:
        try:
            with quiet_native_stderr(not verbose):
                return reader.get_tensor(key)
        except Exception as error:  # noqa: BLE001 - truncated or corrupt data
            named = str(data[0]) if len(data) == 1 else f"{prefix}.data-*"
            problem = str(getattr(error, "message", None) or error).replace(opened, prefix)
            raise InputError(named, f"cannot read tensor {key!r} ({_tf_problem(problem)})") from None

    return shapes, read, size, close


def _literal_prefix(prefix: str, index: Path, data: list[Path]) -> tuple[str, Callable[[], None]]:
    """A prefix TensorFlow takes literally, and what removes it when the reader is done.

    TensorFlow's reader treats a prefix whose name has ``*``, ``?`` or ``[`` as a glob pattern (and
    then finds no file); such a bundle is opened through links to its files, under a plain name, in
    a private temporary folder.  TensorFlow opens the data files again on reads, so the folder stays
    until the checkpoint is closed.
    """
    if not any(character in Path(prefix).name for character in "*?["):
        return prefix, lambda: None
    folder = tempfile.mkdtemp(prefix="bncheck-audit-")
    plain = os.path.join(folder, "checkpoint")
    os.symlink(os.path.abspath(index), f"{plain}.index")
    for path in data:
        os.symlink(os.path.abspath(path), plain + path.name[len(Path(prefix).name) :])
    return plain, lambda: shutil.rmtree(folder, ignore_errors=True)


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

"""Readers: list a checkpoint's variables (names and shapes) and read chosen ones.

Tensor bundles (TF1 Saver, TF2 ``tf.train.Checkpoint``, SavedModel ``variables/``) are read straight
from their files by ``bundle`` (the default, no TensorFlow) or, with ``reader="tf"``, by TensorFlow's
``tf.train.load_checkpoint`` (``tf_reader``); Keras files through h5py (``keras_files``).  Listing
reads only the index / HDF5 metadata; ``read`` fetches one tensor, so the large weights are never
loaded.  Every failure becomes an InputError naming the file; nothing is written.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from bncheck.audit import objectgraph
from bncheck.audit.inputs import KIND_H5, KIND_KERAS, KIND_SAVEDMODEL, Source, ensure_not_special
from bncheck.errors import InputError

READER_FILE = "file"
READER_TF = "tf"
READERS = (READER_FILE, READER_TF)
KIND_TF2 = "tf2-object"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
MAX_SAVED_MODEL_BYTES = 1 << 30  # saved_model.pb is read for names only when the checkpoint lacks them
_VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
_STEP_NAMES = ("global_step", "step")
_ITERATION_KEY = re.compile(r"(^|/)optimizer/(_iterations|iter)" + re.escape(_VALUE_SUFFIX) + "$")


@dataclass
class Contents:
    """A checkpoint opened for reading.

    ``shapes`` maps a *canonical* variable name (TF1 style: ``scope/gamma``) to its
    shape; ``keys`` maps it to the key or dataset path to read.
    """

    kind: str
    path: str
    shapes: dict[str, tuple[int, ...]]
    keys: dict[str, str]
    tensor_count: int
    size_bytes: int
    step_key: str | None
    _read: Callable[[str], Any]
    _close: Callable[[], None] = field(default=lambda: None)

    def read(self, name: str) -> np.ndarray:
        """The value of canonical variable ``name``."""
        return np.asarray(self._read(self.keys[name]))

    def read_step(self) -> int | None:
        """The saved step, when it is one whole number; None when not saved or not a usable number."""
        if self.step_key is None:
            return None
        value = np.asarray(self._read(self.step_key))
        if value.size != 1 or value.dtype.kind not in "iuf":
            return None  # a string, complex, bool or structured value is no step count
        number = value.reshape(()).item()
        if isinstance(number, float) and not (number == number and abs(number) < 2**63):
            return None  # NaN or Inf
        return int(number)

    def close(self) -> None:
        self._close()


def open_source(source: Source, verbose: bool = False, reader: str = READER_FILE) -> Contents:
    """Open ``source`` and list its variables (no tensor data is read)."""
    if source.kind in (KIND_KERAS, KIND_H5):
        return _open_keras(source)
    if reader not in READERS:
        raise InputError("--reader", f"unknown reader {reader!r}; expected one of {', '.join(READERS)}")
    return _open_bundle(source, verbose, reader)


# --- tensor bundles ----------------------------------------------------------------------------------


def _data_files(prefix: str) -> list[Path]:
    folder = Path(prefix).parent
    name = Path(prefix).name
    return sorted(folder.glob(f"{glob.escape(name)}.data-*-of-*"))


def _check_readable(path: Path, what: str) -> None:
    """Open and read one byte, so that an unreadable file is one line naming it, before a reader sees it."""
    ensure_not_special(path)
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except PermissionError:
        raise InputError(path, f"permission denied (cannot read the checkpoint {what})") from None
    except OSError as error:
        # a directory or a symlink loop where the file belongs
        raise InputError(path, f"cannot read the checkpoint {what} ({error.strerror or error})") from None


def _check_bundle_files(prefix: str, index: Path) -> list[Path]:
    _check_readable(index, "index")
    data = _data_files(prefix)
    if data:
        expected = int(data[0].name.rsplit("-of-", 1)[1])
        present = {int(path.name.rsplit(".data-", 1)[1].split("-of-")[0]) for path in data}
        missing = [shard for shard in range(expected) if shard not in present]
        if missing:
            raise InputError(
                f"{prefix}.data-{missing[0]:05d}-of-{expected:05d}", "missing checkpoint data shard"
            )
    for path in data:
        _check_readable(path, "data")
    return data


def _open_bundle(source: Source, verbose: bool, reader: str) -> Contents:
    prefix = source.path
    index = Path(f"{prefix}.index")
    data = _check_bundle_files(prefix, index)
    if reader == READER_TF:
        from bncheck.audit import tf_reader

        shapes, read, size, close = tf_reader.open_bundle(prefix, index, data, verbose)
    else:
        shapes, read, size, close = _open_bundle_files(prefix)
    kind = KIND_SAVEDMODEL if source.kind == KIND_SAVEDMODEL else source.kind
    try:
        if OBJECT_GRAPH_KEY in shapes:
            if kind != KIND_SAVEDMODEL:
                kind = KIND_TF2
            saved_model = Path(prefix).parent.parent / "saved_model.pb" if kind == KIND_SAVEDMODEL else None
            canonical, keys, step_key = _object_names(shapes, read, prefix, saved_model)
        else:
            keys = {name: name for name in shapes}
            canonical = shapes
            step_key = next((name for name in _STEP_NAMES if name in shapes and shapes[name] == ()), None)
            if step_key is None:
                step_key = next(
                    (name for name in sorted(shapes) if name.endswith("/global_step") and shapes[name] == ()),
                    None,
                )
    except BaseException:
        close()
        raise
    return Contents(kind, prefix, canonical, keys, len(shapes), size, step_key, read, close)


def _open_bundle_files(prefix: str) -> tuple[dict, Callable[[str], Any], int, Callable[[], None]]:
    """bncheck's own reader: the index parsed, every shard's size checked, tensors read by offset."""
    from bncheck.audit import bundle

    opened: bundle.Bundle | None = None
    try:
        opened = bundle.Bundle(prefix)
        opened.check_sizes()  # also opens every shard the header names: a missing one fails here
        size = sum(Path(path).stat().st_size for path in opened.data_files())
    except bundle.BundleError as error:
        if opened is not None:
            opened.close()
        raise InputError(error.path, error.problem) from None
    except BaseException:
        if opened is not None:
            opened.close()
        raise
    reader = opened

    def read(key: str) -> Any:
        try:
            return reader.read(key)
        except bundle.BundleError as error:
            raise InputError(error.path, error.problem) from None

    shapes = {name: variable.shape for name, variable in reader.variables.items()}
    return shapes, read, size, reader.close


def _object_graph_names(read: Callable[[str], Any], prefix: str, saved_model: Path | None) -> dict[str, str]:
    value = read(OBJECT_GRAPH_KEY)
    # not np.asarray: a bytes scalar would become dtype "S", which drops trailing NUL bytes
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind == "O":
        value = value.item()
    if not isinstance(value, bytes):
        raise InputError(prefix, f"tensor {OBJECT_GRAPH_KEY!r} is not one string")

    def saved_model_bytes() -> bytes | None:
        """saved_model.pb, read only when the checkpoint's graph leaves a variable unnamed."""
        if saved_model is None:
            return None
        try:
            if not saved_model.is_file() or saved_model.stat().st_size > MAX_SAVED_MODEL_BYTES:
                return None
            ensure_not_special(saved_model)
            return saved_model.read_bytes()
        except OSError as error:
            raise InputError(saved_model, f"cannot read the SavedModel ({error.strerror or error})") from None

    try:
        return objectgraph.variable_names(value, saved_model_bytes)
    except objectgraph.ObjectGraphError as error:
        named = saved_model if saved_model is not None and "saved_model" in str(error) else prefix
        raise InputError(named, f"tensor {OBJECT_GRAPH_KEY!r}: {error}") from None


def _object_names(
    shapes: dict, read: Callable[[str], Any], prefix: str, saved_model: Path | None = None
) -> tuple[dict, dict, str | None]:
    """Canonical names for a TF2 object checkpoint: each variable's own name where known."""
    full_names = _object_graph_names(read, prefix, saved_model)
    canonical: dict[str, tuple[int, ...]] = {}
    keys: dict[str, str] = {}
    step_key = None
    for key, shape in sorted(shapes.items()):
        if key == OBJECT_GRAPH_KEY or ".OPTIMIZER_SLOT" in key:
            continue
        if _ITERATION_KEY.search(key) and shape == ():
            step_key = key
        elif step_key is None and key.removesuffix(_VALUE_SUFFIX) in _STEP_NAMES and shape == ():
            step_key = key
        name = full_names.get(key) or key.removesuffix(_VALUE_SUFFIX)
        name = name.removesuffix(":0")
        if name not in keys:
            canonical[name] = shape
            keys[name] = key
    return canonical, keys, step_key


# --- Keras files (h5py) ----------------------------------------------------------------------


def _open_keras(source: Source) -> Contents:
    from bncheck.audit.keras_files import open_keras

    path = Path(source.path)
    opened = open_keras(path, source.kind == KIND_KERAS)
    return Contents(
        source.kind, str(path), opened.shapes, opened.keys, opened.tensor_count, path.stat().st_size,
        opened.step_key, opened.read, opened.close,
    )

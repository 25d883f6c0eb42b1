"""Readers: list a checkpoint's variables (names and shapes) and read chosen ones.

TensorFlow bundles (TF1 Saver, TF2 ``tf.train.Checkpoint``, SavedModel ``variables/``)
go through ``tf.train.load_checkpoint``; Keras files through h5py.  Listing reads only
the index / HDF5 metadata; ``read`` fetches one tensor, so the large weights are never
loaded.  Every failure becomes an InputError naming the file; nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from bncheck.audit import objectgraph
from bncheck.audit.inputs import KIND_H5, KIND_KERAS, KIND_SAVEDMODEL, Source, ensure_not_special
from bncheck.audit.model import ROLE_AFFINE, ROLE_BETA, ROLE_GAMMA, ROLE_MEAN, ROLE_VARIANCE
from bncheck.errors import InputError
from bncheck.tfcompat import quiet_native_stderr

KIND_TF2 = "tf2-object"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
_STEP_NAMES = ("global_step", "step")
_ITERATION_KEY = re.compile(r"(^|/)optimizer/(_iterations|iter)" + re.escape(_VALUE_SUFFIX) + "$")
_KERAS3_BN_GROUP = re.compile(r"(^|_)batch_normalization(_\d+)?$")
_BN_CLASSES = {"BatchNormalization", "SyncBatchNormalization"}


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
        if self.step_key is None:
            return None
        value = np.asarray(self._read(self.step_key))
        if value.size != 1 or not np.issubdtype(value.dtype, np.number):
            return None
        return int(value.reshape(()))

    def close(self) -> None:
        self._close()


def open_source(source: Source, verbose: bool = False) -> Contents:
    """Open ``source`` and list its variables (no tensor data is read)."""
    if source.kind in (KIND_KERAS, KIND_H5):
        return _open_keras(source)
    return _open_bundle(source, verbose)


# --- TensorFlow tensor bundles ---------------------------------------------------------------


def _tf_problem(error: BaseException) -> str:
    """A short, one-line reason from a TensorFlow error message."""
    message = " ".join(str(getattr(error, "message", None) or error).split())
    tail = message.rsplit("): ", 1)[-1] if "): " in message else message
    return tail[:160]


def _data_files(prefix: str) -> list[Path]:
    folder = Path(prefix).parent
    name = Path(prefix).name
    return sorted(folder.glob(f"{glob_escape(name)}.data-*-of-*"))


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _check_readable(path: Path, what: str) -> None:
    """Open and read one byte, so that an unreadable file is one line naming it, before TensorFlow sees it."""
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


def _open_bundle(source: Source, verbose: bool) -> Contents:
    from bncheck import tfcompat

    prefix = source.path
    index = Path(f"{prefix}.index")
    data = _check_bundle_files(prefix, index)
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

    kind = KIND_SAVEDMODEL if source.kind == KIND_SAVEDMODEL else source.kind
    if OBJECT_GRAPH_KEY in shapes:
        if kind != KIND_SAVEDMODEL:
            kind = KIND_TF2
        canonical, keys, step_key = _object_names(shapes, read)
    else:
        keys = {name: name for name in shapes}
        canonical = shapes
        step_key = next((name for name in _STEP_NAMES if name in shapes and shapes[name] == ()), None)
        if step_key is None:
            step_key = next(
                (name for name in sorted(shapes) if name.endswith("/global_step") and shapes[name] == ()),
                None,
            )
    return Contents(kind, prefix, canonical, keys, len(shapes), size, step_key, read)


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


def _object_names(shapes: dict, read: Callable[[str], Any]) -> tuple[dict, dict, str | None]:
    """Canonical names for a TF2 object checkpoint: each variable's own name where known."""
    try:
        full_names = objectgraph.variable_names(bytes(read(OBJECT_GRAPH_KEY)))
    except objectgraph.ObjectGraphError:
        full_names = {}
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
    import h5py

    path = Path(source.path)
    closers: list[Callable[[], None]] = []
    config: Any = None
    try:
        if source.kind == KIND_KERAS:
            archive = zipfile.ZipFile(path)
            closers.append(archive.close)
            members = set(archive.namelist())
            if "model.weights.h5" not in members:
                raise InputError(path, "not a Keras model archive (model.weights.h5 is missing)")
            if "config.json" in members:
                config = json.loads(archive.read("config.json").decode("utf-8"))
            # h5py reads the member through a seekable handle: only the metadata and the
            # BN datasets are decompressed, not the whole weights file
            member = archive.open("model.weights.h5")
            closers.append(member.close)
            handle = h5py.File(member, "r")
        else:
            handle = h5py.File(path, "r")
            raw_config = handle.attrs.get("model_config")
            if raw_config is not None:
                config = json.loads(
                    raw_config.decode("utf-8") if isinstance(raw_config, bytes) else raw_config
                )
        closers.insert(0, handle.close)
        shapes, keys, step_key, tensor_count = _h5_names(handle, config)
    except InputError:
        _close_all(closers)
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, RuntimeError) as error:
        _close_all(closers)
        problem = " ".join(str(error).split())[:160]
        raise InputError(path, f"corrupt or unreadable Keras file ({problem})") from None

    def read(key: str) -> Any:
        try:
            return handle[key][()]
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise InputError(
                path, f"cannot read dataset {key!r} ({' '.join(str(error).split())[:120]})"
            ) from None

    size = path.stat().st_size
    return Contents(
        source.kind, str(path), shapes, keys, tensor_count, size, step_key, read, lambda: _close_all(closers)
    )


def _close_all(closers: list[Callable[[], None]]) -> None:
    for close in closers:
        with contextlib.suppress(Exception):
            close()


def _bn_configs(config: Any) -> dict[str, dict]:
    """Layer name -> config of every BatchNormalization layer in a Keras model config."""
    found: dict[str, dict] = {}
    if isinstance(config, dict):
        if config.get("class_name") in _BN_CLASSES and isinstance(config.get("config"), dict):
            found[str(config["config"].get("name"))] = config["config"]
        for value in config.values():
            found.update(_bn_configs(value))
    elif isinstance(config, list):
        for value in config:
            found.update(_bn_configs(value))
    return found


def _h5_names(handle: Any, config: Any) -> tuple[dict, dict, str | None, int]:
    """Canonical BN-candidate names, their dataset paths, the step dataset and the dataset count."""
    import h5py

    bn_configs = _bn_configs(config)
    datasets: dict[str, tuple[int, ...]] = {}
    vars_groups: list[str] = []

    def visit(name: str, item: Any) -> None:
        if not isinstance(name, str):
            # h5py hands over the raw bytes of a name that is not UTF-8: a damaged file
            raise ValueError(f"object name {bytes(name)[:60]!r} is not UTF-8")
        if isinstance(item, h5py.Dataset):
            datasets[name] = tuple(item.shape)
        elif name == "vars" or name.endswith("/vars"):
            vars_groups.append(name)

    handle.visititems(visit)
    shapes: dict[str, tuple[int, ...]] = {}
    keys: dict[str, str] = {}
    step_key = None
    if vars_groups:  # Keras 3 layout: layers/<auto_name>/vars/<index>
        for group_path in vars_groups:
            if group_path.startswith("optimizer"):
                if f"{group_path}/0" in datasets and datasets[f"{group_path}/0"] == ():
                    step_key = f"{group_path}/0"
                continue
            display = _keras3_display_name(handle, group_path)
            user_name = display.rsplit("/", 1)[-1]
            auto_name = group_path[: -len("/vars")].rsplit("/", 1)[-1]
            if user_name not in bn_configs and not _KERAS3_BN_GROUP.search(auto_name):
                continue
            count = sum(1 for index in range(16) if f"{group_path}/{index}" in datasets)
            roles = _keras3_roles(count, bn_configs.get(user_name))
            for index, role in enumerate(roles):
                name = f"{display}/{role}"
                shapes[name] = datasets[f"{group_path}/{index}"]
                keys[name] = f"{group_path}/{index}"
        return shapes, keys, step_key, len(datasets)
    # Keras 2 / legacy layout: [model_weights/]<layer>/<layer>/<variable>:0
    for path, shape in datasets.items():
        if path.startswith("optimizer_weights"):
            if path.rsplit("/", 1)[-1].removesuffix(":0") in ("iter", "iteration") and shape == ():
                step_key = path
            continue
        parts = path.removeprefix("model_weights/").removesuffix(":0").split("/")
        if len(parts) >= 3 and parts[-2] == parts[0]:
            # <layer>/[<model>/]<layer>/<variable>: Keras 2 and Keras 3 name the inner group differently
            parts = [parts[0], parts[-1]]
        elif len(parts) >= 3 and parts[0] == parts[1]:
            parts = parts[1:]
        name = "/".join(parts)
        shapes[name] = shape
        keys[name] = path
    return shapes, keys, step_key, len(datasets)


def _keras3_display_name(handle: Any, group_path: str) -> str:
    """``layers/functional/layers/batch_normalization/vars`` -> ``functional/bn1`` (user names)."""
    parts = group_path.split("/")[:-1]
    names = []
    for depth in range(len(parts)):
        if parts[depth] == "layers":
            continue
        sub = "/".join(parts[: depth + 1]) + "/vars"
        name = handle[sub].attrs.get("name") if sub in handle else None
        if isinstance(name, bytes):
            name = name.decode("utf-8")
        names.append(str(name) if name else parts[depth])
    return "/".join(names) or group_path


def _keras3_roles(count: int, config: dict | None) -> tuple[str, ...]:
    """Keras 3 BatchNormalization saves gamma, beta (when enabled), then the moving statistics."""
    stats = (ROLE_MEAN, ROLE_VARIANCE)
    if config is not None:
        affine = ((ROLE_GAMMA,) if config.get("scale", True) else ()) + (
            (ROLE_BETA,) if config.get("center", True) else ()
        )
        if len(affine) + 2 == count:
            return affine + stats
    if count >= 4:
        return (ROLE_GAMMA, ROLE_BETA) + stats
    if count == 3:
        return (ROLE_AFFINE,) + stats
    return stats[:count]

"""Keras files through h5py: ``.keras`` archives (config.json + model.weights.h5), ``.weights.h5``, ``.h5``.

Only HDF5 metadata and the BN datasets are read; configs are parsed as JSON, never deserialized into
Keras objects.  Sizes are checked before anything is read: a config is at most ``MAX_CONFIG_BYTES``
once inflated, and a dataset is read only when its declared size is small (the caller checks BN
statistics against their own, smaller, limit).
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from bncheck.audit.model import ROLE_AFFINE, ROLE_BETA, ROLE_GAMMA, ROLE_MEAN, ROLE_VARIANCE
from bncheck.errors import InputError

MAX_CONFIG_BYTES = 64 * 1024 * 1024  # a model config is kilobytes to a few megabytes
MAX_DATASET_ELEMENTS = 1 << 24  # what read() will ever load of one dataset
_KERAS3_BN_GROUP = re.compile(r"(^|_)batch_normalization(_\d+)?$")
_BN_CLASSES = {"BatchNormalization", "SyncBatchNormalization"}
# what h5py and the zip/JSON layers raise for a damaged file
_DAMAGE = (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, RuntimeError, RecursionError)


@dataclass(frozen=True)
class Opened:
    """The names a Keras file holds, and how to read them; ``close()`` releases the file."""

    shapes: dict[str, tuple[int, ...]]  # canonical name -> shape
    keys: dict[str, str]  # canonical name -> dataset path
    step_key: str | None
    tensor_count: int
    read: Callable[[str], Any]
    close: Callable[[], None]


def _problem(error: BaseException) -> str:
    return " ".join(str(error).split())[:160] or type(error).__name__


def _config_text(raw: Any, where: str) -> Any:
    """The parsed JSON of a config given as text or bytes; an InputError for anything else."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    if not isinstance(raw, str):
        raise ValueError(f"{where} is a {type(raw).__name__}, not JSON text")
    if len(raw) > MAX_CONFIG_BYTES:
        raise ValueError(f"{where} is {len(raw)} bytes (more than {MAX_CONFIG_BYTES})")
    return json.loads(raw)


def _archive_config(archive: zipfile.ZipFile) -> Any:
    info = archive.getinfo("config.json")
    # the declared size, checked before inflating: a small archive can inflate to gigabytes
    if info.file_size > MAX_CONFIG_BYTES:
        raise ValueError(f"config.json inflates to {info.file_size} bytes (more than {MAX_CONFIG_BYTES})")
    with archive.open(info) as member:
        data = member.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ValueError(f"config.json inflates to more than {MAX_CONFIG_BYTES} bytes")
    return _config_text(data, "config.json")


def open_keras(path: Path, is_archive: bool) -> Opened:
    """List the BN-candidate datasets of a Keras file; nothing but metadata is read."""
    import h5py

    closers: list[Callable[[], None]] = []
    config: Any = None
    try:
        if is_archive:
            archive = zipfile.ZipFile(path)
            closers.append(archive.close)
            members = set(archive.namelist())
            if "model.weights.h5" not in members:
                raise InputError(path, "not a Keras model archive (model.weights.h5 is missing)")
            if "config.json" in members:
                config = _archive_config(archive)
            # h5py reads the member through a seekable handle: only the metadata and the
            # BN datasets are decompressed, not the whole weights file
            member = archive.open("model.weights.h5")
            closers.append(member.close)
            handle = h5py.File(member, "r")
        else:
            handle = h5py.File(path, "r")
            raw_config = handle.attrs.get("model_config")
            if raw_config is not None:
                config = _config_text(raw_config, "the model_config attribute")
        closers.insert(0, handle.close)
        shapes, keys, step_key, tensor_count = _h5_names(handle, config)
    except InputError:
        _close_all(closers)
        raise
    except _DAMAGE as error:
        _close_all(closers)
        raise InputError(path, f"corrupt or unreadable Keras file ({_problem(error)})") from None

    def read(key: str) -> Any:
        try:
            dataset = handle[key]
            if not isinstance(dataset, h5py.Dataset):
                raise ValueError("not a dataset")
            if dataset.size is None or dataset.size > MAX_DATASET_ELEMENTS:
                raise ValueError(f"declares {dataset.size} values")
            vlen = h5py.check_dtype(vlen=dataset.dtype)
            if dataset.dtype.kind == "V" or (dataset.dtype.kind == "O" and vlen not in (str, bytes)):
                # compound, reference and variable-length arrays: nothing a statistic or a step can be;
                # variable-length strings are read, and refused by the caller like any string
                raise ValueError(f"holds {_kind(dataset.dtype)} values, not numbers")
            return dataset[()]
        except _DAMAGE as error:
            raise InputError(path, f"cannot read dataset {key!r} ({_problem(error)})") from None

    return Opened(shapes, keys, step_key, tensor_count, read, lambda: _close_all(closers))


def _kind(dtype: Any) -> str:
    import h5py

    if dtype.names:
        return "compound"
    if h5py.check_dtype(ref=dtype) is not None:
        return "reference"
    if h5py.check_dtype(vlen=dtype) is not None:
        return "variable-length"
    return str(dtype)


def _close_all(closers: list[Callable[[], None]]) -> None:
    for close in closers:
        try:
            close()
        except Exception:  # noqa: BLE001, S110 - closing a damaged file may fail; nothing to keep
            pass


def _bn_configs(config: Any) -> dict[str, dict]:
    """Layer name -> config of every BatchNormalization layer in a Keras model config.

    An explicit stack: a config may nest as deep as JSON allows, deeper than Python's recursion limit.
    """
    found: dict[str, dict] = {}
    stack = [config]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get("class_name") in _BN_CLASSES and isinstance(value.get("config"), dict):
                found.setdefault(str(value["config"].get("name")), value["config"])
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
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
            if item.shape is not None:  # an empty (null) dataspace holds no value to audit
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
            name = name.decode("utf-8", "replace")
        names.append(name if isinstance(name, str) and name else parts[depth])
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

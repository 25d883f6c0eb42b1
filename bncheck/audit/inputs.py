"""Work out what the user pointed at: which checkpoints to read, and of which kind.

Only the file system is consulted here (no TensorFlow); nothing is written.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from bncheck.errors import InputError

KIND_TF1 = "tf1"  # a tensor bundle: PREFIX.index + PREFIX.data-*; TF2 object checkpoints too
KIND_SAVEDMODEL = "savedmodel"
KIND_KERAS = "keras"  # a .keras zip: config.json + model.weights.h5
KIND_H5 = "keras-h5"  # .h5 / .weights.h5

_DATA_SUFFIX = re.compile(r"\.data-\d{5}-of-\d{5}$")
_STEP = re.compile(r"-(\d+)$")
MAX_STATE_BYTES = 16 * 1024 * 1024  # a `checkpoint` state file lists a few paths
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK\x03\x04"
_EXPECTED = (
    "expected a checkpoint prefix or one of its files (.index, .data-*, .meta), a directory with a "
    "`checkpoint` file, a SavedModel directory, or a .keras / .h5 file"
)


@dataclass(frozen=True)
class Source:
    """One checkpoint to read: ``path`` is a bundle prefix (TF kinds) or a file (Keras kinds)."""

    kind: str
    path: str
    step_hint: int | None = None  # from the name (``model.ckpt-1000``), used to order ``--all``


def resolve(raw_path: str, all_checkpoints: bool = False) -> list[Source]:
    """The checkpoints named by ``raw_path``; ``all_checkpoints`` lists every one in a directory."""
    try:
        return _resolve(raw_path, all_checkpoints)
    except PermissionError as error:
        # stat() of a path below a directory the user may not enter
        raise InputError(error.filename or raw_path, "permission denied") from None
    except OSError as error:
        # stat() itself fails: a name too long for the file system, a symlink loop in a parent
        problem = f"cannot use this path ({error.strerror or error})"
        raise InputError(error.filename or raw_path, problem) from None


def _resolve(raw_path: str, all_checkpoints: bool) -> list[Source]:
    path = Path(raw_path)
    if path.is_dir():
        return _resolve_directory(path, all_checkpoints)
    if path.is_file() or path.exists():
        return [_resolve_file(path)]
    if Path(f"{raw_path}.index").is_file():
        return [_bundle(raw_path)]
    if path.parent.is_dir() and any(Path(path.parent).glob(f"{glob.escape(path.name)}.data-*")):
        raise InputError(
            f"{raw_path}.index", "missing: the .data file is there but the checkpoint index is not"
        )
    raise InputError(raw_path, "no such file, directory or checkpoint prefix")


def step_of(prefix: str) -> int | None:
    """``model.ckpt-1000`` -> 1000."""
    match = _STEP.search(prefix)
    return int(match.group(1)) if match else None


def _bundle(prefix: str) -> Source:
    return Source(KIND_TF1, prefix, step_of(prefix))


def ensure_not_special(path: Path) -> None:
    """InputError for a named pipe, socket or device: opening or reading one can block forever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing or unreadable: the caller's open() says which
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(path, "not a regular file (a named pipe, socket or device)")


def _readable(path: Path) -> bytes:
    """The first bytes of ``path``; an InputError when it cannot be opened."""
    ensure_not_special(path)
    try:
        with open(path, "rb") as handle:
            return handle.read(8)
    except PermissionError:
        raise InputError(path, "permission denied (cannot read the file)") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory where a file was expected") from None
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror or error})") from None


def _resolve_file(path: Path) -> Source:
    text = str(path)
    head = _readable(path)
    if text.endswith(".index"):
        return _bundle(text[: -len(".index")])
    if _DATA_SUFFIX.search(text):
        prefix = _DATA_SUFFIX.sub("", text)
        if not Path(f"{prefix}.index").is_file():
            raise InputError(
                f"{prefix}.index", "missing: the checkpoint index next to this .data file is not there"
            )
        return _bundle(prefix)
    if text.endswith(".meta"):
        prefix = text[: -len(".meta")]
        if not Path(f"{prefix}.index").is_file():
            raise InputError(path, f"is a graph without saved variables ({prefix}.index is missing)")
        return _bundle(prefix)
    if text.endswith(".keras") or head.startswith(_ZIP_MAGIC):
        if not head.startswith(_ZIP_MAGIC):
            raise InputError(path, "not a .keras file (a .keras file is a zip archive)")
        return Source(KIND_KERAS, text)
    if head.startswith(_HDF5_MAGIC):
        return Source(KIND_H5, text)
    if text.endswith((".h5", ".hdf5", ".keras")):
        raise InputError(path, "not an HDF5 file (no HDF5 signature)")
    if not head:
        raise InputError(path, f"empty file; {_EXPECTED}")
    raise InputError(path, f"not a checkpoint; {_EXPECTED}")


def _resolve_directory(directory: Path, all_checkpoints: bool) -> list[Source]:
    try:
        entries = sorted(os.listdir(directory))
    except PermissionError:
        raise InputError(directory, "permission denied (cannot list the directory)") from None
    if not entries:
        raise InputError(directory, f"empty directory; {_EXPECTED}")
    if "saved_model.pb" in entries or "saved_model.pbtxt" in entries:
        prefix = directory / "variables" / "variables"
        if not Path(f"{prefix}.index").is_file():
            raise InputError(
                directory / "variables", "SavedModel has no variables (variables/variables.index missing)"
            )
        return [Source(KIND_SAVEDMODEL, str(prefix))]
    if "variables.index" in entries:  # the variables/ folder of a SavedModel
        return [Source(KIND_SAVEDMODEL, str(directory / "variables"))]
    if "checkpoint" not in entries:
        indexes = [entry for entry in entries if entry.endswith(".index")]
        hint = (
            f" (found {indexes[-1]}: pass its prefix {directory / indexes[-1][: -len('.index')]})"
            if indexes
            else ""
        )
        raise InputError(directory, f"no `checkpoint` state file in this directory{hint}; {_EXPECTED}")
    state = directory / "checkpoint"
    latest, listed = _read_state(state)
    names = listed if all_checkpoints else [latest] if latest else []
    if all_checkpoints and latest and latest not in listed:
        names.append(latest)
    if not names:
        raise InputError(state, "names no checkpoint (no model_checkpoint_path)")
    sources = []
    for name in dict.fromkeys(names):
        prefix = _locate(directory, name)
        if prefix is None:
            raise InputError(state, f"names checkpoint {name!r}, but {name}.index is not in {directory}")
        sources.append(_bundle(prefix))
    return sorted(sources, key=lambda source: (source.step_hint is None, source.step_hint or 0, source.path))


def _read_state(state: Path) -> tuple[str | None, list[str]]:
    """The latest and all listed checkpoints of a `checkpoint` file (a CheckpointState in text format).

    Protobuf's own text parser reads it: escapes (octal bytes of UTF-8 names, ``\\x``), the timestamp
    lines that ``tf.train.CheckpointManager`` adds, and it rejects anything else.
    """
    from google.protobuf import text_format

    from bncheck.audit import protos

    ensure_not_special(state)
    try:
        with open(state, "rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
    except OSError as error:
        problem = f"cannot read the checkpoint state file ({error.strerror or error})"
        raise InputError(state, problem) from None
    if len(raw) > MAX_STATE_BYTES:
        raise InputError(state, f"not a checkpoint state file (larger than {MAX_STATE_BYTES} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"cannot read the checkpoint state file (not UTF-8: {error.reason})"
        raise InputError(state, problem) from None
    message = protos.CheckpointState()
    try:
        with warnings.catch_warnings():
            # protobuf's unescaping warns about escapes Python would not accept; they still decode
            warnings.simplefilter("ignore", DeprecationWarning)
            text_format.Parse(text, message)
    except (text_format.ParseError, ValueError) as error:  # ValueError: bad UTF-8 in an escape
        problem = " ".join(str(error).split())[:120]
        raise InputError(state, f"not a checkpoint state file ({problem})") from None
    latest = message.model_checkpoint_path or None
    return latest, list(message.all_model_checkpoint_paths)


def _locate(directory: Path, name: str) -> str | None:
    """The prefix a state-file entry names: relative to the directory, absolute, or moved here."""
    # a copied or moved run directory keeps absolute paths of its old place: prefer the copy here
    candidates = [directory / name] if not os.path.isabs(name) else [directory / Path(name).name, Path(name)]
    for candidate in candidates:
        try:
            if Path(f"{candidate}.index").is_file():
                return str(candidate)
        except OSError:
            continue  # a name the file system rejects (too long): not a checkpoint here
    return None

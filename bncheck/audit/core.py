"""Audit entry point: resolve inputs, read the BN tensors, group them, run the checks."""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np

from bncheck.audit import checks, inputs, readers
from bncheck.audit.grouping import group_layers
from bncheck.audit.model import (
    ROLE_MEAN,
    ROLE_VARIANCE,
    AuditReport,
    BnLayer,
    CheckpointAudit,
    CheckpointInfo,
    TensorStats,
)
from bncheck.errors import InputError

# on_progress(done, total, label): tensors read so far, tensors to read, what is being read
ProgressCallback = Callable[[int, int, str], None]
# A BN statistic is a vector over channels: a few thousand values in real models.  A larger
# declared shape is refused before anything is read (a tiny file can declare gigabytes).
MAX_CHANNELS = 1 << 20


def _as_numbers(path: str, key: str, value: np.ndarray) -> np.ndarray:
    """``value`` as float64; an InputError naming the tensor when it holds no real numbers."""
    kind = value.dtype.kind
    if kind in "iuf" or (kind == "V" and value.dtype.names is None and value.dtype.itemsize == 2):
        try:  # "V" of 2 bytes: bfloat16 as TensorFlow's reader returns it
            return np.asarray(value, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            pass
    names = {"c": "complex", "b": "bool", "O": "object", "S": "bytes", "U": "string"}
    what = names.get(kind, str(value.dtype))
    raise InputError(path, f"tensor {key!r} holds {what} values where batch-norm statistics are numbers")


def tensor_stats(key: str, value: np.ndarray, path: str = "") -> TensorStats:
    """Summarise one BN tensor: range over finite values, NaN/Inf/non-positive counts, content hash."""
    value = np.asarray(value)
    values = _as_numbers(path, key, value)
    finite = values[np.isfinite(values)]
    raw = np.ascontiguousarray(value)
    return TensorStats(
        key=key,
        size=int(values.size),
        minimum=float(finite.min()) if finite.size else float("nan"),
        maximum=float(finite.max()) if finite.size else float("nan"),
        nan_count=int(np.isnan(values).sum()),
        inf_count=int(np.isinf(values).sum()),
        nonpositive_count=int((values <= 0).sum()),
        all_zero=bool(values.size and np.all(values == 0.0)),
        all_one=bool(values.size and np.all(values == 1.0)),
        digest=hashlib.sha1(raw.tobytes() + str(raw.dtype).encode()).hexdigest()[:16],
    )


def audit_paths(
    paths: Sequence[str],
    all_checkpoints: bool = False,
    verbose: bool = False,
    on_progress: ProgressCallback | None = None,
    reader: str = readers.READER_FILE,
) -> AuditReport:
    """Audit every checkpoint named by ``paths`` (with ``all_checkpoints``: every one in a directory).

    Checkpoints are audited in step order; with two or more, BN105 compares consecutive ones.
    ``reader`` reads tensor bundles from their files ("file") or through TensorFlow ("tf").
    Raises InputError for anything unreadable; reads only BN tensors and the step.
    """
    if not paths:
        raise InputError("(no path)", "give a checkpoint prefix, directory, SavedModel or Keras file")
    sources: list[inputs.Source] = []
    for path in paths:
        sources.extend(inputs.resolve(str(path), all_checkpoints))
    opened: list[readers.Contents] = []
    try:
        for source in sources:
            opened.append(readers.open_source(source, verbose, reader))
        plans = [(contents, group_layers(contents.shapes)) for contents in opened]
        for contents, specs in plans:
            _check_declared_sizes(contents, specs)
        total = sum(sum(len(layer.variables) for layer in layers) + 1 for _, layers in plans)
        done = 0
        audits = []
        for contents, specs in plans:
            step = contents.read_step()
            layers = []
            for spec in specs:
                stats = []
                for role, name in spec.variables:
                    key = contents.keys[name]
                    stats.append((role, tensor_stats(key, contents.read(name), contents.path)))
                    done += 1
                    if on_progress is not None:
                        on_progress(done, total, contents.path)
                by_role = dict(stats)
                channels = next(iter(contents.shapes[name] for _, name in spec.variables))[0]
                layers.append(
                    BnLayer(
                        name=spec.name,
                        channels=int(channels),
                        tensors=tuple(stats),
                        status=checks.layer_status(by_role.get(ROLE_MEAN), by_role.get(ROLE_VARIANCE)),
                    )
                )
            done += 1
            if on_progress is not None:
                on_progress(done, total, contents.path)
            info = CheckpointInfo(
                path=contents.path,
                kind=contents.kind,
                step=step,
                tensor_count=contents.tensor_count,
                tensors_read=sum(len(spec.variables) for spec in specs) + (contents.step_key is not None),
                size_bytes=contents.size_bytes,
            )
            audits.append(CheckpointAudit(info, tuple(layers), checks.check_checkpoint(info, tuple(layers))))
    finally:
        for contents in opened:
            contents.close()
    ordered = tuple(audits)
    if len(ordered) > 1 and all(audit.info.step is not None for audit in ordered):
        # keep the user's order for ties; a run's checkpoints compare in step order
        ordered = tuple(sorted(ordered, key=lambda audit: audit.info.step))
    run_findings = checks.compare_checkpoints(ordered) if len(ordered) > 1 else ()
    return AuditReport(ordered, run_findings)


def _check_declared_sizes(contents: readers.Contents, specs: list) -> None:
    """Refuse a BN statistic whose declared length no real layer has, before reading any of it."""
    for spec in specs:
        for _, name in spec.variables:
            (channels,) = contents.shapes[name]
            if channels > MAX_CHANNELS:
                raise InputError(
                    contents.path,
                    f"tensor {contents.keys[name]!r} declares {channels} values; a batch-norm statistic "
                    f"has one per channel (at most {MAX_CHANNELS} accepted)",
                )

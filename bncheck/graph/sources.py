"""The user's file:line in an op's creation traceback, skipping TensorFlow's, Keras's and bncheck's frames."""

from __future__ import annotations

import os
import sys
import sysconfig
from functools import lru_cache
from typing import Any

from bncheck.graph.model import SourceLine

_FRAMEWORKS = ("tensorflow", "tf_keras", "keras", "bncheck", "absl", "google")


@lru_cache(maxsize=1)
def _roots() -> tuple[tuple[str, ...], tuple[str, ...]]:
    frameworks = []
    for name in _FRAMEWORKS:
        module = sys.modules.get(name)
        location = getattr(module, "__file__", None)
        if location:
            frameworks.append(os.path.dirname(os.path.realpath(location)) + os.sep)
        for path in getattr(module, "__path__", []) or []:
            frameworks.append(os.path.realpath(path) + os.sep)
    installed = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    libraries = tuple(os.path.realpath(path) + os.sep for path in installed)
    return tuple(frameworks), libraries


def _is_under(filename: str, roots: tuple[str, ...]) -> bool:
    return filename.startswith("<") or any(filename.startswith(root) for root in roots)


def _display(filename: str) -> str:
    # relative to the working directory when the file is under it, as a user types paths
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith(os.pardir) else relative


def creation_site(op: Any) -> SourceLine | None:
    """The innermost frame of the user's own code that created ``op``, or None."""
    try:
        frames = list(op.traceback)
    except (AttributeError, ValueError):  # pragma: no cover - ops without a Python traceback
        return None
    frameworks, libraries = _roots()
    resolved = [(os.path.realpath(frame.filename), frame.lineno) for frame in frames if frame.filename]
    # first choice: code outside every installed library; then: anything but the frameworks
    for excluded in (frameworks + libraries, frameworks):
        for filename, line in reversed(resolved):
            if not _is_under(filename, excluded):
                return SourceLine(_display(filename), line)
    return None

"""Proof that a command wrote nothing: a fingerprint of every entry under a folder."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def folder_state(folder: Path) -> dict[str, tuple]:
    """(kind, size, mtime_ns, sha256 or link target) of every entry, links not followed."""
    state = {}
    for root, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            else:
                content = ""
            state[str(path)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns, content)
    return state

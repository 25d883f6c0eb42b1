"""Writing ``--fix`` results back to the user's files without losing anything of theirs.

- The new text goes to a temporary file next to the target first and is read back and compared
  (a verified copy), so a full disk or an encoding problem never reaches the user's file.
- The file keeps its inode's metadata: one rename of the copy after giving it the target's owner,
  group, mode and extended attributes (ACLs); a file with hard links, or one whose owner cannot be
  given to the copy, is rewritten in place instead, so every link sees the fix.
- A read-only file (no write bit, even for root) is refused with one line; so is a file that changed
  since the fixes were planned on it (its content is compared right before the write).
- SIGINT and SIGTERM remove the temporary file; one that arrives while a file is being replaced or
  rewritten waits until that file is whole again, then takes effect (SIGTERM with its own exit status).
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from bncheck.lint.engine import decode_source
from bncheck.lint.fixes import FileFix

_BOM = b"\xef\xbb\xbf"
_CHANGED = "changed since bncheck read it; not fixed (run --fix again)"


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to one file: written, or why not (``refused``: the user must act, exit code 2)."""

    path: str
    written: bool
    problem: str = ""
    refused: bool = False


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that clean-up code runs before the process ends."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """Signals arriving inside a critical section are held until it ends."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending: int | None = None

    def handler(self, signum: int, frame) -> None:  # noqa: ANN001 - signal's signature
        if self.depth:
            self.pending = signum
            return
        self.deliver(signum)

    @staticmethod
    def deliver(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise _Terminated(signum)

    @contextmanager
    def critical(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if not self.depth and self.pending is not None:
                signum, self.pending = self.pending, None
                self.deliver(signum)


_SIGNALS = _Signals()


@contextmanager
def _signals_clean_up() -> Iterator[None]:
    """Route SIGINT/SIGTERM through ``_SIGNALS`` while files are written (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {signum: signal.signal(signum, _SIGNALS.handler) for signum in wanted}
    try:
        yield
    except _Terminated as terminated:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        # end the way SIGTERM ends a process, now that no temporary file is left behind
        signal.signal(terminated.signum, signal.SIG_DFL)
        os.kill(os.getpid(), terminated.signum)
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def encoded(fix: FileFix) -> bytes:
    """The bytes to write: the fixed text in the file's own encoding, with its BOM if it had one."""
    data = fix.after.encode(fix.encoding)
    return _BOM + data if fix.original.startswith(_BOM) else data


def _copy_metadata(source_stat: os.stat_result, target: Path, temporary: str) -> bool:
    """Give the copy the target's owner, group, mode and extended attributes; False if it cannot be done."""
    try:
        copy_stat = os.stat(temporary)
        if (source_stat.st_uid, source_stat.st_gid) != (copy_stat.st_uid, copy_stat.st_gid):
            if not hasattr(os, "chown"):
                return False
            os.chown(temporary, source_stat.st_uid, source_stat.st_gid)
        os.chmod(temporary, stat.S_IMODE(source_stat.st_mode))
        if hasattr(os, "listxattr"):
            for name in os.listxattr(target):
                os.setxattr(temporary, name, os.getxattr(target, name))
    except OSError:
        return False
    return True


def _changed(target: Path, fix: FileFix) -> bool:
    try:
        return target.read_bytes() != fix.original
    except OSError:
        return True


def write_fix(fix: FileFix) -> WriteOutcome:
    """Write one file's fixed text (see the module docstring for how)."""
    target = Path(os.path.realpath(fix.path))
    try:
        data = encoded(fix)
        # Python must read back exactly the fixed text (same coding declaration, same BOM)
        faithful = decode_source(data) == fix.after
    except (UnicodeError, SyntaxError, LookupError):
        faithful = False
    if not faithful:
        problem = f"the fixed text does not read back the same in {fix.encoding}; not fixed"
        return WriteOutcome(fix.path, False, problem, True)
    try:
        status = os.stat(target)
    except OSError as error:
        problem = f"cannot stat the file: {error.strerror or error}; not fixed"
        return WriteOutcome(fix.path, False, problem, True)
    if not stat.S_ISREG(status.st_mode):
        return WriteOutcome(fix.path, False, "not a regular file; not fixed", True)
    mode = stat.S_IMODE(status.st_mode)
    if not status.st_mode & 0o222:
        return WriteOutcome(fix.path, False, f"read-only file (mode {mode:04o}); not fixed", True)
    if not os.access(target, os.W_OK):
        return WriteOutcome(fix.path, False, f"not writable by this user (mode {mode:04o}); not fixed", True)
    if _changed(target, fix):
        return WriteOutcome(fix.path, False, _CHANGED)
    temporary = None
    try:
        beside = True
        prefix = f".{target.name}."
        try:
            handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".bncheck", dir=target.parent)
        except PermissionError:
            # a folder the user may not add files to, holding a file they may write: check the copy
            # in the temporary folder, then rewrite the file in place
            handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".bncheck")
            beside = False
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if Path(temporary).read_bytes() != data:
            raise OSError(f"the copy in {temporary} does not read back as written")
        replace = beside and status.st_nlink == 1 and _copy_metadata(status, target, temporary)
        with _SIGNALS.critical():
            if _changed(target, fix):
                return WriteOutcome(fix.path, False, _CHANGED)
            if replace:
                os.replace(temporary, target)
                temporary = None
            else:
                _rewrite_in_place(target, data, fix.original)
    except OSError as error:
        problem = error.strerror if isinstance(error.strerror, str) else str(error)
        return WriteOutcome(fix.path, False, f"cannot write the fixed file: {problem}; not fixed", True)
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return WriteOutcome(fix.path, True)


def _rewrite_in_place(target: Path, data: bytes, original: bytes) -> None:
    """Overwrite the file's own inode (hard links, owner and mode stay); on failure put the original back."""
    with open(target, "r+b") as stream:
        try:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
        except OSError:
            stream.seek(0)
            stream.write(original)
            stream.truncate()
            stream.flush()
            raise


def write_fixes(fixes: Iterable[FileFix]) -> list[WriteOutcome]:
    """Write every fix that changes its file, in order; a signal stops the run with nothing half-written."""
    outcomes = []
    with _signals_clean_up():
        for fix in fixes:
            if fix.codes and fix.after != fix.before:
                outcomes.append(write_fix(fix))
    return outcomes

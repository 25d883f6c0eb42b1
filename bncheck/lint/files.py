"""Which files `bncheck lint` checks: ``*.py`` under folders, excludes, ``.gitignore``, each file once.

Exclude patterns (``exclude``, ``extend-exclude``) are relative to the config file's folder, as
in ruff and flake8; a bare name (``build``, ``*.egg-info``) matches a file or folder of that name
anywhere.  ``.gitignore`` files are read with ``pathspec`` (git's own matching rules), only
inside a git repository, from its root down to each folder, plus ``.git/info/exclude``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from functools import lru_cache
from pathlib import Path

from bncheck.errors import InputError
from bncheck.lint.config import LintConfig

_GLOB_CHARS = re.compile(r"[*?\[]")


class ExcludeMatcher:
    """The exclude globs compiled once: ``fnmatch`` on every path against every pattern was a tenth of a run.

    Matches exactly what ``fnmatch.fnmatch(name, p) or fnmatch.fnmatch(relative, p)`` matches for
    any pattern ``p``: plain names are a set lookup, the globs one combined regex.
    """

    def __init__(self, patterns: tuple[str, ...]) -> None:
        normalized = [os.path.normcase(pattern) for pattern in patterns]
        self._plain = frozenset(pattern for pattern in normalized if not _GLOB_CHARS.search(pattern))
        globs = [pattern for pattern in normalized if _GLOB_CHARS.search(pattern)]
        self._glob = re.compile("|".join(fnmatch.translate(pattern) for pattern in globs)) if globs else None

    def __call__(self, name: str, relative: str) -> bool:
        name, relative = os.path.normcase(name), os.path.normcase(relative)
        if name in self._plain or relative in self._plain:
            return True
        glob = self._glob
        return glob is not None and (glob.match(name) is not None or glob.match(relative) is not None)


class GitIgnore:
    """``.gitignore`` rules of the repositories the linted paths are in (nothing outside a repository)."""

    def __init__(self, floor: str | None = None) -> None:
        # with a floor, only the .gitignore files at or below it count (a folder named explicitly
        # that git ignores is linted, with the rules inside it)
        self._floor = floor
        self._specs: dict[str, object | None] = {}

    @lru_cache(maxsize=None)  # noqa: B019 - one instance per run; the cache dies with it
    def _repository(self, folder: str) -> str | None:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        return None if parent == folder else self._repository(parent)

    def _spec(self, folder: str, *names: str):  # noqa: ANN202 - pathspec.GitIgnoreSpec or None
        key = os.path.join(folder, *names)
        if key not in self._specs:
            import pathspec

            try:
                with open(key, encoding="utf-8", errors="replace") as handle:
                    self._specs[key] = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
            except (OSError, ValueError):  # absent or unreadable: no rules from it
                self._specs[key] = None
        return self._specs[key]

    @lru_cache(maxsize=None)  # noqa: B019
    def _chain(self, folder: str) -> tuple:
        """(folder, spec) pairs from the repository root down to ``folder``, lowest precedence first."""
        root = self._repository(folder)
        if root is None:
            return ()
        if self._floor is not None and (folder == self._floor or folder == root):
            if not (folder + os.sep).startswith(self._floor + os.sep):
                return ()
            spec = self._spec(folder, ".gitignore")
            return ((folder, spec),) if spec is not None else ()
        if folder == root:
            chain = []
            for spec in (self._spec(root, ".git", "info", "exclude"), self._spec(root, ".gitignore")):
                if spec is not None:
                    chain.append((root, spec))
            return tuple(chain)
        spec = self._spec(folder, ".gitignore")
        parent = self._chain(os.path.dirname(folder))
        return parent + ((folder, spec),) if spec is not None else parent

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git would ignore ``path`` (absolute, normalized); the deepest matching rule wins."""
        verdict = None
        for folder, spec in self._chain(os.path.dirname(path)):
            relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(relative).include
            if result is not None:
                verdict = result
        return bool(verdict)


class _Filter:
    """The excludes and ``.gitignore`` of one configuration, asked path by path."""

    def __init__(self, config: LintConfig) -> None:
        self.base = config.base()
        self.excluded = ExcludeMatcher(tuple(config.exclude) + tuple(config.extend_exclude))
        self.gitignore = GitIgnore() if config.respect_gitignore else None

    def below(self, floor: str) -> "_Filter":
        """The same excludes, with only the .gitignore files at or below ``floor``."""
        narrowed = object.__new__(_Filter)
        narrowed.base, narrowed.excluded, narrowed.gitignore = self.base, self.excluded, GitIgnore(floor)
        return narrowed

    def skips(self, folder: str, name: str, relative: str, is_dir: bool) -> bool:
        """Whether ``name`` in the absolute ``folder`` (``relative`` to the base) is excluded or ignored."""
        if self.excluded(name, relative):
            return True
        return self.gitignore is not None and self.gitignore.ignored(os.path.join(folder, name), is_dir)

    def skips_named(self, path: Path) -> bool:
        """``--force-exclude``: a file named explicitly, or a folder above it, is excluded or ignored."""
        absolute = os.path.normpath(os.path.abspath(path))
        relative = os.path.relpath(absolute, self.base).replace(os.sep, "/")
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix in ("..", ".") or prefix.endswith("/.."):
                continue
            if self.excluded(parts[depth - 1], prefix):
                return True
        if self.gitignore is None:
            return False
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False
        return self.gitignore.ignored(absolute, is_dir)


def excluded_name(path: Path, config: LintConfig) -> bool:
    """Whether ``--force-exclude`` drops ``path`` (named on the command line or as ``--stdin-filename``)."""
    return _Filter(config).skips_named(path)


def collect_files(
    paths: list[Path], config: LintConfig, unreadable: list[OSError] | None = None
) -> list[Path]:
    """Python files under ``paths``, each once; files named explicitly count unless ``force_exclude``.

    A folder that cannot be listed (no permission, removed during the walk) is skipped, and its
    error appended to ``unreadable`` when given.
    """
    rules = _Filter(config)
    files: list[tuple[Path, str]] = []  # (path, the real path that says whether it was seen)
    for path in paths:
        try:
            exists, is_file, is_dir = path.exists(), path.is_file(), path.is_dir()
        except OSError as error:  # a name the file system rejects, e.g. too long
            raise InputError(path, f"cannot use this path ({error.strerror or error})") from None
        if not exists:
            raise InputError(path, "no such file or directory")
        if not is_file and not is_dir:
            raise InputError(path, "not a regular file or folder (a named pipe, socket or device)")
        if config.force_exclude and rules.skips_named(path):
            continue
        if is_file:
            files.append((path, _real(str(path))))
            continue
        files.extend(_walk(path, rules, unreadable))
    return _unique(files)


def _walk(top: Path, rules: _Filter, unreadable: list[OSError] | None = None) -> list[tuple[Path, str]]:
    """The ``*.py`` files below ``top``, in sorted order, folder by folder, top down (as ``os.walk``).

    Links to folders are not followed.  A file's real path is the real path of ``top`` joined
    with its path below it, since no folder on the way is a link; only a link to a file needs
    ``realpath`` of its own.  Named pipes, sockets and devices are skipped (reading one could
    block forever); a broken link is kept, for the analysis to report as unreadable.
    """
    files: list[tuple[Path, str]] = []
    top_absolute = os.path.normpath(os.path.abspath(top))
    if rules.gitignore is not None and rules.gitignore.ignored(top_absolute, is_dir=True):
        rules = rules.below(top_absolute)
    top_relative = os.path.relpath(top_absolute, rules.base).replace(os.sep, "/")
    pending = [(str(top), top_absolute, _real(str(top)), top_relative)]
    while pending:
        folder, absolute_folder, real_folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            if unreadable is not None:
                unreadable.append(error)
            continue
        subfolders, names = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (subfolders if is_dir else names).append(entry)
        names.sort(key=lambda entry: entry.name)
        for entry in names:
            name = entry.name
            if not name.endswith(".py"):
                continue
            if rules.skips(absolute_folder, name, _join(prefix, name), is_dir=False):
                continue
            try:
                regular, link = entry.is_file(), entry.is_symlink()
            except OSError:
                regular, link = False, False
            if link:
                if regular or _broken_link(entry.path):
                    files.append((Path(folder) / name, _real(entry.path)))
            elif regular:
                files.append((Path(folder) / name, os.path.join(real_folder, name)))
        below = sorted(
            (entry for entry in subfolders if not entry.is_symlink()),
            key=lambda entry: entry.name,
        )
        for entry in reversed(below):
            name = entry.name
            if rules.skips(absolute_folder, name, _join(prefix, name), is_dir=True):
                continue
            pending.append(
                (
                    os.path.join(folder, name),
                    os.path.join(absolute_folder, name),
                    os.path.join(real_folder, name),
                    _join(prefix, name),
                )
            )
    return files


def _broken_link(path: str) -> bool:
    try:
        os.stat(path)
    except OSError:
        return True
    return False


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


def _join(prefix: str, name: str) -> str:
    return name if prefix == "." else f"{prefix}/{name}"


def _unique(files: list[tuple[Path, str]]) -> list[Path]:
    """One entry per file: ``dang/ok.py``, ``dang/../dang/ok.py`` and a link to it are one file."""
    seen: set[str] = set()
    unique = []
    for file, key in files:
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique

"""Lint configuration: ``pyproject.toml [tool.bncheck]`` or ``setup.cfg [bncheck]``, then the command line."""

from __future__ import annotations

import configparser
import difflib
import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from bncheck.errors import BncheckError, InputError

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    ".tox",
    ".nox",
    "__pycache__",
    "build",
    "dist",
    "site-packages",
    "node_modules",
    ".eggs",
    "*.egg-info",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
)
_CODE = re.compile(r"^BN\d{0,3}$")
_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "respect-gitignore",
    "target-version",
    "jobs",
    "per-file-ignores",
    "target-tensorflow",
}
# more worker processes than this is a typo (100000), not a machine; below it, the CPU count caps it
MAX_JOBS = 1024


@dataclass(frozen=True)
class LintConfig:
    """What to check and how.  ``select=None`` means every rule."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    force_exclude: bool = False  # apply the excludes to files named explicitly too (pre-commit passes them)
    respect_gitignore: bool = True
    target_version: str | None = None
    jobs: int | None = None  # None: one process per CPU for a large run, else one (engine.analyze_all)
    prefilter: bool = True
    source: str | None = None  # the config file these values came from, for messages
    root: str | None = None  # the folder path patterns are relative to: the config file's, else the cwd

    def base(self) -> str:
        """The absolute folder that exclude and per-file-ignores patterns are relative to."""
        return self.root or os.getcwd()

    def relative(self, path: str) -> str:
        """``path`` relative to ``base()``, with ``/`` separators (``../x.py`` when outside it)."""
        return os.path.relpath(os.path.abspath(path), self.base()).replace(os.sep, "/")

    def enabled(self, code: str, path: str | None = None) -> bool:
        """Whether ``code`` is selected: prefixes match (``BN00`` selects BN001-BN009), the longest wins."""
        selected = self.select if self.select is not None else ("BN",)
        best_on = max((len(p) for p in selected + self.extend_select if code.startswith(p)), default=-1)
        ignores = self.ignore
        if path is not None and self.per_file_ignores:
            relative = self.relative(path)
            for pattern, codes in self.per_file_ignores:
                if path_matches(relative, pattern):
                    ignores = ignores + codes
        best_off = max((len(p) for p in ignores if code.startswith(p)), default=-1)
        return best_on >= 0 and best_on > best_off

    def explicitly_selected(self, code: str) -> bool:
        """Whether ``code`` is named in select/extend-select (opt-in rules such as BN010)."""
        return code in (self.select or ()) or code in self.extend_select


def path_matches(relative: str, pattern: str) -> bool:
    """Whether a path relative to the config folder matches a per-file-ignores pattern.

    A pattern with a ``/`` is anchored at the config folder (``pkg/*.py``, ``legacy/``); one without
    matches the file name anywhere (``*_test.py``), as in flake8 and ruff.
    """
    pattern = pattern.replace(os.sep, "/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern.rstrip("/"):
        name = pattern.rstrip("/")
        parts = relative.split("/")
        return fnmatch.fnmatchcase(parts[-1], name) or any(fnmatch.fnmatchcase(p, name) for p in parts[:-1])
    if pattern.endswith("/"):
        return fnmatch.fnmatchcase(relative, pattern + "*")
    return fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*")


def code_problem(code: str, face: str = "lint") -> str | None:
    """Why ``code`` cannot select or ignore ``face`` rules, or None when it names some.

    ``BN999`` and ``BN101`` for lint (an audit rule) are mistakes: selecting them selects nothing
    and a CI job would pass without checking anything.
    """
    from bncheck.findings import all_rules

    rules = all_rules()
    own = [rule.code for rule in rules if rule.face == face]
    if not _CODE.match(code):
        return f"{code!r} is not a bncheck rule code (expected BN001, BN00, BN, ...)"
    if any(known.startswith(code) for known in own):
        return None
    other = next((rule for rule in rules if rule.code.startswith(code)), None)
    if other is not None:
        if other.code == code:
            return f"{code!r} is not a {face} rule: `bncheck {other.face}` reports it"
        return (
            f"{code!r} selects no {face} rule, only rules that `bncheck {other.face}` reports "
            f"({other.code}, ...)"
        )
    close = difflib.get_close_matches(code, own, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else "; `bncheck rules` lists them"
    return f"unknown rule code {code!r}{hint}"


def split_codes(values: object) -> list[str] | None:
    """``"BN001, BN003"`` or ``["BN001", "BN003"]`` as a list of upper-case codes; None when not strings."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(item, str) for item in values):
        return None
    return [code.upper() for value in values for code in re.split(r"[\s,]+", value.strip()) if code]


def option_codes(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Codes given to a command-line option; BncheckError (exit 2) for one that selects no lint rule."""
    codes = tuple(split_codes(values) or ())
    for code in codes:
        problem = code_problem(code)
        if problem:
            raise BncheckError(f"{option}: {problem}")
    return codes


def _codes(value: object, key: str, source: str) -> tuple[str, ...]:
    codes = split_codes(value)
    if codes is None:
        raise InputError(source, f'`{key}` must be a list of rule codes such as ["BN001"]')
    for code in codes:
        problem = code_problem(code)
        if problem:
            raise InputError(source, f"`{key}`: {problem}")
    return tuple(codes)


def check_jobs(value: object, where: str) -> int:
    """A worker count from a config file or ``--jobs``: an integer from 0 (one per CPU) to MAX_JOBS.

    More than the machine has CPUs only adds start-up time, so the count is capped at the CPU count.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise BncheckError(
            f"{where} must be a whole number of worker processes (0: one per CPU), not {value!r}"
        )
    if value < 0 or value > MAX_JOBS:
        raise BncheckError(f"{where} must be from 0 (one per CPU) to {MAX_JOBS}, not {value}")
    return min(value, os.cpu_count() or 1)


def per_file_ignores_option(
    values: tuple[str, ...], config: LintConfig
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``--per-file-ignores "PATTERN:CODES"`` (patterns relative to the current folder), for ``config``."""
    pairs = []
    for value in values:
        pattern, colon, codes = value.rpartition(":")
        if not colon or not pattern.strip():
            raise BncheckError(
                f"--per-file-ignores: expected PATTERN:CODES such as 'tests/*:BN001', not {value!r}"
            )
        pairs.append((rebase(pattern.strip(), config), option_codes((codes,), "--per-file-ignores")))
    return tuple(pairs)


def rebase(pattern: str, config: LintConfig) -> str:
    """A command-line path pattern (relative to the cwd) made relative to the config folder."""
    if "/" not in pattern.replace(os.sep, "/").rstrip("/"):
        return pattern  # a bare name matches anywhere
    trailing = "/" if pattern.endswith(("/", os.sep)) else ""
    absolute = os.path.normpath(os.path.join(os.getcwd(), pattern))
    return os.path.relpath(absolute, config.base()).replace(os.sep, "/") + trailing


def _strings(value: object, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InputError(source, f"`{key}` must be a list of strings")
    return tuple(value)


def from_mapping(values: dict, source: str, base: LintConfig | None = None) -> LintConfig:
    """Validate a ``[tool.bncheck]`` table (keys as in the file, with dashes or underscores)."""
    config = base or LintConfig()
    changes: dict = {}
    extend_ignore: tuple[str, ...] = ()
    for raw_key, value in values.items():
        key = raw_key.replace("_", "-")
        if key not in _KEYS:
            raise InputError(
                source,
                f"unknown key `{raw_key}` in bncheck's configuration (known: {', '.join(sorted(_KEYS))})",
            )
        if key in ("select", "ignore", "extend-select"):
            changes[key.replace("-", "_")] = _codes(value, key, source)
        elif key == "extend-ignore":
            extend_ignore = _codes(value, key, source)
        elif key in ("exclude", "extend-exclude"):
            changes[key.replace("-", "_")] = _strings(value, key, source)
        elif key in ("force-exclude", "respect-gitignore"):
            changes[key.replace("-", "_")] = _flag(value, raw_key, source)
        elif key in ("target-version", "target-tensorflow"):  # the TensorFlow version the code must run on
            if not isinstance(value, (str, int, float)) or not re.match(r"^\d+\.\d+", str(value)):
                raise InputError(source, f'`{raw_key}` must look like "2.16", not {value!r}')
            changes["target_version"] = str(value)
        elif key == "jobs":
            if isinstance(value, str) and value.strip().isdigit() and source.endswith(".cfg"):
                value = int(value)  # setup.cfg has no types: `jobs = 2` is the string "2"
            try:
                changes["jobs"] = check_jobs(value, f"`{raw_key}`")
            except BncheckError as error:
                raise InputError(source, str(error)) from None
        elif key == "per-file-ignores":
            changes["per_file_ignores"] = _per_file_ignores(value, source)
    config = replace(config, source=source, **changes)
    if extend_ignore:
        config = replace(config, ignore=config.ignore + extend_ignore)
    return config


def _flag(value: object, key: str, source: str) -> bool:
    if isinstance(value, str) and source.endswith(".cfg"):  # setup.cfg has no types
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
    if not isinstance(value, bool):
        raise InputError(source, f"`{key}` must be true or false, not {value!r}")
    return value


def _per_file_ignores(value: object, source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if isinstance(value, str):  # setup.cfg: "pattern: BN001, BN002" lines
        pairs = {}
        for line in value.strip().splitlines():
            if ":" not in line:
                raise InputError(
                    source, f"`per-file-ignores`: expected 'pattern: codes', got {line.strip()!r}"
                )
            pattern, codes = line.split(":", 1)
            pairs[pattern.strip()] = codes
        value = pairs
    if not isinstance(value, dict):
        raise InputError(source, "`per-file-ignores` must map a file pattern to a list of codes")
    return tuple((pattern, _codes(codes, "per-file-ignores", source)) for pattern, codes in value.items())


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with [tool.bncheck] or setup.cfg with [bncheck] above ``start``."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool")
                # `tool = 1` is another program's business, not a [tool] table bncheck could read
                if isinstance(tool, dict) and "bncheck" in tool:
                    return pyproject
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
                raise InputError(pyproject, f"cannot read TOML: {error}") from None
        setup_cfg = folder / "setup.cfg"
        if setup_cfg.is_file():
            parser = configparser.ConfigParser()
            try:
                parser.read(setup_cfg, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as error:
                raise InputError(setup_cfg, f"cannot parse: {error}") from None
            if parser.has_section("bncheck"):
                return setup_cfg
        if (folder / ".git").exists():
            break
    return None


def load_config(path: Path) -> LintConfig:
    """Read bncheck's table from a pyproject.toml or setup.cfg (an empty config when absent)."""
    if not path.is_file():
        raise InputError(path, "configuration file not found")
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(path, f"cannot read TOML: {error}") from None
        tool = data.get("tool", {})
        table = tool.get("bncheck", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise InputError(path, "[tool.bncheck] must be a table")
        return from_mapping(table, str(path), LintConfig(root=str(path.resolve().parent)))
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot parse: {error}") from None
    section = dict(parser.items("bncheck")) if parser.has_section("bncheck") else {}
    return from_mapping(section, str(path), LintConfig(root=str(path.resolve().parent)))


def discover_config(paths: list[Path]) -> LintConfig:
    """The configuration for ``paths``: the nearest config file above the first one, or defaults."""
    start = paths[0] if paths else Path.cwd()
    try:
        exists = start.exists()
    except OSError:  # a name the file system rejects (too long): collect_files reports it
        exists = False
    found = find_config_file(start if exists else Path.cwd())
    return load_config(found) if found is not None else LintConfig()


__all__ = [
    "DEFAULT_EXCLUDES",
    "MAX_JOBS",
    "LintConfig",
    "check_jobs",
    "code_problem",
    "discover_config",
    "find_config_file",
    "from_mapping",
    "load_config",
    "option_codes",
    "path_matches",
    "per_file_ignores_option",
    "rebase",
]

"""Lint configuration: ``pyproject.toml [tool.bncheck]`` or ``setup.cfg [bncheck]``, then the command line."""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from bncheck.errors import InputError

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
    "exclude",
    "extend-exclude",
    "target-version",
    "jobs",
    "per-file-ignores",
    "target-tensorflow",
}


@dataclass(frozen=True)
class LintConfig:
    """What to check and how.  ``select=None`` means every rule."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    target_version: str | None = None
    jobs: int | None = None  # None: one process per CPU for a large run, else one (engine.analyze_all)
    prefilter: bool = True
    source: str | None = None  # the config file these values came from, for messages

    def enabled(self, code: str, path: str | None = None) -> bool:
        """Whether ``code`` is selected: prefixes match (``BN00`` selects BN001-BN009), the longest wins."""
        selected = self.select if self.select is not None else ("BN",)
        best_on = max((len(p) for p in selected + self.extend_select if code.startswith(p)), default=-1)
        ignores = self.ignore
        if path is not None:
            for pattern, codes in self.per_file_ignores:
                if Path(path).match(pattern) or path.endswith(pattern):
                    ignores = ignores + codes
        best_off = max((len(p) for p in ignores if code.startswith(p)), default=-1)
        return best_on >= 0 and best_on > best_off

    def explicitly_selected(self, code: str) -> bool:
        """Whether ``code`` is named in select/extend-select (opt-in rules such as BN010)."""
        return code in (self.select or ()) or code in self.extend_select


def _codes(value: object, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[\s,]+", value) if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InputError(source, f'`{key}` must be a list of rule codes such as ["BN001"]')
    codes = tuple(item.strip().upper() for item in value)
    for code in codes:
        if not _CODE.match(code):
            raise InputError(source, f"`{key}`: {code!r} is not a bncheck rule code (BN001, BN0, ...)")
    return codes


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
    for raw_key, value in values.items():
        key = raw_key.replace("_", "-")
        if key not in _KEYS:
            raise InputError(
                source,
                f"unknown key `{raw_key}` in bncheck's configuration (known: {', '.join(sorted(_KEYS))})",
            )
        if key in ("select", "ignore", "extend-select"):
            changes[key.replace("-", "_")] = _codes(value, key, source)
        elif key in ("exclude", "extend-exclude"):
            changes[key.replace("-", "_")] = _strings(value, key, source)
        elif key in ("target-version", "target-tensorflow"):  # the TensorFlow version the code must run on
            if not isinstance(value, (str, int, float)) or not re.match(r"^\d+\.\d+", str(value)):
                raise InputError(source, f'`{raw_key}` must look like "2.16", not {value!r}')
            changes["target_version"] = str(value)
        elif key == "jobs":
            try:
                jobs = int(value)
            except (TypeError, ValueError, OverflowError):  # OverflowError: jobs = inf (1e400)
                raise InputError(source, f"`jobs` must be a positive integer, not {value!r}") from None
            if jobs < 1:
                raise InputError(source, f"`jobs` must be a positive integer, not {value!r}")
            changes["jobs"] = jobs
        elif key == "per-file-ignores":
            changes["per_file_ignores"] = _per_file_ignores(value, source)
    return replace(config, source=source, **changes)


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
        return from_mapping(table, str(path))
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot parse: {error}") from None
    section = dict(parser.items("bncheck")) if parser.has_section("bncheck") else {}
    return from_mapping(section, str(path))


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
    "LintConfig",
    "discover_config",
    "find_config_file",
    "from_mapping",
    "load_config",
]

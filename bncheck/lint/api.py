"""The public lint API: ``lint_paths`` for files and folders, ``lint_source`` for one snippet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bncheck.findings import Finding
from bncheck.lint.config import LintConfig, discover_config
from bncheck.lint.engine import (
    analyze_project,
    analyze_source,
    collect_files,
    options_for,
    resolve,
    unreadable_folder_results,
)

__all__ = ["LintConfig", "LintResult", "lint_paths", "lint_source"]


@dataclass(frozen=True)
class LintResult:
    """Findings of one lint run, sorted by path, line, column and code."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0  # Python files found
    parsed: int = 0  # files the pre-filter let through and that were parsed

    @property
    def skipped(self) -> int:
        """Files the byte pre-filter passed over without parsing them."""
        return self.files - self.parsed


def lint_paths(paths: list[Path], config: LintConfig | None = None) -> LintResult:
    """Lint files and folders as one project (cross-file facts flow between them, and from the
    other files of their project roots, which are read but not reported).

    ``config=None`` reads the nearest ``pyproject.toml [tool.bncheck]`` / ``setup.cfg [bncheck]``.
    Raises ``InputError`` for a path that does not exist.
    """
    paths = [Path(path) for path in paths]
    if config is None:
        config = discover_config(paths)
    unreadable: list[OSError] = []
    files = [str(path) for path in collect_files(paths, config, unreadable)]
    # the rest of each file's project is read too, for what the files import or share with it
    results, roots = analyze_project(paths, files, options_for(config), config)
    results += unreadable_folder_results(unreadable)
    findings = resolve(results, config, roots)
    parsed = sum(result.parsed for result in results if result.reported)
    return LintResult(findings=findings, files=len(files), parsed=parsed)


def lint_source(source: str, path: str = "<string>", config: LintConfig | None = None) -> list[Finding]:
    """Lint one snippet as a one-file project (the rule examples are run this way)."""
    config = config or LintConfig()
    result = analyze_source(path, source.encode("utf-8"), options_for(config))
    return resolve([result], config)

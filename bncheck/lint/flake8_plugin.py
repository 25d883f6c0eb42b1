"""flake8 plugin: ``flake8 --select BN`` runs the same rules, one file at a time.

flake8 sees one file at a time, so the file is its own project: cross-file facts
(BN built in another module) need ``bncheck lint`` on the whole project.
"""

from __future__ import annotations

import ast
from typing import Iterator

from bncheck import __version__


class Plugin:
    """The flake8 ``tree`` plugin; flake8 handles ``# noqa`` and selection itself."""

    name = "bncheck"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str = "<stdin>", lines: list[str] | None = None) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """flake8's findings for this file: (line, column, 'BN001 message', type)."""
        from bncheck.lint.config import LintConfig
        from bncheck.lint.engine import analyze_source, options_for, resolve

        source = (
            "".join(self.lines) if self.lines is not None else open(self.filename, encoding="utf-8").read()
        )
        config = LintConfig()
        result = analyze_source(self.filename, source.encode("utf-8"), options_for(config))
        for finding in resolve([result], config):
            yield (
                finding.location.line or 1,
                (finding.location.column or 1) - 1,
                f"{finding.code} {finding.message}",
                type(self),
            )

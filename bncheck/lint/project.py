"""Cross-file facts: which files import which, and the conditions that candidates wait on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from bncheck.lint.rulebase import Candidate


@dataclass(frozen=True)
class FileSummary:
    """What other files of the project need to know about one file (plain data, picklable)."""

    path: str
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    update_bn: bool = False  # builds BN that registers its updates in UPDATE_OPS
    any_bn: bool = False  # builds BN with moving statistics
    update_ops_idiom: bool = False  # graph-mode program that reads UPDATE_OPS and not Keras `updates`
    bn_functions: frozenset[str] = frozenset()  # functions/classes building UPDATE_OPS BN
    keras_bn_factories: frozenset[str] = frozenset()  # functions/classes returning a Keras model with BN
    wrapped_functions: frozenset[str] = frozenset()  # functions called under a control dependency on updates


def _module_names(path: Path) -> list[str]:
    parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    parts = [part for part in parts if part not in ("/", "\\") and not part.endswith(":")]
    return [".".join(parts[index:]) for index in range(len(parts)) if parts[index:]]


MAX_HOPS = 3  # how many imports apart a train op and the BN it needs may be


class Project:
    """The files linted together, and the import graph between them."""

    def __init__(self, summaries: list[FileSummary]) -> None:
        self.summaries = {summary.path: summary for summary in summaries}
        self._by_module: dict[str, list[str]] = {}
        for path in self.summaries:
            for name in _module_names(Path(path)):
                self._by_module.setdefault(name, []).append(path)
        self._edges: dict[str, set[str]] | None = None
        self._reverse: dict[str, set[str]] | None = None

    def resolve_module(self, importer: str, module: str, name: str = "") -> list[str]:
        """Files of the project that ``from module import name`` in ``importer`` refers to."""
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            base = Path(importer).parent
            for _ in range(level - 1):
                base = base.parent
            rest = module.lstrip(".")
            folder = base.joinpath(*rest.split(".")) if rest else base
            candidates = []
            if name:
                candidates += [folder / name / "__init__.py", folder / f"{name}.py"]
            candidates += (
                [folder / "__init__.py", folder.with_suffix(".py")] if rest else [folder / "__init__.py"]
            )
            return [str(path) for path in candidates if str(path) in self.summaries][:1]
        if name and f"{module}.{name}" in self._by_module:
            return self._by_module[f"{module}.{name}"]
        return self._by_module.get(module, [])

    def _graph(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._edges is None:
            edges: dict[str, set[str]] = {path: set() for path in self.summaries}
            reverse: dict[str, set[str]] = {path: set() for path in self.summaries}
            for path, summary in self.summaries.items():
                for module, names in summary.imports:
                    targets: list[str] = []
                    for name in names or ("",):
                        targets += self.resolve_module(path, module, name)
                    for target in targets:
                        if target != path:
                            edges[path].add(target)
                            reverse[target].add(path)
            self._edges, self._reverse = edges, reverse
        return self._edges, self._reverse

    def _within_hops(self, sources: set[str], forward: bool) -> frozenset[str]:
        """Files at most ``MAX_HOPS`` imports away from ``sources``.

        ``forward=False`` walks to importers: the files that import a source (directly or
        through up to MAX_HOPS modules).  The bound keeps a huge, fully connected
        code base from making every file "reach" every other one.
        """
        edges, reverse = self._graph()
        step = edges if forward else reverse
        seen = set(sources)
        frontier = set(sources)
        for _ in range(MAX_HOPS):
            frontier = {other for path in frontier for other in step.get(path, ()) if other not in seen}
            if not frontier:
                break
            seen |= frontier
        return frozenset(seen)

    @cached_property
    def update_bn_reach(self) -> frozenset[str]:
        """Files that build UPDATE_OPS BN or import (up to MAX_HOPS) one that does, and the helpers
        such a file imports directly (a train-op factory in utils.py called by the script that builds BN)."""
        sources = {path for path, summary in self.summaries.items() if summary.update_bn}
        edges, _ = self._graph()
        helpers = {target for source in sources for target in edges.get(source, ())}
        return self._within_hops(sources, forward=False) | helpers

    @cached_property
    def any_bn_reach(self) -> frozenset[str]:
        """Files that build BN with moving statistics or import (up to MAX_HOPS) one that does."""
        sources = {path for path, summary in self.summaries.items() if summary.any_bn}
        return self._within_hops(sources, forward=False)

    @cached_property
    def idiom_reach(self) -> frozenset[str]:
        """Graph-mode UPDATE_OPS programs and the files they import (up to MAX_HOPS)."""
        sources = {path for path, summary in self.summaries.items() if summary.update_ops_idiom}
        return self._within_hops(sources, forward=True)

    @cached_property
    def wrapped_functions(self) -> frozenset[str]:
        """Functions some project file calls under a control dependency on the updates."""
        return frozenset().union(*(summary.wrapped_functions for summary in self.summaries.values()))

    def imported_name_has(
        self, path: str, module: str, name: str, names_of: Callable[[FileSummary], frozenset[str]]
    ) -> bool:
        """Whether ``from module import name`` in ``path`` names something in ``names_of(summary)``
        of the file it resolves to (``name`` a function of that module, or of ``module.name``)."""
        targets = self.resolve_module(path, module, name) + self.resolve_module(path, module)
        return any(name in names_of(self.summaries[target]) for target in targets)

    def accepts(self, path: str, candidate: Candidate) -> bool:
        """Whether a candidate finding of ``path`` stands once project facts are known."""
        if not all(fact.holds(self, path) for fact in candidate.requires):
            return False
        return not candidate.any_of or any(fact.holds(self, path) for fact in candidate.any_of)

"""Project facts: what a candidate finding waits on until every file of the project is read.

One frozen dataclass per kind of fact; each says itself whether it holds, given the
project and the file that asks (``holds(project, path)``).  They are plain picklable data,
so worker processes can return them inside candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bncheck.lint.project import Project, TestedParameter


@runtime_checkable
class Fact(Protocol):
    """A condition on the project, seen from one of its files.

    A fact may also say which files' summaries it reads, ``reads(project, path)``: a file linted
    alone then reads only those from the rest of its project (``Project.reads``; without it,
    every file up to ``NEIGHBOURHOOD_HOPS`` imports away).
    """

    def holds(self, project: Project, path: str) -> bool: ...


@dataclass(frozen=True)
class ReachesUpdateBN:
    """The file builds BN that registers in UPDATE_OPS, or imports (up to 3 hops) a project module
    that does, or is a helper that such a module imports directly; a module that builds it only in
    functions or classes counts when imported directly only if the file names one of them."""

    def holds(self, project: Project, path: str) -> bool:
        return project.reaches_update_bn(path)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path) | project.importers(path, hops=1)


@dataclass(frozen=True)
class ReachesAnyBN:
    """The file or a module it imports (up to 3 hops) builds BN with moving statistics, and not only
    in functions the file calls with their BN switched off (``generator(z, use_bn=False)``)."""

    def holds(self, project: Project, path: str) -> bool:
        return project.reaches_any_bn(path)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class SharesProgramWithBN:
    """A file that imports this one also builds or imports BN (``update=True``: BN that registers in
    UPDATE_OPS): the model object this file's code is handed (``policy(...)``, ``self.model``) is
    likely that BN model, as in ``train.py`` importing both ``policies.py`` and ``ppo2.py``."""

    update: bool = True

    def holds(self, project: Project, path: str) -> bool:
        return path in (project.update_bn_siblings if self.update else project.any_bn_siblings)


@dataclass(frozen=True)
class ReachesKerasBN:
    """The file imports (up to 3 hops) a project module whose functions or classes build a Keras
    model with BatchNormalization, and that module or a file importing it uses one of them."""

    def holds(self, project: Project, path: str) -> bool:
        return path in project.keras_bn_reach


@dataclass(frozen=True)
class ReachesAlwaysTrainingBN:
    """The file imports (up to 3 hops) a project module whose BN is fixed in training mode
    (slim/contrib batch_norm without is_training, or a literal training=True)."""

    def holds(self, project: Project, path: str) -> bool:
        return path in project.always_training_reach


@dataclass(frozen=True)
class CallsTrainingBNHelper:
    """The file builds its network from layer helpers of an imported project module (up to 3 hops)
    that are fixed in training mode: ``names`` are the functions the file calls."""

    names: frozenset[str]

    def holds(self, project: Project, path: str) -> bool:
        return project.calls_training_bn_helper(path, self.names)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class PythonIfParameter:
    """``parameter`` (by name or position) is one that BN code of an imported project module (up to
    3 hops) tests with a Python ``if``."""

    parameter: TestedParameter

    def holds(self, project: Project, path: str) -> bool:
        return project.python_if_parameter(path, self.parameter)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class LeavesTrainingDefault:
    """A call of ``name`` (with ``keywords`` and ``given`` positional arguments) leaves out the
    training flag of a BN-building function of an imported project module whose flag defaults True."""

    name: str
    keywords: frozenset[str]
    given: int

    def holds(self, project: Project, path: str) -> bool:
        return project.leaves_training_default(path, self.name, self.keywords, self.given)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class TakesTrainingFlagAt:
    """``name`` is a BN-building function of the file or of a project module it imports whose
    training flag is positional argument ``index`` (``densenet(x, keep_prob, True)``)."""

    name: str
    index: int

    def holds(self, project: Project, path: str) -> bool:
        return project.takes_training_flag_at(path, self.name, self.index)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class NamedByImporter:
    """A file importing this one (up to 3 hops, directly or through ``import *``) names ``name``: a
    helper of this module that this module never calls is used by the program.

    Only for a name that holds one of the summaries' byte triggers (``batch_norm``, ``BatchNorm``): a
    file naming it holds the trigger, so it is analysed with the pre-filter on or off, and a file
    that was not analysed does not name it."""

    name: str

    def holds(self, project: Project, path: str) -> bool:
        return project.named_by_importer(path, self.name)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.importers(path)


@dataclass(frozen=True)
class UsedByEvaluation:
    """The file, or a file importing it (up to 3 hops), runs the model in evaluation, test or
    prediction code (a function named so that runs a session)."""

    def holds(self, project: Project, path: str) -> bool:
        return path in project.evaluation_reach


@dataclass(frozen=True)
class UpdateOpsProgram:
    """The file, or a file importing it (up to 3 hops), is a graph-mode program that reads UPDATE_OPS."""

    def holds(self, project: Project, path: str) -> bool:
        return path in project.idiom_reach

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.importers(path)


@dataclass(frozen=True)
class NotWrapped:
    """Neither the file nor any file importing it (up to 3 hops) calls the function ``name`` under a
    control dependency on the updates."""

    name: str

    def holds(self, project: Project, path: str) -> bool:
        return self.name not in project.wrapped_functions(path)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.importers(path)


@dataclass(frozen=True)
class StatUpdater:
    """``name`` is a function or method of this file or of a project module it imports (up to 3 hops)
    that returns a BN statistics update op (``return self.ema.apply([self.mean, self.variance])``)."""

    name: str

    def holds(self, project: Project, path: str) -> bool:
        return project.stat_updater_defined(path, self.name)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return project.imported(path)


@dataclass(frozen=True)
class ImportedBNFunction:
    """``name`` imported from ``module`` (relative modules keep their dots) builds UPDATE_OPS BN."""

    name: str
    module: str

    def holds(self, project: Project, path: str) -> bool:
        return project.imported_name_has(path, self.module, self.name, lambda summary: summary.bn_functions)

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return _imported_files(project, path, self.module, self.name)


@dataclass(frozen=True)
class ImportedKerasBNFactory:
    """``name`` imported from ``module`` returns a Keras model with BN."""

    name: str
    module: str

    def holds(self, project: Project, path: str) -> bool:
        return project.imported_name_has(
            path, self.module, self.name, lambda summary: summary.keras_bn_factories
        )

    def reads(self, project: Project, path: str) -> frozenset[str]:
        return _imported_files(project, path, self.module, self.name)


def _imported_files(project: Project, path: str, module: str, name: str) -> frozenset[str]:
    """The files ``from module import name`` in ``path`` may refer to (``Project.imported_name_has``)."""
    return frozenset(project.resolve_module(path, module, name) + project.resolve_module(path, module))

"""The project model: where its root is, which file imports which (resolved as Python does), its facts."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable

from bncheck.lint.rulebase import Trigger

if TYPE_CHECKING:
    from bncheck.lint.facts import Fact
    from bncheck.lint.rulebase import Candidate


@dataclass(frozen=True)
class TrainingParameter:
    """The training flag of a function that builds BN: ``def disp_net(image, is_training=True)``."""

    function: str
    flag: str
    index: int  # its position in a call, ``self`` not counted (KEYWORD_ONLY for a keyword-only flag)
    default_true: bool

    KEYWORD_ONLY: ClassVar[int] = 1 << 20


@dataclass(frozen=True)
class TestedParameter:
    """A parameter of a function, by name or by its position in a call (``self`` not counted)."""

    function: str
    parameter: str | int


@dataclass(frozen=True)
class BNSwitch:
    """A parameter that decides whether a function builds UPDATE_OPS BN: every such BN call of the
    function sits in one branch of a Python ``if`` on it (``def generator(z, use_bn=True): if use_bn:
    tf.layers.batch_normalization(...)``; ``if in_place: ...updates_collections=None... else: ...``)."""

    function: str
    parameter: str
    index: int  # its position in a call, ``self`` not counted (TrainingParameter.KEYWORD_ONLY: keyword-only)
    default: bool | None  # the truth of its default; None: no default, or one that is not a constant
    builds_when: bool  # the truth of the parameter under which the function builds the BN


@dataclass(frozen=True)
class CallShape:
    """One way a file calls a function of another module: the truth of each argument that is a
    constant (None: not a constant), whether ``*args``/``**kwargs`` are spread into it, and
    ``opaque`` for a function the file also hands on as a value (its calls are then not all here)."""

    name: str  # as called: ``generator`` for ``generator(...)`` and for ``network.generator(...)``
    positions: tuple[bool | None, ...] = ()
    keywords: tuple[tuple[str, bool | None], ...] = ()
    spread: bool = False
    opaque: bool = False

    def leaves_off(self, switch: BNSwitch) -> bool:
        """This call makes ``switch.function`` build none of the BN that ``switch`` decides."""
        if self.opaque:
            return False
        given = dict(self.keywords)
        if switch.parameter in given:
            value = given[switch.parameter]
        elif self.spread:
            return False
        elif switch.index < len(self.positions):
            value = self.positions[switch.index]
        else:
            value = switch.default
        return value is not None and value != switch.builds_when


@dataclass(frozen=True)
class FileSummary:
    """What other files of the project need to know about one file (plain data, picklable)."""

    path: str
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    update_bn: bool = False  # builds BN that registers its updates in UPDATE_OPS
    any_bn: bool = False  # builds BN with moving statistics
    update_ops_idiom: bool = False  # graph-mode program that reads UPDATE_OPS and not Keras `updates`
    bn_functions: frozenset[str] = frozenset()  # functions/classes building UPDATE_OPS BN
    update_bn_outside_functions: bool = False  # module-level code builds UPDATE_OPS BN
    # names the file calls, passes or assigns (semantics.used_names); None: the file was not analysed
    used_names: frozenset[str] | None = None
    keras_bn_factories: frozenset[str] = frozenset()  # functions/classes returning a Keras model with BN
    wrapped_functions: frozenset[str] = frozenset()  # functions called under a control dependency on updates
    evaluates: bool = False  # runs a session in evaluation, test or prediction code
    always_training_bn: bool = False  # builds BN whose mode is training whatever the caller does
    training_bn_helpers: frozenset[str] = frozenset()  # module-level functions building training-mode BN
    if_tested_parameters: frozenset[TestedParameter] = frozenset()  # tested by a Python `if` in BN code
    training_parameters: frozenset[TrainingParameter] = frozenset()  # flags of BN-building functions
    stat_updaters: frozenset[str] = frozenset()  # functions/methods returning a BN statistics update op
    bn_switches: frozenset[BNSwitch] = frozenset()  # parameters deciding whether a bn_function builds BN
    any_bn_functions: frozenset[str] = frozenset()  # functions/classes building BN with moving statistics
    any_bn_outside_functions: bool = False  # such BN built by module-level code, Keras or tf.nn
    any_bn_switches: frozenset[BNSwitch] = frozenset()  # the same as bn_switches, for any_bn_functions
    call_shapes: frozenset[CallShape] = frozenset()  # how the file calls functions of other modules


# functions named for evaluation, testing, prediction or sampling (semantics.is_evaluation_function),
# and the byte trigger that finds their definitions (the name in any case, as the function's test)
EVALUATION_NAMES = r"test|eval\w*|valid\w*|predict\w*|infer\w*|sample\w*|generate\w*|demo\w*|score"
EVALUATION_DEF = rb"def\s+_*(?i:(\w+_)?(" + EVALUATION_NAMES.encode() + rb"))\s*\("

# Keras applications that hold BN layers (semantics.is_bn_application)
BN_APPLICATION_NAMES = "ResNet|MobileNet|EfficientNet|Inception|Xception|DenseNet|NASNet|RegNet"
_BN_APPLICATION_NAMES = BN_APPLICATION_NAMES.encode()
# what a file's bytes must hold for its summary to carry more than its imports; with the rules'
# triggers, the byte pre-filter is built from these
SUMMARY_TRIGGERS = (
    # update_bn, any_bn, bn_functions: tf.layers / slim BN, normalizer_fn=..., slim nets' arg scopes
    Trigger((b"batch_norm",)),
    Trigger((b"BatchNorm",)),  # keras_bn_factories too
    Trigger((b"normalizer_fn",)),
    Trigger((b"_arg_scope",)),
    # keras_bn_factories: a Keras application with BN (semantics.is_bn_application), called, passed or
    # aliased (`Base = applications.ResNet50`), not only named in prose
    Trigger(
        (b"applications",),
        rb"(?m)(?:" + _BN_APPLICATION_NAMES + rb")\w*[ \t]*[(,)]"
        rb"|=[ \t]*[\w.]*(?:" + _BN_APPLICATION_NAMES + rb")\w*[ \t]*\r?$",
        window=Trigger.EVERYWHERE,
    ),
    Trigger((b"UPDATE_OPS",)),  # update_ops_idiom
    Trigger((b"update_ops",)),
    # wrapped_functions: calls under a control dependency on the updates
    Trigger((b"control_dependencies",), rb"(?i:update)", window=Trigger.EVERYWHERE),
    # evaluates: a `.run(` in a function named for evaluation (semantics.runs_evaluation)
    Trigger((b".run(",), EVALUATION_DEF, window=Trigger.EVERYWHERE),
)

# the standard library and known third-party packages: no project module is among them
_LIBRARY_ROOTS = frozenset(sys.stdlib_module_names) | {
    "tensorflow", "tf_keras", "tf_slim", "keras", "numpy", "scipy", "sklearn", "cv2", "PIL", "matplotlib",
    "pandas", "six", "h5py", "tqdm", "skimage", "imageio", "torch", "absl", "tflearn", "tensorlayer",
}


def is_library_module(module: str) -> bool:
    """``module`` is the standard library's or a known third-party package's, not a project's."""
    return not module.startswith(".") and module.split(".", 1)[0] in _LIBRARY_ROOTS


MAX_HOPS = 3  # how many imports apart a train op and the BN it needs may be
# a fact about a file depends only on files this many imports away, either way (``Project.neighbourhood``)
NEIGHBOURHOOD_HOPS = MAX_HOPS + 1

# a folder holding one of these is a project's root (where `bncheck lint .` would be run)
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# above these, folders belong to an environment, not to a project
_ENVIRONMENT_FOLDERS = ("site-packages", "dist-packages")


def project_root(path: Path) -> Path:
    """The root of the project ``path`` belongs to, as an absolute path.

    The checkout around it (the nearest folder with ``.git``), where a pre-commit hook runs and
    where ``bncheck lint .`` is run, so that a ``setup.py`` that only builds an extension in a
    sub-folder (``lib/setup.py``) does not cut the project in two; outside a checkout, the nearest
    folder with a pyproject.toml, setup.cfg or setup.py.  Neither is searched up to the home folder
    or the file system's root, nor above an installed package's site-packages.  Without any, the
    outermost package folder around the file (folders with ``__init__.py``), else the file's own
    folder.
    """
    start = Path(os.path.abspath(path))
    if not start.is_dir():
        start = start.parent
    # a home folder or the file system's root under version control (dotfiles) is not a project
    too_wide = {Path(os.path.abspath(os.path.expanduser("~"))), Path(start.anchor or os.sep)}
    nearest = None
    for folder in (start, *start.parents):
        if folder.name in _ENVIRONMENT_FOLDERS or folder in too_wide:
            break
        if os.path.exists(folder / ".git"):
            return folder
        if nearest is None and any(os.path.exists(folder / marker) for marker in ROOT_MARKERS):
            nearest = folder
    if nearest is not None:
        return nearest
    top = start
    while (top / "__init__.py").is_file() and (top.parent / "__init__.py").is_file():
        top = top.parent
    return top


_INIT = os.sep + "__init__.py"


def _key(path: str) -> str:
    return path if os.path.isabs(path) and os.sep + "." not in path else os.path.abspath(path)


def _names_used(summary: FileSummary) -> frozenset[str]:
    """The names an analysed file calls, passes or binds, and those it imports by name."""
    return (summary.used_names or frozenset()) | {name for _, names in summary.imports for name in names}


def _switched_off(caller: FileSummary, switches: frozenset[BNSwitch], name: str) -> bool:
    """Every call of ``name`` in ``caller`` leaves a parameter of the BN function ``name`` (one of
    ``switches``, of the callee's summary) at a value that builds none of that BN
    (``generator(z, use_bn=False)``; a wrapper whose ``in_place_update=True`` default keeps the updates
    out of UPDATE_OPS)."""
    switches = [switch for switch in switches if switch.function == name]
    if not switches:
        return False
    shapes = [shape for shape in caller.call_shapes if shape.name == name]
    if not shapes:
        return False
    return any(all(shape.leaves_off(switch) for shape in shapes) for switch in switches)


def _update_bn_of(summary: FileSummary) -> tuple[bool, bool, frozenset[str], frozenset[BNSwitch]]:
    return summary.update_bn, summary.update_bn_outside_functions, summary.bn_functions, summary.bn_switches


def _any_bn_of(summary: FileSummary) -> tuple[bool, bool, frozenset[str], frozenset[BNSwitch]]:
    return summary.any_bn, summary.any_bn_outside_functions, summary.any_bn_functions, summary.any_bn_switches


class Project:
    """The files of a project, the import graph between them (resolved as Python would), and its facts.

    Paths are keyed by their absolute spelling, so that a file named ``train.py`` on the command
    line and the same file found under the project root are one file.
    """

    def __init__(self, summaries: list[FileSummary], roots: tuple[str, ...] = ()) -> None:
        self.summaries = {_key(summary.path): summary for summary in summaries}
        # folders that are on sys.path when the project runs (its root, and a src/ layout's src)
        self.roots = tuple(
            dict.fromkeys(
                folder for root in roots for folder in (_key(root), os.path.join(_key(root), "src"))
            )
        )
        # the module each file is, by the path it is imported as: `a/b.py` and `a/b/__init__.py` are `a/b`
        self._modules: dict[str, str] = {}
        for path in self.summaries:
            if path.endswith(_INIT):
                self._modules.setdefault(path[: -len(_INIT)], path)
        for path in self.summaries:
            if path.endswith(".py") and not path.endswith(_INIT):
                self._modules[path[:-3]] = path
        self._search: dict[str, tuple[str, ...]] = {}
        self._at_root: dict[tuple[str, str, str], str | None] = {}  # (root, module, name) -> file or None
        self._edges: dict[str, set[str]] | None = None
        self._reverse: dict[str, set[str]] | None = None
        self._wrapped: dict[str, frozenset[str]] = {}

    def _search_roots(self, folder: str) -> tuple[str, ...]:
        """Where ``import m`` in a file of ``folder`` finds ``m``, in order: that folder (a script's
        folder is on sys.path; Python 2 also imported siblings implicitly), the folder above its
        outermost package, then the project roots."""
        roots = self._search.get(folder)
        if roots is None:
            top = folder
            while top + _INIT in self.summaries and os.path.dirname(top) != top:
                top = os.path.dirname(top)
            roots = self._search[folder] = tuple(dict.fromkeys((folder, top, *self.roots)))
        return roots

    def _between_roots(self, folder: str) -> tuple[str, ...]:
        """The folders between ``folder`` and the project root, nearest first: where a module is looked
        for last, since the folder of a script importing this one through a namespace package is on
        sys.path too (`cifar10/run.py` imports `nets.models`, whose `__init__.py` imports
        `nets.models.resnet`)."""
        between = []
        parent = os.path.dirname(folder)
        inside = tuple(root + os.sep for root in self.roots)
        while parent != os.path.dirname(parent) and parent.startswith(inside):
            between.append(parent)
            parent = os.path.dirname(parent)
        return tuple(between)

    def _resolve_searching(self, importer: str, roots: tuple[str, ...], module: str, name: str) -> list[str]:
        """An absolute import: in ``roots``, then (a project's module, not a library's) the folders
        between the importer and the project root."""
        found = self._resolve_absolute(roots, module, name)
        if found or is_library_module(module):
            return found
        return self._resolve_absolute(self._between_roots(os.path.dirname(importer)), module, name)

    def resolve_module(self, importer: str, module: str, name: str = "") -> list[str]:
        """Files of the project that ``from module import name`` in ``importer`` refers to."""
        return self._resolve(_key(importer), module, name)

    def _resolve(self, importer: str, module: str, name: str) -> list[str]:
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
        return self._resolve_searching(importer, self._search_roots(os.path.dirname(importer)), module, name)

    def _resolve_absolute(self, roots: tuple[str, ...], module: str, name: str) -> list[str]:
        at_root = self._at_root
        for root in roots:
            key = (root, module, name)
            found = at_root.get(key, False)
            if found is False:
                found = at_root[key] = self._resolve_at(root, module, name)
            if found is not None:
                return [found]
        return []

    def _resolve_at(self, root: str, module: str, name: str) -> str | None:
        """``from module import name`` with ``root`` on sys.path: the submodule ``name`` if there is one."""
        base = root + os.sep + module.replace(".", os.sep)
        if name:
            submodule = self._modules.get(base + os.sep + name)
            if submodule is not None:
                return submodule
        return self._modules.get(base)

    def _graph(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._edges is None:
            edges: dict[str, set[str]] = {path: set() for path in self.summaries}
            reverse: dict[str, set[str]] = {path: set() for path in self.summaries}
            for path, summary in self.summaries.items():
                roots = self._search_roots(os.path.dirname(path)) if summary.imports else ()
                for module, names in summary.imports:
                    targets: list[str] = []
                    for name in names or ("",):
                        if module.startswith("."):
                            targets += self._resolve(path, module, name)
                        else:
                            targets += self._resolve_searching(path, roots, module, name)
                    for target in targets:
                        if target != path:
                            edges[path].add(target)
                            reverse[target].add(path)
            self._edges, self._reverse = edges, reverse
        return self._edges, self._reverse

    def imported(self, path: str, hops: int = MAX_HOPS) -> frozenset[str]:
        """``path`` and the files it imports, directly or through up to ``hops`` imports."""
        return self._within_hops({_key(path)}, forward=True, hops=hops)

    def importers(self, path: str, hops: int = MAX_HOPS) -> frozenset[str]:
        """``path`` and the files importing it, directly or through up to ``hops`` imports."""
        return self._within_hops({_key(path)}, forward=False, hops=hops)

    def _within_hops(self, sources: set[str], forward: bool, hops: int = MAX_HOPS) -> frozenset[str]:
        """Files at most ``hops`` imports away from ``sources``.

        ``forward=False`` walks to importers: the files that import a source (directly or
        through up to MAX_HOPS modules).  The bound keeps a huge, fully connected
        code base from making every file "reach" every other one.
        """
        edges, reverse = self._graph()
        step = edges if forward else reverse
        seen = set(sources)
        frontier = set(sources)
        for _ in range(hops):
            frontier = {other for path in frontier for other in step.get(path, ()) if other not in seen}
            if not frontier:
                break
            seen |= frontier
        return frozenset(seen)

    @cached_property
    def update_bn_reach(self) -> frozenset[str]:
        """Files that build UPDATE_OPS BN or import (up to MAX_HOPS) one that does, and the helpers
        such a file imports directly (a train-op factory in utils.py called by the script that builds BN)."""
        return self._update_bn_importers | self._update_bn_helpers

    @cached_property
    def _update_bn_importers(self) -> frozenset[str]:
        """Files that build UPDATE_OPS BN or import (up to MAX_HOPS) one that does."""
        sources = {path for path, summary in self.summaries.items() if summary.update_bn}
        return self._within_hops(sources, forward=False)

    @cached_property
    def _update_bn_helpers(self) -> frozenset[str]:
        """Files that a file building UPDATE_OPS BN imports directly (a train-op factory in utils.py)."""
        edges, _ = self._graph()
        return frozenset(
            target
            for path, summary in self.summaries.items()
            if summary.update_bn
            for target in edges.get(path, ())
        )

    def reaches_update_bn(self, path: str) -> bool:
        """``path`` is in ``update_bn_reach``, and not only by importing, directly, modules that build
        UPDATE_OPS BN inside functions or classes that ``path`` never names (a shared ``ops.py``
        with a ``batch_norm`` helper, imported by a model that uses none of it) or calls with their
        BN switched off.  Through what the imported modules import: a module that is in the reach only
        as another BN file's helper holds no BN for this file (and whether it is one depends on files
        this one never reads, so that each file linted alone gives the findings of the whole)."""
        return self._reaches(
            path, self.update_bn_reach, _update_bn_of, self._update_bn_helpers, self._update_bn_importers
        )

    def reaches_any_bn(self, path: str) -> bool:
        """``path`` is in ``any_bn_reach``, and not only by calling, with their BN switched off, the
        functions of the modules it imports directly (``network.generator(z, use_bn=False)``)."""
        reach = self.any_bn_reach
        return self._reaches(path, reach, _any_bn_of, frozenset(), reach, unnamed_counts=True)

    def _reaches(
        self,
        path: str,
        reach: frozenset[str],
        bn_of: Callable[[FileSummary], tuple[bool, bool, frozenset[str], frozenset[BNSwitch]]],
        helpers: frozenset[str],
        through: frozenset[str],
        unnamed_counts: bool = False,
    ) -> bool:
        """``path`` is in ``reach`` and builds the BN itself, is one of ``helpers``, or a module it
        imports directly, in ``through``, gives it BN: one that only imports BN, builds it outside its
        functions, or whose BN functions ``path`` names (``unnamed_counts``: or names none of) unless
        every call switches their BN off, or one that imports a file in ``through``.  ``bn_of`` says,
        of a summary: builds BN, outside its functions, the functions, their switches."""
        path = _key(path)
        if path not in reach:
            return False
        summary = self.summaries.get(path)
        if summary is None or bn_of(summary)[0] or summary.used_names is None or path in helpers:
            return True
        used = _names_used(summary)
        edges, _ = self._graph()
        for target in edges.get(path, ()):
            if target not in through:
                continue
            other = self.summaries[target]
            builds, outside, functions, switches = bn_of(other)
            named = functions & used
            if (
                not builds
                or outside
                or (unnamed_counts and not named)
                or any(not _switched_off(summary, switches, name) for name in named)
                or any(next_target in through for next_target in edges.get(target, ()))
            ):
                return True
        return False

    @cached_property
    def any_bn_reach(self) -> frozenset[str]:
        """Files that build BN with moving statistics or import (up to MAX_HOPS) one that does."""
        sources = {path for path, summary in self.summaries.items() if summary.any_bn}
        return self._within_hops(sources, forward=False)

    @cached_property
    def keras_bn_reach(self) -> frozenset[str]:
        """Files whose functions build a Keras model with BN, and the files importing them (MAX_HOPS)."""
        sources = {
            path
            for path, summary in self.summaries.items()
            if summary.keras_bn_factories and self._keras_factory_used(path, summary)
        }
        return self._within_hops(sources, forward=False)

    def _keras_factory_used(self, path: str, summary: FileSummary) -> bool:
        """One of the file's Keras BN factories is named in the file itself or by a file importing it
        (a ``Conv2DBN`` layer class kept next to the ``tf.layers`` path that nothing uses builds nothing)."""
        names = {name for name in summary.keras_bn_factories if not name.startswith("__")}
        if names & (summary.used_names or frozenset()):
            return True
        for other in self.importers(path) - {path}:
            user = self.summaries.get(other)
            if user is None or user.used_names is None:
                continue
            if names & user.used_names or any(names.intersection(imported) for _, imported in user.imports):
                return True
        return False

    @cached_property
    def always_training_reach(self) -> frozenset[str]:
        """Files that build BN fixed in training mode, and the files importing them (up to MAX_HOPS)."""
        sources = {path for path, summary in self.summaries.items() if summary.always_training_bn}
        return self._within_hops(sources, forward=False)

    @cached_property
    def evaluation_reach(self) -> frozenset[str]:
        """Files that evaluate a model, and the files they import (up to MAX_HOPS)."""
        sources = {path for path, summary in self.summaries.items() if summary.evaluates}
        return self._within_hops(sources, forward=True)

    def _imported_by(self, reach: frozenset[str]) -> frozenset[str]:
        edges, _ = self._graph()
        return frozenset(target for source in reach for target in edges.get(source, ()))

    @cached_property
    def update_bn_siblings(self) -> frozenset[str]:
        """Files imported directly by a file that builds or imports UPDATE_OPS BN."""
        return self._imported_by(self.update_bn_reach)

    @cached_property
    def any_bn_siblings(self) -> frozenset[str]:
        """Files imported directly by a file that builds or imports BN with moving statistics."""
        return self._imported_by(self.any_bn_reach)

    @cached_property
    def idiom_reach(self) -> frozenset[str]:
        """Graph-mode UPDATE_OPS programs and the files they import (up to MAX_HOPS)."""
        sources = {path for path, summary in self.summaries.items() if summary.update_ops_idiom}
        return self._within_hops(sources, forward=True)

    def calls_training_bn_helper(self, path: str, names: frozenset[str]) -> bool:
        """One of ``names`` (functions ``path`` calls) is a training-mode BN helper of a module that
        ``path`` imports (up to MAX_HOPS)."""
        return any(
            names & self.summaries[other].training_bn_helpers
            for other in self.imported(path)
            if other in self.summaries and other != _key(path)
        )

    def python_if_parameter(self, path: str, parameter: TestedParameter) -> bool:
        """``parameter`` is tested by a Python ``if`` in BN code of a module that ``path`` imports
        (up to MAX_HOPS)."""
        return any(
            parameter in self.summaries[other].if_tested_parameters
            for other in self.imported(path)
            if other in self.summaries and other != _key(path)
        )

    def leaves_training_default(self, path: str, name: str, keywords: frozenset[str], given: int) -> bool:
        """A call of ``name`` with these keywords and ``given`` positional arguments leaves out the
        training flag of a function (of a module ``path`` imports) whose flag defaults to True."""
        for other in self.imported(path):
            if other not in self.summaries or other == _key(path):
                continue
            for parameter in self.summaries[other].training_parameters:
                if (
                    parameter.default_true
                    and parameter.function == name
                    and parameter.flag not in keywords
                    and parameter.index >= given
                ):
                    return True
        return False

    def takes_training_flag_at(self, path: str, name: str, index: int) -> bool:
        """``name``, a BN-building function of ``path`` or of a module it imports (up to MAX_HOPS), takes
        its training flag as positional argument ``index``."""
        return any(
            parameter.function == name and parameter.index == index
            for other in self.imported(path)
            if other in self.summaries
            for parameter in self.summaries[other].training_parameters
        )

    def stat_updater_defined(self, path: str, name: str) -> bool:
        """``name`` is a function or method of ``path`` or of a file it imports (up to MAX_HOPS) that
        returns a BN statistics update op."""
        return any(
            name in self.summaries[other].stat_updaters
            for other in self.imported(path)
            if other in self.summaries
        )

    def wrapped_functions(self, path: str) -> frozenset[str]:
        """Functions that ``path`` or a file importing it (up to MAX_HOPS) calls under a control
        dependency on the updates: only those files can call the functions ``path`` defines."""
        if path not in self._wrapped:
            callers = self._within_hops({path}, forward=False)
            self._wrapped[path] = frozenset().union(
                *(self.summaries[caller].wrapped_functions for caller in callers if caller in self.summaries)
            )
        return self._wrapped[path]

    def reads(self, path: str, facts: Iterable[Fact]) -> frozenset[str]:
        """The files whose summaries can change whether ``facts`` hold for ``path``.

        A fact that says which files it reads (``reads(project, path)``) gets those; any other
        fact, every file up to NEIGHBOURHOOD_HOPS imports away (``neighbourhood``).
        """
        needed: set[str] = {_key(path)}
        for fact in facts:
            reads = getattr(fact, "reads", None)
            needed |= reads(self, _key(path)) if reads is not None else self.neighbourhood([path])
        return frozenset(needed)

    def named_by_importer(self, path: str, name: str) -> bool:
        """Some file importing ``path`` (up to MAX_HOPS, itself not counted) names ``name``: calls,
        passes or binds it (``used_names``) or imports it by name.  A file not analysed names nothing
        (see ``facts.NamedByImporter``)."""
        path = _key(path)
        for other in self.importers(path) - {path}:
            summary = self.summaries.get(other)
            if summary is None or summary.used_names is None:
                continue
            if name in _names_used(summary):
                return True
        return False

    def neighbourhood(self, paths: list[str]) -> frozenset[str]:
        """The files whose summaries can change a fact about ``paths`` (keys of ``summaries``).

        Every fact looks at most MAX_HOPS imports away in one direction plus one in the other (a
        helper imported by the BN file, a module imported next to one that reaches BN), so the
        files up to NEIGHBOURHOOD_HOPS imports away, in either direction, are enough.
        """
        edges, reverse = self._graph()
        seen = {_key(path) for path in paths}
        frontier = set(seen)
        for _ in range(NEIGHBOURHOOD_HOPS):
            frontier = {
                other
                for path in frontier
                for other in (*edges.get(path, ()), *reverse.get(path, ()))
                if other not in seen
            }
            if not frontier:
                break
            seen |= frontier
        return frozenset(seen)

    def imported_name_has(
        self, path: str, module: str, name: str, names_of: Callable[[FileSummary], frozenset[str]]
    ) -> bool:
        """Whether ``from module import name`` in ``path`` names something in ``names_of(summary)``
        of the file it resolves to (``name`` a function of that module, or of ``module.name``)."""
        targets = self.resolve_module(path, module, name) + self.resolve_module(path, module)
        return any(name in names_of(self.summaries[target]) for target in targets)

    def accepts(self, path: str, candidate: Candidate) -> bool:
        """Whether a candidate finding of ``path`` stands once project facts are known."""
        path = _key(path)
        if not all(fact.holds(self, path) for fact in candidate.requires):
            return False
        return not candidate.any_of or any(fact.holds(self, path) for fact in candidate.any_of)

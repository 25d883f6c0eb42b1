"""Count training steps and BN update runs by wrapping ``Session.run``.

``BaseSession.run`` is the one method every session path ends in: a plain
``tf.compat.v1.Session``, ``InteractiveSession``, and ``MonitoredSession`` /
``MonitoredTrainingSession`` (whose hooked and recoverable wrappers call the
``Session`` they wrap).  The wrapper looks up, per fetch set, which train ops
and which BN layers' update ops that run executes; the dependency walk behind
the answer runs once per fetch set, so a training step costs a dict lookup.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bncheck.graph.model import BnLayer, SourceLine
from bncheck.trace.report import LayerCount, TraceReport, TrainOpCount


class StopTraining(BaseException):
    """Raised out of ``Session.run`` after ``--max-steps`` training steps.

    A BaseException, like KeyboardInterrupt, so that a script's ``except Exception``
    does not swallow it.
    """


@dataclass(frozen=True)
class _RunKind:
    """What one fetch set runs: the train ops among the fetches and the BN layers whose updates it runs."""

    train_ops: tuple[str, ...]
    layers: tuple[str, ...]
    fetches: tuple  # keeps the fetched objects alive so that their ids stay unique
    counters: tuple  # the keys of UpdateWatcher._counts that one such run increments


class _GraphState:
    """Per-graph analysis, refreshed when ops were added since, and the per-fetch-set cache."""

    def __init__(self, graph: Any) -> None:
        from bncheck.graph.walk import DependencyWalker

        self.graph = graph
        self.walker = DependencyWalker(graph)
        self.version = -1
        self.layers: dict[str, BnLayer] = {}
        self.update_owner: dict[str, str] = {}
        self.apply_ops: frozenset[str] = frozenset()
        self.kinds: dict[tuple, _RunKind] = {}
        self.train_sites: dict[str, SourceLine | None] = {}
        self.steps = 0

    def refresh(self) -> None:
        from bncheck.graph.analyze import analyze_graph

        version = self.graph.version
        if version == self.version:
            return
        analysis = analyze_graph(self.graph, with_sources=True, walker=self.walker)
        self.layers = {layer.name: layer for layer in analysis.layers}
        self.update_owner = {op: layer.name for layer in analysis.layers for op in layer.update_ops}
        self.apply_ops = analysis.apply_ops
        self.version = version

    def classify(self, key: tuple, leaves: tuple) -> _RunKind:
        from bncheck.graph.sources import creation_site

        self.refresh()
        ops = []
        for leaf in leaves:
            try:
                element = self.graph.as_graph_element(leaf, allow_tensor=True, allow_operation=True)
            except (TypeError, ValueError, KeyError):
                continue
            ops.append(getattr(element, "op", element))
        train_ops = []
        for op in dict.fromkeys(ops):
            if self.walker.closure([op]) & self.apply_ops:
                train_ops.append(op.name)
                if op.name not in self.train_sites:
                    self.train_sites[op.name] = creation_site(op)
        ran = self.walker.closure(ops)
        layers = sorted({self.update_owner[name] for name in ran if name in self.update_owner})
        gid = id(self.graph)
        counters = [("update_runs", gid, layer) for layer in layers]
        if train_ops:
            counters += [("train", gid, name) for name in train_ops]
            counters += [("step_updates", gid, layer) for layer in layers]
        kind = _RunKind(tuple(train_ops), tuple(layers), leaves, tuple(counters))
        self.kinds[key] = kind
        return kind


_CONTAINERS = (list, tuple, dict)


def _leaves(fetches: Any) -> tuple:
    if isinstance(fetches, (list, tuple)):
        # the common case, a flat list like [train_op, loss], without building a work stack
        for item in fetches:
            if isinstance(item, _CONTAINERS) or item is None:
                break
        else:
            return tuple(fetches)
        stack, leaves = list(fetches), []
        while stack:
            item = stack.pop(0)
            if isinstance(item, (list, tuple)):
                stack[:0] = list(item)
            elif isinstance(item, dict):
                stack[:0] = list(item.values())
            elif item is not None:
                leaves.append(item)
        return tuple(leaves)
    if isinstance(fetches, dict):
        return _leaves(list(fetches.values()))
    return (fetches,)


class UpdateWatcher:
    """Counts, while active, training steps and per-BN-layer update runs of every ``Session.run``."""

    def __init__(self, max_steps: int | None = None) -> None:
        self.max_steps = max_steps
        self.steps = 0
        self.stopped_by_max_steps = False
        self._graphs: dict[int, _GraphState] = {}
        # (kind of count, graph id, op or layer name) -> count; kinds: "train", "step_updates", "update_runs"
        self._counts: Counter = Counter()
        self._lock = threading.Lock()

    def record(self, graph: Any, fetches: Any) -> None:
        """Count one successful ``session.run(fetches)`` on ``graph``."""
        state = self._graphs.get(id(graph))
        if state is None or state.graph is not graph:
            state = self._graphs[id(graph)] = _GraphState(graph)
        leaves = _leaves(fetches)
        key = tuple(map(id, leaves))
        kind = state.kinds.get(key)
        if kind is None:
            with self._lock:
                kind = state.classify(key, leaves)
        counts = self._counts
        for counter in kind.counters:
            counts[counter] += 1
        if kind.train_ops:
            self.steps += 1
            state.steps += 1
            if self.max_steps is not None and self.steps >= self.max_steps:
                self.stopped_by_max_steps = True
                raise StopTraining(self.steps)

    def report(self, outcome: str | None = None) -> TraceReport:
        """Counts so far, for the graphs in which training steps ran."""
        train_ops, layers = [], []
        for gid, state in self._graphs.items():
            if state.steps == 0:
                continue  # an evaluation-only graph: its layers are not expected to update
            for (kind, owner, name), steps in sorted(self._counts.items()):
                if kind == "train" and owner == gid:
                    train_ops.append(TrainOpCount(name, steps, state.train_sites.get(name)))
            for layer in state.layers.values():
                layers.append(
                    LayerCount(
                        name=layer.name,
                        api=layer.api,
                        update_ops=len(layer.update_ops),
                        steps_with_updates=self._counts["step_updates", gid, layer.name],
                        update_runs=self._counts["update_runs", gid, layer.name],
                        created_at=layer.created_at,
                    )
                )
        return TraceReport(self.steps, tuple(train_ops), tuple(layers), self.stopped_by_max_steps, outcome)

    def findings(self) -> list:
        """BN204 findings for the run so far."""
        from bncheck.trace.report import trace_findings

        return trace_findings(self.report())

    def start(self) -> None:
        _install(self)

    def stop(self) -> None:
        _uninstall(self)


_active: list[UpdateWatcher] = []
_originals: dict[str, Any] = {}


def _record(graph: Any, fetches: Any) -> None:
    for active in tuple(_active):
        active.record(graph, fetches)


class _RecordingCallable:
    """A session callable (``make_callable``, Keras's ``_make_callable_from_options``) that records runs."""

    def __init__(self, callable_: Any, graph: Any, fetches: Any) -> None:
        self._callable = callable_
        self._graph = graph
        self._fetches = fetches

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self._callable(*args, **kwargs)
        _record(self._graph, self._fetches)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._callable, name)


def _install(watcher: UpdateWatcher) -> None:
    if not _active:
        from bncheck import tfcompat

        tfcompat.load()
        from tensorflow.python.client import session as session_lib

        base = session_lib.BaseSession
        _originals.update(
            run=base.run,
            make_callable=base.make_callable,
            _make_callable_from_options=base._make_callable_from_options,
        )
        original_run = _originals["run"]
        original_make_callable = _originals["make_callable"]
        original_from_options = _originals["_make_callable_from_options"]

        def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
            result = original_run(self, fetches, feed_dict, options, run_metadata)
            _record(self.graph, fetches)
            return result

        def make_callable(self, fetches, feed_list=None, accept_options=False):
            callable_ = original_make_callable(self, fetches, feed_list, accept_options)
            if feed_list:
                return callable_  # this form calls self.run, which records already
            return _RecordingCallable(callable_, self.graph, fetches)

        def make_callable_from_options(self, callable_options):
            callable_ = original_from_options(self, callable_options)
            names = tuple(callable_options.fetch) + tuple(callable_options.target)
            return _RecordingCallable(callable_, self.graph, list(names))

        for name, wrapper in (
            ("run", run),
            ("make_callable", make_callable),
            ("_make_callable_from_options", make_callable_from_options),
        ):
            wrapper.__wrapped__ = _originals[name]  # type: ignore[attr-defined]
            wrapper.__doc__ = _originals[name].__doc__
            setattr(base, name, wrapper)
    _active.append(watcher)


def _uninstall(watcher: UpdateWatcher) -> None:
    if watcher in _active:
        _active.remove(watcher)
    if not _active and _originals:
        from tensorflow.python.client import session as session_lib

        for name, original in _originals.items():
            setattr(session_lib.BaseSession, name, original)
        _originals.clear()


@contextlib.contextmanager
def watch_updates(check: bool = False) -> Iterator[UpdateWatcher]:
    """Watch every ``Session.run`` in the block; ``report()`` and ``findings()`` of the watcher give counts.

    With ``check=True`` the block raises AssertionError (with the BN204 messages)
    when training steps ran and some BN layer's updates never did.
    """
    watcher = UpdateWatcher()
    watcher.start()
    try:
        yield watcher
    finally:
        watcher.stop()
    if check:
        findings = watcher.findings()
        if findings:
            raise AssertionError("\n".join(f"{f.code} {f.location}: {f.message}" for f in findings))

"""The Python API for users' own tests: ``bncheck.assert_updates_run`` and ``bncheck.watch_updates``.

``import bncheck`` exposes these lazily (module ``__getattr__``), so importing
bncheck alone never imports TensorFlow.
"""

from __future__ import annotations

from typing import Any

from bncheck.trace.watch import watch_updates

__all__ = ["assert_updates_run", "watch_updates"]


def _ops(fetches: Any) -> list[Any]:
    stack, ops = [fetches], []
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif item is not None:
            ops.append(getattr(item, "op", item))
    return ops


def assert_updates_run(train_op: Any) -> None:
    """Raise AssertionError (BN201) unless running ``train_op`` runs every BN layer's moving-stat updates.

    ``train_op`` is a ``tf.Operation`` or ``tf.Tensor`` (or a list of them, as
    fetched together in one ``session.run``).  Layers built with a constant
    ``training=False`` have no updates and are not asked for.
    """
    from bncheck.graph.analyze import analyze_graph
    from bncheck.graph.checks import bn201_message, missing_updates

    ops = _ops(train_op)
    if not ops:
        raise TypeError("assert_updates_run needs a tf.Operation or tf.Tensor, got nothing")
    analysis = analyze_graph(ops[0].graph, train_op=[op.name for op in ops], with_sources=True)
    missing = missing_updates(analysis)
    if missing:
        sites = "; ".join(f"'{layer.name}' created at {layer.created_at or '?'}" for layer in missing)
        raise AssertionError(f"BN201 {bn201_message(missing, [op.name for op in ops])} ({sites})")

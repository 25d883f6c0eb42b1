"""What a traced run did: training steps, per-train-op and per-BN-layer counts, and BN204."""

from __future__ import annotations

from dataclasses import dataclass

from bncheck.findings import Finding, Location
from bncheck.graph.model import SourceLine
from bncheck.trace.rules import BN204
from bncheck.wording import plural


@dataclass(frozen=True)
class TrainOpCount:
    name: str
    steps: int
    created_at: SourceLine | None


@dataclass(frozen=True)
class LayerCount:
    """Per-layer counts: ``steps_with_updates`` of the training steps, ``update_runs`` of all runs."""

    name: str
    api: str
    update_ops: int
    steps_with_updates: int
    update_runs: int
    created_at: SourceLine | None


@dataclass(frozen=True)
class TraceReport:
    steps: int
    train_ops: tuple[TrainOpCount, ...]
    layers: tuple[LayerCount, ...]
    stopped_by_max_steps: bool = False
    outcome: str | None = None  # e.g. "raised ValueError: bad batch"; None when it ended normally

    def to_dict(self) -> dict:
        def site(value: SourceLine | None) -> dict | None:
            return None if value is None else {"path": value.path, "line": value.line}

        return {
            "steps": self.steps,
            "stopped_by_max_steps": self.stopped_by_max_steps,
            "outcome": self.outcome,
            "train_ops": [
                {"name": op.name, "steps": op.steps, "created_at": site(op.created_at)}
                for op in self.train_ops
            ],
            "layers": [
                {
                    "name": layer.name,
                    "api": layer.api,
                    "update_ops": layer.update_ops,
                    "steps_with_updates": layer.steps_with_updates,
                    "update_runs": layer.update_runs,
                    "created_at": site(layer.created_at),
                }
                for layer in self.layers
            ],
        }


def trace_findings(report: TraceReport) -> list[Finding]:
    """BN204 for every layer with update ops that no run executed while training steps ran."""
    if report.steps == 0:
        return []
    train_ops = ", ".join(f"{op.name} ({op.created_at or '?'})" for op in report.train_ops)
    findings = []
    for layer in report.layers:
        if layer.update_ops == 0 or layer.update_runs > 0:
            continue
        where = layer.created_at
        location = (
            Location(where.path, where.line, symbol=layer.name)
            if where
            else Location("<graph>", symbol=layer.name)
        )
        findings.append(
            BN204.finding(
                f"BN layer '{layer.name}' ({layer.api}): {plural(report.steps, 'training step')} ran "
                f"({train_ops}) and its {plural(layer.update_ops, 'moving-statistics update op')} "
                + ("ran in none of them" if report.steps > 1 else "did not run in it"),
                location,
                "make the train op depend on the layer's update ops (tf.control_dependencies on UPDATE_OPS, "
                "or model.updates for Keras), or fetch them in the same session.run",
            )
        )
    return findings

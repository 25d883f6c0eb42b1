"""Plain data that a scenario run returns: snapshots, output summaries, observations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bncheck.scenarios.expectations import ExpectationResult

SMALL = 16  # tensors of at most this many elements are shown in full


@dataclass(frozen=True)
class ValueSummary:
    shape: tuple[int, ...]
    minimum: float
    mean: float
    maximum: float
    std: float
    values: list | None  # flat values when the tensor is small

    def to_dict(self) -> dict:
        return {
            "shape": list(self.shape),
            "min": self.minimum,
            "mean": self.mean,
            "max": self.maximum,
            "std": self.std,
            "values": self.values,
        }


@dataclass(frozen=True)
class VariableSnapshot:
    name: str
    shape: tuple[int, ...]
    dtype: str
    trainable: bool
    device: str
    value: ValueSummary
    optimizer: bool = False  # one of the optimizer's own variables (Adam's slots, beta powers)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "trainable": self.trainable,
            "device": self.device,
            "optimizer": self.optimizer,
            "value": self.value.to_dict(),
        }


@dataclass(frozen=True)
class VariantResult:
    label: str
    settings: dict[str, Any]
    snapshots: dict[str, list[VariableSnapshot]]
    outputs: dict[str, ValueSummary]
    observations: dict[str, Any]
    expectations: list[ExpectationResult]
    notes: list[str] = field(default_factory=list)
    role: str | None = None  # "bug" or "fix", as the scenario file says
    arrays: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # raw numpy, for tests

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "role": self.role,
            "settings": self.settings,
            "snapshots": {
                phase: [snap.to_dict() for snap in snaps] for phase, snaps in self.snapshots.items()
            },
            "outputs": {name: summary.to_dict() for name, summary in self.outputs.items()},
            "observations": self.observations,
            "expectations": [result.to_dict() for result in self.expectations],
            "notes": self.notes,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Trajectory:
    api: str
    steps: int
    batch_mean: float
    series: dict[str, list[float]]  # momentum (as text) -> moving_mean of channel 0 after each step
    expectations: list[ExpectationResult]

    def to_dict(self) -> dict:
        return {
            "api": self.api,
            "steps": self.steps,
            "batch_mean": self.batch_mean,
            "series": self.series,
            "expectations": [result.to_dict() for result in self.expectations],
        }


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    title: str
    pitfall: str
    path: str
    procedure: str
    device: str
    device_requested: str
    devices_used: list[str]
    tensorflow_version: str
    variants: list[VariantResult]
    trajectory: Trajectory | None
    verdict: dict[str, str]
    references: list[str]
    seconds: float

    @property
    def expectations(self) -> list[ExpectationResult]:
        results = [result for variant in self.variants for result in variant.expectations]
        if self.trajectory is not None:
            results += self.trajectory.expectations
        return results

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    def variant(self, label: str) -> VariantResult:
        for variant in self.variants:
            if variant.label == label:
                return variant
        raise KeyError(label)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "pitfall": self.pitfall,
            "file": self.path,
            "procedure": self.procedure,
            "device": {
                "used": self.device,
                "requested": self.device_requested,
                "placements": self.devices_used,
            },
            "tensorflow_version": self.tensorflow_version,
            "passed": self.passed,
            "variants": [variant.to_dict() for variant in self.variants],
            "trajectory": None if self.trajectory is None else self.trajectory.to_dict(),
            "verdict": self.verdict,
            "references": self.references,
            "seconds": round(self.seconds, 3),
        }

"""The plain data an audit produces: checkpoints, BN layers, their statistics."""

from __future__ import annotations

from dataclasses import dataclass

from bncheck.findings import Finding

# Roles a variable can play in a batch-norm layer, in display order.
ROLE_GAMMA = "gamma"
ROLE_BETA = "beta"
ROLE_AFFINE = "gamma_or_beta"  # a Keras 3 weights file without config: scale or offset, unknown which
ROLE_MEAN = "moving_mean"
ROLE_VARIANCE = "moving_variance"
RENORM_ROLES = ("renorm_mean", "renorm_stddev", "renorm_mean_weight", "renorm_stddev_weight", "moving_stddev")
ROLES = (ROLE_GAMMA, ROLE_BETA, ROLE_AFFINE, ROLE_MEAN, ROLE_VARIANCE) + RENORM_ROLES

# Layer status values, as shown in the per-layer table.
STATUS_UPDATED = "updated"  # moving statistics differ from their initial values
STATUS_INITIAL = "initial"  # moving_mean all 0 and moving_variance all 1
STATUS_MISSING = "missing"  # gamma/beta saved, moving statistics not
STATUS_INVALID = "invalid"  # NaN/Inf, or a non-positive variance


@dataclass(frozen=True)
class TensorStats:
    """What the checks need from one saved tensor, without keeping the tensor."""

    key: str  # the key in the checkpoint or the dataset path in the HDF5 file
    size: int
    minimum: float  # over finite values; NaN when none is finite
    maximum: float
    nan_count: int
    inf_count: int
    nonpositive_count: int
    all_zero: bool
    all_one: bool
    digest: str  # content hash, to tell whether a tensor changed between checkpoints


@dataclass(frozen=True)
class BnLayer:
    """One batch-normalization layer found in a checkpoint."""

    name: str
    channels: int
    tensors: tuple[tuple[str, TensorStats], ...]  # (role, stats), roles from ROLES
    status: str

    def get(self, role: str) -> TensorStats | None:
        """The stats of the tensor playing ``role``, or None when it is not saved."""
        for name, stats in self.tensors:
            if name == role:
                return stats
        return None

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for role, _ in self.tensors)

    @property
    def affine_moved(self) -> bool:
        """True when gamma left 1 or beta left 0 (evidence of training)."""
        gamma, beta, affine = self.get(ROLE_GAMMA), self.get(ROLE_BETA), self.get(ROLE_AFFINE)
        return bool(
            (gamma is not None and not gamma.all_one)
            or (beta is not None and not beta.all_zero)
            or (affine is not None and not affine.all_one and not affine.all_zero)
        )


@dataclass(frozen=True)
class CheckpointInfo:
    """Which checkpoint was read and what it holds."""

    path: str  # the prefix, directory or file that was read
    kind: str  # "tf1", "tf2-object", "savedmodel", "keras", "keras-h5"
    step: int | None  # global_step / optimizer iterations; None when not saved
    tensor_count: int
    tensors_read: int  # how many tensors the audit actually read (BN ones and the step)
    size_bytes: int


@dataclass(frozen=True)
class CheckpointAudit:
    """The layers and per-checkpoint findings of one checkpoint."""

    info: CheckpointInfo
    layers: tuple[BnLayer, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class AuditReport:
    """Everything ``bncheck audit`` found, over one or more checkpoints in step order."""

    checkpoints: tuple[CheckpointAudit, ...]
    run_findings: tuple[Finding, ...]  # findings comparing checkpoints (BN105)

    @property
    def findings(self) -> tuple[Finding, ...]:
        found: list[Finding] = []
        for checkpoint in self.checkpoints:
            found.extend(checkpoint.findings)
        return tuple(found) + self.run_findings

    @property
    def layers(self) -> tuple[BnLayer, ...]:
        """The layers of the last (latest) checkpoint audited."""
        return self.checkpoints[-1].layers if self.checkpoints else ()

"""BN101-BN106: the checks over the layers of one checkpoint and across checkpoints (pure)."""

from __future__ import annotations

from bncheck.audit import rules
from bncheck.audit.model import (
    ROLE_BETA,
    ROLE_GAMMA,
    ROLE_MEAN,
    ROLE_VARIANCE,
    STATUS_INITIAL,
    STATUS_INVALID,
    STATUS_MISSING,
    STATUS_UPDATED,
    BnLayer,
    CheckpointAudit,
    CheckpointInfo,
    TensorStats,
)
from bncheck.findings import Finding, Location, Rule

_LISTED = 5  # layer names quoted in a message before "and N more"


def layer_status(mean: TensorStats | None, variance: TensorStats | None) -> str:
    """updated / initial / missing / invalid, from the moving statistics alone."""
    if mean is None and variance is None:
        return STATUS_MISSING
    if _invalid_reason(mean, variance):
        return STATUS_INVALID
    at_init = (mean is None or mean.all_zero) and (variance is None or variance.all_one)
    return STATUS_INITIAL if at_init else STATUS_UPDATED


def _invalid_reason(mean: TensorStats | None, variance: TensorStats | None) -> str:
    reasons = []
    if variance is not None:
        if variance.nan_count:
            reasons.append(f"moving_variance has {variance.nan_count} NaN of {variance.size}")
        if variance.inf_count:
            reasons.append(f"moving_variance has {variance.inf_count} Inf of {variance.size}")
        if variance.nonpositive_count:
            reasons.append(
                f"moving_variance has {variance.nonpositive_count} value(s) <= 0 of {variance.size}"
            )
    if mean is not None:
        if mean.nan_count:
            reasons.append(f"moving_mean has {mean.nan_count} NaN of {mean.size}")
        if mean.inf_count:
            reasons.append(f"moving_mean has {mean.inf_count} Inf of {mean.size}")
    return "; ".join(reasons)


def _names(layers: list[BnLayer]) -> str:
    shown = ", ".join(layer.name for layer in layers[:_LISTED])
    more = len(layers) - _LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _finding(rule: Rule, message: str, path: str, symbol: str | None, fix: str | None = None) -> Finding:
    return Finding(rule.code, rule.severity, message, Location(path, symbol=symbol), fix or rule.fix)


def _training_evidence(info: CheckpointInfo, layers: tuple[BnLayer, ...]) -> str:
    """Why we believe training happened, or "" when nothing shows it."""
    moved = [layer for layer in layers if layer.affine_moved]
    if info.step:
        return f"the saved step is {info.step}"
    if moved:
        return f"gamma/beta moved from 1/0 in {len(moved)} layer(s)"
    return ""


def check_checkpoint(info: CheckpointInfo, layers: tuple[BnLayer, ...]) -> tuple[Finding, ...]:
    """The findings of one checkpoint: BN101, BN102, BN103, BN104 or BN106."""
    path = info.path
    findings: list[Finding] = []
    missing = [layer for layer in layers if layer.status == STATUS_MISSING]
    initial = [layer for layer in layers if layer.status == STATUS_INITIAL]
    updated = [layer for layer in layers if layer.status == STATUS_UPDATED]
    if missing:
        findings.append(
            _finding(
                rules.BN101,
                f"{len(missing)} of {len(layers)} BN layer(s) saved gamma/beta but no "
                "moving_mean/moving_variance "
                f"({_names(missing)}): the checkpoint was written with a trainable-only var_list",
                path,
                missing[0].name,
            )
        )
    for layer in layers:
        if layer.status == STATUS_INVALID:
            reason = _invalid_reason(layer.get(ROLE_MEAN), layer.get(ROLE_VARIANCE))
            findings.append(_finding(rules.BN103, f"{layer.name}: {reason}", path, layer.name))
    evidence = _training_evidence(info, layers)
    if initial and updated:
        findings.append(
            _finding(
                rules.BN104,
                f"{len(initial)} of {len(layers)} BN layer(s) still have moving_mean 0 and moving_variance 1 "
                f"while {len(updated)} were updated: {_names(initial)}",
                path,
                initial[0].name,
            )
        )
    elif initial and evidence:
        findings.append(
            _finding(
                rules.BN102,
                f"moving statistics of {len(initial)} BN layer(s) are exactly at their initial values "
                f"(mean 0, variance 1) although {evidence}: {_names(initial)}",
                path,
                initial[0].name,
            )
        )
    elif initial and not evidence and len(initial) == len(layers):
        step = "global_step is 0" if info.step == 0 else "no global_step saved"
        findings.append(
            _finding(
                rules.BN106,
                f"no sign of training: {step}, gamma 1, beta 0, moving statistics 0/1 "
                f"in all {len(layers)} BN layer(s)",
                path,
                None,
            )
        )
    return tuple(findings)


def _affine_changed(before: BnLayer, after: BnLayer) -> bool | None:
    """True/False when gamma or beta can be compared; None when the layer has neither."""
    compared = False
    for role in (ROLE_GAMMA, ROLE_BETA):
        old, new = before.get(role), after.get(role)
        if old is not None and new is not None:
            compared = True
            if old.digest != new.digest:
                return True
    return False if compared else None


def _stats_unchanged(before: BnLayer, after: BnLayer) -> bool:
    pairs = [(before.get(role), after.get(role)) for role in (ROLE_MEAN, ROLE_VARIANCE)]
    pairs = [(old, new) for old, new in pairs if old is not None and new is not None]
    return bool(pairs) and all(old.digest == new.digest for old, new in pairs)


def compare_checkpoints(audits: tuple[CheckpointAudit, ...]) -> tuple[Finding, ...]:
    """BN105 for each consecutive pair (step order) where weights trained but statistics stood still.

    Layers still at the initial 0/1 are left to BN102/BN104, which already report them.
    """
    findings = []
    for earlier, later in zip(audits, audits[1:]):
        before = {layer.name: layer for layer in earlier.layers}
        step_advanced = (
            earlier.info.step is not None
            and later.info.step is not None
            and later.info.step > earlier.info.step
        )
        frozen = []
        for layer in later.layers:
            old = before.get(layer.name)
            if old is None or layer.status != STATUS_UPDATED or old.status != STATUS_UPDATED:
                continue
            changed = _affine_changed(old, layer)
            trained = changed if changed is not None else step_advanced
            if trained and _stats_unchanged(old, layer):
                frozen.append(layer)
        if frozen:
            findings.append(
                _finding(
                    rules.BN105,
                    f"between {earlier.info.path} (step {earlier.info.step}) and {later.info.path} "
                    f"(step {later.info.step}) gamma/beta changed but the moving statistics did not in "
                    f"{len(frozen)} BN layer(s): {_names(frozen)}",
                    later.info.path,
                    frozen[0].name,
                )
            )
    return tuple(findings)

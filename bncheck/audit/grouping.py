"""Group saved variables into batch-normalization layers, by name alone (no TensorFlow).

Conventions recognised (``scope`` is any variable scope):
- tf.layers / tf.keras / Keras 2 / Keras 3 names: ``scope/gamma``, ``scope/beta``,
  ``scope/moving_mean``, ``scope/moving_variance``, renorm extras ``renorm_mean``,
  ``renorm_stddev`` (and their ``*_weight``);
- contrib/slim: ``scope/BatchNorm/beta`` plus moving statistics, no gamma unless ``scale=True``.
Optimizer slots (``gamma/Adam``, ``beta/Momentum``, ``.../RMSProp_1``, Keras ``m``/``v``) and
ExponentialMovingAverage shadows (``moving_mean/ExponentialMovingAverage``) end in another
component, so they are never taken for BN variables; names with such a component anywhere
are left out too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bncheck.audit.model import RENORM_ROLES, ROLE_AFFINE, ROLE_BETA, ROLE_GAMMA, ROLE_MEAN, ROLE_VARIANCE

_ROLE_NAMES = (ROLE_GAMMA, ROLE_BETA, ROLE_AFFINE, ROLE_MEAN, ROLE_VARIANCE) + RENORM_ROLES
_STAT_ROLES = (ROLE_MEAN, ROLE_VARIANCE)
_SHADOW_COMPONENT = re.compile(
    r"^(ExponentialMovingAverage|Adam(_\d+)?|Momentum|RMSProp(_\d+)?|Adagrad|AdagradDA|Adadelta(_\d+)?|"
    r"Ftrl(_\d+)?|LARS|LAMB|Nadam|Adamax|ProximalAdagrad|\.OPTIMIZER_SLOT)$"
)
# A scope that names a batch norm: needed to accept a gamma/beta pair without moving
# statistics (a LayerNormalization has gamma/beta too, and never moving statistics).
_BN_SCOPE = re.compile(r"(batch_?norm|batchnormalization|(^|[_\d])bn(\d+|_?[a-z0-9]*)?$)", re.IGNORECASE)


@dataclass(frozen=True)
class LayerSpec:
    """A BN layer by name: its scope and the variable name of each role present."""

    name: str
    variables: tuple[tuple[str, str], ...]  # (role, variable name), in _ROLE_NAMES order

    def get(self, role: str) -> str | None:
        return dict(self.variables).get(role)


def is_bn_scope(scope: str) -> bool:
    """True when the last component of ``scope`` names a batch-norm layer."""
    last = scope.rsplit("/", 1)[-1]
    return bool(_BN_SCOPE.search(last))


def group_layers(shapes: dict[str, tuple[int, ...]]) -> list[LayerSpec]:
    """The BN layers among ``shapes`` (variable name -> shape), sorted by name."""
    scopes: dict[str, dict[str, str]] = {}
    for name, shape in shapes.items():
        scope, _, last = name.rpartition("/")
        if last not in _ROLE_NAMES or len(shape) != 1:
            continue  # BN variables are vectors over the channel axis
        if any(_SHADOW_COMPONENT.match(component) for component in name.split("/")):
            continue
        scopes.setdefault(scope, {})[last] = name
    layers = []
    for scope, roles in scopes.items():
        has_stats = any(role in roles for role in _STAT_ROLES)
        if not has_stats and not is_bn_scope(scope):
            continue
        if not has_stats and not (ROLE_GAMMA in roles or ROLE_BETA in roles):
            continue
        ordered = tuple((role, roles[role]) for role in _ROLE_NAMES if role in roles)
        layers.append(LayerSpec(scope or "(root)", ordered))
    return sorted(layers, key=lambda layer: _natural_key(layer.name))


def _natural_key(text: str) -> list:
    """Sort ``block2`` before ``block10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]

"""The procedure registry: one module per procedure, found by walking this package.

A procedure module defines ``PROCEDURE = Procedure(...)``: its tables and variant keys (the schema),
the observations it reports (shared definitions from ``observations``), and its ``run_variant``
function.  Adding a procedure is one module here plus its scenario files.  Importing a procedure
module imports neither TensorFlow nor numpy: its run function gets ``tf`` from the runner and
imports numpy itself, so ``bncheck list`` and validation stay light.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from bncheck.scenarios.observations import Observation
from bncheck.scenarios.schema import FieldSpec


@dataclass(frozen=True)
class Procedure:
    name: str
    summary: str
    tables: Mapping[str, Mapping[str, FieldSpec]]
    variant_fields: Mapping[str, FieldSpec]
    observations: tuple[Observation, ...]
    # (context, variant) -> (VariantResult, devices used); context is a runner.RunContext
    run_variant: Callable[[Any, Any], tuple[Any, set[str]]]
    optional_tables: frozenset[str] = frozenset()
    # tables with an `expect` of their own (train_eval's [trajectory]) and what they report
    table_observations: Mapping[str, tuple[Observation, ...]] = field(default_factory=dict)
    # (context) -> Trajectory | None, run after the variants
    run_tables: Callable[[Any], Any] | None = None
    # checks across keys that types alone cannot say: (settings or tables, where) -> problem or None
    check_variant: Callable[[dict[str, Any]], str | None] | None = None
    check_tables: Callable[[dict[str, dict[str, Any]]], str | None] | None = None
    # what a scenario asks to build and run, for the size limits (schema.LIMITS):
    # (tables, variants' settings) -> [(the key that asks, how much, which limit)]
    sizes: Callable[[dict[str, dict[str, Any]], list[dict[str, Any]]], list[tuple[str, int, str]]] | None = (
        None
    )
    writes_checkpoints: bool = False


_REGISTRY: dict[str, Procedure] = {}


def registry() -> dict[str, Procedure]:
    """Every procedure by name, in the order of their modules' names."""
    if not _REGISTRY:
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
            procedure = getattr(importlib.import_module(f"{__name__}.{module.name}"), "PROCEDURE", None)
            if isinstance(procedure, Procedure):
                _REGISTRY[procedure.name] = procedure
    return _REGISTRY


def get(name: str) -> Procedure:
    return registry()[name]

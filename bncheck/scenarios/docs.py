"""The README's scenario and observation tables, generated from the scenario files and the procedure registry.

``python -m bncheck.scenarios.docs README.md`` rewrites the generated sections in place; the test
suite checks that the README holds exactly what this module generates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bncheck.scenarios import procedures, spec
from bncheck.scenarios.schema import NUMBER, FieldSpec

SECTIONS = ("scenarios", "observations", "procedures")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def scenario_table() -> str:
    rows = ["| scenario | procedure | the pitfall |", "| --- | --- | --- |"]
    for scenario in spec.load_all():
        rows.append(f"| `{scenario.name}` | `{scenario.procedure}` | {_cell(scenario.pitfall)} |")
    return "\n".join(rows)


def observation_table() -> str:
    reporters: dict[str, list[str]] = {}
    definitions = {}
    for procedure in procedures.registry().values():
        for observation in procedure.observations:
            reporters.setdefault(observation.name, []).append(procedure.name)
            definitions[observation.name] = observation
        for table, observations in procedure.table_observations.items():
            for observation in observations:
                reporters.setdefault(observation.name, []).append(f"{procedure.name} [{table}]")
                definitions[observation.name] = observation
    rows = [
        "| observation | kind | meaning | how it is measured | reported by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, observation in definitions.items():
        rows.append(
            f"| `{name}` | {observation.kind} | {_cell(observation.meaning)} | {_cell(observation.measured)} "
            f"| {', '.join(reporters[name])} |"
        )
    return "\n".join(rows)


def _type(spec: FieldSpec) -> str:
    names = {
        int: "integer",
        float: "number",
        str: "text",
        bool: "bool",
        list: "list",
        dict: "table",
    }
    return (
        "number"
        if spec.types == NUMBER
        else " or ".join(names.get(kind, kind.__name__) for kind in spec.types)
    )


def _default(spec: FieldSpec) -> str:
    if spec.required:
        return "required"
    if spec.default is None:
        return "—"
    if isinstance(spec.default, bool):
        return str(spec.default).lower()
    return f"`{spec.default!r}`".replace("'", '"') if spec.default != {} else "—"


def _key_rows(prefix: str, fields: dict[str, FieldSpec]) -> list[str]:
    rows = []
    for key, field in fields.items():
        meaning = field.doc
        if field.choices:
            meaning = (meaning + ": " if meaning else "") + " / ".join(
                f"`{choice}`" for choice in field.choices
            )
        rows.append(f"| `{prefix}{key}` | {_type(field)} | {_default(field)} | {_cell(meaning)} |")
    return rows


def procedure_tables() -> str:
    """Every procedure's keys: its tables' and its variants', with types, defaults and meanings."""
    parts = []
    for procedure in procedures.registry().values():
        rows = [
            f"`{procedure.name}`: {procedure.summary}.",
            "",
            "| key | type | default | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for table, fields in procedure.tables.items():
            optional = " (optional table)" if table in procedure.optional_tables else ""
            rows += [
                row.replace(" |", optional + " |", 1) if optional and i == 0 else row
                for i, row in enumerate(_key_rows(f"{table}.", dict(fields)))
            ]
        rows += _key_rows("variant.", dict(procedure.variant_fields))
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def generated(section: str) -> str:
    return {
        "scenarios": scenario_table,
        "observations": observation_table,
        "procedures": procedure_tables,
    }[section]()


def _pattern(section: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated:{section} -->)(.*?)(<!-- /generated:{section} -->)", re.S)


def current(text: str, section: str) -> str | None:
    match = _pattern(section).search(text)
    return match.group(2).strip("\n") if match else None


def update(text: str) -> str:
    for section in SECTIONS:
        table = generated(section)
        text = _pattern(section).sub(
            lambda match, table=table: f"{match.group(1)}\n{table}\n{match.group(3)}", text
        )
    return text


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    target.write_text(update(target.read_text()))

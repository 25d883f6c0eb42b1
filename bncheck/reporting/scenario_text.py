"""Rich rendering of a scenario run: variable tables, outputs, expectations, verdict.

Tables fit the console: values are shortened to fit their column (never split across lines),
the device and trainable columns fold into the header and the name when space is short, and
below that the phases stack as rows.  ``--format json`` has every value in full.
"""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bncheck.scenarios.expectations import ExpectationResult, describe_expected
from bncheck.scenarios.results import (
    ScenarioResult,
    Trajectory,
    ValueSummary,
    VariableSnapshot,
    VariantResult,
)

PHASE_TITLES = {
    "initial": "before training",
    "after_train": "after train steps",
    "after_test": "after inference run",
    "after_eval": "after evaluation batches",
    "after_run": "after the run",
    "after_restore": "after restore (fresh graph)",
}
SHORT_PHASE_TITLES = {
    "initial": "before",
    "after_train": "trained",
    "after_test": "inferred",
    "after_eval": "evaluated",
    "after_run": "after run",
    "after_restore": "restored",
}
OUTPUT_TITLES = {"train": "training mode (last train step)", "test": "inference mode (training=False)"}
MIN_VALUE_WIDTH = 14  # below this per phase column, the phases stack as rows


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _number(value: float, digits: int = 5) -> str:
    if value != value:  # NaN
        return "nan"
    return f"{value:.{digits}g}"


def format_value(summary: ValueSummary, width: int | None = None) -> str:
    """The value as short as ``width`` needs: fewer digits, then a range, then the mean."""
    candidates = []
    if summary.values is not None and (len(summary.values) != 1 or summary.shape):
        for digits in (5, 4, 3):
            candidates.append("[" + ", ".join(_number(v, digits) for v in summary.values) + "]")
        if len(set(summary.values)) == 1:
            candidates.append(f"[{_number(summary.values[0], 4)} ×{len(summary.values)}]")
        candidates += [
            f"[{_number(summary.minimum, digits)} … {_number(summary.maximum, digits)}]" for digits in (3, 2)
        ]
        candidates.append(f"mean {_number(summary.mean, 3)}")
    elif summary.values is not None:
        candidates += [_number(summary.values[0], digits) for digits in (5, 4, 3)]
    else:
        for digits in (5, 3):
            candidates.append(
                f"min {_number(summary.minimum, digits)}  mean {_number(summary.mean, digits)}  "
                f"max {_number(summary.maximum, digits)}"
            )
        candidates += [
            f"{_number(summary.minimum, 3)} … {_number(summary.maximum, 3)}",
            f"mean {_number(summary.mean, 3)}",
        ]
    if width is None:
        return candidates[0]
    return next((text for text in candidates if len(text) <= width), candidates[-1])


def _settings_line(variant: VariantResult, procedure: str) -> str:
    """The variant's settings that say what it is: the API's, and every key not at its default."""
    from bncheck.scenarios import procedures  # no TensorFlow there

    fields = procedures.registry()[procedure].variant_fields if procedure in procedures.registry() else {}
    always = ("api", "momentum", "fused", "scale", "updates", "training")
    parts = []
    for key, value in variant.settings.items():
        if value is None or key in ("role", "expect"):
            continue
        field = fields.get(key)
        if key not in always and field is not None and not field.required and field.default == value:
            continue
        parts.append(f"{key}={value}")
    return "  ".join(parts)


def _shape(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def _visible(variant: VariantResult, all_variables: bool) -> tuple[list[VariableSnapshot], int]:
    phases = list(variant.snapshots)
    if not phases:
        return [], 0
    first = variant.snapshots[phases[0]]
    shown = [snap for snap in first if all_variables or not snap.optimizer]
    return shown, len(first) - len(shown)


def variables_table(variant: VariantResult, width: int = 120, all_variables: bool = False) -> Table | None:
    """The variables before and after each phase, fitted to ``width`` columns."""
    snaps, _ = _visible(variant, all_variables)
    if not snaps:
        return None
    phases = list(variant.snapshots)
    by_phase = {phase: {snap.name: snap for snap in variant.snapshots[phase]} for phase in phases}
    devices = {by_phase[phases[-1]].get(snap.name, snap).device for snap in snaps}
    name_width = max(len("variable"), *(len(snap.name) + 2 for snap in snaps))
    shape_width = max(len("shape"), *(len(_shape(snap.shape)) for snap in snaps))
    gaps = 3  # rich's padding and the column rule
    wide_fixed = (
        name_width + shape_width + len("trainable") + max(len("device"), *map(len, devices)) + 4 * gaps
    )
    narrow_fixed = name_width + shape_width + 2 * gaps
    full = max(len(format_value(snap.value)) for phase in phases for snap in variant.snapshots[phase])
    if wide_fixed + len(phases) * (max(full, 20) + gaps) <= width:
        fixed, wide = wide_fixed, True
    else:
        fixed, wide = narrow_fixed, False
    budget = (width - fixed) // len(phases) - gaps
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("variable", no_wrap=True)
    table.add_column("shape", no_wrap=True)
    if wide:
        table.add_column("trainable", no_wrap=True)
        table.add_column("device", no_wrap=True)
    if budget < MIN_VALUE_WIDTH:
        return _stacked_table(variant, snaps, by_phase, width - narrow_fixed - gaps)
    for phase in phases:
        table.add_column(
            PHASE_TITLES.get(phase, phase) if wide else SHORT_PHASE_TITLES.get(phase, phase),
            no_wrap=True,
            overflow="crop",
        )
    for snap in snaps:
        name = snap.name if wide or not snap.trainable else snap.name + " *"
        cells: list = [escape(name), _shape(snap.shape)]
        if wide:
            cells += ["yes" if snap.trainable else "no", by_phase[phases[-1]].get(snap.name, snap).device]
        cells += _phase_cells(snap, phases, by_phase, budget)
        table.add_row(*cells)
    if not wide:
        table.caption = f"* trainable · on {', '.join(sorted(devices))}"
        table.caption_justify = "left"
    return table


def _phase_cells(snap: VariableSnapshot, phases: list[str], by_phase: dict, budget: int) -> list:
    cells: list = []
    previous = None
    for phase in phases:
        current = by_phase[phase].get(snap.name)
        if current is None:
            cells.append(Text("—", style="dim"))
            continue
        changed = previous is not None and format_value(current.value) != format_value(previous.value)
        cells.append(Text(format_value(current.value, budget), style="bold yellow" if changed else ""))
        previous = current
    return cells


def _stacked_table(
    variant: VariantResult, snaps: list[VariableSnapshot], by_phase: dict, budget: int
) -> Table:
    """One row per variable and phase: for consoles too narrow for a column per phase."""
    phases = list(variant.snapshots)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("variable", no_wrap=True)
    table.add_column("phase", no_wrap=True)
    table.add_column("value", no_wrap=True, overflow="crop")
    titles = (
        PHASE_TITLES
        if budget - max(len(PHASE_TITLES.get(p, p)) for p in phases) >= 24
        else SHORT_PHASE_TITLES
    )
    phase_width = max(len(titles.get(phase, phase)) for phase in phases)
    value_width = max(8, budget - phase_width - 3)
    for snap in snaps:
        cells = _phase_cells(snap, phases, by_phase, value_width)
        for position, (phase, cell) in enumerate(zip(phases, cells)):
            name = (snap.name + (" *" if snap.trainable else "")) if position == 0 else ""
            table.add_row(escape(name), titles.get(phase, phase), cell)
    table.caption = "* trainable"
    table.caption_justify = "left"
    return table


def outputs_table(variant: VariantResult, width: int = 120) -> Table | None:
    if not variant.outputs:
        return None
    labels = {name: OUTPUT_TITLES.get(name, name) for name in variant.outputs}
    label_width = max(len("output"), *map(len, labels.values()))
    shape_width = max(len("shape"), *(len(_shape(s.shape)) for s in variant.outputs.values()))
    budget = max(MIN_VALUE_WIDTH, width - label_width - shape_width - 6)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("output", no_wrap=True)
    table.add_column("shape", no_wrap=True)
    table.add_column("values", no_wrap=True, overflow="crop")
    for name, summary in variant.outputs.items():
        table.add_row(escape(labels[name]), _shape(summary.shape), format_value(summary, budget))
    return table


def _observed_text(observed: object) -> str:
    if isinstance(observed, bool):
        return str(observed).lower()
    if isinstance(observed, float):
        return _number(observed)
    if isinstance(observed, list):
        return "[" + ", ".join(map(str, observed)) + "]"
    return "—" if observed is None else str(observed)


def expectation_line(expectation: ExpectationResult) -> Text:
    """``✔ as documented  name = expected`` or ``✘ NOT as documented  name: expected …, observed …``."""
    name = expectation.observation
    expected = describe_expected(expectation.expected)
    observed = _observed_text(expectation.observed)
    if expectation.passed:
        detail = f"{name} = {observed}" if expected == observed else f"{name} = {observed} ({expected})"
        return Text.assemble(("  ✔ as documented  ", "green"), detail)
    return Text.assemble(
        ("  ✘ NOT as documented  ", "bold red"), f"{name}: expected {expected}, observed {observed}"
    )


def _display_label(variant: VariantResult) -> str:
    if variant.role:
        stripped = re.sub(rf"\s*\((the )?{variant.role}\)\s*$", "", variant.label, flags=re.I)
        return stripped or variant.label
    return variant.label


def variant_heading(variant: VariantResult) -> Text:
    parts: list = []
    if variant.role == "bug":
        parts.append(("the bug  ", "bold red"))
    elif variant.role == "fix":
        parts.append(("the fix  ", "bold green"))
    parts.append((_display_label(variant), "bold"))
    if variant.passed:
        parts.append(("  ✔ as documented", "green"))
    else:
        parts.append(("  ✘ NOT as documented", "bold red"))
    return Text.assemble(*parts)


def trajectory_chart(trajectory: Trajectory, width: int = 64, height: int = 12) -> Text:
    """An ASCII line chart of moving_mean against the step, one marker per momentum."""
    markers = "*o+x#@"
    styles = ["cyan", "magenta", "green", "yellow", "blue", "red"]
    top = (
        max([abs(trajectory.batch_mean)] + [abs(v) for series in trajectory.series.values() for v in series])
        or 1.0
    )
    grid = [[" "] * width for _ in range(height)]
    colour = [[""] * width for _ in range(height)]
    steps = trajectory.steps
    for index, series in enumerate(trajectory.series.values()):
        for column in range(width):
            step = min(len(series) - 1, int(column * steps / width))
            row = height - 1 - int(round((series[step] / top) * (height - 1)))
            row = min(height - 1, max(0, row))
            grid[row][column] = markers[index % len(markers)]
            colour[row][column] = styles[index % len(styles)]
    target_row = height - 1 - int(round((trajectory.batch_mean / top) * (height - 1)))
    text = Text()
    for row in range(height):
        label = f"{top * (height - 1 - row) / (height - 1):9.3g} │"
        text.append(label, style="dim")
        for column in range(width):
            char = grid[row][column]
            if char == " " and row == target_row:
                text.append("┄", style="dim")
            else:
                text.append(char, style=colour[row][column])
        text.append("\n")
    text.append(" " * 10 + "└" + "─" * width + "\n", style="dim")
    text.append(" " * 11 + f"step 1 … {steps}".ljust(width) + "\n", style="dim")
    legend = "   ".join(f"{markers[i % len(markers)]} momentum {m}" for i, m in enumerate(trajectory.series))
    text.append(" " * 11 + legend + f"   ┄ batch mean {_number(trajectory.batch_mean)}")
    return text


def render_scenario(console: Console, result: ScenarioResult, all_variables: bool = False) -> None:
    width = console.width
    console.print(Rule(Text(f"{result.name} — {result.title}", style="bold")))
    console.print(Text(result.pitfall, style="italic"))
    placed = ", ".join(result.devices_used) or "?"
    console.print(
        Text(
            f"TensorFlow {result.tensorflow_version} · device {result.device} "
            f"(--device {result.device_requested}) · ops placed on {placed} · {result.seconds:.2f} s",
            style="dim",
        )
    )
    for variant in result.variants:
        console.print()
        console.print(variant_heading(variant))
        console.print(Text(_settings_line(variant, result.procedure), style="dim"))
        table = variables_table(variant, width, all_variables)
        if table is not None:
            console.print(table)
        _, hidden = _visible(variant, all_variables)
        if hidden:
            console.print(
                Text(
                    f"  {plural(hidden, 'optimizer variable')} (slots, beta powers) not shown: "
                    "--all-variables shows them",
                    style="dim",
                )
            )
        outputs = outputs_table(variant, width)
        if outputs is not None:
            console.print(outputs)
        for note in variant.notes:
            console.print(Text("  " + note, style="cyan"))
        for expectation in variant.expectations:
            console.print(expectation_line(expectation))
    if result.trajectory is not None:
        console.print()
        console.print(
            Text(
                f"moving_mean (channel 0) against the step, {result.trajectory.api} BN, one fixed batch",
                style="bold",
            )
        )
        console.print(trajectory_chart(result.trajectory, width=max(20, min(64, width - 12))))
        for expectation in result.trajectory.expectations:
            console.print(expectation_line(expectation))
    console.print()
    body = [
        Text.assemble(("What happened  ", "bold"), result.verdict["what"].strip()),
        Text.assemble(("Why            ", "bold"), result.verdict["why"].strip()),
        Text.assemble(("Fix            ", "bold"), result.verdict["fix"].strip()),
    ]
    if not result.passed:
        failed = sum(not expectation.passed for expectation in result.expectations)
        body.append(
            Text(
                f"{plural(failed, 'expectation')} failed: TensorFlow {result.tensorflow_version} "
                "did not behave as this scenario documents.",
                style="bold red",
            )
        )
    title = "verdict" if result.passed else "verdict — expectations FAILED"
    console.print(Panel(Group(*body), title=title, border_style="green" if result.passed else "red"))
    console.print()


def render_summary(console: Console, results: list[ScenarioResult]) -> None:
    table = Table(show_edge=False, header_style="bold", title="summary")
    for column in ("scenario", "expectations", "result", "seconds"):
        table.add_column(column, no_wrap=True)
    for result in results:
        held = sum(expectation.passed for expectation in result.expectations)
        table.add_row(
            Text(result.name),  # a name from a user's file: never read as markup
            f"{held}/{len(result.expectations)}",
            Text("as documented", style="green") if result.passed else Text("FAILED", style="bold red"),
            f"{result.seconds:.2f}",
        )
    console.print(table)
    passed = sum(result.passed for result in results)
    console.print(
        Text(f"{plural(len(results), 'scenario')}: {passed} passed, {len(results) - passed} failed")
    )

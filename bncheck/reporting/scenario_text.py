"""Rich rendering of a scenario run: variable tables, outputs, expectations, verdict."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bncheck.scenarios.expectations import describe_expected
from bncheck.scenarios.results import ScenarioResult, Trajectory, ValueSummary, VariantResult

PHASE_TITLES = {
    "initial": "before training",
    "after_train": "after train steps",
    "after_test": "after inference run",
    "after_run": "after the run",
    "after_restore": "after restore (fresh graph)",
}


def _number(value: float) -> str:
    if value != value:  # NaN
        return "nan"
    return f"{value:.5g}"


def format_value(summary: ValueSummary) -> str:
    if summary.values is not None:
        if len(summary.values) == 1 and not summary.shape:
            return _number(summary.values[0])
        return "[" + ", ".join(_number(value) for value in summary.values) + "]"
    return f"min {_number(summary.minimum)}  mean {_number(summary.mean)}  max {_number(summary.maximum)}"


def _settings_line(variant: VariantResult) -> str:
    keys = ("api", "momentum", "fused", "scale", "updates", "training", "var_list", "restore",
            "a", "b", "assign_value", "control_dependency")
    parts = [f"{key}={variant.settings[key]}" for key in keys if key in variant.settings and variant.settings[key] is not None]
    return "  ".join(parts)


def variables_table(variant: VariantResult) -> Table:
    phases = list(variant.snapshots)
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for column in ("variable", "shape", "trainable", "device"):
        table.add_column(column, no_wrap=True)
    for phase in phases:
        table.add_column(PHASE_TITLES.get(phase, phase), overflow="fold")
    first = variant.snapshots[phases[0]]
    by_phase = {phase: {snap.name: snap for snap in variant.snapshots[phase]} for phase in phases}
    for snap in first:
        cells: list = [snap.name, "[" + ", ".join(map(str, snap.shape)) + "]", "yes" if snap.trainable else "no",
                       by_phase[phases[-1]].get(snap.name, snap).device]
        previous = None
        for phase in phases:
            current = by_phase[phase].get(snap.name)
            if current is None:
                cells.append(Text("—", style="dim"))
                continue
            text = format_value(current.value)
            changed = previous is not None and text != format_value(previous.value)
            cells.append(Text(text, style="bold yellow" if changed else ""))
            previous = current
        table.add_row(*cells)
    return table


def outputs_table(variant: VariantResult) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("output", no_wrap=True)
    table.add_column("shape", no_wrap=True)
    table.add_column("values")
    for name, summary in variant.outputs.items():
        label = {"train": "training mode (last train step)", "test": "inference mode (training=False)"}.get(name, name)
        shape = "[" + ", ".join(map(str, summary.shape)) + "]"
        table.add_row(label, shape, format_value(summary))
    return table


def expectations_table(result: ScenarioResult) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for column in ("", "variant", "expectation", "expected", "observed"):
        table.add_column(column)
    for expectation in result.expectations:
        mark = Text("✔ held", style="green") if expectation.passed else Text("✘ FAILED", style="bold red")
        observed = expectation.observed
        if isinstance(observed, float):
            observed_text = _number(observed)
        elif isinstance(observed, bool):
            observed_text = str(observed).lower()
        elif isinstance(observed, list):
            observed_text = ", ".join(map(str, observed))
        else:
            observed_text = "—" if observed is None else str(observed)
        table.add_row(mark, expectation.variant, expectation.observation,
                      describe_expected(expectation.expected), observed_text)
    return table


def trajectory_chart(trajectory: Trajectory, width: int = 64, height: int = 12) -> Text:
    """An ASCII line chart of moving_mean against the step, one marker per momentum."""
    markers = "*o+x#@"
    styles = ["cyan", "magenta", "green", "yellow", "blue", "red"]
    top = max([abs(trajectory.batch_mean)] + [abs(v) for series in trajectory.series.values() for v in series]) or 1.0
    grid = [[" "] * width for _ in range(height)]
    colour = [[""] * width for _ in range(height)]
    steps = trajectory.steps
    for index, (momentum, series) in enumerate(trajectory.series.items()):
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
    console.print(Rule(Text(f"{result.name} — {result.title}", style="bold")))
    console.print(Text(result.pitfall, style="italic"))
    placed = ", ".join(result.devices_used) or "?"
    console.print(Text(
        f"TensorFlow {result.tensorflow_version} · device {result.device} (--device {result.device_requested}) · "
        f"ops placed on {placed} · {result.seconds:.2f} s",
        style="dim",
    ))
    for variant in result.variants:
        console.print()
        status = Text(" ✔", style="green") if variant.passed else Text(" ✘", style="bold red")
        console.print(Text.assemble(Text(variant.label, style="bold"), status))
        console.print(Text(_settings_line(variant), style="dim"))
        console.print(variables_table(variant))
        console.print(outputs_table(variant))
        for note in variant.notes:
            console.print(Text("  " + note, style="cyan"))
    if result.trajectory is not None:
        console.print()
        console.print(Text(f"moving_mean (channel 0) against the step, {result.trajectory.api} BN, one fixed batch",
                           style="bold"))
        console.print(trajectory_chart(result.trajectory))
    console.print()
    console.print(expectations_table(result))
    body = [
        Text.assemble(("What happened  ", "bold"), result.verdict["what"].strip()),
        Text.assemble(("Why            ", "bold"), result.verdict["why"].strip()),
        Text.assemble(("Fix            ", "bold"), result.verdict["fix"].strip()),
    ]
    if not result.passed:
        failed = sum(not expectation.passed for expectation in result.expectations)
        body.append(Text(
            f"{failed} expectation(s) failed: TensorFlow {result.tensorflow_version} did not behave as this "
            "scenario documents.", style="bold red"))
    title = "verdict" if result.passed else "verdict — expectations FAILED"
    console.print(Panel(Group(*body), title=title, border_style="green" if result.passed else "red"))
    console.print()


def render_summary(console: Console, results: list[ScenarioResult]) -> None:
    table = Table(show_edge=False, header_style="bold", title="summary")
    for column in ("scenario", "expectations", "result", "seconds"):
        table.add_column(column)
    for result in results:
        held = sum(expectation.passed for expectation in result.expectations)
        table.add_row(result.name, f"{held}/{len(result.expectations)}",
                      Text("passed", style="green") if result.passed else Text("FAILED", style="bold red"),
                      f"{result.seconds:.2f}")
    console.print(table)
    passed = sum(result.passed for result in results)
    console.print(f"{len(results)} scenarios: {passed} passed, {len(results) - passed} failed")

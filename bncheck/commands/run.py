"""`bncheck run` and `bncheck list`: the scenario face."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import click

from bncheck.errors import BncheckError

RUN_EPILOG = """\b
Examples:
  bncheck run missing-update-ops
  bncheck run control-dependencies-fix --steps 50
  bncheck run decay-sweep --plot decay.png
  bncheck run --all --format json > report.json
  bncheck run my-pitfall.toml --set variant.momentum=0.5 --set train.steps=20
  bncheck run trainable-only-saver --save-dir ckpt/    # then: bncheck audit ckpt/*/

--set KEY=VALUE overrides a key of the scenario file (VALUE is TOML; a bare word
is a string): input.shape=[4,8,8,3], train.steps=10, train.optimizer=adam,
variant.momentum=0.9 (every variant), variant.2.fused=false (the second only).

Exit codes: 0 every expectation held, 1 one failed (TensorFlow did not behave as the
scenario documents), 2 bad input.
"""


def _load_scenarios(
    references: tuple[str, ...], run_all: bool, overrides: list, optional: list, size_limits: bool = True
) -> list:
    """Validate every scenario before TensorFlow is imported, so bad input fails fast.

    ``overrides`` come from --set and must fit every scenario; ``optional`` ones
    (from --steps/--seed) apply only where the scenario has that table.
    """
    from bncheck.scenarios import spec

    if run_all and references:
        raise BncheckError("give scenario names or --all, not both")
    if not run_all and not references:
        raise BncheckError(
            "no scenario given: name one (`bncheck list` shows them), give a .toml path, or use --all"
        )
    paths = [spec.resolve(reference) for reference in references]
    if run_all:
        paths = list(spec.builtin_files().values())
        if not paths:
            raise BncheckError(
                "no built-in scenario files found (is bncheck installed with its package data?)"
            )
    scenarios = []
    for path in paths:
        raw = spec.read_toml(path)
        procedure = spec.procedure_of(raw)
        tables = procedure.tables if procedure else {}
        fitting = [(key, value) for key, value in optional if key.split(".")[0] in tables]
        scenarios.append(
            spec.validate(spec.apply_overrides(raw, overrides + fitting, path), path, size_limits)
        )
    return scenarios


@click.command("run", epilog=RUN_EPILOG)
@click.argument("scenarios", nargs=-1, metavar="[NAME|PATH]...")
@click.option("--all", "run_all", is_flag=True, help="Run every built-in scenario.")
@click.option("--steps", type=click.IntRange(0, 100_000), help="Train steps (sets train.steps).")
@click.option("--seed", type=int, help="Seed of the input batch or data set (sets input.seed / data.seed).")
@click.option(
    "--set", "settings", multiple=True, metavar="KEY=VALUE", help="Override a scenario key; repeatable."
)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "gpu"]),
    default="auto",
    show_default=True,
    help="Where the graphs run; auto picks the GPU when TensorFlow sees one.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    help="Also draw the moving_mean trajectory to this PNG (needs matplotlib).",
)
@click.option(
    "--save-dir",
    type=click.Path(file_okay=False),
    help="Keep the checkpoints a scenario writes here, one folder per variant (DIR/<label>/).",
)
@click.option(
    "--grappler",
    is_flag=True,
    help="Run with TensorFlow's graph optimizer on, as a training program does "
    "(slower on these tiny graphs).",
)
@click.option(
    "--all-variables",
    "all_variables",
    is_flag=True,
    help="Also show the optimizer's own variables (Adam's slots and beta powers).",
)
@click.option(
    "--no-size-limits",
    "no_size_limits",
    is_flag=True,
    help="Run scenarios larger than the built-in caps (1,000,000 input elements, 4,096 units, "
    "16 layers, 20,000,000 steps x elements).",
)
@click.option("--verbose", is_flag=True, help="Let TensorFlow's own log lines and warnings through.")
def run_command(
    scenarios: tuple[str, ...],
    run_all: bool,
    steps: int | None,
    seed: int | None,
    settings: tuple[str, ...],
    output_format: str,
    device: str,
    plot: str | None,
    save_dir: str | None,
    grappler: bool,
    all_variables: bool,
    no_size_limits: bool,
    verbose: bool,
) -> int:
    """Reproduce batch-normalization pitfalls live on real TensorFlow graphs.

    Builds each scenario's graphs (the pitfall and its fix), runs the train steps
    and an inference run, and shows every model variable before training, after
    training and after the inference run, the outputs, whether TensorFlow behaved
    as the scenario file documents, and a verdict: what happened, why, the fix.
    """
    from bncheck.scenarios import spec

    overrides = [spec.parse_override(text) for text in settings]
    optional: list = []
    if steps is not None:
        optional.append(("train.steps", steps))
    if seed is not None:
        optional += [("input.seed", seed), ("data.seed", seed)]
    loaded = _load_scenarios(tuple(scenarios), run_all, overrides, optional, size_limits=not no_size_limits)
    if plot is not None:
        if importlib.util.find_spec("matplotlib") is None:
            raise BncheckError("--plot needs matplotlib: pip install 'bncheck[plot]'")
        if not any("trajectory" in scenario.tables for scenario in loaded):
            raise BncheckError("--plot: none of these scenarios has a [trajectory] (decay-sweep has)")
    if save_dir is not None:
        try:  # before TensorFlow is imported: a folder that cannot exist is bad input, found fast
            Path(save_dir).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BncheckError(
                f"--save-dir {save_dir}: cannot create the folder ({error.strerror or error})"
            ) from None

    from bncheck import tfcompat
    from bncheck.reporting.console import make_console
    from bncheck.scenarios.runner import run_scenario

    with tfcompat.quiet_native_stderr(not verbose):  # CUDA probing prints its own lines
        chosen = tfcompat.select_device(device, verbose)
    console = make_console()
    results = []
    for scenario in loaded:
        try:
            result = run_scenario(
                scenario, chosen, Path(save_dir) if save_dir else None, verbose, optimize_graphs=grappler
            )
        except BncheckError:
            raise  # already one line naming the file
        except Exception as error:  # TensorFlow rejecting a user's scenario: name the file, keep one line
            tf = tfcompat.load()
            if isinstance(error, (tf.errors.OpError, ValueError, TypeError)):
                from bncheck.scenarios.runner import error_line

                raise BncheckError(
                    f"{scenario.path}: TensorFlow rejected the scenario: {error_line(error)}"
                ) from error
            raise
        results.append(result)
        if output_format == "text":
            from bncheck.reporting.scenario_text import render_scenario

            render_scenario(console, result, all_variables=all_variables)
    if plot is not None:
        from bncheck.reporting.plot import plot_trajectory

        trajectory = next(result.trajectory for result in results if result.trajectory is not None)
        plot_trajectory(trajectory, Path(plot))
        if output_format == "text":
            from rich.text import Text

            console.print(Text(f"trajectory plot written to {plot}"))
    if output_format == "json":
        from bncheck.reporting.json import dumps
        from bncheck.reporting.scenario_json import scenarios_document

        click.echo(dumps(scenarios_document(results, chosen)), nl=False)
    elif len(results) > 1:
        from bncheck.reporting.scenario_text import render_summary

        render_summary(console, results)
    return 0 if all(result.passed for result in results) else 1


@click.command("list")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(output_format: str) -> int:
    """List the built-in scenarios: name, title and the pitfall each one shows."""
    from bncheck.scenarios import spec

    scenarios = spec.load_all()
    if output_format == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "title": s.title,
                        "pitfall": s.pitfall,
                        "procedure": s.procedure,
                        "file": str(s.path),
                        "variants": [v.label for v in s.variants],
                    }
                    for s in scenarios
                ],
                indent=2,
            )
        )
        return 0
    from rich.table import Table
    from rich.text import Text

    from bncheck.reporting.console import make_console

    table = Table(show_edge=False, header_style="bold", show_lines=False)
    table.add_column("scenario", no_wrap=True)
    table.add_column("title")
    table.add_column("pitfall")
    for scenario in scenarios:
        table.add_row(Text(scenario.name), Text(scenario.title), Text(scenario.pitfall))
    console = make_console()
    console.print(table)
    console.print("Run one with `bncheck run NAME`, or all with `bncheck run --all`.")
    return 0

"""`bncheck graph model.meta`: exact BN checks on an exported MetaGraphDef."""

from __future__ import annotations

import click

from bncheck.reporting.output import OutputOptions, exit_code, output_options


@click.command("graph")
@click.argument("meta_graph", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--train-op",
    "train_op",
    default=None,
    help="Name of the train op (default: the train_op collection, else the ops that apply gradients).",
)
@output_options()
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log output.")
def graph_command(meta_graph: str, train_op: str | None, output: OutputOptions, verbose: bool) -> int:
    """Check an exported graph (model.meta) for BN update, Saver and training-mode bugs.

    \b
      bncheck graph model.meta
      bncheck graph model.meta --train-op train/Adam --format json

    Nothing is run: the MetaGraphDef is imported into an empty graph, and no
    session, checkpoint or variable values are needed.

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 unreadable input.
    """
    from bncheck.graph.checks import check_meta_graph_file
    from bncheck.reporting.graph_text import render_graph
    from bncheck.reporting.json import graph_members
    from bncheck.reporting.output import FindingsReport, write_report

    analysis, findings = check_meta_graph_file(meta_graph, train_op, verbose)
    report = FindingsReport(
        command="graph",
        findings=findings,
        faces=("graph",),
        text=lambda console, quiet: render_graph(console, meta_graph, analysis, findings, quiet),
        document=graph_members(analysis),
    )
    write_report(report, output)
    return exit_code(findings, output.fail_on)

"""`bncheck graph model.meta`: exact BN checks on an exported MetaGraphDef."""

from __future__ import annotations

import click

from bncheck.findings import Finding, Severity

FORMATS = ("text", "json", "sarif")
FAIL_ON = ("error", "warning", "info", "never")


def exit_code(findings: list[Finding], fail_on: str) -> int:
    """1 when a finding reaches the ``--fail-on`` severity, else 0."""
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(finding.severity >= threshold for finding in findings) else 0


def emit_findings(command: str, findings: list[Finding], output_format: str, **extra: object) -> None:
    """Write json or sarif findings to stdout."""
    from bncheck.findings import get_rule

    if output_format == "json":
        from bncheck.reporting.json import dumps, findings_document

        click.echo(dumps(findings_document(command, findings, **extra)), nl=False)
    else:
        from bncheck.reporting.json import dumps
        from bncheck.reporting.sarif import sarif_document

        rules = [rule for rule in (get_rule(finding.code) for finding in findings) if rule is not None]
        click.echo(dumps(sarif_document(findings, rules)), nl=False)


@click.command("graph")
@click.argument("meta_graph", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--train-op",
    "train_op",
    default=None,
    help="Name of the train op (default: the train_op collection, else the ops that apply gradients).",
)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 when a finding has at least this severity.",
)
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log output.")
def graph_command(
    meta_graph: str, train_op: str | None, output_format: str, fail_on: str, verbose: bool
) -> int:
    """Check an exported graph (model.meta) for BN update, Saver and training-mode bugs.

    \b
      bncheck graph model.meta
      bncheck graph model.meta --train-op train/Adam --format json

    Nothing is run: the MetaGraphDef is imported into an empty graph, and no
    session, checkpoint or variable values are needed.
    """
    from bncheck.graph.checks import check_meta_graph_file

    analysis, findings = check_meta_graph_file(meta_graph, train_op, verbose)
    if output_format == "text":
        from bncheck.reporting.console import make_console
        from bncheck.reporting.graph_text import render_graph

        render_graph(make_console(), meta_graph, analysis, findings)
    else:
        emit_findings(
            "graph",
            findings,
            output_format,
            layers=[
                {
                    "name": layer.name,
                    "api": layer.api,
                    "mode": layer.mode,
                    "moving_variables": list(layer.moving_variables),
                    "update_ops": list(layer.update_ops),
                }
                for layer in analysis.layers
            ],
            train_ops=[op.name for op in analysis.train_ops],
        )
    return exit_code(findings, fail_on)

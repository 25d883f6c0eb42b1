"""`bncheck rules` and `bncheck explain`: the rule registry, without TensorFlow."""

from __future__ import annotations

import difflib
import json

import click

from bncheck.errors import BncheckError
from bncheck.findings import Rule, all_rules, get_rule
from bncheck.reporting.json import rule_document


@click.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_command(output_format: str) -> int:
    """List every rule: code, severity, command that reports it, title."""
    rules = all_rules()
    if output_format == "json":
        click.echo(json.dumps([rule_document(rule) for rule in rules], indent=2))
        return 0
    from rich.table import Table

    from bncheck.reporting.console import make_console

    table = Table(show_edge=False, header_style="bold")
    for column in ("code", "severity", "command", "title"):
        table.add_column(column)
    for rule in rules:
        table.add_row(rule.code, rule.severity.label, rule.face, rule.title)
    make_console().print(table)
    return 0


def explanation_text(rule: Rule) -> str:
    """The ruff-style rule page: What it finds / Why it is a bug / Example / Fix."""
    parts = [
        f"{rule.code}: {rule.title}  [{rule.severity.label}, reported by `bncheck {rule.face}`]",
        "",
        "What it finds",
        _indent(rule.what),
        "",
        "Why it is a bug",
        _indent(rule.why),
    ]
    if rule.examples_bad:
        parts += ["", "Example", _indent(rule.examples_bad[0].strip("\n"))]
    if rule.examples_good:
        parts += ["", "Use instead", _indent(rule.examples_good[0].strip("\n"))]
    parts += ["", "Fix", _indent(rule.fix)]
    if rule.references:
        parts += ["", "References"] + [f"    {reference}" for reference in rule.references]
    return "\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.strip("\n").splitlines())


@click.command("explain")
@click.argument("code")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain_command(code: str, output_format: str) -> int:
    """Explain a rule: what it finds, why it is a bug, an example, the fix.

    \b
      bncheck explain BN001
    """
    rule = get_rule(code)
    if rule is None:
        codes = [known.code for known in all_rules()]
        close = difflib.get_close_matches(code.upper(), codes, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `bncheck rules` lists them"
        raise BncheckError(f"unknown rule code {code!r}{hint}")
    if output_format == "json":
        click.echo(json.dumps(rule_document(rule), indent=2))
    else:
        click.echo(explanation_text(rule), nl=False)
    return 0

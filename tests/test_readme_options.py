"""The README documents every option of the commands that report findings, as their --help does."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from bncheck.cli import cli
from bncheck.reporting.output import DEFAULT_FAIL_ON

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _options(name: str) -> list[str]:
    command = cli.get_command(click.Context(cli), name)
    return [
        option
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for option in (*param.opts, *param.secondary_opts)
        if option.startswith("--") and option != "--help"
    ]


@pytest.mark.parametrize("name", ["lint", "audit", "graph", "trace"])
def test_every_option_is_in_the_readme(name: str) -> None:
    missing = [option for option in _options(name) if f"`{option}" not in README]
    assert not missing, f"bncheck {name}: options missing from the README: {missing}"


def test_the_readme_states_the_one_fail_on_default() -> None:
    assert f"The default is `{DEFAULT_FAIL_ON}` for every command" in README
    assert "(default `never`)" not in README and "(default error)" not in README

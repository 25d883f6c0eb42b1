"""The README documents what the code does: every scenario, every observation, every command."""

from __future__ import annotations

from pathlib import Path

from bncheck.scenarios import procedures, spec

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_lists_every_builtin_scenario():
    missing = [name for name in spec.builtin_files() if f"`{name}`" not in README]
    assert not missing


def test_readme_lists_every_observation():
    missing = [observation.name for procedure in procedures.registry().values()
               for observation in procedure.observations if f"`{observation.name}`" not in README]
    assert not missing


def test_readme_gives_the_two_setup_commands():
    assert "make run" in README and "make test" in README


def test_every_command_is_documented():
    from bncheck.cli import COMMANDS

    missing = [name for name in COMMANDS if f"bncheck {name}" not in README]
    assert not missing

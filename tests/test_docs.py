"""The README documents what the code does: every scenario, every observation, every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bncheck.scenarios import docs, procedures, spec
from tests import requires

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_lists_every_builtin_scenario():
    missing = [name for name in spec.builtin_files() if f"`{name}`" not in README]
    assert not missing


@pytest.mark.parametrize("section", docs.SECTIONS)
def test_readme_tables_are_the_ones_generated_from_the_registry(section):
    assert docs.current(README, section) == docs.generated(section), (
        f"run `python -m bncheck.scenarios.docs README.md` to regenerate the {section} table"
    )


def test_readme_lists_every_observation_of_every_procedure():
    missing = [
        observation.name
        for procedure in procedures.registry().values()
        for observation in procedure.observations
        if f"`{observation.name}`" not in README
    ]
    assert not missing
    assert all(f"`{name}`" in README for name in procedures.registry())


def test_readme_gives_the_two_setup_commands():
    assert "make run" in README and "make test" in README


def test_every_command_is_documented():
    from bncheck.cli import COMMANDS

    missing = [name for name in COMMANDS if f"bncheck {name}" not in README]
    assert not missing


@requires.tf
def test_readme_save_dir_then_audit_example_works_as_written(tmp_path):
    line = next(
        line for line in README.splitlines() if "--save-dir ckpt/" in line and "bncheck audit" in line
    )
    command = line.split("#")[0].strip()
    bin_dir = str(Path(sys.executable).parent)
    env = dict(
        os.environ,
        PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
        CUDA_VISIBLE_DEVICES="",
        COLUMNS="100",
    )
    completed = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    folders = sorted(p.name for p in (tmp_path / "ckpt").iterdir())
    assert len(folders) == 4 and all((tmp_path / "ckpt" / f / "checkpoint").is_file() for f in folders)
    # the audit ran on every variant's folder and found the two trainable-only checkpoints
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.count("BN101") == 2
    assert "trainable-only-saver-restored-by-a-fresh-eval-script" in completed.stdout
    assert "no checkpoint state file" not in completed.stderr

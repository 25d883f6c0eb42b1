"""Run the bncheck CLI in-process or in a subprocess and capture what a user would see."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(capsys, *args: str) -> Outcome:
    """Call bncheck.cli.main in this process (fast; TensorFlow stays loaded between tests)."""
    from bncheck.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def run_subprocess(*args: str, env: dict | None = None, cwd=None, timeout: float = 300) -> Outcome:
    completed = subprocess.run([sys.executable, "-m", "bncheck", *args], capture_output=True, text=True,
                               env=env, cwd=cwd, timeout=timeout)
    return Outcome(completed.returncode, completed.stdout, completed.stderr)

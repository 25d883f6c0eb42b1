"""The forked `python -m bncheck` of tests/zygote.py is the process a fresh start would be."""

from __future__ import annotations

import os
import subprocess
import sys

from tests import requires
from tests.helpers_cli import run_bncheck

SCRIPT = """\
import json, os, sys
print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "marker": os.environ.get("ZYGOTE_MARKER"),
                  "stdin": sys.stdin.read(), "path0": sys.path[0]}))
sys.stdout.flush()
if sys.argv[1:] == ["die"]:
    import signal
    os.kill(os.getpid(), signal.SIGTERM)
"""


def _fresh(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bncheck", *args], capture_output=True, text=True,
                          timeout=120, **options)


def test_forked_and_fresh_processes_print_and_exit_alike(tmp_path):
    for args in (["list", "--format", "json"], ["run", "missing-update-op"], ["lint", str(tmp_path / "no")]):
        forked, fresh = run_bncheck(*args, cwd=tmp_path), _fresh(*args, cwd=tmp_path)
        assert (forked.returncode, forked.stdout, forked.stderr) == (
            fresh.returncode, fresh.stdout, fresh.stderr
        )
    assert fresh.returncode == 2  # a real difference would show: the last one is an error


@requires.tf  # `bncheck trace` loads TensorFlow before it runs the script
def test_a_forked_process_gets_the_callers_folder_environment_stdin_and_signals(tmp_path):
    script = tmp_path / "show.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, ZYGOTE_MARKER="seen")
    traced = run_bncheck("trace", "--", "python", str(script), env=env, cwd=tmp_path, input="fed")
    assert traced.returncode == 0, traced.stderr
    shown = traced.stdout.splitlines()[0]
    assert '"marker": "seen"' in shown and f'"cwd": "{tmp_path}"' in shown and '"stdin": "fed"' in shown
    assert f'"argv": ["{script}"]' in shown
    killed = run_bncheck("trace", "--", "python", str(script), "die", cwd=tmp_path)
    assert killed.returncode == -15  # the script's SIGTERM ends the process, as `subprocess` reports it

"""Run the bncheck CLI in-process or in a subprocess and capture what a user would see."""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


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


# --- real processes, forked from a server that has imported TensorFlow once (tests/zygote.py) ---

ZYGOTE = Path(__file__).resolve().parent / "zygote.py"
# environment variables read while Python and TensorFlow start: a command line whose environment
# sets one of these differently from the server's starts a process from scratch instead
_STARTUP_PREFIXES = ("TF_", "ABSL", "CUDA", "XLA", "PYTHON", "OMP_", "KMP_", "LD_", "MKL", "OPENBLAS")


class _Zygote:
    def __init__(self) -> None:
        self.env = dict(os.environ)
        self.process = subprocess.Popen(
            [sys.executable, str(ZYGOTE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=self.env, cwd=str(ZYGOTE.parent),
        )
        atexit.register(self.close)
        self.loaded_env: dict[str, str] = json.loads(self._answer(300))["loaded_env"]

    def serves(self, env: dict) -> bool:
        """Would a fresh process with ``env`` start as the server did? (Then a fork of it is that process.)"""
        if self.process.poll() is not None:
            return False
        keys = {key for key in (*env, *self.env, *self.loaded_env) if key.startswith(_STARTUP_PREFIXES)}
        for key in keys:
            if key in self.loaded_env:  # set by loading TensorFlow over whatever the caller had
                if env.get(key) not in (None, self.loaded_env[key]):
                    return False
            elif env.get(key) != self.env.get(key):
                return False
        return True

    def run(self, module: str, argv: list[str], env: dict, cwd: str, stdin: str, stdout: str, stderr: str,
            timeout: float) -> int:
        from tests.zygote import INHERITED_SIGNALS

        ignored = [number for number in INHERITED_SIGNALS if signal.getsignal(number) == signal.SIG_IGN]
        request = {"module": module, "argv": argv, "env": env, "cwd": cwd, "stdin": stdin, "stdout": stdout,
                   "stderr": stderr, "ignored": ignored}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        pid = json.loads(self._answer(60))["pid"]
        try:
            return json.loads(self._answer(timeout))["status"]
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self._answer(60)
            raise

    def _answer(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired(str(ZYGOTE), timeout)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{ZYGOTE.name} ended (exit {self.process.wait()})")
        return line

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


_zygote: _Zygote | None = None


def run_bncheck(*args: str, env: dict | None = None, cwd=None, timeout: float = 300,
                input: str | None = None) -> subprocess.CompletedProcess:
    """``python -m bncheck ARGS`` as a real process of its own; what ``subprocess.run`` would return.

    The process is forked from a server that has imported TensorFlow already, unless ``env``
    changes how Python or TensorFlow start, or ``--verbose`` asks for TensorFlow's import-time
    logging (then it is started from scratch).  A test of what happens while TensorFlow is
    imported runs ``subprocess`` itself.
    """
    return run_module("bncheck", *args, env=env, cwd=cwd, timeout=timeout, input=input,
                      fresh="--verbose" in args)


def run_module(module: str, *args: str, env: dict | None = None, cwd=None, timeout: float = 300,
               input: str | None = None, fresh: bool = False) -> subprocess.CompletedProcess:
    """``python -m MODULE ARGS`` as ``run_bncheck`` runs it (``fresh``: always started from scratch)."""
    global _zygote
    env = dict(os.environ if env is None else env)
    command = [sys.executable, "-m", module, *args]
    if _zygote is None or _zygote.process.poll() is not None:
        _zygote = _Zygote()
    if fresh or not _zygote.serves(env):
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
                              input=input)
    with tempfile.TemporaryDirectory(prefix="bncheck-proc-") as folder:
        paths = {name: os.path.join(folder, name) for name in ("stdin", "stdout", "stderr")}
        Path(paths["stdin"]).write_text(input or "")
        for name in ("stdout", "stderr"):
            Path(paths[name]).touch()
        code = _zygote.run(module, list(args), env, os.path.abspath(cwd or os.getcwd()), timeout=timeout,
                           **paths)
        return subprocess.CompletedProcess(
            command, code, Path(paths["stdout"]).read_text(errors="replace"),
            Path(paths["stderr"]).read_text(errors="replace"),
        )

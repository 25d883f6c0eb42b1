"""Run many bncheck command lines in one child process, each with its own captured fd 1 and fd 2.

A corrupted input may make native code abort or hang, which would take pytest down
with it; here a dead or stuck child costs one case: the parent records what
happened to it and starts a new child for the cases after it.  A child runs case
after case, and is forked from a process that has imported TensorFlow already
(``tests.helpers_cli.run_module``), so hundreds of cases stay fast.

Child protocol: ``python -m tests.robust_worker CASES.json RESULTS.jsonl``; before a
case the child appends ``{"start": id}``, after it ``{"id", "code", "stdout", "stderr",
"seconds"}``.  A case that runs past its alarm is ended by SIGALRM and reported
with code ``"timeout"``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers_cli import run_module

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CaseResult:
    """What one command line did: ``code`` is the exit code, "timeout", or "died: <returncode>"."""

    case_id: str
    code: int | str
    stdout: str
    stderr: str
    seconds: float


class _Alarm(BaseException):
    """Raised by SIGALRM; a BaseException so that bncheck's own handlers do not swallow it."""


def _on_alarm(signum, frame):
    raise _Alarm()


def _run_one(args: list[str], cwd: str | None, alarm_s: int) -> tuple[int | str, str, str]:
    from bncheck.cli import main

    out = tempfile.TemporaryFile()  # noqa: SIM115 - read back after fds 1 and 2 are restored
    err = tempfile.TemporaryFile()  # noqa: SIM115
    saved = os.dup(1), os.dup(2)
    saved_cwd = os.getcwd()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    code: int | str = 0
    try:
        if cwd:
            os.chdir(cwd)
        signal.alarm(alarm_s)
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except _Alarm:
            code = "timeout"
        finally:
            signal.alarm(0)
    # anything escaping main() is the bug being looked for
    except BaseException as error:  # noqa: BLE001, B036
        import traceback

        traceback.print_exc()
        code = f"escaped: {type(error).__name__}"
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        os.chdir(saved_cwd)
    out.seek(0)
    err.seek(0)
    return code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


def _child(cases_path: str, results_path: str) -> None:
    signal.signal(signal.SIGALRM, _on_alarm)
    cases = json.loads(Path(cases_path).read_text())
    with open(results_path, "a", encoding="utf-8") as results:
        for case in cases:
            results.write(json.dumps({"start": case["id"]}) + "\n")
            results.flush()
            if case.get("reset_graph") and "tensorflow" in sys.modules:
                # traced scripts build into the default graph: each starts from an empty one
                sys.modules["tensorflow"].compat.v1.reset_default_graph()
            started = time.monotonic()
            code, stdout, stderr = _run_one(case["args"], case.get("cwd"), case.get("alarm_s", 30))
            results.write(
                json.dumps(
                    {
                        "id": case["id"],
                        "code": code,
                        "stdout": stdout[:20000],
                        "stderr": stderr[:20000],
                        "seconds": time.monotonic() - started,
                    }
                )
                + "\n"
            )
            results.flush()


def run_batch(cases: list[dict], folder: Path, budget_s: float = 240) -> dict[str, CaseResult]:
    """Run ``cases`` (dicts with id, args, optional cwd and alarm_s) in child processes; results by id."""
    pending = list(cases)
    done: dict[str, CaseResult] = {}
    deadline = time.monotonic() + budget_s
    round_ = 0
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1", NO_COLOR="1", COLUMNS="200")
    while pending:
        round_ += 1
        cases_path = folder / f"cases-{round_}.json"
        results_path = folder / f"results-{round_}.jsonl"
        cases_path.write_text(json.dumps(pending))
        returncode: int | str
        try:
            completed = run_module(
                "tests.robust_worker", str(cases_path), str(results_path), cwd=ROOT, env=env,
                timeout=max(1.0, deadline - time.monotonic()),
            )
            returncode = completed.returncode
        except subprocess.TimeoutExpired:
            returncode = "child timed out"
        started = None
        lines = results_path.read_text().splitlines() if results_path.exists() else []
        for line in lines:
            record = json.loads(line)
            if "start" in record:
                started = record["start"]
                continue
            done[record["id"]] = CaseResult(
                record["id"], record["code"], record["stdout"], record["stderr"], record["seconds"]
            )
            started = None
        if started is not None:
            done[started] = CaseResult(started, f"died: {returncode}", "", "", 0.0)
        pending = [case for case in pending if case["id"] not in done]
        if returncode == "child timed out":
            for case in pending:
                done[case["id"]] = CaseResult(case["id"], "not run: time budget spent", "", "", 0.0)
            break
    return done


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])

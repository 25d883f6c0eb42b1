"""Run a user's training script in this process, unchanged, under an UpdateWatcher."""

from __future__ import annotations

import gc
import importlib.util
import os
import re
import runpy
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from bncheck.errors import BncheckError, InputError
from bncheck.trace.report import TraceReport

_PYTHON = re.compile(r"^python[\d.]*(\.exe)?$")
_FLAGS_WITH_VALUE = ("-W", "-X", "-Q")


@dataclass(frozen=True)
class ScriptCommand:
    """``path`` for a script, ``module`` for ``python -m``; ``argv`` is what the script sees as sys.argv."""

    argv: tuple[str, ...]
    path: str | None = None
    module: str | None = None


@dataclass(frozen=True)
class TraceResult:
    """The report, the exit code to pass on, and the signal that ended the script (the caller re-sends it)."""

    report: TraceReport
    exit_code: int
    signal_number: int | None = None


# signals that end a training job on a cluster or a closed terminal: report first, then die of them
_REPORTED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class _Signalled(BaseException):
    """Raised in the script's main thread by SIGTERM/SIGHUP, so the report is still written."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def _raise_signalled(signal_number: int, frame) -> None:
    raise _Signalled(signal_number)


def _install_signal_handlers() -> dict[int, object]:
    """Our handlers for _REPORTED_SIGNALS, where the default would kill the process silently."""
    previous: dict[int, object] = {}
    for number in _REPORTED_SIGNALS:
        try:
            if signal.getsignal(number) is signal.SIG_DFL:
                previous[number] = signal.signal(number, _raise_signalled)
        except ValueError:  # not the main thread: signals cannot be caught here
            break
    return previous


def _restore_signal_handlers(previous: dict[int, object]) -> None:
    for number, handler in previous.items():
        if signal.getsignal(number) is _raise_signalled:  # unless the script installed its own
            signal.signal(number, handler)


def _describe(error: BaseException) -> str:
    """``str(error)`` on one line; a script's exception whose ``__str__`` raises is still described."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - any failure of user code
        text = "<str() of the exception failed>"
    return " ".join(text.split())[:200]


def _flush(stream) -> None:
    """Flush a stream the script may have replaced with anything (no flush, a raising one)."""
    try:
        stream.flush()
    except Exception:  # noqa: BLE001, S110 - user objects; the report matters more
        pass


def parse_command(command: list[str] | tuple[str, ...]) -> ScriptCommand:
    """Accept ``python [flags] train.py ARGS``, ``python -m pkg.train ARGS`` or ``train.py ARGS``."""
    words = list(command)
    if not words:
        raise BncheckError("trace: give the command to run after `--`, e.g. bncheck trace -- python train.py")
    if _PYTHON.match(os.path.basename(words[0])) or os.path.realpath(words[0]) == os.path.realpath(
        sys.executable
    ):
        words = words[1:]
        while words and words[0].startswith("-") and words[0] != "-m":
            if words[0] == "-c":
                raise BncheckError("trace: `python -c` is not supported; put the code in a script file")
            flag = words.pop(0)
            if flag in _FLAGS_WITH_VALUE and words:
                words.pop(0)
        if words[:1] == ["-m"]:
            if len(words) < 2:
                raise BncheckError("trace: `python -m` needs a module name")
            _check_module_exists(words[1])
            return ScriptCommand(argv=(words[1], *words[2:]), module=words[1])
    if not words:
        raise BncheckError("trace: no script given after the python interpreter")
    script = Path(words[0])
    try:
        exists = script.exists()
    except OSError as error:  # a name the file system rejects, e.g. too long
        raise InputError(script, f"cannot use this path ({error.strerror or error})") from None
    if not exists:
        raise InputError(script, "no such file")
    if not script.is_file():
        raise InputError(script, "is not a file; expected a Python training script")
    try:
        source = script.read_bytes()
    except OSError as error:
        raise InputError(script, f"cannot read: {error.strerror or error}") from None
    try:
        compile(source, str(script), "exec")
    except SyntaxError as error:
        raise InputError(f"{script}:{error.lineno}", f"does not parse: {error.msg}") from None
    except ValueError as error:
        raise InputError(script, f"does not parse: {error}") from None
    except (RecursionError, MemoryError) as error:
        # nesting deeper than the compiler's stack (e.g. 100000 chained `+`)
        raise InputError(script, f"does not parse: {type(error).__name__}: {error}") from None
    return ScriptCommand(argv=(str(script), *words[1:]), path=str(script))


def _check_module_exists(module: str) -> None:
    """InputError when ``python -m MODULE`` could not find the module's top-level package.

    Only the top-level name is looked up: that imports nothing, so no user code runs
    before the watcher is in place.  The current folder comes first, as for ``python -m``.
    """
    top = module.split(".")[0]
    saved_path = sys.path[:]
    sys.path.insert(0, os.getcwd())
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):  # ValueError: an empty or relative name
        found = False
    finally:
        sys.path[:] = saved_path
    if not found:
        raise InputError(module, f"no module named {top!r} (python -m) on the path or in {os.getcwd()}")


def _exit_status(error: SystemExit) -> int:
    code = error.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # what the interpreter does with sys.exit("message")
    return 1


def _print_script_traceback(error: BaseException, script: ScriptCommand) -> None:
    # drop bncheck's and runpy's frames so the traceback starts where the user's code does
    frames = traceback.extract_tb(error.__traceback__)
    start = 0
    launcher = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the bncheck package
    for index, frame in enumerate(frames):
        if script.path and os.path.realpath(frame.filename) == os.path.realpath(script.path):
            start = index
            break
        # `python -m`: the first frame that is neither bncheck's nor runpy's is the module's
        if script.module and not frame.filename.startswith(launcher) and "runpy" not in frame.filename:
            start = index
            break
    tb = error.__traceback__
    for _ in range(start):
        if tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
    traceback.print_exception(type(error), error, tb, file=sys.stderr)


def _restore_stdio(saved: tuple | None = None) -> None:
    """Put back the streams the script started with (``saved``), reopened on fds 1 and 2 when closed.

    The report still has to be written after the script ends, also when the script
    replaced sys.stderr or closed it; Python's own streams never close the fds, so
    they are still there to write to.
    """
    if saved is not None:
        sys.stdout, sys.stderr = saved
    for name, descriptor in (("stdout", 1), ("stderr", 2)):
        stream = getattr(sys, name)
        if stream is None or getattr(stream, "closed", False):
            stream = open(  # noqa: SIM115 - it lives on as sys.stdout / sys.stderr
                descriptor, "w", buffering=1, closefd=False, errors="backslashreplace"
            )
            setattr(sys, name, stream)


def run_traced(
    command: list[str] | tuple[str, ...], max_steps: int | None = None, verbose: bool = False
) -> TraceResult:
    """Run the script as ``__main__`` with its own sys.argv; report whatever ran, however it ended."""
    script = parse_command(command)
    from bncheck import tfcompat

    tfcompat.load(verbose)
    from bncheck.trace.watch import StopTraining, UpdateWatcher

    watcher = UpdateWatcher(max_steps=max_steps)
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    saved_stdio = (sys.stdout, sys.stderr)
    saved_recursion_limit = sys.getrecursionlimit()
    parent_pid = os.getpid()
    signal_number: int | None = None
    sys.argv = list(script.argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script.path)) if script.path else os.getcwd())
    outcome: str | None = None
    exit_code = 0
    previous_handlers = _install_signal_handlers()
    watcher.start()
    # bncheck's own objects (TensorFlow, rich, click) live as long as the process: keep the
    # garbage collector from traversing them again at every full collection during the script
    gc.freeze()
    try:
        if script.module:
            runpy.run_module(script.module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(script.path, run_name="__main__")
    except StopTraining:
        outcome = None
    except SystemExit as error:
        exit_code = _exit_status(error)
        outcome = f"exited with code {exit_code}" if exit_code else None
    except KeyboardInterrupt:
        exit_code = 130
        outcome = "interrupted"
    except _Signalled as signalled:
        signal_number = signalled.signal_number
        exit_code = 128 + signal_number
        outcome = f"terminated by {signal.Signals(signal_number).name}"
    # the user's script failed; its traceback is its output
    except BaseException as error:  # noqa: BLE001, B036
        # BaseException too: a script's own BaseException subclass ends it like any error
        sys.setrecursionlimit(max(saved_recursion_limit, sys.getrecursionlimit()))
        _restore_stdio()
        _print_script_traceback(error, script)
        exit_code = 1
        outcome = f"raised {type(error).__name__}: {_describe(error)}"
    finally:
        if os.getpid() != parent_pid:
            # a process the script forked ended by returning or raising: it ends here, as it
            # would under plain python, and the report is the parent's alone
            _flush(sys.stdout)
            _flush(sys.stderr)
            os._exit(exit_code)
        sys.setrecursionlimit(max(saved_recursion_limit, sys.getrecursionlimit()))
        _restore_signal_handlers(previous_handlers)
        watcher.stop()
        sys.argv, sys.path[:] = saved_argv, saved_path
        _flush(sys.stdout)
        _flush(sys.stderr)
        _restore_stdio(saved_stdio)
        _flush(sys.stdout)
    return TraceResult(watcher.report(outcome), exit_code, signal_number)

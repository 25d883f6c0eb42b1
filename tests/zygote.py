"""A process that has imported TensorFlow once and forks a fresh ``python -m bncheck`` per request.

Each command line a test runs as a real process (trace, which runs the user's script in
bncheck's own process; exit codes, signals, atexit, fork) costs a TensorFlow import of a
couple of seconds when it is started from scratch.  Forked from this server, the child is
the same interpreter state a fresh ``python -m bncheck`` reaches after its imports, with
its own fds 0/1/2, environment, folder and argv, and it ends as such a process ends:
SystemExit and exceptions unwind to the top level, atexit handlers run, a signal kills it.
The server has run no TensorFlow session, so no thread pool is copied half-way.

Protocol (``python tests/zygote.py``): one JSON request per line on stdin,
``{"module", "argv", "env", "cwd", "stdin", "stdout", "stderr", "ignored"}`` (stdin to stderr
are file paths, ``ignored`` the signals the caller ignores, which a child it started would
inherit; the child is ``python -m MODULE ARGV...``);
the server first says ``{"loaded_env": {...}}`` (what loading TensorFlow set in its
environment), then answers each request with ``{"pid": N}`` when the child is started and
``{"status": S}`` when it has ended, S being what ``subprocess`` would report as its return
code (a negative signal number if a signal ended it).  Tests reach it through
``tests.helpers_cli.run_bncheck``.
"""

from __future__ import annotations

import io
import json
import os
import runpy
import signal
import sys

# dispositions a new Python process takes from its parent (SIGINT and SIGPIPE it sets itself)
INHERITED_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                     signal.SIGALRM)


def _preload() -> dict[str, str]:
    """Import what `python -m bncheck` imports on its way to a command, TensorFlow included.

    Returns the environment variables that loading set (TF_USE_LEGACY_KERAS, ...): a fresh
    process sets them over its own environment too, so each child gets them over the request's.
    """
    before = dict(os.environ)
    import bncheck.cli  # noqa: F401
    import bncheck.trace.run  # noqa: F401
    from bncheck import tfcompat

    try:
        tfcompat.load()
    except Exception:  # noqa: BLE001 - no usable TensorFlow: each child then fails as a fresh process does
        pass
    return {key: value for key, value in os.environ.items() if before.get(key) != value}


def _become_bncheck(request: dict, loaded_env: dict[str, str]) -> None:
    """In the forked child: take the request's fds, environment, folder and argv, then run the module."""
    os.chdir(request["cwd"])
    for number in INHERITED_SIGNALS:  # a started process inherits what its parent ignores, nothing else
        signal.signal(number, signal.SIG_IGN if number in request["ignored"] else signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(loaded_env)
    for fd, path, mode in ((0, request["stdin"], os.O_RDONLY), (1, request["stdout"], os.O_WRONLY),
                           (2, request["stderr"], os.O_WRONLY)):
        opened = os.open(path, mode)
        os.dup2(opened, fd)
        os.close(opened)
    # the text streams a fresh interpreter builds over those fds (stderr: line-buffered, backslashreplace)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False))
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), errors="backslashreplace", line_buffering=True
    )
    sys.path[0] = os.getcwd()  # `python -m` puts the current folder first
    sys.argv = ["-m", *request["argv"]]
    runpy._run_module_as_main(request["module"])  # what `python -m` calls; SystemExit unwinds from here


def main() -> None:
    loaded_env = _preload()
    answers = sys.stdout
    answers.write(json.dumps({"loaded_env": loaded_env}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_bncheck(request, loaded_env)
            return  # bncheck returned without SystemExit: the interpreter exits 0, as `python -m` does
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()

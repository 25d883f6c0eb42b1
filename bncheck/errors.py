"""The one exception type that means "the user's input is wrong" (exit code 2)."""

from __future__ import annotations


class BncheckError(Exception):
    """Bad input, an unreadable file or a missing dependency.

    The CLI prints ``str(error)`` as one line on stderr and exits with code 2.
    The message names the file, key or option at fault and what was expected.
    """

    exit_code = 2


class InputError(BncheckError):
    """A file or path given by the user cannot be used."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        # both arguments, so that the error survives pickling (a worker process) and copy.copy
        super().__init__(self.path, problem)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"

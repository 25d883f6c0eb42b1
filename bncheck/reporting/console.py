"""The rich consoles every text renderer writes to."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and degrades cleanly when not a terminal.

    Rich already drops colour when NO_COLOR is set or the stream is not a TTY;
    a pipe also gets a fixed, generous width so tables are not squeezed to 80.
    """
    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    width = None if is_tty or os.environ.get("COLUMNS") else 120
    return Console(
        file=stream,
        width=width,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )

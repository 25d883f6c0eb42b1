"""The rich consoles every text renderer writes to."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich.console import Console

# the width of tables when the output is a pipe: no terminal to fit, and most rows stay whole
PLAIN_WIDTH = 120
# a report file is read in an editor or searched: wide enough that no cell of a row wraps
FILE_WIDTH = 400


def make_console(stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and degrades cleanly when not a terminal.

    Rich already drops colour when NO_COLOR is set or the stream is not a TTY;
    a pipe also gets a fixed, generous width so tables are not squeezed to 80.
    Markup is off: every string printed holds names from users' files, never rich tags.
    """
    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    width = None if is_tty or os.environ.get("COLUMNS") else PLAIN_WIDTH
    return Console(
        file=stream,
        width=width,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
        markup=False,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def file_console(handle: TextIO) -> Console:
    """A plain console for a report file: no colour, no terminal width."""
    return Console(
        file=handle,
        width=FILE_WIDTH,
        no_color=True,
        color_system=None,
        force_terminal=False,
        markup=False,
        highlight=False,
        emoji=False,
    )

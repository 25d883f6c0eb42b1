"""Command-line entry point: a thin click layer over the core.

Each command lives in ``bncheck.commands.<name>`` and is imported only when it is
invoked or listed, so ``bncheck --help`` stays free of TensorFlow.  Errors of the
user's input become one line on stderr and exit code 2; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from bncheck import __version__
from bncheck.errors import BncheckError

# command name -> "module:attribute"; the order is the order of `bncheck --help`.
COMMANDS: dict[str, str] = {
    "run": "bncheck.commands.run:run_command",
    "list": "bncheck.commands.run:list_command",
    "rules": "bncheck.commands.rules:rules_command",
    "explain": "bncheck.commands.rules:explain_command",
    "audit": "bncheck.commands.audit:audit_command",
    "graph": "bncheck.commands.graph:graph_command",
    "trace": "bncheck.commands.trace:trace_command",
    "lint": "bncheck.commands.lint:lint_command",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def resolve_command(self, ctx, args):  # noqa: ANN001 - click's signature
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            import difflib

            name = args[0] if args else ""
            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; commands: {', '.join(COMMANDS)}"
            raise click.UsageError(f"no such command '{name}'{hint}") from error


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="bncheck")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error instead of one line.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find and explain batch-normalization bugs in TensorFlow training code.

    \b
      bncheck run missing-update-ops   reproduce a pitfall live on your TensorFlow
      bncheck list                     the scenarios that `run` knows
      bncheck audit model.ckpt-1000    check a checkpoint's moving statistics
      bncheck lint src/                statically check training scripts (for CI)
      bncheck graph model.meta         exact check of an exported graph
      bncheck trace -- python train.py watch a real training run
      bncheck explain BN001            what a finding means and how to fix it

    Exit codes: 0 clean, 1 findings or a failed expectation, 2 usage or input error.
    """
    if ctx.invoked_subcommand is None:
        # bare `bncheck`: the help on stdout, exit 0, as `git` or `pip` do
        click.echo(ctx.get_help())


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _error(message: str) -> int:
    from bncheck.reporting.escape import printable

    # the message often quotes a user's path: an ESC sequence or an undecodable byte stays visible text
    click.echo(f"bncheck: error: {printable(_one_line(message))}", err=True)
    return 2


# top-level modules of bncheck's dependencies: an import of one that fails is an installation
# problem the user can fix, not a bug (``pip install --no-deps``, a broken environment)
_CORE_PACKAGES = {"numpy": "numpy", "h5py": "h5py", "google": "protobuf", "google_crc32c": "google-crc32c"}
_TF_PACKAGES = {"tensorflow", "tf_keras", "keras"}


def _missing_package(error: ModuleNotFoundError) -> str | None:
    """One line naming the missing package and the install command, or None for any other module."""
    top = (error.name or "").split(".")[0]
    if top in _TF_PACKAGES:
        from bncheck.tfcompat import INSTALL_HINT

        return f"{top} is not installed; this command needs it: {INSTALL_HINT}"
    if top in _CORE_PACKAGES:
        return (
            f"the Python package {_CORE_PACKAGES[top]} is not installed: pip install bncheck "
            "(run, graph and trace also need pip install 'bncheck[tf]')"
        )
    return None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; exits with bncheck's exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # accept --debug after the subcommand too (`bncheck run x --debug`), but never
    # after `--`, where the arguments belong to the user's script (`bncheck trace`)
    own = args[: args.index("--")] if "--" in args else args
    debug = "--debug" in own or os.environ.get("BNCHECK_DEBUG") == "1"
    if "--debug" in own:
        rest = args[len(own) :]
        args = ["--debug"] + [arg for arg in own if arg != "--debug"] + rest
    try:
        code = cli.main(args=args, prog_name="bncheck", standalone_mode=False)
    except click.exceptions.Exit as exit_:
        code = exit_.exit_code
    except click.exceptions.Abort:
        click.echo("bncheck: aborted", err=True)
        code = 130
    except click.ClickException as error:
        if debug:
            raise
        code = _error(error.format_message())
    except BncheckError as error:
        if debug:
            raise
        code = _error(str(error))
    except KeyboardInterrupt:
        click.echo("bncheck: interrupted", err=True)
        code = 130
    except BrokenPipeError:
        # the reader went away (e.g. `bncheck lint | head`); not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    except Exception as error:  # pragma: no cover - the last line of defence
        if debug:
            raise
        missing = _missing_package(error) if isinstance(error, ModuleNotFoundError) else None
        internal = f"internal error: {type(error).__name__}: {error} (rerun with --debug for the traceback)"
        code = _error(missing or internal)
    sys.exit(code if isinstance(code, int) else 0)

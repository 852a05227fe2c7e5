"""The command group, the options shared by commands, and how errors become exit codes.

Exit codes: 0 success, 2 user error (bad file, option or workspace; the message says which
file, sheet, row and column), 1 unexpected failure.

The command modules import the library (the store, pandas, the readers) inside the command
functions, so ``evaltool --help`` and the light commands start without them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evaltool import __version__
from evaltool.errors import ImportFailed, UserError, WorkspaceBusy
from evaltool.output import FORMATS
from evaltool.output.paths import check_writable
from evaltool.text import terminal_safe

WORKSPACE_OPTION = click.option(
    "-w",
    "--workspace",
    "workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $EVALTOOL_WORKSPACE, else the current one).",
)
FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def writable_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A click callback: the output file ``value`` can be written (checked before the
    command does anything; :func:`evaltool.output.paths.check_writable`)."""
    if value is not None:
        check_writable(value, f"{param.opts[-1]} file")
    return value


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=writable_file,
    help="Write to this file instead of the terminal.",
)


class EvaltoolGroup(click.Group):
    """Turns library UserErrors into a message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImportFailed as exc:
            if exc.report is not None:
                echo(exc.report.format(), err=True)
            echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except UserError as exc:
            echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            # the engine's OperationalError (PostgreSQL's is a subclass), recognised by
            # name so that the store is imported only when one happens
            if not any(c.__name__ == "OperationalError" for c in type(exc).__mro__):
                raise
            from evaltool.store.engine import is_busy

            if not is_busy(exc):
                raise
            # a read that waited the whole busy timeout for another process's commit
            echo(f"Error: {WorkspaceBusy(doing='read')}", err=True)
            sys.exit(WorkspaceBusy.exit_code)


def open_workspace(path: Path | None):
    """:meth:`evaltool.store.workspace.Workspace.open` of ``path``, the store imported only
    when a command needs it.

    Parameters
    ----------
    path : Path or None
        The workspace folder (None: ``$EVALTOOL_WORKSPACE``, else the current folder).

    Returns
    -------
    Workspace
        The open workspace (a context manager that closes it).
    """
    from evaltool.store.workspace import Workspace

    return Workspace.open(path)


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of text that may hold data (names, headers, values): control
    characters escaped (:func:`evaltool.text.terminal_safe`)."""
    click.echo(terminal_safe(str(text)), err=err, nl=nl)


def _print(text: str | None) -> None:
    if text is not None:
        echo(text, nl=not text.endswith("\n"))


@click.group(cls=EvaltoolGroup)
@click.version_option(__version__, prog_name="evaltool")
def main() -> None:
    """Evaluate intermediate labour market projects: client quality-of-life questionnaires,
    partner cooperation surveys and evaluation reports."""


def _print_import(result) -> None:
    """An import's warnings (at most 20 per severity, on stderr), then what it did."""
    if result.report.warnings:
        echo(result.report.format(limit=20), err=True)
    echo(result.summary())

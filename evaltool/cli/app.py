"""The command group, the options shared by commands, and how errors become exit codes.

Exit codes: 0 success, 2 user error (bad file, option or workspace; the message says which
file, sheet, row and column), 1 unexpected failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evaltool import __version__
from evaltool.errors import ImportFailed, UserError
from evaltool.output import FORMATS

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
OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal.",
)


class EvaltoolGroup(click.Group):
    """Turns library UserErrors into a message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImportFailed as exc:
            if exc.report is not None:
                click.echo(exc.report.format(), err=True)
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except UserError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)


def _print(text: str | None) -> None:
    if text is not None:
        click.echo(text, nl=not text.endswith("\n"))


@click.group(cls=EvaltoolGroup)
@click.version_option(__version__, prog_name="evaltool")
def main() -> None:
    """Evaluate intermediate labour market projects: client quality-of-life questionnaires,
    partner cooperation surveys and evaluation reports."""


def _print_import(result) -> None:
    """An import's warnings (at most 20 per severity, on stderr), then what it did."""
    if result.report.warnings:
        click.echo(result.report.format(limit=20), err=True)
    click.echo(result.summary())

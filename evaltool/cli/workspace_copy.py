"""``evaltool workspace copy``: move a workspace's store between SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click

from evaltool.cli.app import main


@main.group("workspace")
def workspace_group() -> None:
    """Whole workspaces: copy one to another engine."""


@workspace_group.command("copy")
@click.argument("src", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("dst", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--database",
    default=None,
    metavar="URL",
    help="Put DST's store in this empty PostgreSQL database (postgresql://user@host/dbname; "
    "password in ~/.pgpass or PGPASSWORD). Default: evaltool.sqlite in DST.",
)
def copy(src: Path, dst: Path, database: str | None) -> None:
    """Copy the workspace SRC into the new workspace DST, every table row for row (the
    pseudonym key, imports, responses, accounts, the audit log), e.g. from SQLite to
    PostgreSQL or back. Files in SRC's folder (reports, uploads) are not copied."""
    from evaltool.store.copy import copy_workspace

    counts = copy_workspace(src, dst, database=database)
    rows = sum(counts.values())
    click.echo(f"Copied {src} to {dst}: {len(counts)} tables, {rows} rows")

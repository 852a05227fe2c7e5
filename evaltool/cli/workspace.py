"""Workspace commands: create it, its settings, the demo, the built-in instruments."""

from __future__ import annotations

from pathlib import Path

import click

from evaltool.cli.app import WORKSPACE_OPTION, main, open_workspace
from evaltool.errors import UserError


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--database",
    envvar="EVALTOOL_DATABASE",
    default=None,
    metavar="URL",
    help="Keep the store in this PostgreSQL database (postgresql://user@host:5432/dbname; "
    "the password in ~/.pgpass or PGPASSWORD, never in the URL) instead of "
    "evaltool.sqlite. Default: $EVALTOOL_DATABASE.",
)
def init(directory: Path, database: str | None) -> None:
    """Create a workspace in DIRECTORY (default: the current folder)."""
    from evaltool.store.workspace import Workspace

    ws = Workspace.init(directory, database=database or None)
    where = "evaltool.sqlite" if not ws.is_server_database else f"PostgreSQL {database}"
    ws.close()
    click.echo(f"Created workspace {directory} ({where})")


@main.group()
def config() -> None:
    """Workspace settings (min_n, lang)."""


@config.command("set")
@click.argument("key")
@click.argument("value")
@WORKSPACE_OPTION
def config_set(key: str, value: str, workspace: Path | None) -> None:
    """Set KEY to VALUE (min_n: smallest group shown; lang: fi, sv or en)."""
    with open_workspace(workspace) as ws:
        ws.set_setting(key, value)
    click.echo(f"{key} = {value}")


@config.command("show")
@WORKSPACE_OPTION
def config_show(workspace: Path | None) -> None:
    """Show the workspace settings."""
    with open_workspace(workspace) as ws:
        for k, v in sorted(ws.settings().items()):
            click.echo(f"{k} = {v}")


@main.command()
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("evaltool-demo")
)
@click.option(
    "--lang",
    type=click.Choice(["fi", "sv", "en"]),
    default=None,
    help="Report language (default fi).",
)
def demo(directory: Path, lang: str | None) -> None:
    """Build a synthetic example region in DIRECTORY (default ./evaltool-demo): invented
    projects, clients and partner organisations written as real survey-tool exports, imported
    through the normal commands, and all reports."""
    from evaltool.demo import build_demo

    index = build_demo(directory, progress=True, lang=lang)
    click.echo(f"Reports: {index}")


@main.command()
def instruments() -> None:
    """List the built-in instruments and surveys."""
    from evaltool.instruments import builtin_names, load_instrument

    for name in builtin_names():
        try:
            inst = load_instrument(name)
        except UserError:
            continue
        title = inst.title.get("en", "")
        click.echo(f"{name:20s} {len(inst.items):3d} items  {title}")

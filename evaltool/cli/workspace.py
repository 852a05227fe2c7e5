"""Workspace commands: create it, its settings, its imports, the demo, the built-in instruments."""

from __future__ import annotations

import json
from pathlib import Path

import click

from evaltool.cli.app import FORMAT_OPTION, OUTPUT_OPTION, WORKSPACE_OPTION, _print, main
from evaltool.errors import UserError
from evaltool.output import emit
from evaltool.store.workspace import Workspace


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Create a workspace in DIRECTORY (default: the current folder)."""
    ws = Workspace.init(directory)
    ws.close()
    click.echo(f"Created workspace {directory} (evaltool.sqlite)")


@main.group()
def config() -> None:
    """Workspace settings (min_n, lang)."""


@config.command("set")
@click.argument("key")
@click.argument("value")
@WORKSPACE_OPTION
def config_set(key: str, value: str, workspace: Path | None) -> None:
    """Set KEY to VALUE (min_n: smallest group shown; lang: fi, sv or en)."""
    with Workspace.open(workspace) as ws:
        ws.set_setting(key, value)
    click.echo(f"{key} = {value}")


@config.command("show")
@WORKSPACE_OPTION
def config_show(workspace: Path | None) -> None:
    """Show the workspace settings."""
    with Workspace.open(workspace) as ws:
        for k, v in sorted(ws.settings().items()):
            click.echo(f"{k} = {v}")


@main.command()
@WORKSPACE_OPTION
@FORMAT_OPTION
@OUTPUT_OPTION
def imports(workspace, fmt, output) -> None:
    """List imports with their provenance."""
    with Workspace.open(workspace) as ws:
        table = ws.imports()
    if fmt == "table":
        n_warnings = table["warnings"].map(lambda text: len(json.loads(text)))
        table = table.assign(sha256=table["sha256"].str[:12], warnings=n_warnings)[
            [
                "id",
                "kind",
                "source_name",
                "sha256",
                "size",
                "sheet",
                "layout",
                "instrument",
                "rule",
                "round",
                "rows_read",
                "rows_stored",
                "rows_rejected",
                "warnings",
                "imported_at",
            ]
        ]
    elif fmt == "json":
        table = table.assign(
            warnings=table["warnings"].map(json.loads), options=table["options"].map(json.loads)
        )
    _print(emit({"imports": table}, fmt, output))


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

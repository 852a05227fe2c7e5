"""``evaltool report``: project, programme and all reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evaltool.cli.app import WORKSPACE_OPTION, main
from evaltool.errors import UserError
from evaltool.store.workspace import Workspace


@main.command()
@WORKSPACE_OPTION
@click.option("--project", "project", default=None, help="Write this project's report.")
@click.option("--programme", is_flag=True, help="Write the programme report.")
@click.option(
    "--all",
    "all_reports",
    is_flag=True,
    help="Write the programme report, every project report and index.html.",
)
@click.option(
    "--lang",
    type=click.Choice(["fi", "sv", "en"]),
    default=None,
    help="Report language (default: the workspace's lang setting, fi).",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the reports (default: WORKSPACE/reports).",
)
def report(workspace, project, programme, all_reports, lang, output_dir) -> None:
    """Write evaluation reports (HTML, with an Excel workbook of every table)."""
    from evaltool.report import write_all_reports, write_programme_report, write_project_report

    if sum(bool(x) for x in (project, programme, all_reports)) != 1:
        raise UserError("give one of --project P, --programme or --all")
    with Workspace.open(workspace) as ws:
        if project:
            path = write_project_report(ws, project, output_dir, lang)
        elif programme:
            path = write_programme_report(ws, output_dir, lang)
        else:
            path = write_all_reports(ws, output_dir, lang, progress=sys.stderr.isatty())
    click.echo(f"Wrote {path}")

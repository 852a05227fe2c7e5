"""``evaltool report``: project, programme and all reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evaltool.cli.app import WORKSPACE_OPTION, main, open_workspace
from evaltool.errors import UserError


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
    "--format",
    "formats",
    type=click.Choice(["html", "docx", "pdf"]),
    multiple=True,
    help="html (default; with the Excel workbook), docx (Word) or pdf; repeat for several.",
)
@click.option(
    "--docx-template",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A Word document whose styles the .docx reports use.",
)
@click.option(
    "--texts",
    is_flag=True,
    help="Write the skeletons of the evaluator's texts (WORKSPACE/texts/<project>.md and "
    "programme.md) that do not exist yet; with --project or --programme only that one.",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the reports (default: WORKSPACE/reports).",
)
def report(
    workspace, project, programme, all_reports, lang, formats, docx_template, texts, output_dir
) -> None:
    """Write evaluation reports (HTML with an Excel workbook of every table; Word, PDF), or
    with --texts the skeletons of the evaluator's own texts."""
    from evaltool.report import (
        write_all_reports,
        write_documents,
        write_programme_report,
        write_project_report,
        write_text_skeletons,
    )

    if texts:
        if project and programme:
            raise UserError("give --project P or --programme with --texts, not both")
        with open_workspace(workspace) as ws:
            done = write_text_skeletons(
                ws,
                lang,
                projects=[project] if project else ([] if programme else None),
                programme=not project,
            )
        for path, written in done:
            click.echo(f"{'Wrote' if written else 'Kept (exists)'} {path}")
        return
    if sum(bool(x) for x in (project, programme, all_reports)) != 1:
        raise UserError("give one of --project P, --programme or --all")
    formats = tuple(dict.fromkeys(formats or ("html",)))
    from evaltool.output.paths import check_writable_folder

    check_writable_folder(output_dir, "report folder")  # before anything is computed
    with open_workspace(workspace) as ws:
        if "html" in formats:
            if project:
                path = write_project_report(ws, project, output_dir, lang)
            elif programme:
                path = write_programme_report(ws, output_dir, lang)
            else:
                path = write_all_reports(ws, output_dir, lang, progress=sys.stderr.isatty())
            click.echo(f"Wrote {path}")
        others = tuple(f for f in formats if f != "html")
        if others:
            if all_reports:
                from evaltool.report.cache import report_data

                projects = list(report_data(ws, lang).projects)
            else:
                projects = [project] if project else []
            for path in write_documents(
                ws,
                output_dir,
                lang,
                formats=others,
                projects=projects,
                programme=bool(programme or all_reports),
                template=docx_template,
            ):
                click.echo(f"Wrote {path}")

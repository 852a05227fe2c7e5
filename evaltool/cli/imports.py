"""``evaltool import …``: client questionnaires, partner rounds, the project register."""

from __future__ import annotations

from pathlib import Path

import click

from evaltool.cli.app import WORKSPACE_OPTION, _print_import, main
from evaltool.errors import ImportFailed
from evaltool.store.workspace import Workspace


@main.group("import")
def import_() -> None:
    """Import client questionnaires, partner surveys or the ESR project register."""


@import_.command("clients")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@WORKSPACE_OPTION
@click.option(
    "--instrument",
    default="whoqol-bref",
    show_default=True,
    help="Built-in instrument name or a path to an instrument TOML file.",
)
@click.option("--project", default=None, help="Project of every response in the file(s).")
@click.option("--project-column", default=None, help="Column holding each response's project.")
@click.option("--wave", default=None, help="Wave of every response (1 = entry, 2, 3 …).")
@click.option("--wave-column", default=None, help="Column holding each response's wave.")
@click.option("--id-column", default=None, help="Column holding the respondent id.")
@click.option("--date-column", default=None, help="Column holding the response date.")
@click.option("--sheet", default=None, help="Sheet name or number (default: first non-empty).")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file (TOML) from column headers to item codes.",
)
@click.option("--rule", default=None, help="Missing-data rule (whoqol-bref: who-syntax, manual).")
@click.option("--layout", default=None, help="Force a survey-tool layout instead of detecting it.")
@click.option("--complete-only", is_flag=True, help="Drop responses marked incomplete.")
@click.option("--replace", is_flag=True, help="Replace an earlier import of the same file.")
@click.option(
    "--report-json",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the validation report as JSON to this file.",
)
def import_clients_cmd(
    files,
    workspace,
    instrument,
    project,
    project_column,
    wave,
    wave_column,
    id_column,
    date_column,
    sheet,
    mapping,
    rule,
    layout,
    complete_only,
    replace,
    report_json,
) -> None:
    """Import client questionnaires (FILE...: xlsx, xls, ods, csv, txt, sav)."""
    from evaltool.imports.clients import ClientImportOptions, import_clients

    opts = ClientImportOptions(
        instrument=instrument,
        project=project,
        project_column=project_column,
        wave=wave,
        wave_column=wave_column,
        id_column=id_column,
        date_column=date_column,
        sheet=sheet,
        mapping=mapping,
        rule=rule,
        layout=layout,
        replace=replace,
        complete_only=complete_only,
    )
    with Workspace.open(workspace) as ws:
        try:
            result = import_clients(ws, list(files), opts)
        except ImportFailed as exc:
            if report_json and exc.report is not None:
                report_json.write_text(exc.report.to_json(), encoding="utf-8")
            raise
    if report_json:
        report_json.write_text(result.report.to_json(), encoding="utf-8")
    _print_import(result)


@import_.command("partners")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WORKSPACE_OPTION
@click.option(
    "--round", "round_label", required=True, help="Survey round label, e.g. 'syksy 2012'."
)
@click.option(
    "--orgs",
    "roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Roster file (columns org, sector): every organisation is a node.",
)
@click.option(
    "--survey",
    default=None,
    help="Partner survey definition: built-in name or TOML file (default: partner-survey).",
)
@click.option("--layout", default=None, help="Force a survey-tool layout.")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file (TOML): [columns] header → statement item, [aliases] "
    "organisation name variants.",
)
@click.option("--sheet", default=None, help="Sheet name or number.")
@click.option("--replace", is_flag=True, help="Replace an earlier import of the same file.")
def import_partners_cmd(
    file, workspace, round_label, roster, survey, layout, mapping, sheet, replace
) -> None:
    """Import a partner survey round: a web-survey export with a roster matrix, or a tie list
    (respondent_org, partner_org, contact_frequency, collaboration_level, trust, value)."""
    from evaltool.imports.partners import import_partners

    with Workspace.open(workspace) as ws:
        result = import_partners(
            ws,
            file,
            round_label,
            roster=roster,
            survey=survey,
            layout=layout,
            mapping=mapping,
            sheet=sheet,
            replace=replace,
        )
    _print_import(result)


@import_.command("projects")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WORKSPACE_OPTION
@click.option("--sheet", default=None, help="Sheet name or number.")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace an earlier import of the same file and overwrite projects "
    "registered from another file.",
)
def import_projects_cmd(file, workspace, sheet, replace) -> None:
    """Import the ESR project register (xlsx, csv or TOML): code, name, organisation, region,
    funder, priority axis, dates, planned and realised indicators."""
    from evaltool.imports.register import import_projects

    with Workspace.open(workspace) as ws:
        result = import_projects(ws, file, replace=replace, sheet=sheet)
    _print_import(result)

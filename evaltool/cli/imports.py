"""``evaltool import …``: client questionnaires, partner rounds, the project register;
``evaltool imports``: the list of imports, deleting one, the log of deleted imports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from evaltool.cli.app import (
    FORMAT_OPTION,
    OUTPUT_OPTION,
    WORKSPACE_OPTION,
    _print,
    _print_import,
    main,
    open_workspace,
    writable_file,
)
from evaltool.errors import ImportFailed, UserError
from evaltool.output import emit
from evaltool.text import mask_personal


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
    "--force",
    is_flag=True,
    help="Import a file already imported as another wave or into another project.",
)
@click.option(
    "--anonymous",
    is_flag=True,
    help="The survey has no respondent id: store every response unlinked (never paired "
    "across waves).",
)
@click.option(
    "--new-project",
    is_flag=True,
    help="Create the project although its name is close to an existing one's.",
)
@click.option(
    "--report-json",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=writable_file,
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
    force,
    anonymous,
    new_project,
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
        force=force,
        anonymous=anonymous,
        new_project=new_project,
    )
    with open_workspace(workspace) as ws:
        try:
            result = import_clients(ws, list(files), opts)
        except ImportFailed as exc:
            if report_json and exc.report is not None:
                report_json.write_text(exc.report.to_json(), encoding="utf-8")
            raise
    _print_import(result)
    if report_json:
        try:
            report_json.write_text(result.report.to_json(), encoding="utf-8")
        except OSError as exc:  # checked before the import; the file system changed since
            raise UserError(
                f"the import was stored (see above), but the report could not be written to "
                f"{report_json}: {exc.strerror or exc}"
            ) from None


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
@click.option(
    "--org-column",
    default=None,
    help="Column naming each respondent's organisation (web-survey export).",
)
@click.option("--replace", is_flag=True, help="Replace an earlier import of the same file.")
@click.option("--force", is_flag=True, help="Import a file already imported for another round.")
def import_partners_cmd(
    file,
    workspace,
    round_label,
    roster,
    survey,
    layout,
    mapping,
    sheet,
    org_column,
    replace,
    force,
) -> None:
    """Import a partner survey round: a web-survey export with a roster matrix, or a tie list
    (respondent_org, partner_org, contact_frequency, collaboration_level, trust, value)."""
    from evaltool.imports.partners import import_partners

    with open_workspace(workspace) as ws:
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
            org_column=org_column,
            force=force,
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

    with open_workspace(workspace) as ws:
        result = import_projects(ws, file, replace=replace, sheet=sheet)
    _print_import(result)


@main.group(invoke_without_command=True)
@WORKSPACE_OPTION
@FORMAT_OPTION
@OUTPUT_OPTION
@click.option(
    "--with-source-ids",
    is_flag=True,
    help="Keep respondents' source ids quoted in stored warnings (sensitive).",
)
@click.pass_context
def imports(ctx: click.Context, workspace, fmt, output, with_source_ids) -> None:
    """List imports with their provenance; delete one (imports delete N) and show the log of
    deleted imports (imports deletions)."""
    from evaltool.output.listing import import_listing

    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace
    if ctx.invoked_subcommand is not None:
        return
    with open_workspace(workspace) as ws:
        table = import_listing(ws.imports(), fmt, with_source_ids)
    _print(emit({"imports": table}, fmt, output))


def _workspace(ctx: click.Context, workspace: Path | None) -> Path | None:
    """The subcommand's ``-w``, else the group's."""
    if workspace is not None:
        return workspace
    return (ctx.obj or {}).get("workspace")


@imports.command("delete")
@click.argument("import_id", type=click.IntRange(min=1), metavar="N")
@WORKSPACE_OPTION
@click.option("--yes", is_flag=True, help="Delete without asking.")
@click.pass_context
def imports_delete(ctx: click.Context, import_id: int, workspace, yes: bool) -> None:
    """Delete import N and everything it stored (the deletion is logged)."""
    from evaltool.imports.deletion import delete_import, describe_import

    with open_workspace(_workspace(ctx, workspace)) as ws:
        what = describe_import(ws, import_id)
        click.echo(f"Deletes {what.summary()}")
        try:
            confirmed = yes or click.confirm("Delete it?", default=False, err=True)
        except click.Abort:  # no answer (end of input, Ctrl-C): nothing is deleted
            confirmed = False
        if not confirmed:
            raise UserError("nothing deleted (confirm with y, or pass --yes)")
        delete_import(ws, import_id, deleted_by="cli")
    click.echo(f"Deleted import {import_id}")


@imports.command("deletions")
@WORKSPACE_OPTION
@FORMAT_OPTION
@OUTPUT_OPTION
@click.pass_context
def imports_deletions(ctx: click.Context, workspace, fmt, output) -> None:
    """List the log of deleted imports."""
    with open_workspace(_workspace(ctx, workspace)) as ws:
        table = ws.import_deletions()
    if fmt == "json":
        table = table.assign(detail=table["detail"].map(json.loads))
    elif fmt == "table":
        table = table.assign(sha256=table["sha256"].str[:12])
    table = table.assign(source_name=table["source_name"].map(mask_personal))
    _print(emit({"import_deletions": table}, fmt, output))

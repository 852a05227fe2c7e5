"""Command line: parse options, call the library, print, set the exit code.

Exit codes: 0 success, 2 user error (bad file, option or workspace; the message says which
file, sheet, row and column), 1 unexpected failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from evaltool import __version__
from evaltool.errors import ImportFailed, UserError
from evaltool.output import FORMATS, emit
from evaltool.store.workspace import Workspace

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


def _print_import(result) -> None:
    """An import's warnings (at most 20 per severity, on stderr), then what it did."""
    if result.report.warnings:
        click.echo(result.report.format(limit=20), err=True)
    click.echo(result.summary())


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


@main.command()
@WORKSPACE_OPTION
@click.option("--round", "rounds", multiple=True, help="Only these rounds (repeatable).")
@click.option(
    "--compare",
    nargs=2,
    default=None,
    metavar="R1 R2",
    help="Compare two rounds (default: the last two).",
)
@click.option(
    "--min-level",
    type=float,
    default=1,
    show_default=True,
    help="Smallest collaboration level that counts as a tie.",
)
@FORMAT_OPTION
@OUTPUT_OPTION
def cooperation(workspace, rounds, compare, min_level, fmt, output) -> None:
    """Cooperation indices and partner networks per round, and their change between rounds."""
    from evaltool.indicators.workspace_tables import workspace_cooperation

    with Workspace.open(workspace) as ws:
        tables = workspace_cooperation(
            ws, list(rounds) or None, tuple(compare) if compare else None, min_level=min_level
        )
    if fmt == "table":
        tables = {
            k: v
            for k, v in tables.items()
            if k
            in (
                "networks",
                "organisations",
                "indices",
                "compare_indices",
                "compare_ties",
                "orgs_joined_left",
                "asymmetric_dyads",
            )
        }
    _print(emit(tables, fmt, output))


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
@WORKSPACE_OPTION
@click.option("--instrument", default=None, help="Only this instrument.")
@click.option("--project", "projects", multiple=True, help="Only this project (repeatable).")
@click.option("--wave", "waves", multiple=True, type=int, help="Only this wave (repeatable).")
@FORMAT_OPTION
@OUTPUT_OPTION
@click.option(
    "--with-source-ids",
    is_flag=True,
    help="Include the source respondent ids (sensitive: handle with care).",
)
def scores(workspace, instrument, projects, waves, fmt, output, with_source_ids) -> None:
    """Domain scores per stored response."""
    from evaltool.scoring.stored import score_table

    with Workspace.open(workspace) as ws:
        table = score_table(
            ws,
            instrument,
            list(projects) or None,
            list(waves) or None,
            with_source_ids=with_source_ids,
        )
    _print(emit({"scores": table}, fmt, output))


@main.command()
@WORKSPACE_OPTION
@click.option(
    "--project",
    "projects",
    multiple=True,
    help="Only this project (repeatable); programme rows are always computed on all projects.",
)
@click.option("--from-wave", type=int, default=None, help="Baseline wave (default: first).")
@click.option("--to-wave", type=int, default=None, help="Follow-up wave (default: last).")
@click.option("--instrument", "instrument_names", multiple=True, help="Only this instrument.")
@FORMAT_OPTION
@OUTPUT_OPTION
def outcomes(workspace, projects, from_wave, to_wave, instrument_names, fmt, output) -> None:
    """Change in clients' quality of life between waves: linkage and attrition, paired change
    with tests and effect sizes, reliable change, reliability, mixed models, subgroups,
    projects against the programme (EUROHIS-QOL 8: good quality of life)."""
    from evaltool.indicators.workspace_tables import workspace_outcomes

    with Workspace.open(workspace) as ws:
        tables = workspace_outcomes(
            ws,
            projects=list(projects) or None,
            from_wave=from_wave,
            to_wave=to_wave,
            instruments=list(instrument_names) or None,
        )
    if fmt == "table":
        tables = {k: _terminal_columns(k, v) for k, v in tables.items() if len(v)}
    _print(emit(tables, fmt, output))


def _terminal_columns(key: str, frame):
    """The columns worth reading in a terminal (every column stays in csv/json/xlsx)."""
    keep = {
        "paired": [
            "instrument",
            "project",
            "domain",
            "from_wave",
            "to_wave",
            "n",
            "mean_from",
            "mean_to",
            "mean_diff",
            "ci_low",
            "ci_high",
            "p",
            "p_holm",
            "d_av",
            "wilcoxon_p",
            "improved",
            "unchanged",
            "deteriorated",
            "suppressed",
            "note",
        ],
        "mixed": [
            "instrument",
            "project",
            "domain",
            "term",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "var_client",
            "var_residual",
            "converged",
            "note",
        ],
    }.get(key)
    if keep is None:
        return frame
    return frame[[c for c in keep if c in frame.columns]]


@main.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="Sheet name or number.")
@click.option(
    "--layout",
    default=None,
    help="Force a layout: qualtrics, surveymonkey, limesurvey, ms_forms, google_forms, "
    "webropol, zef, spss, plain.",
)
@click.option(
    "--instrument",
    default=None,
    help="Built-in name or TOML path (default: the best-fitting built-in one).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file to apply.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--write-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a mapping file (TOML) of what was found, to edit and pass to --mapping.",
)
def inspect_cmd(file, sheet, layout, instrument, mapping, fmt, write_mapping) -> None:
    """Show what the importer sees in FILE, without importing: layout, encoding, delimiter,
    header rows, respondents, metadata, item columns and their items, unplaced columns and the
    values of each column."""
    from evaltool.imports.inspection import format_inspection, inspect_file, inspection_json
    from evaltool.imports.inspection import write_mapping as write_mapping_file

    info = inspect_file(file, sheet=sheet, layout=layout, instrument=instrument, mapping=mapping)
    if write_mapping:
        write_mapping_file(info, write_mapping)
        click.echo(f"Wrote {write_mapping}", err=True)
    _print(inspection_json(info) if fmt == "json" else format_inspection(info))


@main.command("template")
@click.argument("instrument")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx).",
)
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default="fi", show_default=True)
def template_cmd(instrument, output, lang) -> None:
    """A blank questionnaire workbook for hand entry: id, project, wave, date and one column per
    item with drop-down lists of the answer labels; the importer reads it back."""
    from evaltool.output.template import write_template

    write_template(instrument, output, lang)
    click.echo(f"Wrote {output}")


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


if __name__ == "__main__":  # pragma: no cover
    main()

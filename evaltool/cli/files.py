"""Commands on files outside a workspace: inspect an export, write a blank template."""

from __future__ import annotations

from pathlib import Path

import click

from evaltool.cli.app import _print, main, writable_file


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
    callback=writable_file,
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
    callback=writable_file,
    help="The workbook to write (.xlsx).",
)
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default="fi", show_default=True)
def template_cmd(instrument, output, lang) -> None:
    """A blank questionnaire workbook for hand entry: id, project, wave, date and one column per
    item with drop-down lists of the answer labels; the importer reads it back."""
    from evaltool.output.template import write_template

    write_template(instrument, output, lang)
    click.echo(f"Wrote {output}")

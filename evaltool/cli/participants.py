"""``evaltool import participants`` and ``evaltool indicators``: ESF+ participant records and
the common indicators computed from them."""

from __future__ import annotations

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
)
from evaltool.cli.imports import import_
from evaltool.errors import UserError
from evaltool.output import emit


@import_.command("participants")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WORKSPACE_OPTION
@click.option("--project", default=None, help="Project of every record (no project column).")
@click.option("--sheet", default=None, help="Sheet name or number.")
@click.option("--replace", is_flag=True, help="Replace an earlier import of the same file.")
def import_participants_cmd(file, workspace, project, sheet, replace) -> None:
    """Import ESF+ participant records (xlsx, csv): entry and leaving data per participant."""
    from evaltool.imports.participants import import_participants

    with open_workspace(workspace) as ws:
        result = import_participants(ws, file, project=project, sheet=sheet, replace=replace)
    _print_import(result)


def _period(value: str | None) -> tuple[str, str | None, str | None]:
    """``--period``: ``all``, ``year``, ``2024`` or ``2024-01-01:2024-06-30``."""
    import re

    text = (value or "all").strip()
    if text in ("all", "year"):
        return text, None, None
    if re.fullmatch(r"\d{4}", text):
        return "all", f"{text}-01-01", f"{text}-12-31"
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})?[:/](\d{4}-\d{2}-\d{2})?", text)
    if m and (m.group(1) or m.group(2)):
        return "all", m.group(1), m.group(2)
    raise UserError(
        f"--period {value!r}: give all, year, a year (2024) or a date range (2024-01-01:2024-06-30)"
    )


@main.command()
@WORKSPACE_OPTION
@click.option("--project", "projects", multiple=True, help="Only this project (repeatable).")
@click.option(
    "--period",
    default="all",
    show_default=True,
    help="all (cumulative), year (per calendar year), a year (2024) or a date range "
    "(2024-01-01:2024-06-30).",
)
@FORMAT_OPTION
@OUTPUT_OPTION
def indicators(workspace, projects, period, fmt, output) -> None:
    """ESF common indicators for participants (EECO/EECR, 2014-2020: CO/CR) by gender against
    targets, success rates, and quality-of-life change by status at entry and on leaving."""
    from evaltool.indicators.esf.tables import workspace_indicators

    by, start, end = _period(period)
    with open_workspace(workspace) as ws:
        tables = workspace_indicators(
            ws, projects=list(projects) or None, by=by, start=start, end=end
        )
    if fmt == "table":
        tables = {k: v for k, v in tables.items() if len(v)}
    _print(emit(tables, fmt, output))

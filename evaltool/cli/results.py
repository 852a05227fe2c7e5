"""Result tables on the terminal or in a file: scores, outcomes, cooperation."""

from __future__ import annotations

import click

from evaltool.cli.app import (
    FORMAT_OPTION,
    OUTPUT_OPTION,
    WORKSPACE_OPTION,
    _print,
    main,
    open_workspace,
)
from evaltool.output import emit


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

    with open_workspace(workspace) as ws:
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

    with open_workspace(workspace) as ws:
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
@click.option(
    "--release",
    is_flag=True,
    help="Programme rows as the reports show them: resting only on the project rows shown.",
)
@FORMAT_OPTION
@OUTPUT_OPTION
def outcomes(
    workspace, projects, from_wave, to_wave, instrument_names, release, fmt, output
) -> None:
    """Change in clients' quality of life between waves: linkage and attrition, paired change
    with tests and effect sizes, reliable change, reliability, mixed models, subgroups,
    projects against the programme (EUROHIS-QOL 8: good quality of life)."""
    from evaltool.indicators.workspace_tables import workspace_outcomes

    with open_workspace(workspace) as ws:
        tables = workspace_outcomes(
            ws,
            projects=list(projects) or None,
            from_wave=from_wave,
            to_wave=to_wave,
            instruments=list(instrument_names) or None,
            release=release,
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

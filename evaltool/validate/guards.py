"""Checks of client files against the workspace: mistakes that a file alone cannot show.

Each check looks at the files of one import together with what the workspace already
holds, and adds issues to the report:

- :func:`check_project_names`: a new project whose name is an existing project's but for
  case, spacing or one letter (``polku`` beside ``Polku``) — an error naming the existing
  one, unless the import says the project is new (``--new-project``);
- :func:`check_unlinked_waves`: a wave none of whose respondents answered another wave of
  its project — a warning: ids exported in another form, or the wrong project;
- :func:`check_instrument_fit`: the file's columns fit another built-in instrument better,
  or most responses would be discarded — an error naming the better instrument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from evaltool.instruments import Instrument
from evaltool.issues import IssueCode, ValidationReport
from evaltool.mapping.columns import ColumnMap
from evaltool.store.responses import is_anonymous
from evaltool.text import close_name
from evaltool.validate.clients import FileContext

__all__ = [
    "better_instrument",
    "check_instrument_fit",
    "check_project_names",
    "check_unlinked_waves",
]


def check_project_names(
    new: Sequence[str],
    existing: Sequence[str],
    report: ValidationReport,
    file: str | None = None,
    allow_new: bool = False,
) -> None:
    """``project-near-duplicate``: a project of the import that the workspace does not hold
    whose name is close to one it holds (:func:`evaltool.text.close_name`).

    Parameters
    ----------
    new : sequence of str
        The projects of the file's responses.
    existing : sequence of str
        The projects the workspace holds (responses and register codes).
    report : ValidationReport
        Gets an error per close name (a warning with ``allow_new``).
    file : str, optional
        The file, for the issue.
    allow_new : bool
        The user said the project is new (``--new-project``).
    """
    known = sorted(set(existing))
    for project in sorted(set(new) - set(known)):
        other = close_name(project, known)
        if other is None:
            continue
        message = (
            f"project {project!r} is new, but the workspace has project {other!r}: "
            f"use --project {other!r} to add to it, or --new-project if {project!r} really is "
            "another project"
        )
        if allow_new:
            report.warning(IssueCode.PROJECT_NEAR_DUPLICATE, message, file=file, value=project)
        else:
            report.error(IssueCode.PROJECT_NEAR_DUPLICATE, message, file=file, value=project)


def check_unlinked_waves(
    frame: pd.DataFrame,
    others: pd.DataFrame,
    report: ValidationReport,
    file: str | None = None,
) -> list[dict]:
    """``wave-unlinked`` (warning): a (project, wave) of ``frame`` sharing no respondent with
    the project's other waves, when the project has other waves.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's responses: columns project, wave, respondent (pseudonyms).
    others : pandas.DataFrame
        Every other response of those projects (stored, and in the import's other files):
        columns project, wave, respondent.
    report : ValidationReport
        Gets one warning per unlinked wave.
    file : str, optional
        The file, for the issue.

    Returns
    -------
    list of dict
        One stored-warning record per unlinked wave (code, count, message).

    Notes
    -----
    Unlinked (anonymous) respondents are left out on both sides: they never link.
    """
    records: list[dict] = []
    mine = frame.loc[~is_anonymous(frame["respondent"]), ["project", "wave", "respondent"]]
    if mine.empty:
        return records
    rest = others.loc[~is_anonymous(others["respondent"]), ["project", "wave", "respondent"]]
    for (project, wave), group in mine.groupby(["project", "wave"], sort=True):
        elsewhere = rest[(rest["project"] == project) & (rest["wave"] != wave)]
        if elsewhere.empty:
            continue
        if group["respondent"].isin(elsewhere["respondent"]).any():
            continue
        waves = ", ".join(str(w) for w in sorted(elsewhere["wave"].unique()))
        message = (
            f"no respondent of project {project!r}, wave {wave} ({len(group)} responses) "
            f"answered its other wave(s) {waves}: check that the id column is the same "
            "client number as in the other waves (not a response number) and the project"
        )
        report.warning(IssueCode.WAVE_UNLINKED, message, file=file, value=str(project))
        records.append(
            {"code": IssueCode.WAVE_UNLINKED.value, "count": len(group), "message": message}
        )
    return records


#: Built-in client instruments a file's columns are compared with (:func:`check_instrument_fit`).
BUILTIN_CLIENT_INSTRUMENTS = ("whoqol-bref", "eurohis-qol-8", "kevat-client")
#: Share of responses discarded by the missing-data rule above which the import stops.
MAX_DISCARDED_SHARE = 0.5
#: Fewest responses for the discarded-share guard (a handful of bad answers is no pattern).
MIN_RESPONSES_FOR_SHARE = 5


def _fit(placement: ColumnMap, instrument: Instrument) -> tuple[int, float]:
    n = len(placement.items)
    return n, n / max(len(instrument.item_codes), 1)


def better_instrument(
    ctx: FileContext, place: Callable[[Instrument], ColumnMap]
) -> tuple[Instrument, ColumnMap] | None:
    """The built-in client instrument that fits the file's columns clearly better than
    ``ctx.instrument``: at least as many items placed, at least 80 % of its own items and a
    larger share than ``ctx.instrument``'s (None when ``ctx.instrument`` places all its
    items, or none fits better)."""
    from evaltool.instruments import load_instrument

    ours, ours_share = _fit(ctx.placement, ctx.instrument)
    if ours_share >= 1:
        return None
    best = None
    for name in BUILTIN_CLIENT_INSTRUMENTS:
        if name == ctx.instrument.name:
            continue
        other = load_instrument(name)
        placement = place(other)
        n, share = _fit(placement, other)
        if n >= ours and share >= 0.8 and share > ours_share:
            if best is None or (n, share) > _fit(best[1], best[0]):
                best = (other, placement)
    return best


def check_instrument_fit(
    ctx: FileContext,
    report: ValidationReport,
    place: Callable[[Instrument], ColumnMap],
    force: bool = False,
) -> None:
    """``instrument-mismatch``: the columns fit another built-in instrument better, or most
    responses would be discarded by the missing-data rule — the signs of a forgotten
    ``--instrument`` (a EUROHIS-QOL 8 export read as WHOQOL-BREF stores every response as
    discarded). An error naming the better instrument; with ``force`` a warning.

    Parameters
    ----------
    ctx : FileContext
        The file, its columns placed and its answers decoded and scored.
    report : ValidationReport
        Gets the issue.
    place : callable
        Places the file's columns on another instrument (as the import would).
    force : bool
        The user insists (``--force``): a warning instead of an error.
    """
    add = report.warning if force else report.error
    hint = "" if force else "; pass --force to import it as it is"
    if not ctx.mapping.columns:
        better = better_instrument(ctx, place)
        if better is not None:
            other, placement = better
            n, _ = _fit(ctx.placement, ctx.instrument)
            add(
                IssueCode.INSTRUMENT_MISMATCH,
                f"the columns fit {other.name} ({len(placement.items)} of "
                f"{len(other.item_codes)} items found) better than {ctx.instrument.name} ({n} of "
                f"{len(ctx.instrument.item_codes)}): import with --instrument {other.name}" + hint,
                **ctx.where,
            )
            return
    discarded = np.asarray(ctx.scores["discarded"], dtype=bool)[ctx.keep]
    n = len(discarded)
    if n >= MIN_RESPONSES_FOR_SHARE and discarded.sum() > MAX_DISCARDED_SHARE * n:
        add(
            IssueCode.INSTRUMENT_MISMATCH,
            f"{int(discarded.sum())} of {n} responses would be discarded by the missing-data "
            f"rule {ctx.rule.name} of {ctx.instrument.name} ({len(ctx.placement.items)} of its "
            f"{len(ctx.instrument.item_codes)} items found): is this file another "
            "questionnaire? Check --instrument, or name the item columns in a mapping file" + hint,
            **ctx.where,
        )

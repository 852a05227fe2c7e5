"""Scores of stored responses, computed from the stored item answers with each import's rule.

:func:`score_table` returns one row per stored response with columns ``instrument``,
``project``, ``wave``, ``respondent`` (pseudonym), optional ``source_id``, ``date``,
``n_missing``, ``discarded``, ``incomplete``, the instrument's single items, and per domain
``<domain>_raw`` (instrument scale) and ``<domain>`` (0–100); EUROHIS-QOL 8 adds
``index_sum``. Discarded responses keep empty domain scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.instruments import Instrument
from evaltool.scoring.rules import reversed_values, score
from evaltool.store.workspace import Workspace

KEY_COLUMNS = ["instrument", "project", "wave", "respondent"]


def score_responses(inst: Instrument, meta: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """Scores of stored responses, each scored with the missing-data rule of its import.

    Parameters
    ----------
    inst : Instrument
    meta : DataFrame
        The responses' metadata as :meth:`Workspace.responses` returns it; its ``rule``
        column names each response's rule (empty: the instrument's default).
    values : ndarray
        The stored answers (responses × items, as answered).

    Returns
    -------
    DataFrame
        :func:`evaltool.scoring.rules.score` of every response, in the order of ``meta``.
    """
    parts = []
    for rule, idx in meta.groupby("rule", sort=True, dropna=False).indices.items():
        sc = score(values[idx], inst, None if pd.isna(rule) else rule)
        sc.index = idx
        parts.append(sc)
    if not parts:
        return score(values[:0], inst)
    return pd.concat(parts).sort_index()


def score_table(
    ws: Workspace,
    instrument: str | None = None,
    projects: Sequence[str] | None = None,
    waves: Sequence[int] | None = None,
    with_source_ids: bool = False,
) -> pd.DataFrame:
    """Scores per stored response (see the module docstring for the columns)."""
    names = [instrument] if instrument else ws.instrument_names()
    if instrument and instrument not in ws.instrument_names():
        raise UserError(
            f"the workspace has no responses for instrument {instrument!r}; "
            "instruments: " + (", ".join(ws.instrument_names()) or "none")
        )
    frames = []
    for name in names:
        inst = ws.load_instrument(name)
        meta, values = ws.responses(name, projects, waves)
        if meta.empty:
            continue
        cols = ["n_missing", "discarded", *inst.score_columns()]
        sc = score_responses(inst, meta, values)[cols]
        out = pd.concat([meta[["project", "wave", "respondent", "date", "incomplete"]], sc], axis=1)
        out.insert(0, "instrument", name)
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=[*KEY_COLUMNS, "date", "n_missing", "discarded"])
    table = pd.concat(frames, ignore_index=True)
    if with_source_ids:
        ids = ws.source_ids()[["respondent", "source_id"]]
        table = table.merge(ids, on="respondent", how="left")
        cols = list(table.columns)
        cols.insert(cols.index("respondent") + 1, cols.pop(cols.index("source_id")))
        table = table[cols]
    front = (
        [*KEY_COLUMNS]
        + (["source_id"] if with_source_ids else [])
        + ["date", "n_missing", "discarded", "incomplete"]
    )
    rest = [c for c in table.columns if c not in front]
    return table[front + rest]


def item_table(
    ws: Workspace, instrument: str, projects: Sequence[str] | None = None, reverse: bool = True
) -> pd.DataFrame:
    """Item answers per stored response (reversed items recoded when ``reverse``): columns
    project, wave, respondent, discarded and one column per item code."""
    inst = ws.load_instrument(instrument)
    meta, values = ws.responses(instrument, projects)
    if reverse:
        values = reversed_values(values, inst)
    items = pd.DataFrame(values, columns=inst.item_codes)
    return pd.concat([meta[["project", "wave", "respondent", "discarded"]], items], axis=1)

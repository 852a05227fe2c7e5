"""The rating questions of an experience instrument: each client's latest answer.

Experience questions are asked during or after the service, so a client who answered at
several waves is counted once, with the latest answer. :func:`likert_answers` gives the
answer distributions of the rating items and which wave those latest answers come from, so
the report can name the basis of its figures (a client whose latest answer is from an
earlier wave may have left the service since).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.instruments import Instrument
from evaltool.report.release import with_programme

#: Columns of the answer distributions (:func:`likert_answers`).
LIKERT_COLUMNS = ["project", "block", "item", "value", "count", "share", "n", "suppressed"]
#: Columns of the basis table: clients whose latest answer is from ``wave``.
LATEST_COLUMNS = ["project", "wave", "clients"]


def latest_answers(
    meta: pd.DataFrame, values: np.ndarray, codes: list[str], only: set[str] | None
) -> pd.DataFrame:
    """Each client's latest kept response: project, wave, respondent and the ``codes``
    items' values (rows sorted by wave; ``values`` columns in the instrument's item order)."""
    keep = ~meta["discarded"].to_numpy(dtype=bool)
    if only is not None:
        keep &= meta["project"].isin(only).to_numpy()
    base = meta.loc[keep, ["project", "wave", "respondent"]].reset_index(drop=True)
    wide = pd.concat([base, pd.DataFrame(values[keep], columns=codes)], axis=1)
    return wide.sort_values("wave", kind="stable").drop_duplicates(
        ["project", "respondent"], keep="last"
    )


def likert_answers(
    inst: Instrument, meta: pd.DataFrame, values: np.ndarray, min_n: int, only: set[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answer distributions of the rating items from each client's latest answer, and the
    waves those answers come from.

    Parameters
    ----------
    inst : Instrument
        The experience instrument (items with a ``block``).
    meta : pandas.DataFrame
        The stored responses (project keys, wave, respondent, discarded), row-aligned with
        ``values``.
    values : numpy.ndarray
        Responses × the instrument's items.
    min_n : int
        An item answered by fewer clients is ``suppressed`` (count and share NaN).
    only : set of str, optional
        The projects computed; None: every project and the programme (``project`` None).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The distributions (:data:`LIKERT_COLUMNS`: per project, item and scale value the
        count and share of the item's n clients, every scale value present) and the basis
        (:data:`LATEST_COLUMNS`: per project and wave the clients whose latest answer is
        from that wave; their sum is the number of clients the figures rest on).
    """
    items = [it for it in inst.items if it.block]
    wide = latest_answers(meta, values, inst.item_codes, only)
    latest = (
        with_programme(wide[["project", "wave"]], only)
        .groupby(["project", "wave"], dropna=False, sort=True)
        .size()
        .rename("clients")
        .reset_index()
    )
    if not items:
        return pd.DataFrame(columns=LIKERT_COLUMNS), latest[LATEST_COLUMNS]
    long = (
        wide[["project", *(it.code for it in items)]]
        .melt(id_vars="project", var_name="item", value_name="value")
        .dropna()
    )
    long = with_programme(long, only)
    counts = (
        long.groupby(["project", "item", "value"], dropna=False, sort=True)
        .size()
        .rename("count")
        .reset_index()
    )
    n = long.groupby(["project", "item"], dropna=False).size().rename("n").reset_index()
    # full grid of scale values so every bar has all categories
    scale = np.arange(inst.scale_min, inst.scale_max + 1, dtype=float)
    grid = n.merge(pd.DataFrame({"value": scale}), how="cross")
    out = grid.merge(counts, on=["project", "item", "value"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["share"] = out["count"] / out["n"]
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["count", "share"]] = np.nan
    block = {it.code: it.block for it in items}
    order = {c: i for i, c in enumerate(block)}
    out["block"] = out["item"].map(block)
    out = (
        out.assign(_o=out["item"].map(order))
        .sort_values(["project", "_o", "value"], na_position="first")
        .drop(columns="_o")
    )
    return out[LIKERT_COLUMNS].reset_index(drop=True), latest[LATEST_COLUMNS]

"""The reports of one workspace as one release: programme figures from what the project
reports show, merged categories, and the check that no withheld cell can be recovered.

The project reports, the programme report and their workbooks are read together. A project
report protects itself (:mod:`evaltool.indicators.suppression`: small cells withheld with
their complements, small categories merged into "muut / ei tietoa"). The programme report
then adds nothing a reader could subtract: where a programme figure is a sum of project
cells, it sums only the cells that the project reports show, and the rest of the clients
are pooled into one cell ("muut / ei tietoa", "ei eritelty hankkeittain") whose size the
project reports already imply (each project's total minus its shown cells). Programme
statistics of the outcome tables rest on the projects whose own row is shown
(``outcome_tables(..., release=True)``).

:func:`release_check` is the test of that promise: every table cell that holds a count or
a sum of scores carries its *linear form* (the atoms it adds up: the men of project A, the
wave-1 score sum of project B …) in :attr:`~evaltool.report.document.Table.ledger`, and
:func:`evaltool.indicators.suppression.recoverable` tells whether any withheld form is a
linear combination of the shown ones across all documents of the release.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.suppression import merge_small, protect, protect_binary, recoverable
from evaltool.report.document import Document

#: The value of the merged row of a distribution ("muut / ei tietoa").
OTHER = "\x00other"


def with_programme(
    frame: pd.DataFrame, only: set[str] | None = None, cell: list[str] | None = None, min_n: int = 0
) -> pd.DataFrame:
    """The frame's rows plus a copy with ``project`` None (for programme aggregates); with
    ``only``, just the rows of those projects (reports of single projects need no
    programme-wide descriptive tables). With ``cell`` (the keys of a project's cell besides
    ``project``) the programme copy keeps only the rows of project cells holding at least
    ``min_n`` rows: the programme rests on the cells the project reports show."""
    if only is not None:
        return frame[frame["project"].isin(only)].reset_index(drop=True)
    prog = frame
    if cell is not None:
        size = frame.groupby(["project", *cell], dropna=False)[cell[0]].transform("size")
        prog = frame[(size >= min_n).to_numpy()]
    return pd.concat([prog.assign(project=None), frame], ignore_index=True)


def _groups(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    return pd.factorize(pd.MultiIndex.from_frame(frame[keys].astype(object).fillna("\x00")))[0]


def merge_background(dist: pd.DataFrame, goal_fields: Iterable[str], min_n: int) -> pd.DataFrame:
    """Background distributions with ``merged`` (shown only inside "muut / ei tietoa") and
    ``hidden`` cells, the programme rows rebuilt from the project cells shown.

    Parameters
    ----------
    dist : pandas.DataFrame
        project, field, value, count, n, share, suppressed (project None: programme rows).
    goal_fields : iterable of str
        Multi-select fields: each value is a yes/no count of its own
        (:func:`~evaltool.indicators.suppression.protect_binary`), never merged.
    min_n : int
        The smallest number of clients a shown figure rests on.

    Returns
    -------
    pandas.DataFrame
        The columns of ``dist`` and ``merged``, ``hidden``; programme rows (when ``dist``
        has them) count only the project cells shown, plus one :data:`OTHER` row per
        distribution field holding the rest.
    """
    goal_fields = set(goal_fields)
    if dist.empty:
        return dist.assign(merged=False, hidden=False)
    proj = dist[dist["project"].notna()].reset_index(drop=True)
    has_programme = dist["project"].isna().any()
    counts = proj["count"].to_numpy(float)
    counts = np.where(np.isnan(counts), 0, counts)
    is_goal = proj["field"].isin(goal_fields).to_numpy()
    merged = np.zeros(len(proj), dtype=bool)
    groups = _groups(proj, ["project", "field"])
    for g in np.unique(groups[~is_goal]):
        idx = np.flatnonzero(groups == g)
        merged[idx] = merge_small(counts[idx], min_n)
    hidden = np.zeros(len(proj), dtype=bool)
    hidden[is_goal] = protect_binary(counts[is_goal], proj["n"].to_numpy(float)[is_goal], min_n)
    sup = proj["suppressed"].fillna(False).astype(bool).to_numpy()
    cells = list(zip(proj["project"], proj["value"], strict=True))
    proj = proj.assign(merged=merged & ~sup, hidden=hidden | sup, atoms=[[c] for c in cells])
    if not has_programme:
        return proj
    shown = ~(merged | hidden | sup)
    prog = _programme_background(proj, counts, shown, is_goal, min_n)
    return pd.concat([prog, proj], ignore_index=True)


def _programme_background(
    proj: pd.DataFrame, true: np.ndarray, shown: np.ndarray, is_goal: np.ndarray, min_n: int
) -> pd.DataFrame:
    """Programme rows: the shown project cells summed; the rest in one :data:`OTHER` row
    (distributions) or left out of the row's n (goals)."""
    p = proj.assign(_c=np.where(shown, true, 0.0), _goal=is_goal, _shown=shown)
    p = p.assign(_n=np.where(shown | ~is_goal, p["n"].astype(float), 0.0))
    rows = []
    for (fname, goal), part in p.groupby(["field", "_goal"], sort=False):
        by_value = part.groupby("value", sort=False).agg(count=("_c", "sum"), n=("_n", "sum"))
        sources = part[part["_shown"]].groupby("value", sort=False)["atoms"].sum()
        by_value["atoms"] = [list(sources.get(v, [])) for v in by_value.index]
        if goal:
            frame = by_value.reset_index()
            frame = frame[frame["n"] > 0]
            frame["merged"] = False
            frame["hidden"] = protect_binary(frame["count"], frame["n"], min_n)
        else:
            total = part.drop_duplicates("project")["n"].astype(float).sum()
            frame = by_value.reset_index()[["value", "count", "atoms"]]
            rest = [a for a in part.loc[~part["_shown"], "atoms"] for a in a]
            other = {"value": [OTHER], "count": [total - frame["count"].sum()], "atoms": [rest]}
            frame = pd.concat([frame, pd.DataFrame(other)], ignore_index=True)
            frame["n"] = total
            pre = (frame["value"] == OTHER).to_numpy()
            frame["merged"] = merge_small(frame["count"].where(~pre, 0), min_n) | pre
            frame["hidden"] = False
            frame = frame[(frame["count"] > 0) | ~pre]
        frame["field"] = fname
        rows.append(frame)
    prog = pd.concat(rows, ignore_index=True)
    prog["project"] = None
    prog["share"] = prog["count"] / prog["n"]
    prog["suppressed"] = prog["n"] < min_n
    return prog[list(proj.columns)]


def likert_release(likert: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Answer distributions of rating items with ``hidden`` cells and ``pooled`` (the part
    of a programme row not shown by project); programme rows from the shown project cells.

    Parameters
    ----------
    likert : pandas.DataFrame
        project, block, item, value, count, share, n, suppressed (project None: programme).
    min_n : int
        The smallest number of clients a shown figure rests on.

    Returns
    -------
    pandas.DataFrame
        The columns of ``likert`` and ``hidden`` (bool), ``pooled`` (share of the row's n
        in cells withheld in the project reports; 0 on project rows).
    """
    if likert.empty:
        return likert.assign(hidden=False, pooled=0.0)
    proj = likert[likert["project"].notna()].reset_index(drop=True)
    groups = _groups(proj, ["project", "item"])
    counts = proj["count"].to_numpy(float)
    hidden = protect(counts, min_n, groups=groups) | proj["suppressed"].astype(bool).to_numpy()
    one = [[p] for p in proj["project"]]
    proj = proj.assign(hidden=hidden, pooled=0.0, sources=one, every=one)
    if not likert["project"].isna().any():
        return proj
    p = proj.assign(_c=np.where(hidden, 0.0, np.nan_to_num(counts)))
    n_item = p.drop_duplicates(["project", "item"]).groupby("item", sort=False)["n"].sum()
    prog = likert[likert["project"].isna()].drop(columns=["count", "share", "n"])
    agg = p.groupby(["item", "value"], sort=False)["_c"].sum().rename("count").reset_index()
    src = p[~hidden].groupby(["item", "value"], sort=False)["project"].agg(list)
    agg["sources"] = [src.get((i, v), []) for i, v in zip(agg["item"], agg["value"], strict=True)]
    prog = prog.merge(agg, on=["item", "value"], how="left")
    prog["sources"] = [x if isinstance(x, list) else [] for x in prog["sources"]]
    every = p[p["n"] > 0].groupby("item", sort=False)["project"].agg(lambda x: sorted(set(x)))
    prog["every"] = [every.get(i, []) for i in prog["item"]]
    prog["count"] = prog["count"].fillna(0)
    prog["n"] = prog["item"].map(n_item).astype(float)
    prog["share"] = prog["count"] / prog["n"]
    shown_sum = prog.groupby("item")["count"].transform("sum")
    prog["pooled"] = (prog["n"] - shown_sum) / prog["n"]
    prog["suppressed"] = prog["n"] < min_n
    prog["hidden"] = prog["suppressed"].to_numpy()
    return pd.concat([prog[proj.columns], proj], ignore_index=True)


def rci_release(paired: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The reliable-change counts of a paired table's programme rows summed from the shown
    project cells; ``rci_pooled`` holds the clients in project cells withheld.

    Parameters
    ----------
    paired : pandas.DataFrame
        Paired-change rows (programme and every project) with ``improved``, ``unchanged``,
        ``deteriorated``.
    min_n : int
        The smallest number of clients a shown figure rests on.

    Returns
    -------
    pandas.DataFrame
        ``paired`` with the programme rows' counts and shares from shown project cells and
        the column ``rci_pooled`` (0 on project rows).
    """
    from evaltool.report.chapters.common import RCI_CLASSES, rci_cells

    if paired.empty or "improved" not in paired.columns:
        return paired
    out = paired.copy()
    out["rci_pooled"] = 0.0
    is_prog = out["project"].isna().to_numpy()
    proj = out[~is_prog & ~out["suppressed"].astype(bool)]
    if not is_prog.any() or proj.empty:
        return out
    hide = rci_cells(proj, min_n)
    for dom in pd.unique(out.loc[is_prog, "domain"]):
        rows = (proj["domain"] == dom).to_numpy()
        at = np.flatnonzero(is_prog & (out["domain"] == dom).to_numpy())
        if not len(at) or bool(out.loc[at[0], "suppressed"]):
            continue
        n = float(out.loc[at[0], "n"])
        total = 0.0
        for k in RCI_CLASSES:
            shown_sum = float(np.nansum(proj.loc[rows & ~hide[k], k].to_numpy(float)))
            out.loc[at[0], k] = shown_sum
            out.loc[at[0], f"{k}_share"] = shown_sum / n if n else np.nan
            total += shown_sum
        out.loc[at[0], "rci_pooled"] = n - total
    return out


# --------------------------------------------------------------------------- the check


def release_forms(documents: Sequence[Document]) -> tuple[list, list, list[str]]:
    """The shown and withheld linear forms of every table cell of ``documents``.

    Parameters
    ----------
    documents : sequence of Document
        The reports of one release.

    Returns
    -------
    tuple
        (shown forms, hidden forms, a description of each hidden form: document title,
        table title, row and column).
    """
    shown: list[dict] = []
    hidden: list[dict] = []
    where: list[str] = []
    for doc in documents:
        for tb in doc.tables():
            shown += [f for f in tb.ledger_facts if f]
            cols = {c.key: c for c in tb.columns}
            for key, forms in tb.ledger.items():
                col = cols.get(key)
                if col is None:  # not a column of this table: shows nothing
                    continue
                dashed = tb.withheld(col)
                for i, form in enumerate(forms):
                    if not form:
                        continue
                    if dashed[i]:
                        hidden.append(form)
                        where.append(f"{doc.title} / {tb.title} / row {i + 1} / {key}")
                    else:
                        shown.append(form)
    return shown, hidden, where


def release_check(documents: Sequence[Document]) -> list[str]:
    """The withheld cells of ``documents`` that a linear combination of the shown figures
    recovers (an empty list: the release is safe against subtraction).

    Parameters
    ----------
    documents : sequence of Document
        The reports of one release (every project report and the programme report).

    Returns
    -------
    list of str
        Where each recoverable withheld cell is: document, table, row and column.

    Notes
    -----
    See :func:`evaltool.indicators.suppression.recoverable`.
    """
    shown, hidden, where = release_forms(documents)
    if not hidden:
        return []
    bad = recoverable(shown, hidden)
    return [w for w, b in zip(where, bad, strict=True) if b]

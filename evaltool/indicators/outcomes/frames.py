"""Building outcome tables: rows as dicts of arrays, notes, the documented columns, the
programme row first, and the small-number rule
(:func:`evaltool.indicators.suppression.withhold`) applied to every table. No statistics,
so nothing here is checked against R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.columns import COUNT_COLUMNS, KEPT_COUNTS, KEY_COLUMNS
from evaltool.indicators.suppression import withhold


def notes(n_rows: int, *parts: tuple[np.ndarray | bool, str]) -> np.ndarray:
    """Per-row notes: the texts whose mask is true, joined with "; "; ``None`` where none.

    Parameters
    ----------
    n_rows : int
        Number of rows.
    *parts : tuple of (array_like of bool or bool, str)
        A mask (one boolean per row, or one for all) and its note text.

    Returns
    -------
    numpy.ndarray
        Object array of ``n_rows`` notes.

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.outcomes.frames import notes
    >>> notes(3, (np.array([True, False, True]), "a"), (np.array([True, False, False]), "b"))
    array(['a; b', None, 'a'], dtype=object)
    """
    out = np.full(n_rows, None, dtype=object)
    for mask, text in parts:
        m = np.broadcast_to(np.asarray(mask, dtype=bool), (n_rows,))
        for i in np.flatnonzero(m):
            out[i] = text if out[i] is None else f"{out[i]}; {text}"
    return out


def merge_notes(*notes: np.ndarray) -> np.ndarray:
    """Row-wise join of several note arrays (``None`` = no note).

    Parameters
    ----------
    *notes : array_like
        Note arrays of equal length (or single notes, broadcast); missing values are no note.

    Returns
    -------
    numpy.ndarray
        Object array with the notes of each row joined with "; ", ``None`` where none.
    """
    first = np.asarray(notes[0], dtype=object)
    out = np.full(first.size, None, dtype=object)
    for arr in notes:
        arr = np.broadcast_to(np.asarray(arr, dtype=object), out.shape)
        for i in np.flatnonzero(pd.notna(arr)):
            out[i] = arr[i] if out[i] is None else f"{out[i]}; {arr[i]}"
    return out


def take(stats: dict, idx: np.ndarray) -> dict:
    """The rows ``idx`` of every array in ``stats``.

    Parameters
    ----------
    stats : dict of str to array_like
        Statistics, one array per column.
    idx : numpy.ndarray
        Row positions to take.

    Returns
    -------
    dict of str to numpy.ndarray
    """
    return {k: np.asarray(v)[idx] for k, v in stats.items()}


def concat_stats(parts: list[dict]) -> dict:
    """The arrays of several ``stats`` dicts (with the same keys) one after the other.

    Parameters
    ----------
    parts : list of dict
        Statistics dicts with the keys of the first.

    Returns
    -------
    dict of str to numpy.ndarray
    """
    keys = parts[0].keys()
    return {k: np.concatenate([np.atleast_1d(p[k]) for p in parts]) for k in keys}


def documented_frame(columns: list[str], data: dict, n_rows: int | None = None) -> pd.DataFrame:
    """A table with exactly ``columns``; absent columns are missing.

    Parameters
    ----------
    columns : list of str
        The documented columns (a ``*_COLUMNS`` list), in order.
    data : dict
        Column values: arrays, lists or Series, or scalars repeated on every row.
    n_rows : int, optional
        Number of rows (default: the length of the first value of ``data``).

    Returns
    -------
    pandas.DataFrame
        ``columns``; those missing from ``data`` filled with NaN.
    """
    if n_rows is None:
        n_rows = len(next(iter(data.values()))) if data else 0
    out = {}
    for c in columns:
        if c in data:
            v = data[c]
            out[c] = v if isinstance(v, (list, np.ndarray, pd.Series)) else [v] * n_rows
        else:
            out[c] = np.full(n_rows, np.nan)
    return pd.DataFrame(out, columns=columns)


def withhold_rows(
    df: pd.DataFrame, columns: list[str], withheld: np.ndarray | None
) -> pd.DataFrame:
    """The documented ``columns`` of an outcome table with rows resting on fewer than ``min_n``
    clients reduced to their keys and counts of clients.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    columns : list of str
        The documented columns (a ``*_COLUMNS`` list).
    withheld : numpy.ndarray of bool or None
        True where a row is withheld.

    Returns
    -------
    pandas.DataFrame
        ``columns`` and ``suppressed``. A withheld row keeps the key columns (project,
        domain, waves, kind, pattern, variable, level, term, threshold) and the counts of
        clients (``n``, ``k``, ``n_followed``, ``n_lost``, ``n_obs``, ``base``,
        ``n_sd_baseline``, ``n_alpha``); everything else is missing
        (:func:`evaltool.indicators.suppression.withhold`). Counts are nullable integers,
        missing projects and notes ``None``.
    """
    return withhold(
        df,
        withheld,
        KEY_COLUMNS | KEPT_COUNTS,
        columns=columns,
        integers=COUNT_COLUMNS,
        texts=("project", "note"),
    )


def empty_table(columns: list[str]) -> pd.DataFrame:
    """A table with no rows and the documented ``columns``, typed as a filled one.

    Parameters
    ----------
    columns : list of str
        The documented columns (a ``*_COLUMNS`` list).

    Returns
    -------
    pandas.DataFrame
        No rows; ``columns`` and ``suppressed``.
    """
    return withhold_rows(pd.DataFrame({c: [] for c in columns}), columns, None)


def programme_first(df: pd.DataFrame) -> pd.DataFrame:
    """Order rows: the programme first, then projects in name order; stable within.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with a ``project`` column (missing for the programme).

    Returns
    -------
    pandas.DataFrame
        The rows reordered (index kept).
    """
    proj = df["project"]
    rank = np.where(proj.isna(), -1, pd.factorize(proj.fillna(""), sort=True)[0])
    return df.iloc[np.lexsort((np.arange(len(df)), rank))]

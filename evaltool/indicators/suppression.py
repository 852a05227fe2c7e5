"""The small-number rule: what is withheld when a figure rests on fewer than ``min_n`` people.

Every outcome and cooperation table and every report table passes through this module. It
computes no statistic, so nothing here is checked against R; the rules are tested in
tests/indicators/test_suppression.py.

**Statistics.** A statistic computed on fewer than ``min_n`` clients (or responding
organisations) is not shown. Its table row stays, with ``suppressed = True``, its keys and the
counts it rests on (``n`` …); every other statistic of the row is missing
(:func:`withhold`).

**Counts in reports.** A report also shows *counts*: how many clients gave an answer, have a
background, named a goal, changed reliably, answered a pattern of waves. What the reports
protect:

- **Cells.** A count of 1 … ``min_n`` − 1 clients in a category (background, goal, answer
  category, reliable-change class, wave pattern, subgroup, good quality of life, clients
  lost to follow-up) shows ``–``, and so does every figure computed from it (its share, a
  bar segment). Zero is shown: it describes nobody (:func:`small`).
- **Complementary cells.** Where a table also shows the total of a set of categories (the
  n of a background question, of a Likert item, of a reliable-change row), one withheld
  cell could be recovered by subtraction; the smallest further cells are then withheld too,
  until at least two cells holding together at least ``min_n`` clients are withheld
  (:func:`protect`).
- **Both sides of a yes/no count.** A goal named by all but two clients shows the two who
  did not name it; such a count is withheld when either side is 1 … ``min_n`` − 1
  (:func:`protect_binary`).
- **Bases are shown.** The number of clients a statistic rests on (a project's respondents
  per wave, the clients followed up, a model's n) is shown even when small, so that the
  reader sees why a statistic is withheld; data-processing counts of responses and answers
  (stored, discarded, skipped) are shown as such.
- **Partner organisations** are not personal data, so network positions (ties named and
  received) are shown; the trust and value an organisation received are ratings by other
  organisations' staff and are withheld when fewer than ``min_n`` organisations rated it.
- **Open answers** are listed only when at least ``min_n`` clients of the project answered
  the question, with identifiers masked (:func:`evaltool.report.privacy.mask_identifiers`).

Counts that are differences of shown bases (e.g. clients at wave 1 minus clients followed
up) are not hidden: hiding them would mean hiding the analysis' n.

**Merge before you hide.** A distribution (a background question) first merges its small
categories into one row "muut / ei tietoa"; when that row still holds 1 … ``min_n`` − 1
clients, the smallest other category joins it, until the row holds at least ``min_n``
(:func:`merge_small`). Nothing then needs to be hidden: a group of 65 women is not withheld
to protect two "other" and two "prefer not to say" answers.

**One release.** The reports of a workspace (project reports, the programme report and their
workbooks) are one release: a programme figure that sums project cells counts only the cells
the project reports show, and pools the rest into one cell that the project reports already
imply, so that no withheld project cell follows from the programme minus the other projects.
:func:`recoverable` is the check: a withheld cell is safe when no linear combination of the
shown figures gives it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "merge_small",
    "protect",
    "protect_binary",
    "recoverable",
    "small",
    "withhold",
]


def withhold(
    frame: pd.DataFrame,
    withheld: ArrayLike | None,
    kept: Collection[str],
    *,
    columns: Sequence[str] | None = None,
    integers: Collection[str] = (),
    texts: Collection[str] = (),
) -> pd.DataFrame:
    """A table with the statistics of withheld rows missing and ``suppressed`` set.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is dropped.
    withheld : array_like of bool or None
        One boolean per row: True where the row rests on fewer than ``min_n`` people (e.g.
        ``frame["n"] < min_n``). None withholds nothing.
    kept : collection of str
        Columns shown on withheld rows too: the keys (project, domain, wave …) and the
        counts the row rests on (``n`` …). Every other column of ``columns`` is a statistic
        and becomes missing on withheld rows: NaN in numeric columns, None in text columns,
        ``<NA>`` in boolean columns (made nullable first).
    columns : sequence of str, optional
        The columns of the result, in order (default: those of ``frame``); ``suppressed``
        is always the last column.
    integers : collection of str, default ()
        Count columns made nullable integers (``Int64``), where present.
    texts : collection of str, default ()
        Text columns given ``None`` (not NaN) for missing values, where present.

    Returns
    -------
    pandas.DataFrame
        ``columns`` of ``frame`` and ``suppressed``, with a fresh ``RangeIndex``.

    Notes
    -----
    A withheld row keeps its ``kept`` columns (keys and counts) and has
    ``suppressed = True``; every other value is missing, so that the reader sees that the row
    exists and on how few people it rests, but no statistic computed from them. Rows that are
    not withheld are returned unchanged (with ``suppressed = False``).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.suppression import withhold
    >>> t = pd.DataFrame({"project": ["A", "B"], "n": [12, 3], "mean": [61.5, 48.0]})
    >>> withhold(t, t["n"] < 5, ["project", "n"], integers=["n"])
      project   n  mean  suppressed
    0       A  12  61.5       False
    1       B   3   NaN        True
    """
    columns = frame.columns if columns is None else columns
    df = frame.loc[:, [c for c in columns if c != "suppressed"]].reset_index(drop=True)
    mask = np.zeros(len(df), dtype=bool) if withheld is None else np.asarray(withheld, dtype=bool)
    if mask.any():
        for c in df.columns:
            if c in kept:
                continue
            if df[c].dtype == bool:
                df[c] = df[c].astype("boolean")
            if df[c].dtype == object or isinstance(df[c].dtype, pd.StringDtype):
                df[c] = df[c].astype(object)
                df.loc[mask, c] = None
            else:
                df.loc[mask, c] = np.nan
    df["suppressed"] = mask
    for c in df.columns:
        if c in integers:
            df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64")
        elif c in texts:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def as_counts(values: ArrayLike) -> np.ndarray:
    """Counts as floats, entries that are not numbers as NaN (a numeric array is taken as
    it is: the tables hand over thousands of small ones)."""
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(float, copy=False)
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def small(counts: ArrayLike, min_n: int) -> np.ndarray:
    """Cells of 1 … ``min_n`` − 1 (missing counts are not small).

    Parameters
    ----------
    counts : array_like
        Counts of people; non-numeric entries count as missing.
    min_n : int
        The smallest number of people a shown figure may rest on.

    Returns
    -------
    numpy.ndarray
        One boolean per count: True where ``1 ≤ count < min_n``.

    Notes
    -----
    Zero is never small: a count of 0 describes nobody and is shown.

    Examples
    --------
    >>> from evaltool.indicators.suppression import small
    >>> small([0, 1, 4, 5, None], 5)
    array([False,  True,  True, False, False])
    """
    c = as_counts(counts)
    return (c >= 1) & (c < min_n)


def protect(
    counts: ArrayLike,
    min_n: int,
    groups: ArrayLike | None = None,
    complementary: bool = True,
    priority: ArrayLike | None = None,
) -> np.ndarray:
    """Cells to withhold among ``counts``: small cells and, with ``complementary``, within
    each group further cells so that no withheld cell can be recovered by subtraction.

    Parameters
    ----------
    counts : array_like
        Counts of people, one per cell.
    min_n : int
        The smallest number of people a shown figure may rest on.
    groups : array_like, optional
        One label per cell; cells with equal labels form a set whose total is shown (one set
        when None).
    complementary : bool, default True
        Withhold further cells (see Notes); False withholds the small cells only.
    priority : array_like, optional
        One number per cell: further cells are taken lowest first (default: smallest count
        first), e.g. to keep the share of improved clients and withhold the unchanged.

    Returns
    -------
    numpy.ndarray
        One boolean per cell: True where the cell is withheld.

    Notes
    -----
    The small cells are those of :func:`small`. Within each group holding a small cell,
    further non-zero cells are withheld until at least two withheld cells hold at least
    ``min_n`` together (or every non-zero cell is withheld); ties in ``priority`` go to the
    smaller count.

    Examples
    --------
    >>> from evaltool.indicators.suppression import protect
    >>> protect([12, 3, 8, 20], 5)
    array([False,  True,  True, False])
    >>> protect([12, 3, 8, 20, 2, 30], 5, groups=["q1"] * 4 + ["q2"] * 2)
    array([False,  True,  True, False,  True,  True])
    """
    c = as_counts(counts)
    prio = c if priority is None else np.asarray(priority, dtype=float)
    out = small(c, min_n)
    if not complementary or not out.any():
        return out
    if groups is None:
        idx_groups = [np.arange(len(c))]
    else:
        keys = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups)
        keys = keys.astype(object).where(keys.notna(), "\x00")
        idx_groups = list(keys.groupby(keys, sort=False).indices.values())
    for idx in idx_groups:
        sup = out[idx]
        if not sup.any():
            continue
        vals = np.nan_to_num(c[idx], nan=0.0)
        order = prio[idx]
        while sup.sum() < 2 or vals[sup].sum() < min_n:
            free = np.flatnonzero(~sup & (vals > 0))
            if not len(free):
                break
            sup[free[np.lexsort((vals[free], order[free]))[0]]] = True
        out[idx] = sup
    return out


def protect_binary(count: ArrayLike, total: ArrayLike, min_n: int) -> np.ndarray:
    """Yes/no counts out of ``total``: withheld when either side is 1 … ``min_n`` − 1.

    Parameters
    ----------
    count : array_like
        People answering yes (naming a goal, having a good quality of life …).
    total : array_like
        People asked, one per count.
    min_n : int
        The smallest number of people a shown figure may rest on.

    Returns
    -------
    numpy.ndarray
        One boolean per count: True where ``count`` or ``total − count`` is small.

    Notes
    -----
    A goal named by all but two clients would show the two who did not name it, so the "no"
    side ``total − count`` is tested with :func:`small` as well as ``count``.

    Examples
    --------
    >>> from evaltool.indicators.suppression import protect_binary
    >>> protect_binary([2, 10, 28], [30, 30, 30], 5)
    array([ True, False,  True])
    """
    c, n = as_counts(count), as_counts(total)
    return small(c, min_n) | small(n - c, min_n)


def merge_small(counts: ArrayLike, min_n: int) -> np.ndarray:
    """Categories of one distribution merged into its "muut / ei tietoa" row.

    Parameters
    ----------
    counts : array_like
        Clients per category of one question (one distribution with a shown total).
    min_n : int
        The smallest number of people a shown figure may rest on.

    Returns
    -------
    numpy.ndarray
        One boolean per category: True where the category is shown only as part of the
        merged row.

    Notes
    -----
    The small categories (:func:`small`) are merged first. While the merged row holds
    1 … ``min_n`` − 1 clients, the smallest category not yet merged (ties: the later one)
    joins it. The merged row then holds 0 or at least ``min_n`` clients, and every shown
    category at least ``min_n``: nothing has to be withheld, and the total stays shown.

    Examples
    --------
    >>> from evaltool.indicators.suppression import merge_small
    >>> merge_small([65, 30, 2, 2], 5)
    array([False,  True,  True,  True])
    >>> merge_small([43, 2, 2, 1], 5)
    array([False,  True,  True,  True])
    """
    c = np.nan_to_num(as_counts(counts))
    merged = small(c, min_n)
    while 0 < c[merged].sum() < min_n:
        free = np.flatnonzero(~merged & (c > 0))
        if not len(free):
            break
        merged[free[np.lexsort((-free, c[free]))[0]]] = True
    return merged


def recoverable(shown: Sequence[dict], hidden: Sequence[dict], tol: float = 1e-7) -> np.ndarray:
    """Which withheld figures follow from the shown ones by a linear combination.

    Parameters
    ----------
    shown : sequence of dict
        The figures a reader sees, each a linear form: atom → coefficient. An atom is any
        hashable name of a count or sum that no figure splits further (e.g. the men of
        project A answering the gender question).
    hidden : sequence of dict
        The withheld figures, as linear forms over the same atoms.
    tol : float, default 1e-7
        Numerical tolerance of the projection.

    Returns
    -------
    numpy.ndarray
        One boolean per hidden form: True where it lies in the span of the shown forms,
        i.e. a reader can compute it exactly from what is shown.

    Notes
    -----
    With the shown forms as the rows of S, a hidden form h is recoverable iff h lies in the
    row space of S, i.e. iff h is orthogonal to the null space of S. The atoms split into
    independent blocks (atoms that appear together in some form); each block's null space
    is computed once by SVD (``scipy.linalg.null_space``). Only exact linear recovery is
    tested: bounds from non-negativity (a reader knowing a count is between 0 and 4) are
    not.

    Examples
    --------
    >>> from evaltool.indicators.suppression import recoverable
    >>> men = [{("A", "men"): 1}, {("B", "men"): 1}, {("C", "men"): 1}]
    >>> programme = {("A", "men"): 1, ("B", "men"): 1, ("C", "men"): 1}
    >>> recoverable([men[0], men[1], programme], [men[2]])  # 21 - 14 - 5 = 2
    array([ True])
    >>> recoverable([men[0], programme], [men[1], men[2]])
    array([False, False])
    """
    from scipy.linalg import null_space

    forms = [f for f in shown if f] + [f for f in hidden if f]
    parent: dict = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for f in forms:
        atoms = list(f)
        for a in atoms[1:]:
            ra, rb = find(atoms[0]), find(a)
            if ra != rb:
                parent[rb] = ra
        find(atoms[0])
    blocks: dict = {}
    for a in parent:
        blocks.setdefault(find(a), []).append(a)
    index = {root: {a: i for i, a in enumerate(atoms)} for root, atoms in blocks.items()}
    rows: dict = {root: [] for root in blocks}
    for f in shown:
        if f:
            rows[find(next(iter(f)))].append(f)
    spaces = {}
    out = np.zeros(len(hidden), dtype=bool)
    for k, h in enumerate(hidden):
        if not h:
            out[k] = True
            continue
        root = find(next(iter(h)))
        idx = index[root]
        if root not in spaces:
            mat = np.zeros((max(1, len(rows[root])), len(idx)))
            for i, f in enumerate(rows[root]):
                for a, v in f.items():
                    mat[i, idx[a]] += v
            spaces[root] = null_space(mat)
        vec = np.zeros(len(idx))
        for a, v in h.items():
            vec[idx[a]] += v
        out[k] = np.linalg.norm(spaces[root].T @ vec) <= tol * max(1.0, np.linalg.norm(vec))
    return out

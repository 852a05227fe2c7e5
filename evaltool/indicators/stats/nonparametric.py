"""Tests on ranks and counts: the Wilcoxon signed-rank test (normal approximation with
continuity correction), for one sample or many groups in one pass, and McNemar's test for
paired proportions. Checked against R's
``wilcox.test(paired = TRUE, exact = FALSE, correct = TRUE)`` and ``mcnemar.test``
(tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array
from evaltool.indicators.stats.distributions import chi2_sf, norm_sf


class WilcoxonResult(NamedTuple):
    """Wilcoxon signed-rank test: ``n`` non-zero differences, ``v`` sum of positive ranks."""

    n: int | NDArray[np.int64]
    v: float | FloatArray
    z: float | FloatArray
    p: float | FloatArray


def grouped_wilcoxon_signed_rank(
    diff: ArrayLike, groups: ArrayLike, n_groups: int, *, decimals: int = 9
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``diff`` within each group, all groups in one pass.

    Parameters
    ----------
    diff : array_like
        Paired differences (e.g. ``to − from`` per client); NaN values are dropped.
    groups : array_like
        Integer group code of each difference, ``0 … n_groups − 1``; negative codes are
        ignored.
    n_groups : int
        Number of groups.
    decimals : int, default 9
        Differences are rounded to this many decimal places before ranking.

    Returns
    -------
    WilcoxonResult
        Arrays of length ``n_groups``: ``n`` non-zero differences, ``v`` the sum of the
        ranks of the positive differences, ``z`` and two-sided ``p``. When every difference
        of a group is zero, ``n = 0``, ``V = 0`` and ``z``, ``p`` are ``NaN`` (R:
        ``V = 0, p-value = NA``); a group without any difference has ``V = NaN``.

    Notes
    -----
    Differences are first rounded to ``decimals`` places (as integers of ``10^-decimals``) so
    that equal changes computed from 0–100 scores tie exactly despite floating-point noise;
    zero differences are then dropped. With ``n`` the remaining count, ``r`` the average
    ranks of ``|d|`` and ``t_j`` the sizes of tied groups:

        V = Σ r[d > 0]
        z = (V − n(n+1)/4 − sign · 0.5) / σ
        σ² = n(n+1)(2n+1)/24 − Σ(t_j³ − t_j)/48
        p = 2 · P(Z > |z|)

    where ``sign · 0.5`` is the continuity correction towards zero (``sign`` the sign of
    ``V − n(n+1)/4``). This is R's
    ``wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin
    1(6):80–83.

    Hollander, M., & Wolfe, D. A. (1973). Nonparametric Statistical Methods. New York: Wiley.

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.stats import grouped_wilcoxon_signed_rank
    >>> d = [1.5, -0.5, 2.0, 3.0, 0.0, 1.0, 2.5, -1.0]
    >>> # In R: wilcox.test(d[g == 0], exact = FALSE, correct = TRUE), the same for g == 1
    >>> res = grouped_wilcoxon_signed_rank(d, [0, 0, 0, 0, 1, 1, 1, 1], 2)
    >>> print(res.n, res.v, np.round(res.p, 4))
    [4 3] [9.  4.5] [0.2012 0.5862]
    """
    d = np.asarray(diff, dtype=float).ravel()
    g = np.asarray(groups, dtype=np.int64).ravel()
    k = np.rint(d * 10.0**decimals)
    finite = np.isfinite(k) & (g >= 0)
    n_finite = np.bincount(g[finite], minlength=n_groups)
    keep = finite & (k != 0)
    k, g = k[keep], g[keep]
    absk = np.abs(k)
    order = np.lexsort((absk, g))
    gs, ks, pos_sign = g[order], absk[order], k[order] > 0
    n = np.bincount(gs, minlength=n_groups).astype(np.int64)
    m = gs.size
    if m:
        start = np.r_[0, np.cumsum(n)[:-1]]
        pos = np.arange(m) - start[gs] + 1.0  # 1-based position within the group
        new_run = np.r_[True, (gs[1:] != gs[:-1]) | (ks[1:] != ks[:-1])]
        run = np.cumsum(new_run) - 1
        run_first = pos[new_run]
        run_size = np.bincount(run)
        rank = run_first[run] + (run_size[run] - 1) / 2.0
        v = np.bincount(gs[pos_sign], weights=rank[pos_sign], minlength=n_groups)
        run_group = gs[new_run]
        ties = np.bincount(run_group, weights=run_size**3.0 - run_size, minlength=n_groups)
    else:
        v = np.zeros(n_groups)
        ties = np.zeros(n_groups)
    nf = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(nf * (nf + 1) * (2 * nf + 1) / 24 - ties / 48)
        z0 = v - nf * (nf + 1) / 4
        z = (z0 - np.sign(z0) * 0.5) / sigma
    ok = n > 0
    z = np.where(ok, z, np.nan)
    p = np.where(ok, 2.0 * norm_sf(np.abs(z)), np.nan)
    v = np.where(n_finite > 0, v, np.nan)
    return WilcoxonResult(n, v, z, p)


def wilcoxon_signed_rank(
    before: ArrayLike, after: ArrayLike, *, decimals: int = 9
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``after − before`` (normal approximation).

    Parameters
    ----------
    before, after : array_like
        Paired values of equal length; pairs with a missing value are dropped.
    decimals : int, default 9
        The differences are rounded to this many decimal places before ranking.

    Returns
    -------
    WilcoxonResult
        ``n`` non-zero differences (int), ``v`` the sum of ranks of positive differences
        (improvements when ``after`` is the later wave), ``z`` and two-sided ``p`` (floats).

    Notes
    -----
    Formula in :func:`grouped_wilcoxon_signed_rank`; the same as R's
    ``wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = TRUE)`` applied to
    differences rounded to ``decimals`` places.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin
    1(6):80–83.

    Examples
    --------
    >>> from evaltool.indicators.stats import wilcoxon_signed_rank
    >>> before = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> after = [18.75, 25, 25, 43.75, 12.5, 37.5]
    >>> # In R: wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = TRUE)
    >>> res = wilcoxon_signed_rank(before, after)
    >>> print(res.n, res.v, round(res.p, 4))
    5 12.5 0.2031
    """
    d = np.asarray(after, dtype=float).ravel() - np.asarray(before, dtype=float).ravel()
    res = grouped_wilcoxon_signed_rank(d, np.zeros(d.size, dtype=np.int64), 1, decimals=decimals)
    return WilcoxonResult(int(res.n[0]), float(res.v[0]), float(res.z[0]), float(res.p[0]))


class McNemarResult(NamedTuple):
    """McNemar's chi-squared test for paired proportions."""

    statistic: float | FloatArray
    df: int
    p: float | FloatArray


def mcnemar_test(b: ArrayLike, c: ArrayLike, correct: bool = True) -> McNemarResult:
    """McNemar (1947) test on the discordant counts of a paired 2 × 2 table; vectorised.

    Parameters
    ----------
    b, c : array_like
        The two discordant cells (e.g. good → not good, not good → good); broadcast together.
    correct : bool, default True
        Apply the continuity correction (as R's default).

    Returns
    -------
    McNemarResult
        ``statistic`` (χ²), ``df = 1`` and ``p``; floats for scalar input, else arrays;
        ``NaN`` where ``b + c == 0`` (R too).

    Notes
    -----
    With continuity correction (applied, as in R, only when ``b ≠ c``):

        χ² = (|b − c| − 1)² / (b + c)

    else ``χ² = (b − c)² / (b + c)``; ``df = 1``, ``p = P(χ²₁ > χ²)``. The same as R's
    ``mcnemar.test``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    McNemar, Q. (1947). Note on the sampling error of the difference between correlated
    proportions or percentages. Psychometrika 12(2):153–157.

    Examples
    --------
    >>> from evaltool.indicators.stats import mcnemar_test
    >>> # In R: mcnemar.test(matrix(c(10, 2, 7, 20), 2))
    >>> res = mcnemar_test(7, 2)
    >>> print(round(res.statistic, 4), res.df, round(res.p, 4))
    1.7778 1 0.1824
    """
    bb = np.asarray(b, dtype=float)
    cc = np.asarray(c, dtype=float)
    s = bb + cc
    num = np.abs(bb - cc)
    if correct:
        num = np.where(bb != cc, num - 1, num)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(s > 0, num**2 / np.where(s > 0, s, 1.0), np.nan)
    p = np.where(np.isfinite(stat), chi2_sf(np.where(np.isfinite(stat), stat, 0.0), 1), np.nan)
    return McNemarResult(scalar_or_array(stat), 1, scalar_or_array(p))

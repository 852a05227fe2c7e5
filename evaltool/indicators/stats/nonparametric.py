"""Tests on ranks and counts: the Wilcoxon signed-rank test (normal approximation) and
McNemar's test for paired proportions."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _st

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array


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

    Differences are first rounded to ``decimals`` places (as integers of ``10^-decimals``)
    so that equal changes computed from 0–100 scores tie exactly despite floating-point noise;
    zero differences are then dropped. With ``n`` the remaining count, ``r`` the average ranks
    of ``|d|`` and ``t_j`` the sizes of tied groups:

    ``V = Σ r[d > 0]``, ``z = (V − n(n+1)/4 − sign · 0.5) / σ``,
    ``σ² = n(n+1)(2n+1)/24 − Σ(t_j³ − t_j)/48``, ``p = 2 · P(Z > |z|)``,

    where ``sign · 0.5`` is the continuity correction towards zero. This is R's
    ``wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)`` (Wilcoxon 1945;
    Hollander & Wolfe 1973). When every difference of a group is zero, ``n = 0``, ``V = 0``
    and ``z``, ``p`` are ``NaN`` (R: ``V = 0, p-value = NA``); a group without any
    difference has ``V = NaN``. ``groups`` are integer codes ``0 … n_groups − 1``; negative
    codes are ignored. Returns arrays of length ``n_groups``.

    Tested against R (tests/r/outcomes.R).
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
    p = np.where(ok, 2.0 * _st.norm.sf(np.abs(z)), np.nan)
    v = np.where(n_finite > 0, v, np.nan)
    return WilcoxonResult(n, v, z, p)


def wilcoxon_signed_rank(
    before: ArrayLike, after: ArrayLike, *, decimals: int = 9
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``after − before`` (normal approximation).

    Formula in :func:`grouped_wilcoxon_signed_rank`; same as R's
    ``wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = TRUE)`` applied to
    differences rounded to ``decimals`` places. ``V`` is the sum of ranks of positive
    differences (improvements when ``after`` is the later wave).

    Tested against R (tests/r/outcomes.R).
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

    ``b`` and ``c`` are the two discordant cells (e.g. good → not good, not good → good).
    ``χ² = (|b − c| − 1)² / (b + c)`` with continuity correction (applied, as in R, only when
    ``b ≠ c``), else ``(b − c)² / (b + c)``; ``df = 1``. Same as R's ``mcnemar.test``.
    ``b + c == 0`` gives ``NaN`` (R too).

    Tested against R (tests/r/outcomes.R).
    """
    bb = np.asarray(b, dtype=float)
    cc = np.asarray(c, dtype=float)
    s = bb + cc
    num = np.abs(bb - cc)
    if correct:
        num = np.where(bb != cc, num - 1, num)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(s > 0, num**2 / np.where(s > 0, s, 1.0), np.nan)
    p = np.where(np.isfinite(stat), _st.chi2.sf(np.where(np.isfinite(stat), stat, 0.0), 1), np.nan)
    return McNemarResult(scalar_or_array(stat), 1, scalar_or_array(p))

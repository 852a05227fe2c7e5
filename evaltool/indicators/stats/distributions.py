"""The few distribution functions the statistics need, straight from ``scipy.special``.

``scipy.stats`` takes about as long to import as pandas; its ``t``, ``norm``, ``chi2`` and
``f`` distributions compute their tails and quantiles with these ``scipy.special``
functions (``scipy.stats.t.sf(x, df)`` is ``stdtr(df, -x)``), so the values are the same
the edges where ``scipy.stats`` answers before calling them (a quantile at 0 or 1, a
negative chi-squared statistic, degrees of freedom ≤ 0) are answered here the same way.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special as _sc


def t_sf(x: ArrayLike, df: ArrayLike):
    """Upper tail P(T > x) of Student's t with ``df`` degrees of freedom (R ``pt(x, df,
    lower.tail = FALSE)``)."""
    return _sc.stdtr(df, np.negative(x))


def _scalar(a: np.ndarray):
    return a[()] if a.ndim == 0 else a


def t_ppf(q: ArrayLike, df: ArrayLike):
    """Quantile of Student's t (R ``qt(q, df)``)."""
    q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return _scalar(np.where((q == 0) & (df > 0), -np.inf, _sc.stdtrit(df, q)))


def norm_sf(x: ArrayLike):
    """Upper tail of the standard normal (R ``pnorm(x, lower.tail = FALSE)``)."""
    return _sc.ndtr(np.negative(x))


def norm_ppf(q: ArrayLike):
    """Quantile of the standard normal (R ``qnorm(q)``)."""
    return _sc.ndtri(q)


def chi2_sf(x: ArrayLike, df: ArrayLike):
    """Upper tail of the chi-squared distribution (R ``pchisq(x, df, lower.tail = FALSE)``)."""
    x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        p = np.where(x < 0, 1.0, _sc.chdtrc(df, x))
        return _scalar(np.where(df > 0, p, np.nan))


def f_ppf(q: ArrayLike, dfn: ArrayLike, dfd: ArrayLike):
    """Quantile of the F distribution (R ``qf(q, dfn, dfd)``)."""
    q = np.asarray(q, dtype=float)
    dfn, dfd = np.asarray(dfn, dtype=float), np.asarray(dfd, dtype=float)
    valid = (dfn > 0) & (dfd > 0)
    with np.errstate(invalid="ignore"):
        edge = np.where(q == 0, 0.0, np.where(q == 1, np.inf, np.nan))
        out = np.where(valid & ((q == 0) | (q == 1)), edge, _sc.fdtri(dfn, dfd, q))
        return _scalar(out)

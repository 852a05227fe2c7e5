"""Internal consistency: Cronbach's alpha (from item values or, vectorised, from variances)
and its Feldt confidence interval. Checked against psych's ``alpha()`` (``raw_alpha``,
``feldt``) and the covariance-matrix formula in R (tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array
from evaltool.indicators.stats.distributions import f_ppf


class AlphaResult(NamedTuple):
    """Cronbach's alpha with its Feldt interval, on ``n`` complete cases of ``k`` items."""

    alpha: float
    n: int
    k: int
    ci_low: float
    ci_high: float


def cronbach_alpha_from_variances(
    k: ArrayLike, sum_item_var: ArrayLike, total_var: ArrayLike
) -> float | FloatArray:
    """Cronbach's (1951) alpha from variances; vectorised.

    Parameters
    ----------
    k : array_like
        Number of items.
    sum_item_var : array_like
        Sum of the item variances ``Σ s²_item`` (``n − 1``).
    total_var : array_like
        Variance ``s²_total`` of the item sum (``n − 1``); the three are broadcast together.

    Returns
    -------
    float or numpy.ndarray
        α (a float for scalar input); ``NaN`` where it is not defined.

    Notes
    -----
        α = k/(k − 1) · (1 − Σ s²_item / s²_total)

    where ``s²_total`` is the variance of the item sum. This is psych's ``raw_alpha`` (from
    the covariance matrix ``C``: ``Σ s²_item = tr C``, ``s²_total = ΣC``). ``k < 2`` or
    ``s²_total == 0`` (the item sum does not vary; also when ``s²_total`` is only rounding
    noise, ``≤ 1e-12 · Σ s²_item``) give ``NaN``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3):297–334.

    Examples
    --------
    >>> from evaltool.indicators.stats import cronbach_alpha_from_variances
    >>> # In R: k / (k - 1) * (1 - sum(diag(C)) / sum(C)), C <- cov(x)
    >>> round(cronbach_alpha_from_variances(4, 4.0, 12.0), 4)
    0.8889
    """
    k = np.asarray(k, dtype=float)
    siv = np.asarray(sum_item_var, dtype=float)
    tv = np.asarray(total_var, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = (k >= 2) & (tv > 0) & (tv > 1e-12 * siv)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = k / (k - 1) * (1 - siv / tv)
    return scalar_or_array(np.where(ok, a, np.nan))


def feldt_ci(
    alpha: ArrayLike, n: ArrayLike, k: ArrayLike, conf: float = 0.95
) -> tuple[float | FloatArray, float | FloatArray]:
    """Feldt (1965) confidence interval for Cronbach's alpha; vectorised.

    Parameters
    ----------
    alpha : array_like
        Cronbach's alpha.
    n : array_like
        Number of cases (complete cases the alpha rests on).
    k : array_like
        Number of items; the three are broadcast together.
    conf : float, default 0.95
        Confidence level.

    Returns
    -------
    ci_low, ci_high : float or numpy.ndarray
        The limits (floats for scalar input); ``NaN`` where ``alpha`` is missing, ``n ≤ 1``
        or ``k ≤ 1``.

    Notes
    -----
    With ``F`` quantiles on ``df₁ = n − 1`` and ``df₂ = (n − 1)(k − 1)`` and ``a = 1 − conf``:

        low  = 1 − (1 − α) · F(1 − a/2; df₁, df₂)
        high = 1 − (1 − α) · F(a/2; df₁, df₂)

    (Feldt, Woodruff & Salih 1987; psych ``alpha.ci``, used for ``alpha()$feldt``).

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder–Richardson
    reliability coefficient twenty. Psychometrika 30(3):357–370.

    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement 11(1):93–103.

    Examples
    --------
    >>> from evaltool.indicators.stats import feldt_ci
    >>> # In R: 1 - (1 - 0.8) * qf(c(0.975, 0.025), 50 - 1, (50 - 1) * (4 - 1))
    >>> low, high = feldt_ci(0.8, 50, 4)
    >>> print(round(low, 4), round(high, 4))
    0.6911 0.8773
    """
    a = np.asarray(alpha, dtype=float)
    n = np.asarray(n, dtype=float)
    k = np.asarray(k, dtype=float)
    ok = np.isfinite(a) & (n > 1) & (k > 1)
    df1 = np.where(ok, n - 1, 1.0)
    df2 = np.where(ok, (n - 1) * (k - 1), 1.0)
    q = 1 - conf
    low = 1 - (1 - a) * f_ppf(1 - q / 2, df1, df2)
    high = 1 - (1 - a) * f_ppf(q / 2, df1, df2)
    return scalar_or_array(np.where(ok, low, np.nan)), scalar_or_array(np.where(ok, high, np.nan))


def cronbach_alpha(items: pd.DataFrame | ArrayLike, conf: float = 0.95) -> AlphaResult:
    """Cronbach's alpha of the item columns on complete cases, with the Feldt interval.

    Parameters
    ----------
    items : pandas.DataFrame or array_like
        Two-dimensional table, one row per case and one column per item; items must already
        be reversed where the instrument reverses them. Rows with any missing item are
        dropped (complete cases). Raises ``ValueError`` when not two-dimensional.
    conf : float, default 0.95
        Confidence level of the Feldt interval.

    Returns
    -------
    AlphaResult
        ``alpha``, ``n`` complete cases, ``k`` items, ``ci_low``, ``ci_high``; α and the limits
        are ``NaN`` with fewer than two cases or items, or when the item sum does not vary.

    Notes
    -----
    Formulas in :func:`cronbach_alpha_from_variances` and :func:`feldt_ci`. The same as
    ``psych::alpha(x[complete.cases(x), ])`` (``raw_alpha``, ``feldt``).

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3):297–334.

    Feldt, L. S. (1965). The approximate sampling distribution of Kuder–Richardson
    reliability coefficient twenty. Psychometrika 30(3):357–370.

    Examples
    --------
    >>> from evaltool.indicators.stats import cronbach_alpha
    >>> x = [[1, 2, 2, 1], [2, 2, 3, 2], [3, 3, 3, 4], [4, 5, 4, 4], [5, 4, 5, 5], [2, 3, 2, 2]]
    >>> # In R: psych::alpha(x[complete.cases(x), ], check.keys = FALSE)
    >>> res = cronbach_alpha(x)
    >>> print(round(res.alpha, 4), res.n, res.k, round(res.ci_low, 4), round(res.ci_high, 4))
    0.9556 6 4 0.8412 0.9931
    """
    x = np.asarray(items, dtype=float)
    if x.ndim != 2:
        raise ValueError("items must be a two-dimensional table (rows × items)")
    x = x[np.isfinite(x).all(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        return AlphaResult(np.nan, n, k, np.nan, np.nan)
    a = float(
        cronbach_alpha_from_variances(k, x.var(axis=0, ddof=1).sum(), x.sum(axis=1).var(ddof=1))
    )
    lo, hi = feldt_ci(a, n, k, conf)
    return AlphaResult(a, n, k, float(lo), float(hi))

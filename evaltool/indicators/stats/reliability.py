"""Internal consistency: Cronbach's alpha and its Feldt confidence interval."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats as _st

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array


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

    ``α = k/(k − 1) · (1 − Σ s²_item / s²_total)`` where ``s²_total`` is the variance of the
    item sum. This is psych's ``raw_alpha`` (from the covariance matrix: ``Σ s²_item = tr C``,
    ``s²_total = ΣC``). ``k < 2`` or ``s²_total == 0`` (the item sum does not vary; also when
    ``s²_total`` is only rounding noise, ``≤ 1e-12 · Σ s²_item``) give ``NaN``.
    Tested against R (tests/r/outcomes.R).
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

    With ``F`` quantiles on ``df₁ = n − 1`` and ``df₂ = (n − 1)(k − 1)`` and ``a = 1 − conf``:
    ``low = 1 − (1 − α) · F(1 − a/2)``, ``high = 1 − (1 − α) · F(a/2)``
    (Feldt, Woodruff & Salih 1987; psych ``alpha.ci``, used for ``alpha()$feldt``).
    Tested against R (tests/r/outcomes.R).
    """
    a = np.asarray(alpha, dtype=float)
    n = np.asarray(n, dtype=float)
    k = np.asarray(k, dtype=float)
    ok = np.isfinite(a) & (n > 1) & (k > 1)
    df1 = np.where(ok, n - 1, 1.0)
    df2 = np.where(ok, (n - 1) * (k - 1), 1.0)
    q = 1 - conf
    low = 1 - (1 - a) * _st.f.ppf(1 - q / 2, df1, df2)
    high = 1 - (1 - a) * _st.f.ppf(q / 2, df1, df2)
    return scalar_or_array(np.where(ok, low, np.nan)), scalar_or_array(np.where(ok, high, np.nan))


def cronbach_alpha(items: pd.DataFrame | ArrayLike, conf: float = 0.95) -> AlphaResult:
    """Cronbach's alpha of the item columns on complete cases, with the Feldt interval.

    Rows with any missing item are dropped (complete cases); items must already be reversed
    where the instrument reverses them. Formulas in :func:`cronbach_alpha_from_variances`
    and :func:`feldt_ci`. Same as ``psych::alpha(x[complete.cases(x), ])`` (``raw_alpha``,
    ``feldt``). Reference: Cronbach (1951), Psychometrika 16:297–334.

    Tested against R (tests/r/outcomes.R).
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

"""Confidence intervals for a proportion: Wilson score and Clopper–Pearson."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as _st

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array


class ProportionCI(NamedTuple):
    """A proportion ``k/n`` with its confidence interval."""

    estimate: float | FloatArray
    ci_low: float | FloatArray
    ci_high: float | FloatArray


def proportion_ci(
    k: ArrayLike,
    n: ArrayLike,
    conf: float = 0.95,
    method: Literal["wilson", "exact"] = "wilson",
) -> ProportionCI:
    """Confidence interval for a proportion ``k/n``; vectorised.

    ``method="wilson"`` (default): Wilson (1927) score interval without continuity
    correction, ``(p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)`` with the limits set
    to exactly 0 / 1 when ``p̂`` is 0 / 1 — R's ``prop.test(k, n, correct = FALSE)$conf.int``.
    ``method="exact"``: Clopper & Pearson (1934), beta quantiles — R's ``binom.test``.
    ``n == 0`` gives ``NaN``. Tested against R (tests/r/outcomes.R).
    """
    kk = np.asarray(k, dtype=float)
    nn = np.asarray(n, dtype=float)
    ok = nn > 0
    nn_safe = np.where(ok, nn, 1.0)
    est = kk / nn_safe
    a = 1 - conf
    if method == "wilson":
        z = _st.norm.ppf(1 - a / 2)
        z22n = z**2 / (2 * nn_safe)
        root = z * np.sqrt(np.clip(est * (1 - est), 0, None) / nn_safe + z22n / (2 * nn_safe))
        hi = np.where(est >= 1, 1.0, (est + z22n + root) / (1 + 2 * z22n))
        lo = np.where(est <= 0, 0.0, (est + z22n - root) / (1 + 2 * z22n))
    elif method == "exact":
        with np.errstate(invalid="ignore"):
            lo = np.where(kk <= 0, 0.0, _st.beta.ppf(a / 2, np.maximum(kk, 1e-300), nn - kk + 1))
            hi = np.where(
                kk >= nn, 1.0, _st.beta.ppf(1 - a / 2, kk + 1, np.maximum(nn - kk, 1e-300))
            )
    else:
        raise ValueError(f"unknown method {method!r}; use 'wilson' or 'exact'")
    nan = np.nan
    return ProportionCI(
        scalar_or_array(np.where(ok, est, nan)),
        scalar_or_array(np.where(ok, lo, nan)),
        scalar_or_array(np.where(ok, hi, nan)),
    )

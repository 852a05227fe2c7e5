"""Confidence intervals for a proportion: the Wilson score interval and the Clopper–Pearson
exact interval, vectorised. Checked against R's ``prop.test(k, n, correct = FALSE)$conf.int``
and ``binom.test(k, n)$conf.int`` (tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array
from evaltool.indicators.stats.distributions import norm_ppf


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

    Parameters
    ----------
    k : array_like
        Number of successes (e.g. clients with good quality of life).
    n : array_like
        Number of trials; broadcast against ``k``.
    conf : float, default 0.95
        Confidence level.
    method : {"wilson", "exact"}, default "wilson"
        ``"wilson"``: Wilson score interval without continuity correction; ``"exact"``:
        Clopper–Pearson interval. Any other value raises ``ValueError``.

    Returns
    -------
    ProportionCI
        ``estimate = k/n``, ``ci_low``, ``ci_high`` (floats for scalar input, else arrays);
        all ``NaN`` where ``n == 0``.

    Notes
    -----
    Wilson (1927) score interval without continuity correction, with ``p̂ = k/n`` and ``z`` the
    ``1 − (1 − conf)/2`` normal quantile:

        (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)

    with the limits set to exactly 0 / 1 when ``p̂`` is 0 / 1 — R's
    ``prop.test(k, n, correct = FALSE)$conf.int``. Clopper & Pearson (1934): the limits are
    beta quantiles, ``B(a/2; k, n − k + 1)`` and ``B(1 − a/2; k + 1, n − k)`` with
    ``a = 1 − conf`` (0 when ``k = 0``, 1 when ``k = n``) — R's ``binom.test``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. Journal of the American Statistical Association 22(158):209–212.

    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika 26(4):404–413.

    Examples
    --------
    >>> from evaltool.indicators.stats import proportion_ci
    >>> # In R: prop.test(3, 10, correct = FALSE)$conf.int
    >>> ci = proportion_ci(3, 10)
    >>> print(ci.estimate, round(ci.ci_low, 4), round(ci.ci_high, 4))
    0.3 0.1078 0.6032
    >>> # In R: binom.test(3, 10)$conf.int
    >>> ci = proportion_ci(3, 10, method="exact")
    >>> print(round(ci.ci_low, 4), round(ci.ci_high, 4))
    0.0667 0.6525
    """
    kk = np.asarray(k, dtype=float)
    nn = np.asarray(n, dtype=float)
    ok = nn > 0
    nn_safe = np.where(ok, nn, 1.0)
    est = kk / nn_safe
    a = 1 - conf
    if method == "wilson":
        z = norm_ppf(1 - a / 2)
        z22n = z**2 / (2 * nn_safe)
        root = z * np.sqrt(np.clip(est * (1 - est), 0, None) / nn_safe + z22n / (2 * nn_safe))
        hi = np.where(est >= 1, 1.0, (est + z22n + root) / (1 + 2 * z22n))
        lo = np.where(est <= 0, 0.0, (est + z22n - root) / (1 + 2 * z22n))
    elif method == "exact":
        from scipy import stats as _st  # the beta quantile: only for exact intervals

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

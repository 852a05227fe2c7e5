"""Means with t-based confidence intervals, for one sample or many groups at once, and the
count, mean and SD of many groups in one NumPy pass. The intervals are checked against R's
``t.test(x)$conf.int`` (tests/r/outcomes.R, tests/r/cooperation.R), the SDs against R's
``sd`` per group.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import finite_values
from evaltool.indicators.stats.distributions import t_ppf


class MeanCI(NamedTuple):
    """Mean with a t-based confidence interval."""

    n: int
    mean: float
    sd: float
    se: float
    ci_low: float
    ci_high: float


def mean_ci(x: ArrayLike, conf: float = 0.95) -> MeanCI:
    """Mean of ``x`` (NaN dropped) with the t-based confidence interval.

    Parameters
    ----------
    x : array_like
        Observations; NaN and infinite values are dropped.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    MeanCI
        ``n`` (finite values), ``mean``, ``sd`` (sample SD, ``n − 1``), ``se = sd / √n`` and the
        interval ``ci_low``, ``ci_high``. Fewer than two values give ``NaN`` SD, SE and limits
        (no values: also a ``NaN`` mean).

    Notes
    -----
    The interval is

        mean ± t(1 − (1 − conf)/2, n − 1) · s / √n

    with ``s`` the sample SD (``n − 1``), the same as R's ``t.test(x)$conf.int``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1):1–25.

    Examples
    --------
    >>> from evaltool.indicators.stats import mean_ci
    >>> # In R: t.test(c(12.5, 18.75, 25, 31.25, 6.25, 43.75))$conf.int
    >>> res = mean_ci([12.5, 18.75, 25, 31.25, 6.25, 43.75])
    >>> print(res.n, round(res.mean, 4), round(res.ci_low, 4), round(res.ci_high, 4))
    6 22.9167 8.7477 37.0857
    """
    a = finite_values(x)
    n = a.size
    mean = float(a.mean()) if n else np.nan
    sd = float(a.std(ddof=1)) if n > 1 else np.nan
    se = sd / np.sqrt(n) if n > 1 else np.nan
    half = t_ppf(0.5 + conf / 2, n - 1) * se if n > 1 else np.nan
    return MeanCI(n, mean, sd, se, mean - half, mean + half)


def grouped_mean_ci(groups, conf: float = 0.95) -> pd.DataFrame:
    """:func:`mean_ci` for every group of a pandas ``SeriesGroupBy`` at once.

    Parameters
    ----------
    groups : pandas.core.groupby.SeriesGroupBy
        The values grouped by their keys, e.g. ``frame.groupby(["round", "index"])["score"]``.
        Missing values do not count.
    conf : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group: the group keys, then ``n`` (non-missing values), ``mean``, ``sd``
        (``n − 1``), ``ci_low`` and ``ci_high``; the limits are NaN for groups of fewer than
        two values.

    Notes
    -----
    Per group, ``mean ± t(1 − (1 − conf)/2, n − 1) · sd / √n``: the same as R's
    ``t.test(x)$conf.int`` per group.

    Tested against R (tests/r/outcomes.R, tests/r/cooperation.R).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.stats import grouped_mean_ci
    >>> # In R: t.test(c(1, 2, 4))$conf.int; t.test(c(3, 5))$conf.int
    >>> df = pd.DataFrame({"g": ["a", "a", "a", "b", "b"], "x": [1.0, 2.0, 4.0, 3.0, 5.0]})
    >>> grouped_mean_ci(df.groupby("g")["x"]).round(4)
       g  n    mean      sd  ci_low  ci_high
    0  a  3  2.3333  1.5275 -1.4612   6.1279
    1  b  2  4.0000  1.4142 -8.7062  16.7062
    """
    d = groups.agg(n="count", mean="mean", sd="std").reset_index()
    n = d["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcrit = t_ppf(0.5 + conf / 2, np.where(n > 1, n - 1, np.nan))
        half = tcrit * d["sd"].to_numpy(dtype=float) / np.sqrt(n)
    d["ci_low"] = d["mean"] - half
    d["ci_high"] = d["mean"] + half
    return d


def grouped_mean_sd(
    x: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and SD (``n − 1``) of ``x`` per integer group code ``0 … n_groups − 1``.

    Parameters
    ----------
    x : numpy.ndarray
        Finite float values, one per observation.
    groups : numpy.ndarray
        Integer group code of each value, ``0 … n_groups − 1``.
    n_groups : int
        Number of groups; groups without values are included.

    Returns
    -------
    n : numpy.ndarray
        Number of values per group (integers).
    mean : numpy.ndarray
        Mean per group; ``NaN`` for groups without values.
    sd : numpy.ndarray
        Sample SD (``n − 1``) per group; ``NaN`` for groups of fewer than two values.

    Notes
    -----
    Two passes (the mean first, then squared deviations from it) for accuracy; all groups in
    one NumPy pass:

        mean_g = Σ x / n_g,    sd_g = √(Σ (x − mean_g)² / (n_g − 1))

    as R's ``tapply(x, g, mean)`` and ``tapply(x, g, sd)``.

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.stats import grouped_mean_sd
    >>> # In R: tapply(x, g, sd)
    >>> n, mean, sd = grouped_mean_sd(np.array([1.0, 2.0, 4.0, 3.0, 5.0]),
    ...                               np.array([0, 0, 0, 1, 1]), 3)
    >>> print(n, np.round(mean, 4), np.round(sd, 4))
    [3 2 0] [2.3333 4.        nan] [1.5275 1.4142    nan]
    """
    n = np.bincount(groups, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(groups, x, minlength=n_groups) / n
        dev = x - mean[groups]
        var = np.bincount(groups, dev * dev, minlength=n_groups) / (n - 1)
    mean = np.where(n > 0, mean, np.nan)
    sd = np.where(n > 1, np.sqrt(var), np.nan)
    return n, mean, sd

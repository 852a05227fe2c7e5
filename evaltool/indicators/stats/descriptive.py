"""Means with t-based confidence intervals, for one sample or many groups at once."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats as _st

from evaltool.indicators.stats.arrays import finite_values


class MeanCI(NamedTuple):
    """Mean with a t-based confidence interval."""

    n: int
    mean: float
    sd: float
    se: float
    ci_low: float
    ci_high: float


def mean_ci(x: ArrayLike, conf: float = 0.95) -> MeanCI:
    """Mean of ``x`` (NaN dropped) with the t-based interval.

    ``mean ± t(1 − (1 − conf)/2, n − 1) · s / √n`` with ``s`` the sample SD (``n − 1``).
    Same as R's ``t.test(x)$conf.int``. Fewer than two values give ``NaN`` limits.

    Tested against R (tests/r/outcomes.R).
    """
    a = finite_values(x)
    n = a.size
    mean = float(a.mean()) if n else np.nan
    sd = float(a.std(ddof=1)) if n > 1 else np.nan
    se = sd / np.sqrt(n) if n > 1 else np.nan
    half = _st.t.ppf(0.5 + conf / 2, n - 1) * se if n > 1 else np.nan
    return MeanCI(n, mean, sd, se, mean - half, mean + half)


def grouped_mean_ci(groups, conf: float = 0.95) -> pd.DataFrame:
    """:func:`mean_ci` for every group of a pandas ``SeriesGroupBy`` at once.

    Returns the group keys and ``n``, ``mean``, ``sd`` (``n − 1``), ``ci_low``, ``ci_high``
    (``mean ± t(1 − (1 − conf)/2, n − 1) · sd / √n``; NaN for groups of fewer than two).
    Same as R's ``t.test(x)$conf.int`` per group.

    Tested against R (tests/r/outcomes.R, tests/r/cooperation.R).
    """
    d = groups.agg(n="count", mean="mean", sd="std").reset_index()
    n = d["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcrit = _st.t.ppf(0.5 + conf / 2, np.where(n > 1, n - 1, np.nan))
        half = tcrit * d["sd"].to_numpy(dtype=float) / np.sqrt(n)
    d["ci_low"] = d["mean"] - half
    d["ci_high"] = d["mean"] + half
    return d


def grouped_mean_sd(
    x: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and SD (``n − 1``) of ``x`` per integer group code ``0 … n_groups − 1``.

    Two passes (the mean first, then squared deviations from it) for accuracy; all groups in
    one NumPy pass. Groups without values have mean ``NaN``, groups of fewer than two SD
    ``NaN`` (R ``tapply(x, g, sd)``).
    """
    n = np.bincount(groups, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(groups, x, minlength=n_groups) / n
        dev = x - mean[groups]
        var = np.bincount(groups, dev * dev, minlength=n_groups) / (n - 1)
    mean = np.where(n > 0, mean, np.nan)
    sd = np.where(n > 1, np.sqrt(var), np.nan)
    return n, mean, sd

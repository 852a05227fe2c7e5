"""Standardised effect sizes of paired change: Cohen's d_z and d_av (Lakens 2013), from raw
pairs or, vectorised, from summary statistics. Both are checked against the same ratios
computed in R, ``mean(y - x) / sd(y - x)`` and ``mean(y - x) / ((sd(x) + sd(y)) / 2)``
(tests/r/outcomes.R).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array


def cohens_dz_from_summary(mean_diff: ArrayLike, sd_diff: ArrayLike) -> float | FloatArray:
    """Cohen's d_z for paired data from the mean and SD of the differences; vectorised.

    Parameters
    ----------
    mean_diff : array_like
        Mean of the paired differences ``d``.
    sd_diff : array_like
        Sample SD (``n − 1``) of the differences; broadcast against ``mean_diff``.

    Returns
    -------
    float or numpy.ndarray
        ``d_z`` (a float for scalar input); ``NaN`` where ``sd_diff == 0`` (or is missing).

    Notes
    -----
        d_z = mean(d) / sd(d)    (= t / √n of the paired t-test)

    Lakens (2013), eq. 6. A zero SD gives ``NaN``, never an infinite effect.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
    Hillsdale, NJ: Erlbaum.

    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science:
    a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.

    Examples
    --------
    >>> from evaltool.indicators.stats import cohens_dz_from_summary
    >>> # In R: mean(d) / sd(d)
    >>> cohens_dz_from_summary([2.0, 1.0], [4.0, 0.0])
    array([0.5, nan])
    """
    m = np.asarray(mean_diff, dtype=float)
    s = np.asarray(sd_diff, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return scalar_or_array(np.where(s > 0, m / s, np.nan))


def cohens_d_av_from_summary(
    mean_diff: ArrayLike, sd_before: ArrayLike, sd_after: ArrayLike
) -> float | FloatArray:
    """Cohen's d_av for paired data from the mean difference and the SDs at both times; vectorised.

    Parameters
    ----------
    mean_diff : array_like
        Mean of the paired differences ``after − before``.
    sd_before, sd_after : array_like
        Sample SDs (``n − 1``) of the paired values at each time; broadcast together.

    Returns
    -------
    float or numpy.ndarray
        ``d_av`` (a float for scalar input); ``NaN`` where the denominator is 0 (or missing).

    Notes
    -----
        d_av = mean(d) / ((sd_before + sd_after) / 2)

    Lakens (2013), eq. 10, after Cumming (2012). A zero denominator gives ``NaN``, never an
    infinite effect.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cumming, G. (2012). Understanding the New Statistics: Effect Sizes, Confidence Intervals,
    and Meta-Analysis. New York: Routledge.

    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science:
    a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.

    Examples
    --------
    >>> from evaltool.indicators.stats import cohens_d_av_from_summary
    >>> # In R: mean(y - x) / ((sd(x) + sd(y)) / 2)
    >>> cohens_d_av_from_summary(2.0, 9.0, 11.0)
    0.2
    """
    m = np.asarray(mean_diff, dtype=float)
    s = (np.asarray(sd_before, dtype=float) + np.asarray(sd_after, dtype=float)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return scalar_or_array(np.where(s > 0, m / s, np.nan))


def _pairs(before: ArrayLike, after: ArrayLike) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(before, dtype=float).ravel()
    b = np.asarray(after, dtype=float).ravel()
    ok = np.isfinite(a) & np.isfinite(b)
    return a[ok], b[ok]


def cohens_dz(before: ArrayLike, after: ArrayLike) -> float:
    """Cohen's d_z of ``after − before`` on complete pairs.

    Parameters
    ----------
    before, after : array_like
        Paired values of equal length; pairs with a missing value are dropped.

    Returns
    -------
    float
        ``d_z``; ``NaN`` with fewer than two complete pairs or when all differences are equal.

    Notes
    -----
    ``d_z = mean(d) / sd(d)`` with ``d = after − before``; see :func:`cohens_dz_from_summary`.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
    Hillsdale, NJ: Erlbaum.

    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science:
    a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.

    Examples
    --------
    >>> from evaltool.indicators.stats import cohens_dz
    >>> # In R: mean(after - before) / sd(after - before)
    >>> before = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> after = [18.75, 25, 25, 43.75, 12.5, 37.5]
    >>> round(cohens_dz(before, after), 4)
    0.6455
    """
    a, b = _pairs(before, after)
    d = b - a
    if d.size < 2:
        return np.nan
    return float(cohens_dz_from_summary(d.mean(), d.std(ddof=1)))


def cohens_d_av(before: ArrayLike, after: ArrayLike) -> float:
    """Cohen's d_av of ``after − before`` on complete pairs.

    Parameters
    ----------
    before, after : array_like
        Paired values of equal length; pairs with a missing value are dropped.

    Returns
    -------
    float
        ``d_av``; ``NaN`` with fewer than two complete pairs or when neither time varies.

    Notes
    -----
    ``d_av = mean(d) / ((sd(before) + sd(after)) / 2)``, the SDs being those of the paired
    values; see :func:`cohens_d_av_from_summary`.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science:
    a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.

    Examples
    --------
    >>> from evaltool.indicators.stats import cohens_d_av
    >>> # In R: mean(after - before) / ((sd(before) + sd(after)) / 2)
    >>> before = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> after = [18.75, 25, 25, 43.75, 12.5, 37.5]
    >>> round(cohens_d_av(before, after), 4)
    0.3315
    """
    a, b = _pairs(before, after)
    if a.size < 2:
        return np.nan
    return float(cohens_d_av_from_summary((b - a).mean(), a.std(ddof=1), b.std(ddof=1)))

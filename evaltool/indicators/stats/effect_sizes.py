"""Standardised effect sizes of paired change: Cohen's d_z and d_av (Lakens 2013)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray, scalar_or_array


def cohens_dz_from_summary(mean_diff: ArrayLike, sd_diff: ArrayLike) -> float | FloatArray:
    """Cohen's d_z for paired data: ``d_z = mean(d) / sd(d)`` (= ``t / √n``); vectorised.

    Reference: Lakens (2013), Front Psychol 4:863, eq. 6. ``sd_diff == 0`` gives ``NaN``.
    Tested against R (tests/r/outcomes.R).
    """
    m = np.asarray(mean_diff, dtype=float)
    s = np.asarray(sd_diff, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return scalar_or_array(np.where(s > 0, m / s, np.nan))


def cohens_d_av_from_summary(
    mean_diff: ArrayLike, sd_before: ArrayLike, sd_after: ArrayLike
) -> float | FloatArray:
    """Cohen's d_av for paired data: ``d_av = mean(d) / ((sd_before + sd_after) / 2)``.

    Reference: Lakens (2013), Front Psychol 4:863, eq. 10 (Cumming 2012). Vectorised;
    a zero denominator gives ``NaN``. Tested against R (tests/r/outcomes.R).
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
    """Cohen's d_z of ``after − before`` on complete pairs (see :func:`cohens_dz_from_summary`).

    Tested against R (tests/r/outcomes.R).
    """
    a, b = _pairs(before, after)
    d = b - a
    if d.size < 2:
        return np.nan
    return float(cohens_dz_from_summary(d.mean(), d.std(ddof=1)))


def cohens_d_av(before: ArrayLike, after: ArrayLike) -> float:
    """Cohen's d_av of ``after − before`` on complete pairs (see
    :func:`cohens_d_av_from_summary`); the SDs are those of the paired values.

    Tested against R (tests/r/outcomes.R).
    """
    a, b = _pairs(before, after)
    if a.size < 2:
        return np.nan
    return float(cohens_d_av_from_summary((b - a).mean(), a.std(ddof=1), b.std(ddof=1)))

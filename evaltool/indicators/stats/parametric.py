"""t-tests: one-sample and paired (from data or summary statistics), Welch and Student
two-sample tests, with their t-based confidence intervals; the summary-statistic forms are
vectorised. Checked against R's ``t.test`` (``paired = TRUE``, ``var.equal = TRUE``),
including its refusal of "essentially constant" data (tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray, finite_values, scalar_or_array
from evaltool.indicators.stats.distributions import t_ppf, t_sf


class TTestResult(NamedTuple):
    """Result of a t-test: ``estimate`` is the mean (difference) tested against ``mu``."""

    estimate: float | FloatArray
    se: float | FloatArray
    t: float | FloatArray
    df: float | FloatArray
    p: float | FloatArray
    ci_low: float | FloatArray
    ci_high: float | FloatArray


_EPS10 = 10 * np.finfo(float).eps


def _t_result(
    estimate: FloatArray,
    se: FloatArray,
    df: FloatArray,
    mu: float,
    conf: float,
    scale: FloatArray | None = None,
) -> TTestResult:
    """t-test figures; ``NaN`` where R's ``t.test`` stops with "data are essentially
    constant": ``se < 10 · ε · scale`` (``scale`` = |mean|, or the larger |mean| of two
    samples), which also catches SDs that are rounding noise of equal values."""
    estimate = np.asarray(estimate, dtype=float)
    se = np.asarray(se, dtype=float)
    df = np.asarray(df, dtype=float)
    scale = np.abs(estimate) if scale is None else np.asarray(scale, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = (se > 0) & (df > 0) & np.isfinite(se) & np.isfinite(df) & ~(se < _EPS10 * scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(ok, (estimate - mu) / np.where(ok, se, 1.0), np.nan)
        p = np.where(ok, 2.0 * t_sf(np.abs(t), np.where(ok, df, 1.0)), np.nan)
        q = np.where(ok, t_ppf(0.5 + conf / 2, np.where(ok, df, 1.0)), np.nan)
    half = q * se
    return TTestResult(
        scalar_or_array(estimate),
        scalar_or_array(np.where(ok, se, np.nan)),
        scalar_or_array(t),
        scalar_or_array(np.where(ok, df, np.nan)),
        scalar_or_array(p),
        scalar_or_array(estimate - half),
        scalar_or_array(estimate + half),
    )


def t_test_from_summary(
    mean: ArrayLike, sd: ArrayLike, n: ArrayLike, *, mu: float = 0.0, conf: float = 0.95
) -> TTestResult:
    """One-sample (or paired, on differences) t-test from summary statistics; vectorised.

    Parameters
    ----------
    mean : array_like
        Sample mean (of the paired differences, for a paired test).
    sd : array_like
        Sample SD (``n − 1``).
    n : array_like
        Number of observations; ``mean``, ``sd`` and ``n`` are broadcast together.
    mu : float, default 0.0
        Mean under the null hypothesis.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TTestResult
        ``estimate`` (the mean), ``se = sd/√n``, ``t``, ``df``, two-sided ``p``, ``ci_low``,
        ``ci_high``; floats for scalar input, else arrays. Where the test is not defined,
        every figure but ``estimate`` is ``NaN``.

    Notes
    -----
        t = (mean − mu) / (sd / √n),    df = n − 1,    p = 2 · P(T_df > |t|)
        interval: mean ± t(1 − (1 − conf)/2, df) · sd / √n

    (Student 1908; R ``t.test``). ``n < 2``, ``sd == 0`` or ``sd/√n < 10 · ε · |mean|`` (R:
    "data are essentially constant"; an SD that is only the rounding noise of equal values)
    give ``NaN``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1):1–25.

    Examples
    --------
    >>> from evaltool.indicators.stats import t_test_from_summary
    >>> # In R: t.test(x) for a sample with mean 3.5, sd 2 and n 10
    >>> res = t_test_from_summary(3.5, 2.0, 10)
    >>> print(round(res.t, 4), res.df, round(res.p, 6))
    5.534 9.0 0.000364
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(n > 1, sd / np.sqrt(n), np.nan)
    return _t_result(mean, se, n - 1, mu, conf)


def paired_t_test(before: ArrayLike, after: ArrayLike, conf: float = 0.95) -> TTestResult:
    """Paired t-test of ``after − before`` (pairs with a missing value are dropped).

    Parameters
    ----------
    before, after : array_like
        Paired values of equal length (e.g. the scores of the same clients at two waves).
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TTestResult
        ``estimate = mean(d)``, ``se``, ``t``, ``df``, two-sided ``p``, ``ci_low``,
        ``ci_high`` (floats); all but ``estimate`` ``NaN`` when fewer than two pairs or when
        the differences are (essentially) constant.

    Notes
    -----
        d = after − before,    t = mean(d) / (sd(d)/√n),    df = n − 1
        interval: mean(d) ± t(0.975, n − 1) · sd(d)/√n

    The same as R's ``t.test(after, before, paired = TRUE)``; constant differences give
    ``NaN`` as described in :func:`t_test_from_summary`.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1):1–25.

    Examples
    --------
    >>> from evaltool.indicators.stats import paired_t_test
    >>> before = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> after = [18.75, 25, 25, 43.75, 12.5, 37.5]
    >>> # In R: t.test(after, before, paired = TRUE)
    >>> res = paired_t_test(before, after)
    >>> print(round(res.estimate, 4), round(res.t, 4), res.df, round(res.p, 4))
    4.1667 1.5811 5.0 0.1747
    >>> print(round(res.ci_low, 4), round(res.ci_high, 4))
    -2.6074 10.9407
    """
    a = np.asarray(before, dtype=float).ravel()
    b = np.asarray(after, dtype=float).ravel()
    d = b - a
    d = d[np.isfinite(d)]
    n = d.size
    mean = d.mean() if n else np.nan
    sd = d.std(ddof=1) if n > 1 else np.nan
    return t_test_from_summary(mean, sd, n, conf=conf)


def two_sample_t_from_summary(
    mean_x: ArrayLike,
    sd_x: ArrayLike,
    n_x: ArrayLike,
    mean_y: ArrayLike,
    sd_y: ArrayLike,
    n_y: ArrayLike,
    *,
    equal_var: bool = False,
    conf: float = 0.95,
) -> TTestResult:
    """Two-sample t-test of ``mean_x − mean_y`` from summary statistics; vectorised.

    Parameters
    ----------
    mean_x, sd_x, n_x : array_like
        Mean, sample SD (``n − 1``) and size of the first sample.
    mean_y, sd_y, n_y : array_like
        The same for the second sample; all six are broadcast together.
    equal_var : bool, default False
        False: Welch's test (R's default); True: Student's test with pooled variance.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TTestResult
        ``estimate = mean_x − mean_y``, ``se``, ``t``, ``df``, two-sided ``p``, ``ci_low``,
        ``ci_high``; floats for scalar input, else arrays. ``NaN`` (but ``estimate``) where a
        sample has fewer than two values or the data are essentially constant.

    Notes
    -----
    Welch (``equal_var=False``):

        se = √(s_x²/n_x + s_y²/n_y)
        df = se⁴ / ((s_x²/n_x)²/(n_x − 1) + (s_y²/n_y)²/(n_y − 1))

    (Welch 1947, Satterthwaite 1946). Student (``equal_var=True``):

        s_p² = ((n_x − 1)s_x² + (n_y − 1)s_y²) / (n_x + n_y − 2)
        se = s_p √(1/n_x + 1/n_y),    df = n_x + n_y − 2

    Then ``t = estimate / se``, ``p = 2 · P(T_df > |t|)`` and the interval
    ``estimate ± t(1 − (1 − conf)/2, df) · se``. The same as R's
    ``t.test(x, y, var.equal = ...)``, including its ``NaN`` for "essentially constant" data
    (``se < 10 · ε · max(|mean_x|, |mean_y|)``).

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34(1–2):28–35.

    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. Biometrics Bulletin 2(6):110–114.

    Examples
    --------
    >>> from evaltool.indicators.stats import two_sample_t_from_summary
    >>> # In R: t.test(x, y) for samples with these means, SDs and sizes
    >>> res = two_sample_t_from_summary(50, 10, 20, 45, 12, 25)
    >>> print(round(res.t, 4), round(res.df, 4), round(res.p, 4))
    1.5243 42.9094 0.1348
    """
    mx, sx, nx = (np.asarray(v, dtype=float) for v in (mean_x, sd_x, n_x))
    my, sy, ny = (np.asarray(v, dtype=float) for v in (mean_y, sd_y, n_y))
    valid = (nx > 1) & (ny > 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if equal_var:
            df = nx + ny - 2
            sp2 = ((nx - 1) * sx**2 + (ny - 1) * sy**2) / df
            se = np.sqrt(sp2 * (1 / nx + 1 / ny))
        else:
            vx = sx**2 / nx
            vy = sy**2 / ny
            se = np.sqrt(vx + vy)
            df = (vx + vy) ** 2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1))
    se = np.where(valid, se, np.nan)
    scale = np.maximum(np.abs(mx), np.abs(my))
    return _t_result(mx - my, se, np.where(valid, df, np.nan), 0.0, conf, scale)


def _two_sample(x: ArrayLike, y: ArrayLike, equal_var: bool, conf: float) -> TTestResult:
    a, b = finite_values(x), finite_values(y)
    return two_sample_t_from_summary(
        a.mean() if a.size else np.nan,
        a.std(ddof=1) if a.size > 1 else np.nan,
        a.size,
        b.mean() if b.size else np.nan,
        b.std(ddof=1) if b.size > 1 else np.nan,
        b.size,
        equal_var=equal_var,
        conf=conf,
    )


def welch_t_test(x: ArrayLike, y: ArrayLike, conf: float = 0.95) -> TTestResult:
    """Welch two-sample t-test of ``mean(x) − mean(y)`` (NaN dropped).

    Parameters
    ----------
    x, y : array_like
        The two independent samples; missing values are dropped.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TTestResult
        ``estimate = mean(x) − mean(y)``, ``se``, ``t``, Welch–Satterthwaite ``df``,
        two-sided ``p``, ``ci_low``, ``ci_high`` (floats).

    Notes
    -----
    Formula in :func:`two_sample_t_from_summary` (``equal_var=False``); R ``t.test(x, y)``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34(1–2):28–35.

    Examples
    --------
    >>> from evaltool.indicators.stats import welch_t_test
    >>> z = [40, 55.5, 61.25, 38, 47.75, 52, 70.25]
    >>> x = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> # In R: t.test(z, x)
    >>> res = welch_t_test(z, x)
    >>> print(round(res.t, 4), round(res.df, 4), round(res.p, 5))
    4.1631 9.9303 0.00197
    """
    return _two_sample(x, y, False, conf)


def student_t_test(x: ArrayLike, y: ArrayLike, conf: float = 0.95) -> TTestResult:
    """Student two-sample t-test with pooled variance of ``mean(x) − mean(y)`` (NaN dropped).

    Parameters
    ----------
    x, y : array_like
        The two independent samples; missing values are dropped.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TTestResult
        ``estimate = mean(x) − mean(y)``, ``se``, ``t``, ``df = n_x + n_y − 2``, two-sided
        ``p``, ``ci_low``, ``ci_high`` (floats).

    Notes
    -----
    Formula in :func:`two_sample_t_from_summary` (``equal_var=True``); R
    ``t.test(x, y, var.equal = TRUE)``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1):1–25.

    Examples
    --------
    >>> from evaltool.indicators.stats import student_t_test
    >>> z = [40, 55.5, 61.25, 38, 47.75, 52, 70.25]
    >>> x = [12.5, 18.75, 25, 31.25, 6.25, 43.75]
    >>> # In R: t.test(z, x, var.equal = TRUE)
    >>> res = student_t_test(z, x)
    >>> print(round(res.t, 4), res.df, round(res.p, 5))
    4.2201 11.0 0.00144
    """
    return _two_sample(x, y, True, conf)

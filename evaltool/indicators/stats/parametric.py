"""t-tests: one-sample and paired (from data or summary statistics), Welch and Student
two-sample tests, with their t-based confidence intervals."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as _st

from evaltool.indicators.stats.arrays import FloatArray, finite_values, scalar_or_array


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
        p = np.where(ok, 2.0 * _st.t.sf(np.abs(t), np.where(ok, df, 1.0)), np.nan)
        q = np.where(ok, _st.t.ppf(0.5 + conf / 2, np.where(ok, df, 1.0)), np.nan)
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

    ``t = (mean − mu) / (sd / √n)``, ``df = n − 1``, two-sided ``p = 2 · P(T_df > |t|)``,
    interval ``mean ± t(1 − (1 − conf)/2, df) · sd / √n`` (Student 1908; R ``t.test``).
    ``n < 2``, ``sd == 0`` or ``sd/√n < 10 · ε · |mean|`` (R: "data are essentially
    constant"; an SD that is only the rounding noise of equal values) give ``NaN``.

    Tested against R (tests/r/outcomes.R).
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(n > 1, sd / np.sqrt(n), np.nan)
    return _t_result(mean, se, n - 1, mu, conf)


def paired_t_test(before: ArrayLike, after: ArrayLike, conf: float = 0.95) -> TTestResult:
    """Paired t-test of ``after − before`` (pairs with a missing value are dropped).

    ``d = after − before``; ``t = mean(d) / (sd(d)/√n)``, ``df = n − 1``; interval
    ``mean(d) ± t(0.975, n − 1) · sd(d)/√n``. Same as R's
    ``t.test(after, before, paired = TRUE)``.

    Tested against R (tests/r/outcomes.R).
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

    Welch (``equal_var=False``, R's default): ``se = √(s_x²/n_x + s_y²/n_y)``,
    ``df = se⁴ / ((s_x²/n_x)²/(n_x − 1) + (s_y²/n_y)²/(n_y − 1))`` (Welch 1947,
    Satterthwaite 1946). Student (``equal_var=True``): pooled
    ``s_p² = ((n_x − 1)s_x² + (n_y − 1)s_y²)/(n_x + n_y − 2)``, ``se = s_p √(1/n_x + 1/n_y)``,
    ``df = n_x + n_y − 2``. Same as R's ``t.test(x, y, var.equal = ...)``, including its
    ``NaN`` for "essentially constant" data (``se < 10 · ε · max(|mean_x|, |mean_y|)``).

    Tested against R (tests/r/outcomes.R).
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

    Formula in :func:`two_sample_t_from_summary`; R ``t.test(x, y)``.
    Tested against R (tests/r/outcomes.R).
    """
    return _two_sample(x, y, False, conf)


def student_t_test(x: ArrayLike, y: ArrayLike, conf: float = 0.95) -> TTestResult:
    """Student two-sample t-test with pooled variance of ``mean(x) − mean(y)`` (NaN dropped).

    Formula in :func:`two_sample_t_from_summary`; R ``t.test(x, y, var.equal = TRUE)``.
    Tested against R (tests/r/outcomes.R).
    """
    return _two_sample(x, y, True, conf)

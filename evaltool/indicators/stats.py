"""Shared statistics helpers for the outcome and cooperation indicators.

Every helper states its formula and reference and returns plain numbers or NumPy arrays in a
``NamedTuple``; the indicator modules turn them into tidy tables. Most helpers come in two
forms: one that takes raw observations (``paired_t_test(before, after)``) and a vectorised one
that takes summary statistics or group codes (``t_test_from_summary(mean, sd, n)``,
``grouped_wilcoxon_signed_rank(diff, groups, n_groups)``) so that hundreds of projects are
handled in one NumPy pass. Both forms share one implementation of each formula.

Conventions follow R: two-sided tests, 95 % intervals, sample SDs with ``n - 1``; a statistic
that R would refuse to compute (too few observations, constant data) is ``NaN`` here.
Tested against R (tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _st

FloatArray = NDArray[np.float64]

__all__ = [
    "AlphaResult",
    "AncovaResult",
    "McNemarResult",
    "MeanCI",
    "ProportionCI",
    "RandomInterceptFit",
    "TTestResult",
    "WilcoxonResult",
    "ancova_effects",
    "cohens_d_av",
    "cohens_d_av_from_summary",
    "cohens_dz",
    "cohens_dz_from_summary",
    "cronbach_alpha",
    "cronbach_alpha_from_variances",
    "feldt_ci",
    "grouped_wilcoxon_signed_rank",
    "holm",
    "mcnemar_test",
    "mean_ci",
    "paired_t_test",
    "proportion_ci",
    "random_intercept_reml",
    "student_t_test",
    "t_test_from_summary",
    "two_sample_t_from_summary",
    "welch_t_test",
    "wilcoxon_signed_rank",
]


def _clean(x: ArrayLike) -> FloatArray:
    a = np.asarray(x, dtype=float).ravel()
    return a[np.isfinite(a)]


def _scalar(v: FloatArray | float) -> float | FloatArray:
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a


# --------------------------------------------------------------------------------------------
# Means and t-tests
# --------------------------------------------------------------------------------------------


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
    a = _clean(x)
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
        _scalar(estimate),
        _scalar(np.where(ok, se, np.nan)),
        _scalar(t),
        _scalar(np.where(ok, df, np.nan)),
        _scalar(p),
        _scalar(estimate - half),
        _scalar(estimate + half),
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
    a, b = _clean(x), _clean(y)
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


# --------------------------------------------------------------------------------------------
# Wilcoxon signed-rank
# --------------------------------------------------------------------------------------------


class WilcoxonResult(NamedTuple):
    """Wilcoxon signed-rank test: ``n`` non-zero differences, ``v`` sum of positive ranks."""

    n: int | NDArray[np.int64]
    v: float | FloatArray
    z: float | FloatArray
    p: float | FloatArray


def grouped_wilcoxon_signed_rank(
    diff: ArrayLike, groups: ArrayLike, n_groups: int, *, decimals: int = 9
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``diff`` within each group, all groups in one pass.

    Differences are first rounded to ``decimals`` places (as integers of ``10^-decimals``)
    so that equal changes computed from 0–100 scores tie exactly despite floating-point noise;
    zero differences are then dropped. With ``n`` the remaining count, ``r`` the average ranks
    of ``|d|`` and ``t_j`` the sizes of tied groups:

    ``V = Σ r[d > 0]``, ``z = (V − n(n+1)/4 − sign · 0.5) / σ``,
    ``σ² = n(n+1)(2n+1)/24 − Σ(t_j³ − t_j)/48``, ``p = 2 · P(Z > |z|)``,

    where ``sign · 0.5`` is the continuity correction towards zero. This is R's
    ``wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)`` (Wilcoxon 1945;
    Hollander & Wolfe 1973). When every difference of a group is zero, ``n = 0``, ``V = 0``
    and ``z``, ``p`` are ``NaN`` (R: ``V = 0, p-value = NA``); a group without any
    difference has ``V = NaN``. ``groups`` are integer codes ``0 … n_groups − 1``; negative
    codes are ignored. Returns arrays of length ``n_groups``.

    Tested against R (tests/r/outcomes.R).
    """
    d = np.asarray(diff, dtype=float).ravel()
    g = np.asarray(groups, dtype=np.int64).ravel()
    k = np.rint(d * 10.0**decimals)
    finite = np.isfinite(k) & (g >= 0)
    n_finite = np.bincount(g[finite], minlength=n_groups)
    keep = finite & (k != 0)
    k, g = k[keep], g[keep]
    absk = np.abs(k)
    order = np.lexsort((absk, g))
    gs, ks, pos_sign = g[order], absk[order], k[order] > 0
    n = np.bincount(gs, minlength=n_groups).astype(np.int64)
    m = gs.size
    if m:
        start = np.r_[0, np.cumsum(n)[:-1]]
        pos = np.arange(m) - start[gs] + 1.0  # 1-based position within the group
        new_run = np.r_[True, (gs[1:] != gs[:-1]) | (ks[1:] != ks[:-1])]
        run = np.cumsum(new_run) - 1
        run_first = pos[new_run]
        run_size = np.bincount(run)
        rank = run_first[run] + (run_size[run] - 1) / 2.0
        v = np.bincount(gs[pos_sign], weights=rank[pos_sign], minlength=n_groups)
        run_group = gs[new_run]
        ties = np.bincount(run_group, weights=run_size**3.0 - run_size, minlength=n_groups)
    else:
        v = np.zeros(n_groups)
        ties = np.zeros(n_groups)
    nf = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(nf * (nf + 1) * (2 * nf + 1) / 24 - ties / 48)
        z0 = v - nf * (nf + 1) / 4
        z = (z0 - np.sign(z0) * 0.5) / sigma
    ok = n > 0
    z = np.where(ok, z, np.nan)
    p = np.where(ok, 2.0 * _st.norm.sf(np.abs(z)), np.nan)
    v = np.where(n_finite > 0, v, np.nan)
    return WilcoxonResult(n, v, z, p)


def wilcoxon_signed_rank(
    before: ArrayLike, after: ArrayLike, *, decimals: int = 9
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``after − before`` (normal approximation).

    Formula in :func:`grouped_wilcoxon_signed_rank`; same as R's
    ``wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = TRUE)`` applied to
    differences rounded to ``decimals`` places. ``V`` is the sum of ranks of positive
    differences (improvements when ``after`` is the later wave).

    Tested against R (tests/r/outcomes.R).
    """
    d = np.asarray(after, dtype=float).ravel() - np.asarray(before, dtype=float).ravel()
    res = grouped_wilcoxon_signed_rank(d, np.zeros(d.size, dtype=np.int64), 1, decimals=decimals)
    return WilcoxonResult(int(res.n[0]), float(res.v[0]), float(res.z[0]), float(res.p[0]))


# --------------------------------------------------------------------------------------------
# Effect sizes and p-value adjustment
# --------------------------------------------------------------------------------------------


def cohens_dz_from_summary(mean_diff: ArrayLike, sd_diff: ArrayLike) -> float | FloatArray:
    """Cohen's d_z for paired data: ``d_z = mean(d) / sd(d)`` (= ``t / √n``); vectorised.

    Reference: Lakens (2013), Front Psychol 4:863, eq. 6. ``sd_diff == 0`` gives ``NaN``.
    Tested against R (tests/r/outcomes.R).
    """
    m = np.asarray(mean_diff, dtype=float)
    s = np.asarray(sd_diff, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _scalar(np.where(s > 0, m / s, np.nan))


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
        return _scalar(np.where(s > 0, m / s, np.nan))


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


def holm(p: ArrayLike, groups: ArrayLike | None = None) -> FloatArray:
    """Holm (1979) step-down adjusted p-values, separately within each group; vectorised.

    Within a family of ``m`` non-missing p-values sorted ascending ``p₍₁₎ ≤ … ≤ p₍ₘ₎``:
    ``p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1) · p₍ⱼ₎)``. ``NaN`` p-values stay ``NaN`` and do
    not count in ``m``, as in R's ``p.adjust(p, "holm")``. ``groups`` (any hashable labels,
    one per p-value) defines the families; ``None`` means one family.

    Tested against R (tests/r/outcomes.R).
    """
    pv = np.asarray(p, dtype=float).ravel()
    out = np.full(pv.size, np.nan)
    if groups is None:
        g = np.zeros(pv.size, dtype=np.int64)
    else:
        g = pd.factorize(
            pd.Series(np.asarray(groups, dtype=object).ravel()), use_na_sentinel=False
        )[0]
    ok = np.isfinite(pv)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return out
    gg, pp = g[idx], pv[idx]
    order = np.lexsort((np.arange(idx.size), pp, gg))  # stable, like R's order()
    gs, ps = gg[order], pp[order]
    m = np.bincount(gs)
    start = np.r_[0, np.cumsum(m)[:-1]]
    i = np.arange(gs.size) - start[gs]  # 0-based rank within family
    scaled = np.minimum((m[gs] - i) * ps, 1.0)
    adj = pd.Series(scaled).groupby(gs, sort=False).cummax().to_numpy()
    res = np.empty(idx.size)
    res[order] = adj
    out[idx] = res
    return out


# --------------------------------------------------------------------------------------------
# Reliability
# --------------------------------------------------------------------------------------------


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
    return _scalar(np.where(ok, a, np.nan))


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
    return _scalar(np.where(ok, low, np.nan)), _scalar(np.where(ok, high, np.nan))


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


# --------------------------------------------------------------------------------------------
# Proportions and McNemar
# --------------------------------------------------------------------------------------------


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
        _scalar(np.where(ok, est, nan)),
        _scalar(np.where(ok, lo, nan)),
        _scalar(np.where(ok, hi, nan)),
    )


class McNemarResult(NamedTuple):
    """McNemar's chi-squared test for paired proportions."""

    statistic: float | FloatArray
    df: int
    p: float | FloatArray


def mcnemar_test(b: ArrayLike, c: ArrayLike, correct: bool = True) -> McNemarResult:
    """McNemar (1947) test on the discordant counts of a paired 2 × 2 table; vectorised.

    ``b`` and ``c`` are the two discordant cells (e.g. good → not good, not good → good).
    ``χ² = (|b − c| − 1)² / (b + c)`` with continuity correction (applied, as in R, only when
    ``b ≠ c``), else ``(b − c)² / (b + c)``; ``df = 1``. Same as R's ``mcnemar.test``.
    ``b + c == 0`` gives ``NaN`` (R too).

    Tested against R (tests/r/outcomes.R).
    """
    bb = np.asarray(b, dtype=float)
    cc = np.asarray(c, dtype=float)
    s = bb + cc
    num = np.abs(bb - cc)
    if correct:
        num = np.where(bb != cc, num - 1, num)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(s > 0, num**2 / np.where(s > 0, s, 1.0), np.nan)
    p = np.where(np.isfinite(stat), _st.chi2.sf(np.where(np.isfinite(stat), stat, 0.0), 1), np.nan)
    return McNemarResult(_scalar(stat), 1, _scalar(p))


# --------------------------------------------------------------------------------------------
# ANCOVA with one covariate: adjusted group means and deviation effects
# --------------------------------------------------------------------------------------------


class AncovaResult(NamedTuple):
    """Per-group results of :func:`ancova_effects` (arrays of length ``n_groups``) and the
    programme-level reference (the unweighted mean of the adjusted group means)."""

    n: NDArray[np.int64]
    adjusted: FloatArray
    adjusted_se: FloatArray
    effect: FloatArray
    effect_se: FloatArray
    effect_t: FloatArray
    effect_p: FloatArray
    effect_ci_low: FloatArray
    effect_ci_high: FloatArray
    adjusted_ci_low: FloatArray
    adjusted_ci_high: FloatArray
    reference: float
    reference_se: float
    reference_ci_low: float
    reference_ci_high: float
    slope: float
    slope_se: float
    x0: float
    df: float
    sigma: float


def ancova_effects(
    y: ArrayLike, x: ArrayLike, groups: ArrayLike, n_groups: int, conf: float = 0.95
) -> AncovaResult:
    """One-way ANCOVA ``y ~ x + group`` by least squares, in closed form; vectorised.

    With within-group sums ``Sxx = Σ(x − x̄_g)²``, ``Sxy = Σ(x − x̄_g)(y − ȳ_g)``:
    common slope ``β = Sxy / Sxx``; residual variance ``σ² = (Syy − β Sxy)/(N − G − 1)``.
    Adjusted mean of group ``g`` at ``x₀ = x̄`` (overall mean):
    ``μ_g = ȳ_g − β (x̄_g − x₀)``, ``Var = σ² (1/n_g + (x̄_g − x₀)²/Sxx)``.
    Reference: the unweighted mean ``μ̄`` of the adjusted means (the intercept under
    sum-to-zero coding); effect ``e_g = μ_g − μ̄`` with
    ``Var = σ² ((1 − 2/G)/n_g + Σ_h (1/n_h)/G² + (x̄_g − mean_h x̄_h)²/Sxx)``.
    This equals ``lm(y ~ x + group, contrasts = list(group = "contr.sum"))`` in R, whose
    ``group1 … group(G−1)`` coefficients are the first effects. Intervals and tests use
    ``t`` with ``N − G − 1`` degrees of freedom. Groups without observations give ``NaN``;
    so does everything but ``x₀`` when ``Sxx = 0`` (the baseline does not vary within
    groups; R's ``lm`` returns an ``NA`` slope) or ``N − G − 1 ≤ 0``.

    Tested against R (tests/r/outcomes.R).
    """
    yy = np.asarray(y, dtype=float).ravel()
    xx = np.asarray(x, dtype=float).ravel()
    g = np.asarray(groups, dtype=np.int64).ravel()
    n = np.bincount(g, minlength=n_groups)
    present = n > 0
    G = int(present.sum())
    N = yy.size
    nf = np.where(present, n, 1).astype(float)
    xbar_g = np.bincount(g, xx, minlength=n_groups) / nf
    ybar_g = np.bincount(g, yy, minlength=n_groups) / nf
    dx = xx - xbar_g[g]
    dy = yy - ybar_g[g]
    sxx, sxy, syy = float(dx @ dx), float(dx @ dy), float(dy @ dy)
    df = float(N - G - 1)
    nan_g = np.full(n_groups, np.nan)
    # a within-group SS that is only the rounding noise of constant baselines counts as 0
    if df <= 0 or sxx <= 1e-12 * float(xx @ xx) or G < 1:
        x0 = float(xx.mean()) if N else np.nan
        return AncovaResult(
            n, nan_g, nan_g, nan_g, nan_g, nan_g, nan_g, nan_g, nan_g, nan_g, nan_g,
            np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, x0, df, np.nan,
        )  # fmt: skip
    beta = sxy / sxx
    sigma2 = (syy - beta * sxy) / df
    x0 = float(xx.mean())
    adjusted = np.where(present, ybar_g - beta * (xbar_g - x0), np.nan)
    adjusted_se = np.sqrt(sigma2 * (1 / nf + (xbar_g - x0) ** 2 / sxx))
    adjusted_se = np.where(present, adjusted_se, np.nan)
    inv_n_sum = float((1 / nf[present]).sum())
    mean_xbar = float(xbar_g[present].mean())
    reference = float(adjusted[present].mean())
    reference_se = float(np.sqrt(sigma2 * (inv_n_sum / G**2 + (mean_xbar - x0) ** 2 / sxx)))
    effect = adjusted - reference
    if G > 1:
        effect_var = sigma2 * (
            (1 - 2 / G) / nf + inv_n_sum / G**2 + (xbar_g - mean_xbar) ** 2 / sxx
        )
        effect_se = np.where(present, np.sqrt(effect_var), np.nan)
    else:
        effect = nan_g.copy()
        effect_se = nan_g.copy()
    q = _st.t.ppf(0.5 + conf / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        effect_t = effect / effect_se
    effect_p = 2 * _st.t.sf(np.abs(effect_t), df)
    return AncovaResult(
        n=n,
        adjusted=adjusted,
        adjusted_se=adjusted_se,
        effect=effect,
        effect_se=effect_se,
        effect_t=effect_t,
        effect_p=effect_p,
        effect_ci_low=effect - q * effect_se,
        effect_ci_high=effect + q * effect_se,
        adjusted_ci_low=adjusted - q * adjusted_se,
        adjusted_ci_high=adjusted + q * adjusted_se,
        reference=reference,
        reference_se=reference_se,
        reference_ci_low=reference - q * reference_se,
        reference_ci_high=reference + q * reference_se,
        slope=float(beta),
        slope_se=float(np.sqrt(sigma2 / sxx)),
        x0=x0,
        df=df,
        sigma=float(np.sqrt(sigma2)),
    )


# --------------------------------------------------------------------------------------------
# Linear mixed model with a random intercept (REML), many models at once
# --------------------------------------------------------------------------------------------


class RandomInterceptFit(NamedTuple):
    """Fits of :func:`random_intercept_reml`; arrays with one row per model.

    ``beta``/``se`` are ``(M, p)``; ``var_cluster``/``var_residual`` the REML variance
    components; ``theta = √(var_cluster/var_residual)`` (lme4's relative covariance factor);
    ``reml_criterion`` is lme4's ``REMLcrit``. ``converged`` is ``False`` where no valid
    optimum was found (estimates are then ``NaN``); ``singular`` marks a client variance at
    the boundary (``theta < 1e-4``, lme4's ``isSingular`` tolerance); ``note`` says why.
    """

    beta: FloatArray
    se: FloatArray
    var_cluster: FloatArray
    var_residual: FloatArray
    theta: FloatArray
    reml_criterion: FloatArray
    n_obs: NDArray[np.int64]
    n_clusters: NDArray[np.int64]
    converged: NDArray[np.bool_]
    singular: NDArray[np.bool_]
    note: list[str]


def random_intercept_reml(
    y: ArrayLike,
    X: ArrayLike,
    cluster: ArrayLike,
    model: ArrayLike | None = None,
    *,
    theta_max: float = 1e3,
) -> RandomInterceptFit:
    """REML fit of ``y = Xβ + u_cluster + ε`` (``u ~ N(0, σ_u²)``, ``ε ~ N(0, σ²)``) for many
    independent models at once.

    ``X`` must hold an intercept as its first column. ``cluster`` are integer codes of the
    clients (each cluster belongs to one model); ``model`` integer codes ``0 … M − 1``
    (default: one model). With ``λ = θ² = σ_u²/σ²`` the marginal covariance of cluster ``i``
    (size ``n_i``) is ``σ² H_i``, ``H_i = I + λ 11'``, whose inverse and determinant are
    closed-form (Sherman–Morrison, matrix determinant lemma):
    ``H_i⁻¹ = I − w_i 11'``, ``w_i = λ/(1 + n_i λ)``, ``|H_i| = 1 + n_i λ``.
    Hence ``X'H⁻¹X = X'X − Σ_i w_i s_i s_i'``, ``X'H⁻¹y = X'y − Σ_i w_i s_i t_i`` and
    ``y'H⁻¹y = y'y − Σ_i w_i t_i²`` with cluster sums ``s_i = X_i'1``, ``t_i = 1'y_i``, which
    are accumulated by cluster size. The profiled REML criterion (lme4's ``REMLcrit``;
    Bates et al. 2015, J Stat Softw 67(1), eq. 41)

    ``d(θ) = log|H| + log|X'H⁻¹X| + (N − p)(1 + log(2π r'H⁻¹r/(N − p)))``

    is minimised over ``θ ≥ 0`` by a grid search followed by golden-section refinement,
    batched over models; a minimum with ``θ < 1e-4`` that is no better than ``θ = 0`` is
    put on the boundary (client variance exactly 0, ``singular``). Then
    ``σ² = r'H⁻¹r/(N − p)``, ``σ_u² = θ²σ²``, ``β = (X'H⁻¹X)⁻¹X'H⁻¹y`` and
    ``Var(β) = σ²(X'H⁻¹X)⁻¹`` (as lme4's ``vcov``). Not estimable (``converged=False``):
    rank-deficient ``X``, ``N ≤ p``, no cluster with two observations (client and residual
    variance cannot be told apart), or ``θ`` at ``theta_max``.

    This is the model and criterion of lme4 ``lmer(y ~ X + (1 | cluster), REML = TRUE)`` and
    of statsmodels ``MixedLM(y, X, groups=cluster).fit(reml=True)``; only the optimiser
    differs (a one-dimensional search over ``θ`` instead of a general optimiser). Validated
    on the committed test data: against lme4 1.1-31 (tests/r/outcomes.R) to relative 1e-5 in
    ``β``, SEs, Wald intervals and both variances and 1e-9 in ``REMLcrit``; against
    statsmodels MixedLM (tests/test_stats.py, tests/test_outcomes.py) to relative 1e-4 in
    ``β`` and both variances. statsmodels' SEs differ by up to about 2 % because it inverts
    the observed information of fixed effects and variance parameters jointly, whereas lme4
    and this function condition on the estimated variances.
    """
    yv = np.asarray(y, dtype=float).ravel()
    Xm = np.asarray(X, dtype=float)
    if Xm.ndim != 2 or Xm.shape[0] != yv.size:
        raise ValueError("X must be a two-dimensional array with one row per observation")
    cl = np.asarray(cluster, dtype=np.int64).ravel()
    md = np.zeros(yv.size, dtype=np.int64) if model is None else np.asarray(model, np.int64)
    p = Xm.shape[1]
    M = 1 if model is None or md.size == 0 else int(md.max()) + 1
    # compact cluster codes
    cl_codes, cl_inverse = np.unique(cl, return_inverse=True)
    G = cl_codes.size
    n_i = np.bincount(cl_inverse, minlength=G)
    mc = np.zeros(G, dtype=np.int64)
    mc[cl_inverse] = md
    n_obs = np.bincount(md, minlength=M).astype(np.int64)
    n_cl = np.bincount(mc, minlength=M).astype(np.int64)
    # centre y per model (only the intercept moves)
    ybar = np.bincount(md, yv, minlength=M) / np.maximum(n_obs, 1)
    yc = yv - ybar[md]
    s_i = np.column_stack([np.bincount(cl_inverse, Xm[:, j], minlength=G) for j in range(p)])
    t_i = np.bincount(cl_inverse, yc, minlength=G)
    XtX = np.empty((M, p, p))
    for j in range(p):
        for k in range(j, p):
            XtX[:, j, k] = XtX[:, k, j] = np.bincount(md, Xm[:, j] * Xm[:, k], minlength=M)
    Xty = np.column_stack([np.bincount(md, Xm[:, j] * yc, minlength=M) for j in range(p)])
    yty = np.bincount(md, yc * yc, minlength=M)
    sizes = np.unique(n_i) if G else np.array([1])
    S = sizes.size
    key = mc * S + np.searchsorted(sizes, n_i)
    C = np.bincount(key, minlength=M * S).reshape(M, S).astype(float)
    A = np.empty((M, S, p, p))
    for j in range(p):
        for k in range(j, p):
            A[:, :, j, k] = A[:, :, k, j] = np.bincount(
                key, s_i[:, j] * s_i[:, k], minlength=M * S
            ).reshape(M, S)
    B = np.stack(
        [np.bincount(key, s_i[:, j] * t_i, minlength=M * S).reshape(M, S) for j in range(p)],
        axis=-1,
    )
    Q = np.bincount(key, t_i * t_i, minlength=M * S).reshape(M, S)
    sz = sizes.astype(float)
    resid_df = (n_obs - p).astype(float)

    # models that cannot be estimated
    note = [""] * M
    valid = np.ones(M, dtype=bool)
    scale = np.maximum(np.abs(np.diagonal(XtX, axis1=1, axis2=2)).max(axis=1), 1e-300)
    eig = np.linalg.eigvalsh(XtX / scale[:, None, None])
    multi = np.bincount(mc[n_i >= 2], minlength=M) if G else np.zeros(M, dtype=np.int64)
    for m in range(M):
        if n_obs[m] <= p:
            valid[m], note[m] = False, "not estimable: too few observations"
        elif eig[m, 0] < 1e-10:
            valid[m], note[m] = False, "not estimable: design matrix is rank deficient"
        elif multi[m] == 0:
            valid[m], note[m] = False, "not estimable: no client observed more than once"
    safe_df = np.where(valid, resid_df, 1.0)
    eye = np.eye(p)

    def evaluate(theta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """theta (M, K) → criterion (M, K), beta (M, K, p), Minv (M, K, p, p), rHr (M, K)."""
        lam = theta**2
        w = lam[..., None] / (1 + sz * lam[..., None])  # (M, K, S)
        Mm = XtX[:, None] - np.einsum("mks,msjl->mkjl", w, A)
        Mm = np.where(valid[:, None, None, None], Mm, eye)
        c = Xty[:, None] - np.einsum("mks,msj->mkj", w, B)
        yHy = yty[:, None] - np.einsum("mks,ms->mk", w, Q)
        logdetH = np.einsum("ms,mks->mk", C, np.log1p(sz * lam[..., None]))
        sign, logdetM = np.linalg.slogdet(Mm)
        Minv = np.linalg.inv(Mm)
        b = np.einsum("mkjl,mkl->mkj", Minv, c)
        rHr = yHy - np.einsum("mkj,mkj->mk", c, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            crit = (
                logdetH
                + logdetM
                + safe_df[:, None] * (1 + np.log(2 * np.pi * rHr / safe_df[:, None]))
            )
        crit = np.where((sign > 0) & (rHr > 0) & np.isfinite(crit), crit, np.inf)
        return crit, b, Minv, rHr

    grid = np.r_[0.0, np.geomspace(1e-4, theta_max, 64)]
    crit_grid = evaluate(np.broadcast_to(grid, (M, grid.size)).copy())[0]
    best = np.argmin(crit_grid, axis=1)
    lo = grid[np.maximum(best - 1, 0)]
    hi = grid[np.minimum(best + 1, grid.size - 1)]
    at_max = best == grid.size - 1
    # batched golden-section search on [lo, hi]
    invphi = (np.sqrt(5) - 1) / 2
    x1 = hi - invphi * (hi - lo)
    x2 = lo + invphi * (hi - lo)
    f1 = evaluate(x1[:, None])[0][:, 0]
    f2 = evaluate(x2[:, None])[0][:, 0]
    for _ in range(80):
        left = f1 < f2  # minimum in [lo, x2]
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        new_x1 = np.where(left, hi - invphi * (hi - lo), x2)
        new_x2 = np.where(left, x1, lo + invphi * (hi - lo))
        f_new = evaluate(np.where(left, new_x1, new_x2)[:, None])[0][:, 0]
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
        x1, x2 = new_x1, new_x2
        if np.all(hi - lo <= 1e-12 * (1 + hi)):
            break
    theta = (lo + hi) / 2
    crit_t = evaluate(theta[:, None])[0][:, 0]
    crit_0 = crit_grid[:, 0]
    # the boundary θ = 0 wins when it is as good as the interior point (within rounding of
    # the criterion) and the interior point is itself at lme4's singularity tolerance
    with np.errstate(invalid="ignore"):
        flat = (theta < 1e-4) & (crit_0 - crit_t <= 1e-9 * (1 + np.abs(crit_t)))
    theta = np.where((crit_0 <= crit_t) | flat, 0.0, theta)
    crit, b, Minv, rHr = evaluate(theta[:, None])
    crit, b, Minv, rHr = crit[:, 0], b[:, 0], Minv[:, 0], rHr[:, 0]
    ok = valid & np.isfinite(crit) & ~at_max
    for m in range(M):
        if valid[m] and not ok[m]:
            note[m] = (
                "did not converge: client variance unbounded" if at_max[m] else ("did not converge")
            )
    sigma2 = np.where(ok, rHr / safe_df, np.nan)
    beta = np.where(ok[:, None], b, np.nan)
    beta[:, 0] += ybar
    se = np.sqrt(
        np.where(ok[:, None], sigma2[:, None] * np.diagonal(Minv, axis1=1, axis2=2), np.nan)
    )
    singular = ok & (theta < 1e-4)
    for m in range(M):
        if singular[m]:
            note[m] = "singular fit: client variance estimated at zero"
    theta = np.where(ok, theta, np.nan)
    return RandomInterceptFit(
        beta=beta,
        se=se,
        var_cluster=theta**2 * sigma2,
        var_residual=sigma2,
        theta=theta,
        reml_criterion=np.where(ok, crit, np.nan),
        n_obs=n_obs,
        n_clusters=n_cl,
        converged=ok,
        singular=singular,
        note=note,
    )

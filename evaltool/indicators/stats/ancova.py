"""ANCOVA with one covariate: adjusted group means and deviation (sum-to-zero) effects of
``y ~ x + group``, in closed form for all groups at once. Checked against R's
``lm(post ~ pre + project, contrasts = list(project = "contr.sum"))`` with ``vcov``
(tests/r/outcomes.R).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evaltool.indicators.stats.arrays import FloatArray
from evaltool.indicators.stats.distributions import t_ppf, t_sf


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

    Parameters
    ----------
    y : array_like
        Outcome (e.g. the follow-up score), one per observation.
    x : array_like
        Covariate (e.g. the baseline score).
    groups : array_like
        Integer group code of each observation, ``0 … n_groups − 1``.
    n_groups : int
        Number of groups; groups without observations give ``NaN``.
    conf : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    AncovaResult
        Per group (arrays of length ``n_groups``): ``n``; ``adjusted`` mean at ``x₀`` with
        ``adjusted_se`` and ``adjusted_ci_low``/``adjusted_ci_high``; ``effect`` ``e_g`` with
        ``effect_se``, ``effect_t``, ``effect_p``, ``effect_ci_low``/``effect_ci_high``. The
        programme level: ``reference`` (``μ̄``) with ``reference_se`` and its interval;
        ``slope`` ``β`` with ``slope_se``; ``x0``; residual ``df``; ``sigma`` (``σ``).

    Notes
    -----
    With within-group sums ``Sxx = Σ(x − x̄_g)²``, ``Sxy = Σ(x − x̄_g)(y − ȳ_g)``:

        common slope        β = Sxy / Sxx
        residual variance   σ² = (Syy − β Sxy) / (N − G − 1)

    Adjusted mean of group ``g`` at ``x₀ = x̄`` (overall mean):

        μ_g = ȳ_g − β (x̄_g − x₀),    Var(μ_g) = σ² (1/n_g + (x̄_g − x₀)²/Sxx)

    Reference: the unweighted mean ``μ̄`` of the adjusted means (the intercept under
    sum-to-zero coding); effect ``e_g = μ_g − μ̄`` with

        Var(e_g) = σ² ((1 − 2/G)/n_g + Σ_h (1/n_h)/G² + (x̄_g − mean_h x̄_h)²/Sxx)

    This equals ``lm(y ~ x + group, contrasts = list(group = "contr.sum"))`` in R, whose
    ``group1 … group(G−1)`` coefficients are the first effects. Intervals and tests use ``t``
    with ``N − G − 1`` degrees of freedom. Groups without observations give ``NaN``; so does
    everything but ``x₀`` when ``Sxx = 0`` (the baseline does not vary within groups; also
    when ``Sxx`` is only rounding noise; R's ``lm`` returns an ``NA`` slope) or
    ``N − G − 1 ≤ 0``. With a single group the effects are ``NaN``.

    Tested against R (tests/r/outcomes.R).

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.stats import ancova_effects
    >>> post = [55.0, 60.0, 70.0, 65.0, 50.0, 58.0, 62.0, 75.0]
    >>> pre = [50.0, 52.0, 64.0, 60.0, 48.0, 50.0, 55.0, 70.0]
    >>> # In R: lm(post ~ pre + g, contrasts = list(g = "contr.sum"))
    >>> res = ancova_effects(post, pre, [0, 0, 0, 0, 1, 1, 1, 1], 2)
    >>> print(np.round(res.effect, 4), round(res.slope, 4), res.df)
    [ 0.2513 -0.2513] 0.9965 5.0
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
    q = t_ppf(0.5 + conf / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        effect_t = effect / effect_se
    effect_p = 2 * t_sf(np.abs(effect_t), df)
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

"""Adjusting p-values for multiple testing: Holm's step-down method."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray


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

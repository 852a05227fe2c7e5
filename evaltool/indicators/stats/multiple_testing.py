"""Adjusting p-values for multiple testing: Holm's step-down method, for many families at
once. Checked against R's ``p.adjust(p, method = "holm")`` (tests/r/outcomes.R).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from evaltool.indicators.stats.arrays import FloatArray


def holm(p: ArrayLike, groups: ArrayLike | None = None) -> FloatArray:
    """Holm (1979) step-down adjusted p-values, separately within each group; vectorised.

    Parameters
    ----------
    p : array_like
        p-values; ``NaN`` marks a test that was not done.
    groups : array_like, optional
        One hashable label per p-value defining the families (e.g. the project of each row);
        ``None`` means one family.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the order of ``p``; ``NaN`` where ``p`` is ``NaN``.

    Notes
    -----
    Within a family of ``m`` non-missing p-values sorted ascending ``p₍₁₎ ≤ … ≤ p₍ₘ₎``:

        p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1) · p₍ⱼ₎)

    ``NaN`` p-values stay ``NaN`` and do not count in ``m``, as in R's ``p.adjust(p, "holm")``.
    Ties are ordered stably, like R's ``order()``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics 6(2):65–70.

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.stats import holm
    >>> # In R: p.adjust(c(0.01, 0.04, 0.03, NA, 0.005, 0.2), method = "holm")
    >>> holm([0.01, 0.04, 0.03, np.nan, 0.005, 0.2])
    array([0.04 , 0.09 , 0.09 ,   nan, 0.025, 0.2  ])
    >>> # In R: ave(p, g, FUN = function(q) p.adjust(q, method = "holm"))
    >>> holm([0.01, 0.04, 0.03, 0.02], groups=["A", "A", "B", "B"])
    array([0.02, 0.04, 0.04, 0.04])
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

"""Array helpers shared by the statistics modules: the float array type, the finite values of
an input, and a result that is a float for scalar input and an array otherwise."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def finite_values(x: ArrayLike) -> FloatArray:
    """The finite values of ``x`` as a flat float array (NaN and infinities dropped)."""
    a = np.asarray(x, dtype=float).ravel()
    return a[np.isfinite(a)]


def scalar_or_array(v: FloatArray | float) -> float | FloatArray:
    """A float when ``v`` is zero-dimensional, else the float array."""
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a

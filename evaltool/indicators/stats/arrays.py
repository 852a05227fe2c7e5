"""Array helpers shared by the statistics modules: the float array type, the finite values of
an input, and a result that is a float for scalar input and an array otherwise. Nothing here
computes a statistic, so nothing is checked against R.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def finite_values(x: ArrayLike) -> FloatArray:
    """The finite values of ``x`` as a flat float array (NaN and infinities dropped).

    Parameters
    ----------
    x : array_like
        Numbers of any shape; converted to ``float``.

    Returns
    -------
    numpy.ndarray
        One-dimensional float array of the finite values of ``x``, in their original order.

    Examples
    --------
    >>> from evaltool.indicators.stats.arrays import finite_values
    >>> finite_values([[1.0, float("nan")], [float("inf"), 2.0]])
    array([1., 2.])
    """
    a = np.asarray(x, dtype=float).ravel()
    return a[np.isfinite(a)]


def scalar_or_array(v: FloatArray | float) -> float | FloatArray:
    """A float when ``v`` is zero-dimensional, else the float array.

    Parameters
    ----------
    v : float or numpy.ndarray
        A result computed with NumPy broadcasting.

    Returns
    -------
    float or numpy.ndarray
        ``float(v)`` for a zero-dimensional ``v`` (scalar input), else ``v`` as a float array.

    Examples
    --------
    >>> import numpy as np
    >>> from evaltool.indicators.stats.arrays import scalar_or_array
    >>> scalar_or_array(np.asarray(0.5))
    0.5
    >>> scalar_or_array(np.array([0.5, 1.0]))
    array([0.5, 1. ])
    """
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a

"""The distribution functions of evaltool.indicators.stats.distributions give the values of
scipy.stats, edges included, and the statistics need neither scipy.stats nor matplotlib."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats as st

from evaltool.indicators.stats import distributions as dist

X = [-np.inf, -3.0, -0.5, 0.0, 1e-9, 0.7, 2.5, 40.0, np.inf, np.nan]
Q = [0.0, 1e-12, 0.025, 0.5, 0.975, 1.0, np.nan]
DF = [-1.0, 0.0, 0.5, 1.0, 2.0, 7.0, 30.0, 1e6, np.nan]


def _same(a, b) -> bool:
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


@pytest.mark.parametrize(
    ("ours", "theirs", "points", "dfs"),
    [
        (dist.t_sf, st.t.sf, X, DF + [np.inf]),
        (dist.t_ppf, st.t.ppf, Q, DF + [np.inf]),
        (dist.chi2_sf, st.chi2.sf, X, DF),
    ],
)
def test_one_parameter_functions_equal_scipy_stats(ours, theirs, points, dfs):
    p, df = np.meshgrid(points, dfs)
    assert _same(ours(p, df), theirs(p, df))
    assert all(_same(ours(a, b), theirs(a, b)) for a in points for b in dfs)


def test_normal_and_f_equal_scipy_stats():
    assert _same(dist.norm_sf(np.array(X)), st.norm.sf(X))
    assert _same(dist.norm_ppf(np.array(Q)), st.norm.ppf(Q))
    q, a, b = np.meshgrid(Q, DF, DF)
    assert _same(dist.f_ppf(q, a, b), st.f.ppf(q, a, b))
    assert isinstance(dist.t_ppf(0.975, 5), np.float64)
    assert dist.t_ppf(0.975, 5) == pytest.approx(2.570581835636314, abs=1e-15)  # R: qt(.975, 5)


def test_statistics_and_networks_import_neither_scipy_stats_nor_matplotlib():
    code = (
        "import sys\n"
        "import numpy as np, pandas as pd\n"
        "from evaltool.indicators.stats import paired_t_test\n"
        "from evaltool.indicators.cooperation.network import Graph\n"
        "paired_t_test([1.0, 2.0, 4.0], [2.0, 2.5, 5.0])\n"
        "g = Graph(pd.Index(['a', 'b', 'c']), np.array([0, 1]), np.array([1, 2]))\n"
        "assert list(g.betweenness()) == [0.0, 1.0, 0.0]\n"
        "print(sorted(m for m in ('scipy.stats', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

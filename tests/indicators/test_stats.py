"""evaltool.indicators.stats against R (values in tests/r/outcomes_expected_stats.csv, written by
tests/r/outcomes.R) and against statsmodels for the mixed model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.indicators import stats

R_DIR = Path(__file__).resolve().parents[1] / "r"
ARITH = {"rel": 1e-10, "abs": 1e-8}
PVAL = {"rel": 1e-6, "abs": 1e-12}

X = [12.5, 18.75, 25, 31.25, 6.25, 43.75, 50, 18.75, 25, 37.5, 12.5, 31.25]
Y = [18.75, 25, 25, 43.75, 12.5, 37.5, 62.5, 31.25, 25, 50, 18.75, 25]
Z = [40, 55.5, 61.25, 38, 47.75, 52, 70.25]
ITEMS = np.array(
    [
        [1, 2, 2, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 4],
        [4, 5, 4, 4],
        [5, 4, 5, 5],
        [2, 3, 2, 2],
        [3, 2, 4, 3],
        [4, 4, 3, 3],
        [np.nan, 1, 2, 2],
        [1, 1, 2, 1],
        [5, 5, 4, 5],
        [3, 4, 4, 3],
    ]
)


@pytest.fixture(scope="module")
def r() -> dict[str, float]:
    df = pd.read_csv(R_DIR / "outcomes_expected_stats.csv")
    return dict(zip(df["name"], df["value"], strict=True))


def test_mean_ci(r):
    res = stats.mean_ci(X + [np.nan])
    assert res.n == 12
    assert res.ci_low == pytest.approx(r["mean_ci.low"], **ARITH)
    assert res.ci_high == pytest.approx(r["mean_ci.high"], **ARITH)


def test_paired_t(r):
    res = stats.paired_t_test(X, Y)
    assert res.estimate == pytest.approx(np.mean(np.subtract(Y, X)), **ARITH)
    assert res.t == pytest.approx(r["paired.t"], **ARITH)
    assert res.df == r["paired.df"]
    assert res.p == pytest.approx(r["paired.p"], **PVAL)
    assert res.ci_low == pytest.approx(r["paired.low"], **ARITH)
    assert res.ci_high == pytest.approx(r["paired.high"], **ARITH)


@pytest.mark.parametrize("kind", ["welch", "student"])
def test_two_sample_t(r, kind):
    fn = stats.welch_t_test if kind == "welch" else stats.student_t_test
    res = fn(Z, X)
    assert res.estimate == pytest.approx(np.mean(Z) - np.mean(X), **ARITH)
    assert res.t == pytest.approx(r[f"{kind}.t"], **ARITH)
    assert res.df == pytest.approx(r[f"{kind}.df"], **ARITH)
    assert res.p == pytest.approx(r[f"{kind}.p"], **PVAL)
    assert res.ci_low == pytest.approx(r[f"{kind}.low"], **ARITH)
    assert res.ci_high == pytest.approx(r[f"{kind}.high"], **ARITH)


def test_constant_differences_give_nan():
    res = stats.paired_t_test([1, 2, 3], [2, 3, 4])
    assert np.isnan(res.t) and np.isnan(res.p)
    assert np.isnan(stats.t_test_from_summary(5.0, 2.0, 1).t)


def test_wilcoxon_matches_r(r):
    res = stats.wilcoxon_signed_rank(X, Y)
    assert res.n == 10  # two zero differences dropped
    assert res.v == r["wilcoxon.v"]
    assert res.p == pytest.approx(r["wilcoxon.p"], **PVAL)
    rev = stats.wilcoxon_signed_rank(Y, X)
    assert rev.v == r["wilcoxon_rev.v"]
    assert rev.p == pytest.approx(r["wilcoxon_rev.p"], **PVAL)


def test_wilcoxon_ignores_floating_point_noise(r):
    # 0–100 scores computed by different routes differ in the last bits; equal changes must
    # still tie and zero changes must still be dropped
    noise = np.tile([1e-13, -2e-13, 0.0], 4)
    res = stats.wilcoxon_signed_rank(np.add(X, noise), Y)
    assert res.n == 10
    assert res.v == r["wilcoxon.v"]
    assert res.p == pytest.approx(r["wilcoxon.p"], **PVAL)
    # without rounding the noise would break ties and keep "zero" differences
    raw = stats.wilcoxon_signed_rank(np.add(X, noise), Y, decimals=15)
    assert raw.n != 10 or raw.v != r["wilcoxon.v"]


def test_grouped_wilcoxon_equals_separate_calls():
    rng = np.random.default_rng(3)
    d = rng.integers(-4, 5, 300) * 6.25
    g = rng.integers(0, 7, 300)
    res = stats.grouped_wilcoxon_signed_rank(d, g, 8)
    for k in range(7):
        one = stats.wilcoxon_signed_rank(np.zeros((g == k).sum()), d[g == k])
        assert res.n[k] == one.n
        assert res.v[k] == one.v
        assert res.p[k] == pytest.approx(one.p, rel=1e-12)
    assert res.n[7] == 0 and np.isnan(res.p[7])


def test_effect_sizes(r):
    assert stats.cohens_dz(X, Y) == pytest.approx(r["dz"], **ARITH)
    assert stats.cohens_d_av(X, Y) == pytest.approx(r["d_av"], **ARITH)


def test_holm(r):
    got = stats.holm([0.01, 0.04, 0.03, np.nan, 0.005, 0.2])
    want = [r[f"holm.{i}"] for i in range(1, 7)]
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)


def test_holm_groups_are_separate_families():
    p = [0.01, 0.02, 0.01, 0.02, 0.03]
    got = stats.holm(p, ["a", "a", "b", "b", "b"])
    np.testing.assert_allclose(got, [0.02, 0.02, 0.03, 0.04, 0.04])


def test_cronbach_alpha(r):
    res = stats.cronbach_alpha(pd.DataFrame(ITEMS))
    assert res.n == r["alpha.n"] == 11
    assert res.k == 4
    assert res.alpha == pytest.approx(r["alpha.alpha"], **ARITH)
    assert res.ci_low == pytest.approx(r["alpha.low"], **ARITH)
    assert res.ci_high == pytest.approx(r["alpha.high"], **ARITH)


@pytest.mark.parametrize("b,c", [(7, 2), (3, 3), (0, 5), (12, 30)])
def test_mcnemar(r, b, c):
    res = stats.mcnemar_test(b, c)
    assert res.statistic == pytest.approx(r[f"mcnemar_{b}_{c}.statistic"], **ARITH)
    assert res.p == pytest.approx(r[f"mcnemar_{b}_{c}.p"], **PVAL)
    assert res.df == 1


def test_mcnemar_without_discordant_pairs_is_nan():
    assert np.isnan(stats.mcnemar_test(0, 0).p)


@pytest.mark.parametrize("k,n", [(0, 10), (3, 10), (10, 10), (29, 91)])
@pytest.mark.parametrize("method", ["wilson", "exact"])
def test_proportion_ci(r, k, n, method):
    res = stats.proportion_ci(k, n, method=method)
    assert res.estimate == pytest.approx(k / n)
    assert res.ci_low == pytest.approx(r[f"{method}_{k}_{n}.1"], **ARITH)
    assert res.ci_high == pytest.approx(r[f"{method}_{k}_{n}.2"], **ARITH)


def test_proportion_ci_vectorised():
    res = stats.proportion_ci([0, 3, 29], [10, 10, 0])
    assert res.ci_low[0] == 0 and np.isnan(res.estimate[2])


def _panel_data(seed: int = 7, n_clients: int = 150):
    rng = np.random.default_rng(seed)
    cl = np.repeat(np.arange(n_clients), 3)
    wave = np.tile([0, 1, 2], n_clients)
    keep = rng.random(cl.size) > 0.3
    cl, wave = cl[keep], wave[keep]
    y = 50 + 4 * (wave == 1) + 7 * (wave == 2) + rng.normal(0, 9, n_clients)[cl]
    y = y + rng.normal(0, 10, cl.size)
    X = np.column_stack([np.ones(y.size), wave == 1, wave == 2]).astype(float)
    return y, X, cl, wave


def test_random_intercept_reml_matches_statsmodels():
    from statsmodels.regression.mixed_linear_model import MixedLM

    y, X, cl, _ = _panel_data()
    fit = stats.random_intercept_reml(y, X, cl)
    sm = MixedLM(y, X, groups=cl).fit(reml=True)
    assert fit.converged[0] and not fit.singular[0]
    np.testing.assert_allclose(fit.beta[0], sm.fe_params, rtol=1e-5)
    assert fit.var_cluster[0] == pytest.approx(float(np.asarray(sm.cov_re)[0, 0]), rel=1e-4)
    assert fit.var_residual[0] == pytest.approx(sm.scale, rel=1e-5)
    # statsmodels' SEs come from the observed information of all parameters; lme4's (and
    # ours) condition on the variance components, so they agree only closely
    np.testing.assert_allclose(fit.se[0], sm.bse_fe, rtol=2e-3)


def test_random_intercept_reml_batches_models_independently():
    y, X, cl, _ = _panel_data()
    y2, X2, cl2, _ = _panel_data(seed=8, n_clients=90)
    both = stats.random_intercept_reml(
        np.r_[y, y2], np.vstack([X, X2]), np.r_[cl, cl2 + 1000], np.r_[0 * cl, 0 * cl2 + 1]
    )
    one = stats.random_intercept_reml(y2, X2, cl2)
    np.testing.assert_allclose(both.beta[1], one.beta[0], rtol=1e-9)
    np.testing.assert_allclose(both.var_cluster[1], one.var_cluster[0], rtol=1e-7)


def test_random_intercept_reml_flags_bad_models():
    y, X, cl, wave = _panel_data()
    # every client seen once: not identifiable
    once = stats.random_intercept_reml(y, X, np.arange(y.size))
    assert not once.converged[0] and np.isnan(once.beta[0]).all()
    assert "more than once" in once.note[0]
    # a wave without responses: rank deficient
    rows = wave != 2
    gap = stats.random_intercept_reml(y[rows], X[rows], cl[rows])
    assert not gap.converged[0] and "rank" in gap.note[0]


def test_random_intercept_reml_singular_when_no_client_variance():
    # residual-only data built so that clients' means vary less than chance
    cl = np.repeat(np.arange(40), 2)
    wave = np.tile([0, 1], 40)
    e = np.tile([-5.0, 5.0], 40) * np.repeat(np.where(np.arange(40) % 2, 1, -1), 2)
    y = 50 + 2 * wave + e
    X = np.column_stack([np.ones(y.size), wave]).astype(float)
    fit = stats.random_intercept_reml(y, X, cl)
    assert fit.converged[0] and fit.singular[0]
    assert fit.var_cluster[0] == 0 and "singular" in fit.note[0]
    np.testing.assert_allclose(fit.beta[0], [50.0, 2.0], atol=1e-9)


def test_ancova_effects_sum_to_zero():
    rng = np.random.default_rng(2)
    g = rng.integers(0, 4, 200)
    x = rng.normal(50, 10, 200)
    y = 10 + 0.8 * x + np.array([0, 2, -3, 1])[g] + rng.normal(0, 5, 200)
    res = stats.ancova_effects(y, x, g, 4)
    assert res.effect.sum() == pytest.approx(0, abs=1e-9)
    assert res.adjusted.mean() == pytest.approx(res.reference)
    # slope equals the least-squares slope with group dummies
    D = np.column_stack([x, g[:, None] == np.arange(4)]).astype(float)
    coef = np.linalg.lstsq(D, y, rcond=None)[0]
    assert res.slope == pytest.approx(coef[0], rel=1e-10)


# ---------------------------------------------------------------------------- hard cases

NOISE_BASE = np.array([10, 11, 12, 13, 14, 15]) + 2 / 3
NOISE_X = (NOISE_BASE - 4) * 6.25
NOISE_Y = (NOISE_BASE + 2 / 3 - 4) * 6.25


def test_equal_changes_with_rounding_noise_are_constant(r):
    # every client gained the same, computed from different baselines: the SD of the
    # differences is rounding noise; R's t.test stops ("data are essentially constant")
    d = NOISE_Y - NOISE_X
    assert d.std(ddof=1) == pytest.approx(r["noise.sd"], rel=1e-6) and d.std(ddof=1) > 0
    assert np.isnan(r["noise.t"])
    res = stats.paired_t_test(NOISE_X, NOISE_Y)
    assert np.isnan(res.t) and np.isnan(res.p) and np.isnan(res.ci_low)
    assert np.isnan(r["noise_welch.t"])
    assert np.isnan(stats.welch_t_test(d[:5], np.full(5, 4.0)).t)
    # the Wilcoxon test sees the equal changes as ties (rounded to 1e-9)
    w = stats.wilcoxon_signed_rank(NOISE_X, NOISE_Y)
    assert w.n == 6 and w.v == 21


def test_wilcoxon_all_differences_zero_as_r(r):
    res = stats.wilcoxon_signed_rank([1.0, 2, 3, 4, 5], [1.0, 2, 3, 4, 5])
    assert res.n == 0 and res.v == r["wilcoxon_zero.v"] == 0
    assert np.isnan(r["wilcoxon_zero.p"]) and np.isnan(res.p)
    empty = stats.grouped_wilcoxon_signed_rank([0.0, 0.0], [0, 0], 2)
    assert empty.v[0] == 0 and np.isnan(empty.v[1])  # group 1 has no differences at all


def test_cronbach_alpha_item_without_variance(r):
    items = np.array([[1, 2, 3], [2, 2, 3], [3, 4, 3], [4, 4, 3], [5, 5, 3], [2, 1, 3]])
    res = stats.cronbach_alpha(items)
    # the item stays in k, as it stays in the score; psych drops it (with a warning)
    assert res.alpha == pytest.approx(r["alpha_const_item.formula"], rel=1e-10)
    assert res.alpha != pytest.approx(r["alpha_const_item.psych"], rel=1e-3)


def test_cronbach_alpha_undefined_when_the_sum_does_not_vary():
    assert np.isnan(stats.cronbach_alpha(np.full((8, 3), 3.0)).alpha)
    x = np.array([1.0, 2, 3, 4, 5, 2])
    res = stats.cronbach_alpha(np.column_stack([x, 6 - x]))  # sum constant: α → −∞
    assert np.isnan(res.alpha) and np.isnan(res.ci_low)
    # rounding noise in the total variance counts as zero
    assert np.isnan(stats.cronbach_alpha_from_variances(2, 2.0, 1e-15))


def test_ancova_constant_baseline_is_not_estimable():
    # baselines constant within each project; 8.333333333333325 × 6 has a group mean that
    # is off in the last bit, so the within-group SS is rounding noise, not 0
    g = np.repeat([0, 1], 6)
    x = np.where(g == 0, 8.333333333333325, 50.0)
    dx = x - (np.bincount(g, x) / 6)[g]
    assert 0 < dx @ dx < 1e-25
    y = np.arange(12.0)
    res = stats.ancova_effects(y, x, g, 2)
    assert np.isnan(res.slope) and np.isnan(res.effect).all() and np.isnan(res.adjusted).all()
    assert res.x0 == pytest.approx(x.mean())


def test_mcnemar_and_proportions_when_everyone_is_good():
    mc = stats.mcnemar_test(0, 0)
    assert np.isnan(mc.statistic) and np.isnan(mc.p)
    ci = stats.proportion_ci(12, 12)
    assert ci.estimate == 1 and ci.ci_high == 1 and 0 < ci.ci_low < 1

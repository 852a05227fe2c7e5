"""Linear mixed models with a random intercept, ``y = Xβ + u_cluster + ε``, fitted by REML for
many independent models in one batched pass. Checked against lme4's
``lmer(score ~ wave + (1 | client), REML = TRUE)`` (``fixef``, ``vcov``, ``VarCorr``,
``REMLcrit``, ``isSingular``; tests/r/outcomes.R) and against statsmodels ``MixedLM``
(tests/indicators/test_stats.py, tests/indicators/test_outcomes.py).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evaltool.indicators.stats.arrays import FloatArray


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
    """REML fit of ``y = Xβ + u_cluster + ε`` for many independent models at once.

    ``u ~ N(0, σ_u²)`` per cluster and ``ε ~ N(0, σ²)`` per observation, independent.

    Parameters
    ----------
    y : array_like
        Outcome, one value per observation.
    X : array_like
        Fixed-effects design matrix, one row per observation; it must hold an intercept as
        its first column. Raises ``ValueError`` unless two-dimensional with one row per
        observation.
    cluster : array_like
        Integer codes of the clusters (clients); each cluster belongs to one model.
    model : array_like, optional
        Integer model codes ``0 … M − 1``, one per observation (default: one model).
    theta_max : float, default 1e3
        Upper end of the search for ``θ``; a minimum there counts as not converged.

    Returns
    -------
    RandomInterceptFit
        One row per model: ``beta`` and ``se`` (``(M, p)``), ``var_cluster`` (``σ_u²``),
        ``var_residual`` (``σ²``), ``theta = √(var_cluster/var_residual)``,
        ``reml_criterion`` (lme4's ``REMLcrit``), ``n_obs``, ``n_clusters``, ``converged``,
        ``singular`` and a ``note`` per model ("" when none). Models that were not estimated
        or did not converge have ``NaN`` estimates.

    Notes
    -----
    With ``λ = θ² = σ_u²/σ²`` the marginal covariance of cluster ``i`` (size ``n_i``) is
    ``σ² H_i``, ``H_i = I + λ 11'``, whose inverse and determinant are closed-form
    (Sherman–Morrison, matrix determinant lemma):

        H_i⁻¹ = I − w_i 11',    w_i = λ/(1 + n_i λ),    |H_i| = 1 + n_i λ

    Hence ``X'H⁻¹X = X'X − Σ_i w_i s_i s_i'``, ``X'H⁻¹y = X'y − Σ_i w_i s_i t_i`` and
    ``y'H⁻¹y = y'y − Σ_i w_i t_i²`` with cluster sums ``s_i = X_i'1``, ``t_i = 1'y_i``, which
    are accumulated by cluster size. The profiled REML criterion (lme4's ``REMLcrit``;
    Bates et al. 2015, eq. 41)

        d(θ) = log|H| + log|X'H⁻¹X| + (N − p)(1 + log(2π r'H⁻¹r/(N − p)))

    is minimised over ``θ ≥ 0`` by a grid search followed by golden-section refinement,
    batched over models; a minimum with ``θ < 1e-4`` that is no better than ``θ = 0`` is put
    on the boundary (client variance exactly 0, ``singular``; ``θ < 1e-4`` is lme4's
    ``isSingular`` tolerance). Then

        σ² = r'H⁻¹r/(N − p),    σ_u² = θ²σ²,    β = (X'H⁻¹X)⁻¹X'H⁻¹y
        Var(β) = σ²(X'H⁻¹X)⁻¹    (as lme4's ``vcov``)

    Not estimable (``converged=False``, with a note): rank-deficient ``X``, ``N ≤ p``, no
    cluster with two observations (client and residual variance cannot be told apart), or
    ``θ`` at ``theta_max`` ("did not converge: client variance unbounded").

    This is the model and criterion of lme4 ``lmer(y ~ X + (1 | cluster), REML = TRUE)`` and
    of statsmodels ``MixedLM(y, X, groups=cluster).fit(reml=True)``; only the optimiser
    differs (a one-dimensional search over ``θ`` instead of a general optimiser). Validated on
    the committed test data: against lme4 1.1-31 (tests/r/outcomes.R) to relative 1e-5 in
    ``β``, SEs, Wald intervals and both variances and 1e-9 in ``REMLcrit``; against
    statsmodels MixedLM (tests/indicators/test_stats.py and test_outcomes.py) to relative
    1e-4 in
    ``β`` and both variances. statsmodels' SEs differ by up to about 2 % because it inverts
    the observed information of fixed effects and variance parameters jointly, whereas lme4
    and this function condition on the estimated variances.

    References
    ----------
    Patterson, H. D., & Thompson, R. (1971). Recovery of inter-block information when block
    sizes are unequal. Biometrika 58(3):545–554.

    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. Journal of Statistical Software 67(1):1–48.

    Examples
    --------
    Four clients at three waves, ``score ~ wave + (1 | client)``:

    >>> import numpy as np
    >>> from evaltool.indicators.stats import random_intercept_reml
    >>> score = [50, 55, 60, 40, 48, 47, 62, 66, 70, 45, 50, 58.0]
    >>> wave = np.tile([1, 2, 3], 4)
    >>> X = np.column_stack([np.ones(12), wave == 2, wave == 3]).astype(float)
    >>> client = np.repeat([0, 1, 2, 3], 3)
    >>> # In R: lmer(score ~ factor(wave) + (1 | client), REML = TRUE)
    >>> fit = random_intercept_reml(score, X, client)
    >>> print(np.round(fit.beta[0], 4), np.round(fit.se[0], 4))
    [49.25  5.5   9.5 ] [4.4977 1.4142 1.4142]
    >>> print(np.round(fit.var_cluster, 4), np.round(fit.var_residual, 4), fit.converged)
    [76.9167] [4.] [ True]
    """
    yv = np.asarray(y, dtype=float).ravel()
    Xm = np.asarray(X, dtype=float)
    if Xm.ndim != 2 or Xm.shape[0] != yv.size:
        raise ValueError("X must be a two-dimensional array with one row per observation")
    cl = np.asarray(cluster, dtype=np.int64).ravel()
    md = np.zeros(yv.size, dtype=np.int64) if model is None else np.asarray(model, np.int64)
    M = 1 if model is None or md.size == 0 else int(md.max()) + 1
    sums = _cluster_sums(yv, Xm, cl, md, M)
    valid, note = _estimable(sums)
    criterion = _ProfiledReml(sums, valid)
    theta, at_max = _minimise_theta(criterion, M, theta_max)
    crit, b, Minv, rHr = criterion(theta[:, None])
    crit, b, Minv, rHr = crit[:, 0], b[:, 0], Minv[:, 0], rHr[:, 0]
    ok = valid & np.isfinite(crit) & ~at_max
    for m in np.flatnonzero(valid & ~ok):
        note[m] = "did not converge: client variance unbounded" if at_max[m] else "did not converge"
    sigma2 = np.where(ok, rHr / criterion.safe_df, np.nan)
    beta = np.where(ok[:, None], b, np.nan)
    beta[:, 0] += sums.ybar
    se = np.sqrt(
        np.where(ok[:, None], sigma2[:, None] * np.diagonal(Minv, axis1=1, axis2=2), np.nan)
    )
    singular = ok & (theta < 1e-4)
    for m in np.flatnonzero(singular):
        note[m] = "singular fit: client variance estimated at zero"
    theta = np.where(ok, theta, np.nan)
    return RandomInterceptFit(
        beta=beta,
        se=se,
        var_cluster=theta**2 * sigma2,
        var_residual=sigma2,
        theta=theta,
        reml_criterion=np.where(ok, crit, np.nan),
        n_obs=sums.n_obs,
        n_clusters=sums.n_clusters,
        converged=ok,
        singular=singular,
        note=note,
    )


class _ClusterSums(NamedTuple):
    """The sufficient statistics of :func:`random_intercept_reml`, per model ``m`` and per
    cluster size ``s`` (clusters of equal size share their weight ``w``): ``XtX`` (M, p, p),
    ``Xty`` (M, p), ``yty`` (M,) of ``y`` centred per model; ``C`` (M, S) clusters of each
    size, ``A`` (M, S, p, p) ``Σ s_i s_i'``, ``B`` (M, S, p) ``Σ s_i t_i``, ``Q`` (M, S)
    ``Σ t_i²``; ``sizes`` (S,) the cluster sizes."""

    n_obs: NDArray[np.int64]
    n_clusters: NDArray[np.int64]
    n_multi: NDArray[np.int64]  # clusters with two or more observations, per model
    ybar: FloatArray
    XtX: FloatArray
    Xty: FloatArray
    yty: FloatArray
    C: FloatArray
    A: FloatArray
    B: FloatArray
    Q: FloatArray
    sizes: FloatArray


def _cluster_sums(
    yv: FloatArray, Xm: FloatArray, cl: NDArray[np.int64], md: NDArray[np.int64], M: int
) -> _ClusterSums:
    p = Xm.shape[1]
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
    n_multi = np.bincount(mc[n_i >= 2], minlength=M) if G else np.zeros(M, dtype=np.int64)
    return _ClusterSums(n_obs, n_cl, n_multi, ybar, XtX, Xty, yty, C, A, B, Q, sizes.astype(float))


def _estimable(sums: _ClusterSums) -> tuple[NDArray[np.bool_], list[str]]:
    """Models that can be estimated, and a note for each one that cannot."""
    M, p = sums.Xty.shape
    note = [""] * M
    valid = np.ones(M, dtype=bool)
    XtX = sums.XtX
    scale = np.maximum(np.abs(np.diagonal(XtX, axis1=1, axis2=2)).max(axis=1), 1e-300)
    eig = np.linalg.eigvalsh(XtX / scale[:, None, None])
    for m in range(M):
        if sums.n_obs[m] <= p:
            valid[m], note[m] = False, "not estimable: too few observations"
        elif eig[m, 0] < 1e-10:
            valid[m], note[m] = False, "not estimable: design matrix is rank deficient"
        elif sums.n_multi[m] == 0:
            valid[m], note[m] = False, "not estimable: no client observed more than once"
    return valid, note


class _ProfiledReml:
    """The profiled REML criterion ``d(θ)`` of every model, for a batch of ``θ`` values."""

    def __init__(self, sums: _ClusterSums, valid: NDArray[np.bool_]):
        self.sums = sums
        self.valid = valid
        resid_df = (sums.n_obs - sums.Xty.shape[1]).astype(float)
        self.safe_df = np.where(valid, resid_df, 1.0)
        self.eye = np.eye(sums.Xty.shape[1])

    def __call__(self, theta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """theta (M, K) → criterion (M, K), beta (M, K, p), Minv (M, K, p, p), rHr (M, K)."""
        s = self.sums
        sz, safe_df = s.sizes, self.safe_df
        lam = theta**2
        w = lam[..., None] / (1 + sz * lam[..., None])  # (M, K, S)
        Mm = s.XtX[:, None] - np.einsum("mks,msjl->mkjl", w, s.A)
        Mm = np.where(self.valid[:, None, None, None], Mm, self.eye)
        c = s.Xty[:, None] - np.einsum("mks,msj->mkj", w, s.B)
        yHy = s.yty[:, None] - np.einsum("mks,ms->mk", w, s.Q)
        logdetH = np.einsum("ms,mks->mk", s.C, np.log1p(sz * lam[..., None]))
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


def _minimise_theta(
    criterion: _ProfiledReml, M: int, theta_max: float
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """``θ`` minimising the criterion of each model (grid search, then golden section), and
    whether the grid minimum lay at ``theta_max``."""
    grid = np.r_[0.0, np.geomspace(1e-4, theta_max, 64)]
    crit_grid = criterion(np.broadcast_to(grid, (M, grid.size)).copy())[0]
    best = np.argmin(crit_grid, axis=1)
    lo = grid[np.maximum(best - 1, 0)]
    hi = grid[np.minimum(best + 1, grid.size - 1)]
    at_max = best == grid.size - 1
    # batched golden-section search on [lo, hi]
    invphi = (np.sqrt(5) - 1) / 2
    x1 = hi - invphi * (hi - lo)
    x2 = lo + invphi * (hi - lo)
    f1 = criterion(x1[:, None])[0][:, 0]
    f2 = criterion(x2[:, None])[0][:, 0]
    for _ in range(80):
        left = f1 < f2  # minimum in [lo, x2]
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        new_x1 = np.where(left, hi - invphi * (hi - lo), x2)
        new_x2 = np.where(left, x1, lo + invphi * (hi - lo))
        f_new = criterion(np.where(left, new_x1, new_x2)[:, None])[0][:, 0]
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
        x1, x2 = new_x1, new_x2
        if np.all(hi - lo <= 1e-12 * (1 + hi)):
            break
    theta = (lo + hi) / 2
    crit_t = criterion(theta[:, None])[0][:, 0]
    crit_0 = crit_grid[:, 0]
    # the boundary θ = 0 wins when it is as good as the interior point (within rounding of
    # the criterion) and the interior point is itself at lme4's singularity tolerance
    with np.errstate(invalid="ignore"):
        flat = (theta < 1e-4) & (crit_0 - crit_t <= 1e-9 * (1 + np.abs(crit_t)))
    return np.where((crit_0 <= crit_t) | flat, 0.0, theta), at_max

"""Reliability: Cronbach's alpha with its Feldt interval per domain and wave, for the
programme and each project, computed for all groups at once from item variances. Checked
against the covariance-matrix formula and ``psych::alpha`` (``raw_alpha``, ``feldt``) in R
(tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.outcomes.columns import (
    KEYS,
    NOTE_ALPHA_NEGATIVE,
    NOTE_ALPHA_UNDEFINED,
    RELIABILITY_COLUMNS,
)
from evaltool.indicators.outcomes.frames import (
    documented_frame,
    empty_table,
    notes,
    programme_first,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import Panel, build_panel, domain_names, project_labels
from evaltool.indicators.stats import cronbach_alpha_from_variances, feldt_ci, grouped_mean_sd


@dataclass
class AlphaArrays:
    """Cronbach's alpha per domain: programme (per wave) and project × wave arrays."""

    n_prog: dict[str, np.ndarray] = field(default_factory=dict)  # (W,)
    alpha_prog: dict[str, np.ndarray] = field(default_factory=dict)
    n_proj: dict[str, np.ndarray] = field(default_factory=dict)  # (P, W)
    alpha_proj: dict[str, np.ndarray] = field(default_factory=dict)
    k: dict[str, int] = field(default_factory=dict)


def _item_rows(items: pd.DataFrame, panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map item rows onto the panel: (row mask, wave index, client) of usable rows."""
    missing = [c for c in KEYS if c not in items.columns]
    if missing:
        raise UserError(f"items table lacks column(s): {', '.join(missing)}")
    pc = panel.projects.get_indexer(items["project"].astype(str))
    rc = panel.respondents.get_indexer(items["respondent"].astype(str))
    wv = pd.to_numeric(items["wave"], errors="coerce").to_numpy(float)
    wi = np.searchsorted(panel.waves, wv)
    wi_ok = (wi < panel.waves.size) & (panel.waves[np.minimum(wi, panel.waves.size - 1)] == wv)
    key = rc.astype(np.int64) * max(len(panel.projects), 1) + pc
    ci = np.searchsorted(panel.client_keys, key)
    ci_ok = (ci < panel.client_keys.size) & (
        panel.client_keys[np.minimum(ci, panel.client_keys.size - 1)] == key
    )
    ok = (pc >= 0) & (rc >= 0) & wi_ok & ci_ok
    wi = np.where(ok, wi, 0)
    ci = np.where(ok, ci, 0)
    ok &= panel.present[wi, ci]  # drops discarded responses
    # one row per client and wave: the last one
    cell = ci * panel.waves.size + wi
    dup = pd.Series(np.where(ok, cell, -1 - np.arange(cell.size))).duplicated(keep="last")
    ok &= ~dup.to_numpy()
    return ok, wi, ci


def alpha_arrays(
    items: pd.DataFrame | None, panel: Panel, domains: Mapping[str, Sequence[str]]
) -> AlphaArrays:
    """Cronbach's alpha of every domain with items, per wave for the programme and per project.

    Parameters
    ----------
    items : pandas.DataFrame or None
        Item values keyed by ``project``, ``wave`` and ``respondent``; rows of discarded or
        unknown responses are ignored, and of two rows for one client and wave the last is
        used. Raises :class:`~evaltool.errors.UserError` for missing key or item columns.
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    domains : mapping of str to sequence of str
        Each domain's item columns; domains without items are skipped.

    Returns
    -------
    AlphaArrays
        Per domain: ``n_prog`` and ``alpha_prog`` (one per wave), ``n_proj`` and
        ``alpha_proj`` (projects × waves), ``k`` items; empty without ``items``.

    Notes
    -----
    Complete cases per domain; α from
    :func:`evaltool.indicators.stats.cronbach_alpha_from_variances` with the item and item-sum
    variances of each group.
    """
    out = AlphaArrays()
    if items is None:
        return out
    ok, wi, ci = _item_rows(items, panel)
    W, P = panel.waves.size, panel.n_projects
    for d in panel.domains:
        cols = list(domains.get(d, [])) if isinstance(domains, Mapping) else []
        if not cols:
            continue
        lacking = [c for c in cols if c not in items.columns]
        if lacking:
            raise UserError(f"items table lacks item column(s) of {d}: {', '.join(lacking)}")
        x = items[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        rows = ok & np.isfinite(x).all(axis=1)
        x = x[rows]
        w = wi[rows]
        pw = panel.client_project[ci[rows]] * W + w
        k = len(cols)
        total = x.sum(axis=1)
        res = {}
        for name, g, G in (("prog", w, W), ("proj", pw, P * W)):
            n = np.bincount(g, minlength=G)
            item_var = np.zeros(G)
            for j in range(k):
                item_var += grouped_mean_sd(x[:, j], g, G)[2] ** 2
            tot_var = grouped_mean_sd(total, g, G)[2] ** 2
            res[name] = (n, np.asarray(cronbach_alpha_from_variances(k, item_var, tot_var)))
        out.n_prog[d], out.alpha_prog[d] = res["prog"]
        out.n_proj[d] = res["proj"][0].reshape(P, W)
        out.alpha_proj[d] = res["proj"][1].reshape(P, W)
        out.k[d] = k
    return out


def reliability_from_panel(panel: Panel, alphas: AlphaArrays, min_n: int) -> pd.DataFrame:
    """:func:`reliability` of a panel and its :func:`alpha_arrays`.

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    alphas : AlphaArrays
        The alphas of :func:`alpha_arrays`.
    min_n : int
        Rows resting on fewer clients are withheld.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RELIABILITY_COLUMNS`; see :func:`reliability`.
    """
    frames = []
    W = panel.waves.size
    labels = project_labels(panel)
    for d in panel.domains:
        if d not in alphas.k:
            continue
        k = alphas.k[d]
        for j, w in enumerate(panel.waves):
            n = np.r_[alphas.n_prog[d][j], alphas.n_proj[d][panel.selected, j]]
            alpha = np.r_[alphas.alpha_prog[d][j], alphas.alpha_proj[d][panel.selected, j]]
            lo, hi = feldt_ci(alpha, n, np.full(n.size, k))
            note = notes(
                n.size,
                ((n >= 2) & ~np.isfinite(alpha), NOTE_ALPHA_UNDEFINED),
                (np.isfinite(alpha) & (alpha < 0), NOTE_ALPHA_NEGATIVE),
            )
            frames.append(
                documented_frame(
                    RELIABILITY_COLUMNS,
                    {
                        "project": labels,
                        "domain": d,
                        "wave": w,
                        "n": n,
                        "k": k,
                        "alpha": alpha,
                        "ci_low": np.atleast_1d(lo),
                        "ci_high": np.atleast_1d(hi),
                        "note": note,
                    },
                )
            )
    if not frames or W == 0:
        return empty_table(RELIABILITY_COLUMNS)
    df = programme_first(pd.concat(frames, ignore_index=True))
    return withhold_rows(df, RELIABILITY_COLUMNS, df["n"].to_numpy() < min_n)


def reliability(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha per domain and wave (programme and projects) with the Feldt interval.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
        They say which responses count (non-discarded ones).
    items : pandas.DataFrame
        Item values (already reversed where the instrument reverses them) keyed by
        ``project``, ``wave`` and ``respondent``.
    domains : mapping of str to sequence of str
        Each domain's item columns in ``items``.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
        Here: fewer than ``min_n`` complete cases.
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RELIABILITY_COLUMNS`: ``project``, ``domain``, ``wave``, ``n``
        complete cases, ``k`` items, ``alpha``, ``ci_low``, ``ci_high`` (Feldt 95 %),
        ``note``, ``suppressed``.

    Notes
    -----
    Uses the item values of the non-discarded responses in ``scores``, complete cases per
    domain:

        α = k/(k − 1) · (1 − Σ s²_item / s²_sum)

    (Cronbach 1951), interval by Feldt (1965)
    (:func:`evaltool.indicators.stats.feldt_ci`); as ``psych::alpha`` (``raw_alpha``,
    ``feldt``) except that an item without variance still counts in ``k`` (psych drops it
    from α with a warning, although it stays in the score). When the item sum does not vary
    α is undefined (missing, with the note :data:`NOTE_ALPHA_UNDEFINED`); a negative α is
    shown with the note :data:`NOTE_ALPHA_NEGATIVE`. Withheld when fewer than ``min_n``
    complete cases: the row keeps its keys, ``n`` and ``k`` and has ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3):297–334.

    Feldt, L. S. (1965). The approximate sampling distribution of Kuder–Richardson
    reliability coefficient twenty. Psychometrika 30(3):357–370.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> items = scores[["project", "wave", "respondent"]].assign(
    ...     i1=[2, 3, 4, 1, 3, 2, 3, 4, 3, 3, 4, 3],
    ...     i2=[2, 3, 3, 2, 3, 3, 3, 3, 4, 2, 4, 3],
    ...     i3=[1, 3, 4, 1, 2, 2, 3, 4, 4, 3, 3, 3],
    ... )
    >>> from evaltool.indicators.outcomes import reliability
    >>> # In R: psych::alpha(x[complete.cases(x), ], check.keys = FALSE)$feldt
    >>> t = reliability(scores, items, {"qol": ["i1", "i2", "i3"]})
    >>> t[["project", "wave", "n", "k", "alpha", "ci_low", "ci_high"]].round(4)
      project  wave  n  k  alpha  ci_low  ci_high
    0    None     1  6  3  0.885  0.5129   0.9826
    1    None     2  6  3  0.566 -0.8383   0.9344
    2       A     1  6  3  0.885  0.5129   0.9826
    3       A     2  6  3  0.566 -0.8383   0.9344
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    return reliability_from_panel(panel, alpha_arrays(items, panel, domains), min_n)

"""Reliability: Cronbach's alpha per domain and wave, for the programme and each project."""

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
    key = pc.astype(np.int64) * max(len(panel.respondents), 1) + rc
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
    """Cronbach's alpha of every domain of ``domains`` (domain → item columns) with items in
    ``items``, per wave for the programme and per project and wave; empty without items."""
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
    """:func:`reliability` of a panel and its :func:`alpha_arrays`."""
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

    Uses the item values of the non-discarded responses in ``scores``, complete cases per
    domain: ``α = k/(k − 1) · (1 − Σ s²_item / s²_sum)`` (Cronbach 1951), interval by Feldt
    (1965); as ``psych::alpha`` (``raw_alpha``, ``feldt``) except that an item without
    variance still counts in ``k`` (psych drops it from α with a warning, although it stays
    in the score). When the item sum does not vary α is undefined (missing, with a
    ``note``); a negative α is shown with a note. Withheld when fewer than ``min_n``
    complete cases. Columns: :data:`RELIABILITY_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    return reliability_from_panel(panel, alpha_arrays(items, panel, domains), min_n)

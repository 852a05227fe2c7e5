"""Project vs programme: each project's change adjusted for baseline (ANCOVA)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.columns import BENCHMARK_COLUMNS
from evaltool.indicators.outcomes.frames import (
    documented_frame,
    empty_table,
    programme_first,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import (
    Panel,
    build_panel,
    domain_names,
    project_labels,
    resolve_waves,
)
from evaltool.indicators.stats import AncovaResult, ancova_effects, grouped_mean_sd


def _fit_note(res: AncovaResult, n_clients: int) -> str | None:
    """Why the ANCOVA figures of a domain are missing (None when they are not)."""
    if n_clients == 0:
        return None
    if res.df <= 0:
        return "ANCOVA not defined: too few clients"
    if not np.isfinite(res.slope):
        return "ANCOVA not defined: baseline scores do not vary within projects"
    return None


def benchmark_from_panel(panel: Panel, from_wave: int, to_wave: int, min_n: int) -> pd.DataFrame:
    """:func:`project_benchmark` of a panel (``from_wave < 0``: fewer than two waves)."""
    if from_wave < 0 or not panel.domains:
        return empty_table(BENCHMARK_COLUMNS)
    i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
    P = panel.n_projects
    labels = project_labels(panel)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[i_from]) & np.isfinite(s[i_to])
        score_from, score_to = s[i_from][both], s[i_to][both]
        cp = panel.client_project[both]
        n_proj = np.bincount(cp, minlength=P)
        eligible = n_proj >= min_n
        use = eligible[cp]
        n_all, m_from, _ = grouped_mean_sd(score_from, cp, P)
        _, m_to, _ = grouped_mean_sd(score_to, cp, P)
        res = ancova_effects(score_to[use], score_from[use], cp[use], P)
        sel = panel.selected
        prog_n = int(use.sum())
        n_fitted = int(eligible.sum())
        fit_note = _fit_note(res, prog_n)
        row_note = np.full(len(sel) + 1, fit_note, dtype=object)
        if fit_note is None and n_fitted == 1:
            row_note[1:] = "no comparison: only one project has enough clients"
        data = {
            "project": labels,
            "domain": d,
            "from_wave": from_wave,
            "to_wave": to_wave,
            "n": np.r_[prog_n, n_all[sel]],
            "mean_from": np.r_[score_from[use].mean() if prog_n else np.nan, m_from[sel]],
            "mean_to": np.r_[score_to[use].mean() if prog_n else np.nan, m_to[sel]],
            "baseline_ref": res.x0,
            "adjusted_change": np.r_[res.reference, res.adjusted[sel]] - res.x0,
            "adjusted_se": np.r_[res.reference_se, res.adjusted_se[sel]],
            "adjusted_ci_low": np.r_[res.reference_ci_low, res.adjusted_ci_low[sel]] - res.x0,
            "adjusted_ci_high": np.r_[res.reference_ci_high, res.adjusted_ci_high[sel]] - res.x0,
            "effect": np.r_[np.nan, res.effect[sel]],
            "effect_se": np.r_[np.nan, res.effect_se[sel]],
            "effect_ci_low": np.r_[np.nan, res.effect_ci_low[sel]],
            "effect_ci_high": np.r_[np.nan, res.effect_ci_high[sel]],
            "effect_t": np.r_[np.nan, res.effect_t[sel]],
            "effect_p": np.r_[np.nan, res.effect_p[sel]],
            "df": res.df if fit_note is None else np.nan,
            "baseline_slope": res.slope,
            "note": row_note,
        }
        frame = documented_frame(BENCHMARK_COLUMNS, data)
        frame["_withhold"] = np.r_[prog_n < min_n, ~eligible[sel]]
        frames.append(frame)
    df = programme_first(pd.concat(frames, ignore_index=True))
    return withhold_rows(df, BENCHMARK_COLUMNS, df["_withhold"].to_numpy(bool))


def project_benchmark(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each project's change adjusted for baseline, compared with the programme (ANCOVA).

    Fits ``to ~ from + project`` by least squares on the paired clients of all projects with
    at least ``min_n`` paired clients (others are withheld and left out of the fit). Reports,
    per project, the *adjusted change* — the expected ``to`` score of a client starting at the
    programme's mean baseline ``baseline_ref`` minus that baseline — with SE and 95 %
    interval, and the *effect* under sum-to-zero (deviation) coding: the project's adjusted
    change minus the unweighted mean of all fitted projects' adjusted changes (the programme
    row's ``adjusted_change``), with SE, interval, t and p (``df`` residual degrees of
    freedom). Effects near 0 mean "like the programme"; this is the forest-plot data.
    Formulas in :func:`evaltool.indicators.stats.ancova_effects`; as R's
    ``lm(to ~ from + project, contrasts = list(project = "contr.sum"))``.
    Columns: :data:`BENCHMARK_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    return benchmark_from_panel(panel, *resolve_waves(panel, from_wave, to_wave), min_n)

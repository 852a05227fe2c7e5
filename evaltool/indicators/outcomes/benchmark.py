"""Project vs programme: each project's change adjusted for baseline (ANCOVA of the follow-up
score on the baseline score and the project, deviation coding), the data of the forest
plot. Checked against R's ``lm(post ~ pre + project, contrasts = list(project =
"contr.sum"))`` with ``vcov`` (tests/r/outcomes.R).
"""

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
    """:func:`project_benchmark` of a panel (``from_wave < 0``: fewer than two waves).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.
        Projects with fewer paired clients are withheld and left out of the fit.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BENCHMARK_COLUMNS`; see :func:`project_benchmark`.
    """
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

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    domains : mapping of str to sequence of str, or sequence of str
        The domains (score columns of ``scores``); a mapping also gives each domain's items.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
        Projects with fewer paired clients are withheld and left out of the fit.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BENCHMARK_COLUMNS`: keys; ``n`` paired clients; ``mean_from``,
        ``mean_to``; ``baseline_ref`` (``x₀``); ``adjusted_change`` with ``adjusted_se``,
        ``adjusted_ci_low``, ``adjusted_ci_high``; ``effect`` with ``effect_se``,
        ``effect_ci_low``, ``effect_ci_high``, ``effect_t``, ``effect_p`` (missing on the
        programme row); ``df``; ``baseline_slope``; ``note``; ``suppressed``.

    Notes
    -----
    Fits ``to ~ from + project`` by least squares on the paired clients of all projects with
    at least ``min_n`` paired clients (others are withheld and left out of the fit: they keep
    their keys and ``n`` and have ``suppressed = True``). Reports, per project, the *adjusted
    change* — the expected ``to`` score of a client starting at the programme's mean baseline
    ``baseline_ref`` minus that baseline,

        adjusted_change_g = ȳ_g − β (x̄_g − x₀) − x₀

    — with SE and 95 % interval, and the *effect* under sum-to-zero (deviation) coding: the
    project's adjusted change minus the unweighted mean of all fitted projects' adjusted
    changes (the programme row's ``adjusted_change``), with SE, interval, t and p (``df``
    residual degrees of freedom, ``N − G − 1``). Effects near 0 mean "like the programme";
    this is the forest-plot data. Formulas in :func:`evaltool.indicators.stats.ancova_effects`;
    as R's ``lm(to ~ from + project, contrasts = list(project = "contr.sum"))``.

    ``note`` says why the ANCOVA figures are missing when they are ("ANCOVA not defined: too
    few clients", "ANCOVA not defined: baseline scores do not vary within projects"), and
    "no comparison: only one project has enough clients" on project rows when only one
    project is fitted.

    Tested against R (tests/r/outcomes.R).

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.outcomes import project_benchmark
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 10 + ["B"] * 10,
    ...     "wave": [1, 2] * 10,
    ...     "respondent": [f"r{i // 2}" for i in range(20)],
    ...     "qol": [40, 50, 55, 60, 60, 58, 35, 50, 50, 62,
    ...             45, 55, 52, 60, 48, 47, 58, 66, 41, 50.0],
    ... })
    >>> # In R: lm(post ~ pre + project, contrasts = list(project = "contr.sum"))
    >>> t = project_benchmark(scores, ["qol"])
    >>> t[["project", "n", "adjusted_change", "effect", "effect_p"]].round(4)
      project   n  adjusted_change  effect  effect_p
    0    None  10           7.4000     NaN       NaN
    1       A   5           7.8348  0.4348    0.7784
    2       B   5           6.9652 -0.4348    0.7784
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    return benchmark_from_panel(panel, *resolve_waves(panel, from_wave, to_wave), min_n)

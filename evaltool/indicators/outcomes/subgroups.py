"""Whom it helped: paired change within subgroups by baseline level (a cut-off or the lowest
third) and by background variables, for the programme and each project. Checked against
R's ``t.test(paired = TRUE)``, ``wilcox.test`` and ``quantile(type = 7)``
(tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.change import change_stats
from evaltool.indicators.outcomes.columns import SUBGROUP_COLUMNS
from evaltool.indicators.outcomes.frames import (
    concat_stats,
    documented_frame,
    empty_table,
    programme_first,
    take,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import (
    Panel,
    build_panel,
    domain_names,
    project_labels,
    resolve_waves,
)
from evaltool.indicators.suppression import protect


def _variables(
    panel: Panel,
    d: str,
    both: np.ndarray,
    i_from: int,
    i_to: int,
    cutoffs: Mapping[str, float] | None,
) -> list[tuple[str, np.ndarray, list[str], float]]:
    """The subgroup variables of domain ``d`` for the paired clients ``both``: ``(variable,
    level code per client, level names, threshold)``; the baseline level first, then the
    background columns (``from_wave`` answer, else the ``to_wave`` one; −1 when neither)."""
    score_from = panel.score[d][i_from][both]
    if cutoffs is not None and d in cutoffs:
        threshold = float(cutoffs[d])
        level = np.where(score_from < threshold, 0, 1)
        names = ["below cut-off", "at or above cut-off"]
    else:
        threshold = float(np.quantile(score_from, 1 / 3))
        level = np.where(score_from <= threshold, 0, 1)
        names = ["lowest third", "upper two thirds"]
    variables = [("baseline", level, names, threshold)]
    for col, (codes, levels) in panel.background.items():
        c = codes[i_from][both]
        c = np.where(c >= 0, c, codes[i_to][both])
        variables.append((col, c, [str(x) for x in levels], np.nan))
    return variables


def subgroups_from_panel(
    panel: Panel,
    from_wave: int,
    to_wave: int,
    min_n: int,
    cutoffs: Mapping[str, float] | None,
    release: bool = False,
) -> pd.DataFrame:
    """:func:`subgroups` of a panel (``from_wave < 0``: fewer than two waves).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
        Its ``background`` columns are the background variables.
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.
    cutoffs : mapping of str to float or None
        A baseline cut-off per domain (see :func:`subgroups`).
    release : bool, default False
        The tables are released together (the reports): a project's group is withheld when
        it is small or would give a small group away (:func:`~evaltool.indicators.
        suppression.protect` within the project, domain and variable), and the programme
        rows rest only on the clients of project groups that are shown.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUBGROUP_COLUMNS`; see :func:`subgroups`.
    """
    if from_wave < 0 or not panel.domains:
        return empty_table(SUBGROUP_COLUMNS)
    i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
    P = panel.n_projects
    labels = project_labels(panel)
    frames = []
    withheld: set[tuple] = set()
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[i_from]) & np.isfinite(s[i_to])
        if not both.any():
            continue
        score_from, score_to = s[i_from][both], s[i_to][both]
        cp = panel.client_project[both]
        for var, lvl, names, thr in _variables(panel, d, both, i_from, i_to, cutoffs):
            L = len(names)
            if L == 0:
                continue
            ok = lvl >= 0
            proj = change_stats(cp[ok] * L + lvl[ok], P * L, score_from[ok], score_to[ok])
            prog_ok = ok
            if release:
                cells = np.bincount(cp[ok] * L + lvl[ok], minlength=P * L)
                hidden = protect(cells, min_n, groups=np.repeat(np.arange(P), L))
                withheld.update(
                    (str(panel.projects[p]), d, var, names[j])
                    for p, j in zip(*np.nonzero(hidden.reshape(P, L)), strict=True)
                )
                prog_ok = ok & ~hidden[np.where(ok, cp * L + lvl, 0)]
            stats = change_stats(lvl[prog_ok], L, score_from[prog_ok], score_to[prog_ok])
            idx = (panel.selected[:, None] * L + np.arange(L)[None, :]).ravel()
            data = concat_stats([stats, take(proj, idx)])
            data.update(
                project=[labels[0]] * L + [p for p in labels[1:] for _ in range(L)],
                domain=d,
                from_wave=from_wave,
                to_wave=to_wave,
                variable=var,
                level=names * len(labels),
                threshold=thr,
            )
            frames.append(documented_frame(SUBGROUP_COLUMNS, data))
    if not frames:
        return empty_table(SUBGROUP_COLUMNS)
    df = programme_first(pd.concat(frames, ignore_index=True))
    hide = df["n"].to_numpy() < min_n
    if withheld:
        keys = zip(df["project"], df["domain"], df["variable"], df["level"], strict=True)
        hide |= np.fromiter(
            ((p is not None and (str(p), d, v, lv) in withheld) for p, d, v, lv in keys),
            dtype=bool,
            count=len(df),
        )
    return withhold_rows(df, SUBGROUP_COLUMNS, hide)


def subgroups(
    scores: pd.DataFrame,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
    cutoffs: Mapping[str, float] | None = None,
    background: Sequence[str] = ("gender", "age_group", "service_type"),
) -> pd.DataFrame:
    """Paired change within subgroups: by baseline level and by background variables.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
        With the ``background`` columns.
    domains : mapping of str to sequence of str, or sequence of str
        The domains (score columns of ``scores``); a mapping also gives each domain's items.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.
    cutoffs : mapping of str to float, optional
        A cut-off per domain (e.g. a clinical cut-off given with the instrument); domains
        without one are split at the lowest third.
    background : sequence of str, default ("gender", "age_group", "service_type")
        Background columns of ``scores`` to form subgroups by (those present).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUBGROUP_COLUMNS`: keys, ``variable`` (``baseline`` or a background
        column), ``level``, ``threshold`` (the baseline cut point, NaN for background
        variables), ``n`` and the paired-change statistics of :func:`paired_change` (without
        Holm and RCI), ``note``, ``suppressed``.

    Notes
    -----
    Baseline level: with a cut-off for the domain in ``cutoffs``, ``below cut-off``
    (``from < cut-off``) vs ``at or above cut-off``; otherwise ``lowest third`` (``from ≤``
    the programme's 1/3 quantile of the baseline scores of the paired clients, R
    ``quantile(type = 7)``, given in ``threshold``) vs ``upper two thirds``. Project rows use
    the programme's cut point. Note that a low start is expected to rise partly by regression
    to the mean. Background variables (those of ``background`` present in ``scores``) are
    taken from the ``from_wave`` response, or from the ``to_wave`` response when missing
    there; clients without a value are left out. Statistics as in :func:`paired_change`
    (without Holm and RCI); rows with fewer than ``min_n`` clients are withheld: they keep
    their keys and ``n`` and have ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. The American
    Statistician 50(4):361–365 (definition 7, the quantile used for the lowest third).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> from evaltool.indicators.outcomes import subgroups
    >>> # In R: thr <- quantile(from, 1/3, type = 7); t.test(to[from <= thr], from[from <= thr],
    >>> #   paired = TRUE)
    >>> t = subgroups(scores, ["qol"], min_n=2)
    >>> t[["project", "variable", "level", "threshold", "n", "mean_diff"]].round(4)
      project  variable             level  threshold  n  mean_diff
    0    None  baseline      lowest third    43.3333  2      12.50
    1    None  baseline  upper two thirds    43.3333  4       6.25
    2       A  baseline      lowest third    43.3333  2      12.50
    3       A  baseline  upper two thirds    43.3333  4       6.25
    """
    panel = build_panel(scores, domain_names(domains), background=background, projects=projects)
    return subgroups_from_panel(panel, *resolve_waves(panel, from_wave, to_wave), min_n, cutoffs)

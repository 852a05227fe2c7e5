"""EUROHIS-QOL 8: the share of clients with good quality of life per wave (Wilson interval)
and its change between two waves (McNemar's test), for the programme and each project.
Checked against R's ``prop.test(k, n, correct = FALSE)`` and ``mcnemar.test``
(tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.columns import EUROHIS_COLUMNS, NOTE_MCNEMAR
from evaltool.indicators.outcomes.frames import (
    documented_frame,
    empty_table,
    notes,
    programme_first,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import Panel, build_panel, project_labels, resolve_waves
from evaltool.indicators.stats import mcnemar_test, proportion_ci


def good_qol_from_panel(
    panel: Panel,
    column: str,
    threshold: float,
    from_wave: int,
    to_wave: int,
    min_n: int,
    release: bool = False,
) -> pd.DataFrame:
    """:func:`good_qol` of a panel (``from_wave < 0``: no change rows).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
        It must hold ``column`` among its ``extra`` arrays.
    column : str
        The instrument-scale score (e.g. ``index_raw``); the ``domain`` of the rows is its
        name without ``_raw``.
    threshold : float
        Good quality of life: ``column ≥ threshold`` (up to 1e-9).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.
    release : bool, default False
        The programme rows rest only on the projects whose own count is shown: a wave's
        counts on the projects with ``n ≥ min_n`` whose good and not-good counts are both 0
        or at least ``min_n``; the change row on the projects with ``n ≥ min_n`` followed up.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EUROHIS_COLUMNS`; see :func:`good_qol`.
    """
    W = panel.waves.size
    if W == 0:
        return empty_table(EUROHIS_COLUMNS)
    x = panel.extra[column]
    domain = column[: -len("_raw")] if column.endswith("_raw") else column
    scored = np.isfinite(x)
    good = scored & (x >= threshold - 1e-9)
    labels = project_labels(panel)
    P = panel.n_projects
    sel = panel.selected
    cp = panel.client_project

    def count(mask: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
        """Programme count (of the projects ``keep``) and the selected projects' counts."""
        per = np.bincount(cp[mask], minlength=P)
        prog = mask.sum() if keep is None else per[keep].sum()
        return np.r_[prog, per[sel]]

    def shown(n_p: np.ndarray, k_p: np.ndarray) -> np.ndarray | None:
        """The projects whose yes/no counts a report shows (release only)."""
        if not release:
            return None
        ok_k = (k_p == 0) | (k_p >= min_n)
        ok_rest = (n_p - k_p == 0) | (n_p - k_p >= min_n)
        return (n_p >= min_n) & ok_k & ok_rest

    frames = []
    for j, w in enumerate(panel.waves):
        keep = shown(np.bincount(cp[scored[j]], minlength=P), np.bincount(cp[good[j]], minlength=P))
        n, k = count(scored[j], keep), count(good[j], keep)
        ci = proportion_ci(k, n)
        frames.append(
            documented_frame(
                EUROHIS_COLUMNS,
                {
                    "project": labels,
                    "domain": domain,
                    "kind": "wave",
                    "wave": w,
                    "threshold": threshold,
                    "n": n,
                    "n_good": k,
                    "share": np.atleast_1d(ci.estimate),
                    "ci_low": np.atleast_1d(ci.ci_low),
                    "ci_high": np.atleast_1d(ci.ci_high),
                },
            )
        )
    if from_wave >= 0:
        i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
        both = scored[i_from] & scored[i_to]
        good_from, good_to = good[i_from] & both, good[i_to] & both
        keep = None
        if release:
            keep = np.bincount(cp[both], minlength=P) >= min_n
        became_not = count(good_from & ~good_to, keep)
        became_good = count(~good_from & good_to & both, keep)
        mc = mcnemar_test(became_not, became_good)
        n_both = count(both, keep)
        note = notes(
            n_both.size,
            ((n_both > 0) & (became_good + became_not == 0), NOTE_MCNEMAR),
        )
        frames.append(
            documented_frame(
                EUROHIS_COLUMNS,
                {
                    "project": labels,
                    "domain": domain,
                    "kind": "change",
                    "from_wave": from_wave,
                    "to_wave": to_wave,
                    "threshold": threshold,
                    "n": n_both,
                    "n_good_from": count(good_from, keep),
                    "n_good_to": count(good_to, keep),
                    "n_became_good": became_good,
                    "n_became_not_good": became_not,
                    "statistic": np.atleast_1d(mc.statistic),
                    "p": np.atleast_1d(mc.p),
                    "note": note,
                },
            )
        )
    df = programme_first(pd.concat(frames, ignore_index=True))
    # counts of good responses are statistics too: withhold them with the share
    return withhold_rows(df, EUROHIS_COLUMNS, df["n"].to_numpy() < min_n)


def good_qol(
    scores: pd.DataFrame,
    column: str = "index_raw",
    threshold: float = 4.0,
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of clients with "good quality of life" (``column ≥ threshold``) and its change.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    column : str, default "index_raw"
        The instrument-scale score compared with ``threshold``.
    threshold : float, default 4.0
        Good quality of life: ``column ≥ threshold`` (up to 1e-9).
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
        They define the ``change`` rows.
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EUROHIS_COLUMNS`. ``kind="wave"`` rows: ``wave``, ``n`` scored
        clients, ``n_good``, ``share``, ``ci_low``, ``ci_high``. ``kind="change"`` rows:
        ``from_wave``, ``to_wave``, ``n`` clients scored at both, ``n_good_from``,
        ``n_good_to``, ``n_became_good``, ``n_became_not_good``, ``statistic`` and ``p`` of
        McNemar's test. Both with ``threshold``, ``note`` and ``suppressed``.

    Notes
    -----
    For EUROHIS-QOL 8 the THL indicator counts a mean of the eight items of at least 4 as
    good quality of life (``column="index_raw"``, ``threshold=4``). Rows ``kind="wave"``: per
    wave the share among scored clients with the Wilson score 95 % interval without
    continuity correction (Wilson 1927; R ``prop.test(k, n, correct = FALSE)``). Rows
    ``kind="change"``: on clients scored at both compared waves, the counts good at each
    wave, the discordant counts and McNemar's test with continuity correction (McNemar 1947;
    R ``mcnemar.test``):

        χ² = (|b − c| − 1)² / (b + c),  b = became not good, c = became good

    ``note`` says why the test is missing when it is (nobody changed category,
    :data:`NOTE_MCNEMAR`). Withheld (with the good counts, which are statistics too) when
    ``n < min_n``: the row keeps its keys and ``n`` and has ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Schmidt, S., Mühlan, H., & Power, M. (2006). The EUROHIS-QOL 8-item index: psychometric
    results of a cross-cultural field study. European Journal of Public Health
    16(4):420–428.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. Journal of the American Statistical Association 22(158):209–212.

    McNemar, Q. (1947). Note on the sampling error of the difference between correlated
    proportions or percentages. Psychometrika 12(2):153–157.

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.outcomes import good_qol
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "index_raw": [3.5, 4.0, 2.9, 3.8, 4.4, 3.1, 4.1, 4.25, 3.4, 4.0, 4.5, 3.9],
    ... })
    >>> # In R: prop.test(k, n, correct = FALSE)$conf.int; mcnemar.test(table(good1, good2))
    >>> t = good_qol(scores)
    >>> t.loc[t["kind"] == "wave", ["project", "wave", "n", "n_good", "share", "ci_low"]].round(4)
      project  wave  n  n_good   share  ci_low
    0    None     1  6       2  0.3333  0.0968
    1    None     2  6       4  0.6667  0.3000
    3       A     1  6       2  0.3333  0.0968
    4       A     2  6       4  0.6667  0.3000
    """
    panel = build_panel(scores, [], extra=[column], projects=projects)
    waves = resolve_waves(panel, from_wave, to_wave)
    return good_qol_from_panel(panel, column, threshold, *waves, min_n)

"""EUROHIS-QOL 8: the share of clients with good quality of life and its change (McNemar)."""

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
    panel: Panel, column: str, threshold: float, from_wave: int, to_wave: int, min_n: int
) -> pd.DataFrame:
    """:func:`good_qol` of a panel (``from_wave < 0``: no change rows)."""
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

    def count(mask: np.ndarray) -> np.ndarray:
        """Programme count followed by the selected projects' counts."""
        return np.r_[mask.sum(), np.bincount(cp[mask], minlength=P)[sel]]

    frames = []
    for j, w in enumerate(panel.waves):
        n, k = count(scored[j]), count(good[j])
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
        became_not = count(good_from & ~good_to)
        became_good = count(~good_from & good_to & both)
        mc = mcnemar_test(became_not, became_good)
        n_both = count(both)
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
                    "n_good_from": count(good_from),
                    "n_good_to": count(good_to),
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

    For EUROHIS-QOL 8 the THL indicator counts a mean of the eight items of at least 4 as
    good quality of life (``column="index_raw"``, ``threshold=4``). Rows ``kind="wave"``: per
    wave the share among scored clients with the Wilson score 95 % interval without
    continuity correction (Wilson 1927; R ``prop.test(k, n, correct = FALSE)``). Rows
    ``kind="change"``: on clients scored at both compared waves, the counts good at each
    wave, the discordant counts and McNemar's test with continuity correction (McNemar 1947;
    R ``mcnemar.test``). Withheld (with the good counts) when ``n < min_n``.
    Columns: :data:`EUROHIS_COLUMNS`.

    Tested against R (tests/r/outcomes.R).
    """
    panel = build_panel(scores, [], extra=[column], projects=projects)
    waves = resolve_waves(panel, from_wave, to_wave)
    return good_qol_from_panel(panel, column, threshold, *waves, min_n)

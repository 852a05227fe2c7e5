"""All outcome tables of one instrument from one panel: the scores are read into arrays once
and shared by every table. Each table is checked against R in its own module
(tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from evaltool.indicators.outcomes.benchmark import benchmark_from_panel
from evaltool.indicators.outcomes.change import paired_from_panel
from evaltool.indicators.outcomes.columns import EUROHIS_COLUMNS
from evaltool.indicators.outcomes.eurohis import good_qol_from_panel
from evaltool.indicators.outcomes.frames import empty_table
from evaltool.indicators.outcomes.linkage import attrition_from_panel, linkage_from_panel
from evaltool.indicators.outcomes.mixed import mixed_from_panel
from evaltool.indicators.outcomes.panel import build_panel, domain_names, resolve_waves
from evaltool.indicators.outcomes.reliability import alpha_arrays, reliability_from_panel
from evaltool.indicators.outcomes.subgroups import subgroups_from_panel

#: The tables of :func:`outcome_tables` (and of ``workspace_outcomes``), in output order.
TABLE_KEYS = (
    "linkage",
    "attrition",
    "paired",
    "reliability",
    "mixed",
    "subgroups",
    "benchmark",
    "eurohis",
)


def outcome_tables(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
    cutoffs: Mapping[str, float] | None = None,
    good_threshold: tuple[str, float] | None = None,
    background: Sequence[str] = ("gender", "age_group", "service_type"),
    mixed_per_project: bool = True,
    release: bool = False,
) -> dict[str, pd.DataFrame]:
    """All outcome tables of one instrument.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    items : pandas.DataFrame or None
        Item values (already reversed where the instrument reverses them) keyed by
        ``project``, ``wave`` and ``respondent``; None without item values.
        Needed for ``reliability`` and the reliable-change counts.
    domains : mapping of str to sequence of str
        Each domain's item columns in ``items``.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.
    cutoffs : mapping of str to float, optional
        Baseline cut-offs per domain for :func:`subgroups`.
    good_threshold : tuple of (str, float), optional
        Column and threshold of :func:`good_qol`, e.g. ``("index_raw", 4.0)``; without it the
        ``eurohis`` table is empty.
    background : sequence of str, default ("gender", "age_group", "service_type")
        Background columns for :func:`subgroups`.
    mixed_per_project : bool, default True
        Fit the mixed models per project too (see below).
    release : bool, default False
        The tables are released together (the reports): programme rows of ``paired``,
        ``attrition``, ``subgroups`` and ``eurohis`` rest only on the project cells that
        are shown, so that no withheld project figure follows from the programme minus the
        other projects (:mod:`evaltool.indicators.suppression`, "one release").

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by :data:`TABLE_KEYS`: ``linkage`` (:func:`linkage`), ``attrition``
        (:func:`attrition`), ``paired`` (:func:`paired_change`, with reliable-change counts),
        ``reliability`` (:func:`reliability`; empty without ``items``), ``mixed``
        (:func:`mixed_models`; empty with fewer than three waves), ``subgroups``
        (:func:`subgroups`), ``benchmark`` (:func:`project_benchmark`) and ``eurohis``
        (:func:`good_qol` when ``good_threshold`` is given; else empty). Every table has its
        documented columns (``*_COLUMNS``) even when empty.

    Notes
    -----
    The scores are read into arrays once and shared. Per-project mixed models are fitted for
    every project (in ``projects``) whose waves all have ``min_n`` scored clients: the
    closed-form REML engine fits the programme and all projects in one batched pass (500
    projects × 4 domains in about a second), so no project is left out for speed;
    ``mixed_per_project=False`` fits the programme models only. Formulas, references and the
    withholding rule of each table are in its function.

    Tested against R (tests/r/outcomes.R).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> from evaltool.indicators.outcomes import outcome_tables
    >>> tables = outcome_tables(scores, None, {"qol": []})
    >>> [key for key, table in tables.items() if table.empty]
    ['reliability', 'mixed', 'eurohis']
    >>> tables["paired"][["project", "domain", "n", "mean_diff", "p"]].round(4)
      project domain  n  mean_diff       p
    0    None    qol  6     8.3333  0.0195
    1       A    qol  6     8.3333  0.0195
    """
    dnames = domain_names(domains)
    extra = [good_threshold[0]] if good_threshold is not None else []
    panel = build_panel(scores, dnames, extra=extra, background=background, projects=projects)
    waves = resolve_waves(panel, from_wave, to_wave)
    alphas = alpha_arrays(items, panel, domains)
    if good_threshold is None:
        eurohis = empty_table(EUROHIS_COLUMNS)
    else:
        column, threshold = good_threshold[0], float(good_threshold[1])
        eurohis = good_qol_from_panel(panel, column, threshold, *waves, min_n, release=release)
    return {
        "linkage": linkage_from_panel(panel, *waves, min_n),
        "attrition": attrition_from_panel(panel, *waves, min_n, release=release),
        "paired": paired_from_panel(panel, alphas, *waves, min_n, release=release),
        "reliability": reliability_from_panel(panel, alphas, min_n),
        "mixed": mixed_from_panel(panel, min_n, per_project=mixed_per_project),
        "subgroups": subgroups_from_panel(panel, *waves, min_n, cutoffs, release=release),
        "benchmark": benchmark_from_panel(panel, *waves, min_n),
        "eurohis": eurohis,
    }

"""All outcome tables of one instrument from one panel."""

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
) -> dict[str, pd.DataFrame]:
    """All outcome tables of one instrument.

    Returns a dict with ``linkage`` (:func:`linkage`), ``attrition`` (:func:`attrition`),
    ``paired`` (:func:`paired_change`, with reliable-change counts), ``reliability``
    (:func:`reliability`; empty without ``items``), ``mixed`` (:func:`mixed_models`; empty
    with fewer than three waves), ``subgroups`` (:func:`subgroups`), ``benchmark``
    (:func:`project_benchmark`) and ``eurohis`` (:func:`good_qol` when ``good_threshold``,
    e.g. ``("index_raw", 4.0)``, is given; else empty). Every table has its documented
    columns even when empty. The scores are read into arrays once and shared.

    Per-project mixed models are fitted for every project (in ``projects``) whose waves all
    have ``min_n`` scored clients: the closed-form REML engine fits the programme and all
    projects in one batched pass (500 projects × 4 domains in about a second), so no project
    is left out for speed; ``mixed_per_project=False`` fits the programme models only.

    Tested against R (tests/r/outcomes.R).
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
        eurohis = good_qol_from_panel(panel, column, threshold, *waves, min_n)
    return {
        "linkage": linkage_from_panel(panel, *waves, min_n),
        "attrition": attrition_from_panel(panel, *waves, min_n),
        "paired": paired_from_panel(panel, alphas, *waves, min_n),
        "reliability": reliability_from_panel(panel, alphas, min_n),
        "mixed": mixed_from_panel(panel, min_n, per_project=mixed_per_project),
        "subgroups": subgroups_from_panel(panel, *waves, min_n, cutoffs),
        "benchmark": benchmark_from_panel(panel, *waves, min_n),
        "eurohis": eurohis,
    }

"""The ESF tables of the reports: common indicators, success rates and the quality-of-life
join, read once from the workspace (:func:`evaltool.indicators.esf.tables.workspace_indicators`,
the path the command line shares). Aggregates only: no participant-level row leaves here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaltool.indicators.esf.definitions import Indicator, indicators


@dataclass
class EsfData:
    """The ESF tables of one workspace, projects by report key (None: the programme).

    ``indicators``, ``success_rates``, ``join`` and ``join_linkage`` are the tables of
    :func:`~evaltool.indicators.esf.tables.workspace_indicators` (cumulative figures).
    """

    indicators: pd.DataFrame
    success_rates: pd.DataFrame
    join: pd.DataFrame
    join_linkage: pd.DataFrame

    @property
    def definitions(self) -> dict[str, Indicator]:
        """Indicator code → its definition."""
        return {i.code: i for i in indicators()}


def esf_data(ws, label_to_key: dict[str, str] | None = None, min_n: int | None = None):
    """The :class:`EsfData` of ``ws``, or None when it holds no participant records.

    Parameters
    ----------
    ws : Workspace
    label_to_key : dict, optional
        The reports' project label → key (the keys of the ESF tables are the same: the
        register code where the project is registered).
    min_n : int, optional
        Smallest group shown (default: the workspace setting).

    Returns
    -------
    EsfData or None
    """
    from evaltool.indicators.esf.tables import workspace_indicators

    if ws.participant_count() == 0:
        return None
    tables = workspace_indicators(ws, min_n=min_n)
    return EsfData(
        **{k: tables[k] for k in ("indicators", "success_rates", "join", "join_linkage")}
    )

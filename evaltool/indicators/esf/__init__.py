"""ESF common indicators for participants and their join with the clients' quality of life.

:mod:`.definitions` (the indicators as data: ``reports/esf-indicators.toml``),
:mod:`.compute` (counts by gender per reporting period, targets, success rates),
:mod:`.join` (quality-of-life change by status at entry and on leaving, checked against R in
tests/r/esf_join.R) and :mod:`.tables` (the one path from a workspace to these tables).
"""

from evaltool.indicators.esf.compute import INDICATOR_COLUMNS, indicator_table, success_rates
from evaltool.indicators.esf.definitions import Indicator, indicators
from evaltool.indicators.esf.join import JOIN_COLUMNS, status_change

__all__ = [
    "INDICATOR_COLUMNS",
    "JOIN_COLUMNS",
    "Indicator",
    "indicator_table",
    "indicators",
    "status_change",
    "success_rates",
]

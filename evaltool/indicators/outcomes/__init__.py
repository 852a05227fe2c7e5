"""Outcome indicators: change in client quality of life across survey waves.

One call handles one instrument (WHOQOL-BREF domains, the EUROHIS-QOL 8 index, …). The input is
a table of scored responses, one row per stored response:

``project`` (str), ``wave`` (int), ``respondent`` (pseudonym, str), ``discarded`` (bool), for
each domain ``d`` the 0–100 score ``d`` (NaN when not scored) and the instrument-scale score
``d_raw``, and optional background columns (``gender``, ``age_group``, ``service_type``…).
Item values (already reversed where the instrument reverses) come in a second table keyed by
``project``, ``wave`` and ``respondent``; ``domains`` maps each domain to its item columns.

Conventions (see DESIGN.md, "Statistics conventions"):

- Discarded responses are ignored. A *client* is a respondent pseudonym within a project (the
  same pseudonym in two projects is two clients). If a client has two stored responses in one
  wave, the later row of ``scores`` is used.
- Every table has one row for the whole programme (``project`` missing) — always computed on
  all projects in ``scores`` — and one row per project (only those in ``projects`` if given).
- Paired change compares ``from_wave`` (default the first wave present) with ``to_wave``
  (default the last) on clients scored in both, on the 0–100 scale.
- Suppression: a statistic resting on fewer than ``min_n`` clients is withheld: the row has
  ``suppressed = True`` and keeps only its keys and counts of clients (``n`` …); every other
  statistic is missing (:func:`evaltool.indicators.suppression.withhold`).
- A statistic that is not defined for the data (all changes equal, no variance at baseline,
  nobody changed category, no client seen twice …) is missing — never infinite — and the
  row's ``note`` says why. Where R computes such a figure, the same rule holds there (R
  refuses it too, or returns NaN): see tests/r/outcomes.R.

All statistics are checked against R on a committed test data set (tests/r/outcomes.R).
Modules: :mod:`.panel` (the wave × client arrays), :mod:`.linkage` (linkage, attrition),
:mod:`.change` (paired and reliable change), :mod:`.reliability`, :mod:`.subgroups`,
:mod:`.benchmark` (ANCOVA), :mod:`.mixed` (mixed models), :mod:`.eurohis` (good quality of
life), :mod:`.tables` (all tables at once), :mod:`.columns` (the documented columns and
notes). The tables of a workspace come from
:mod:`evaltool.indicators.workspace_tables`, the one path the command line and the reports
share.

References
----------
The instruments whose domain scores these tables analyse:

WHOQOL Group (1998). Development of the World Health Organization WHOQOL-BREF quality of
life assessment. Psychological Medicine 28(3):551–558.

Schmidt, S., Mühlan, H., & Power, M. (2006). The EUROHIS-QOL 8-item index: psychometric
results of a cross-cultural field study. European Journal of Public Health 16(4):420–428.
"""

from __future__ import annotations

from evaltool.indicators.outcomes.benchmark import project_benchmark
from evaltool.indicators.outcomes.change import paired_change, reliable_change
from evaltool.indicators.outcomes.columns import (
    ATTRITION_COLUMNS,
    BENCHMARK_COLUMNS,
    EUROHIS_COLUMNS,
    KEYS,
    LINKAGE_COLUMNS,
    MIXED_COLUMNS,
    NOTE_ALPHA_NEGATIVE,
    NOTE_ALPHA_UNDEFINED,
    NOTE_ATTRITION_CONSTANT,
    NOTE_D_AV,
    NOTE_MCNEMAR,
    NOTE_NO_CHANGE,
    NOTE_T_CONSTANT,
    NOTE_TOO_FEW,
    PAIRED_COLUMNS,
    RCI_COLUMNS,
    RCI_Z,
    RELIABILITY_COLUMNS,
    SUBGROUP_COLUMNS,
)
from evaltool.indicators.outcomes.eurohis import good_qol
from evaltool.indicators.outcomes.linkage import attrition, linkage
from evaltool.indicators.outcomes.mixed import mixed_models
from evaltool.indicators.outcomes.reliability import reliability
from evaltool.indicators.outcomes.subgroups import subgroups
from evaltool.indicators.outcomes.tables import TABLE_KEYS, outcome_tables

__all__ = [
    "ATTRITION_COLUMNS",
    "BENCHMARK_COLUMNS",
    "EUROHIS_COLUMNS",
    "KEYS",
    "LINKAGE_COLUMNS",
    "MIXED_COLUMNS",
    "NOTE_ALPHA_NEGATIVE",
    "NOTE_ALPHA_UNDEFINED",
    "NOTE_ATTRITION_CONSTANT",
    "NOTE_D_AV",
    "NOTE_MCNEMAR",
    "NOTE_NO_CHANGE",
    "NOTE_TOO_FEW",
    "NOTE_T_CONSTANT",
    "PAIRED_COLUMNS",
    "RCI_COLUMNS",
    "RCI_Z",
    "RELIABILITY_COLUMNS",
    "SUBGROUP_COLUMNS",
    "TABLE_KEYS",
    "attrition",
    "good_qol",
    "linkage",
    "mixed_models",
    "outcome_tables",
    "paired_change",
    "project_benchmark",
    "reliability",
    "reliable_change",
    "subgroups",
]

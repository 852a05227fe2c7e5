"""Partner cooperation: statement indices, partner networks and change between rounds.

A partner survey (:mod:`evaltool.instruments.partner_survey`) is asked in *rounds* (e.g. once
a year) of the organisations around a project. It has two parts (see
``surveys/partner-survey.toml``):

* **statements** — Likert blocks; each block is scored as an index, the mean of the answered
  items rescaled to 0–100: ``(mean − min) / (max − min) × 100``;
* **roster** — every respondent rates every listed organisation on contact frequency (0–4),
  collaboration level (Levels of Collaboration Scale, 0–5; Frey et al. 2006), trust (1–4) and
  value (1–4) (the PARTNER tool's dimensions; Varda et al.).

Every function here is pure: it takes tidy DataFrames and returns tidy DataFrames. Modules:
:mod:`.network` (networks per round, organisations' positions, asymmetric dyads),
:mod:`.indices` (statement indices, item distributions), :mod:`.compare` (two rounds
compared), :mod:`.rounds` (rounds in time order from their labels). The tables are made from
survey exports by :mod:`evaltool.mapping.ties`; the names
of the survey definition and of the export decoding are importable from here too.

Input tables
------------
``ties``
    ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
    value`` — one row per rating of a partner (NaN allowed). Rows rating one's own
    organisation are ignored. When one organisation answered more than once in a round (two
    respondents), its ratings of the same partner are averaged measure by measure.
``orgs``
    ``round, org, sector, responded`` — the roster plus the respondents. Every organisation
    here is a node of the round's network, also when nobody named it and when it did not
    answer. Organisations that appear in ``ties`` but not here are added as nodes.
``statements``
    ``round, respondent_org, sector, item, value`` — one row per answer, ``value`` numeric on
    the item's scale, NaN for "Don't know" or blank. The unit of analysis is the responding
    organisation: several answers of one organisation to one item are averaged first.

Suppression: a statistic resting on fewer than ``min_n`` organisations is withheld
(:func:`evaltool.indicators.suppression.withhold`); its row keeps ``n`` and has
``suppressed = True``.

Network conventions
-------------------
The network of a round is directed: respondent → partner. A *tie* is a collaboration level of
at least ``min_level`` (default 1, "networking"). Betweenness comes from python-igraph (the C
core of R igraph), the other figures from numpy on the tie arrays; each round's figures are
computed once (:func:`round_networks`) and shared by the per-round tables and the comparison of
rounds. The figures are tested against R igraph (tests/r/cooperation.R).

References
----------
Frey, Lohmeier, Lee & Tollefson (2006). Measuring collaboration among grant partners.
American Journal of Evaluation 27(3):383–392.
Varda, Chandra, Stern & Lurie (2008). Core dimensions of connectivity in public health
collaboratives. J Public Health Manag Pract 14(5):E1–E7 (PARTNER trust and value).
Freeman (1978/79). Centrality in social networks: conceptual clarification. Social Networks
1(3):215–239.
Wasserman & Faust (1994). Social Network Analysis. Cambridge University Press.
"""

from __future__ import annotations

from evaltool.indicators.cooperation.compare import (
    COMPARE_COLUMNS,
    compare_rounds,
    compare_values,
    comparison_table,
)
from evaltool.indicators.cooperation.indices import index_scores, index_table, item_distribution
from evaltool.indicators.cooperation.network import (
    NETWORK_MEASURES,
    ORGANISATION_COLUMNS,
    RoundNetwork,
    asymmetric_dyads,
    network_table,
    organisation_table,
    round_network,
    round_networks,
)
from evaltool.indicators.cooperation.rounds import chronological, round_time
from evaltool.instruments.partner_survey import (
    BUILTIN_SURVEY,
    LANGUAGES,
    MEASURES,
    ORG_COLUMNS,
    STATEMENT_COLUMNS,
    TIE_COLUMNS,
    Block,
    Item,
    PartnerSurvey,
    RosterMeasure,
    Scale,
    Sector,
    load_partner_survey,
    parse_partner_survey,
)
from evaltool.mapping.ties import CooperationData, ties_from_list, ties_from_matrix
from evaltool.text import name_key as normalise_name

__all__ = [
    "BUILTIN_SURVEY",
    "COMPARE_COLUMNS",
    "LANGUAGES",
    "MEASURES",
    "NETWORK_MEASURES",
    "ORGANISATION_COLUMNS",
    "ORG_COLUMNS",
    "STATEMENT_COLUMNS",
    "TIE_COLUMNS",
    "Block",
    "CooperationData",
    "Item",
    "PartnerSurvey",
    "RosterMeasure",
    "RoundNetwork",
    "Scale",
    "Sector",
    "asymmetric_dyads",
    "chronological",
    "compare_rounds",
    "compare_values",
    "comparison_table",
    "index_scores",
    "index_table",
    "item_distribution",
    "load_partner_survey",
    "network_table",
    "normalise_name",
    "organisation_table",
    "parse_partner_survey",
    "round_network",
    "round_time",
    "round_networks",
    "ties_from_list",
    "ties_from_matrix",
]

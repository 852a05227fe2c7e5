"""Partner networks: dyads and nodes of each round, whole-network figures (density,
reciprocity, Freeman degree centralization …), organisations' network positions (degree,
betweenness, trust and value received) and asymmetric dyads. Betweenness comes from
python-igraph (the C core R igraph uses), the other figures from numpy on the tie arrays; the
figures are tested against R igraph (``edge_density``, ``reciprocity``,
``centr_degree``, ``degree``, ``betweenness``; tests/r/cooperation.R).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltool.instruments.partner_survey import (
    MEASURES,
    ORG_COLUMNS,
    TIE_COLUMNS,
    is_blank,
    sorted_rounds,
)
from evaltool.text import name_key

#: Network measures reported by :func:`network_table` and compared by :func:`compare_rounds`.
NETWORK_MEASURES: list[str] = [
    "n_orgs",
    "n_respondents",
    "n_nonrespondents",
    "n_ties",
    "density",
    "reciprocity",
    "degree_centralization",
    "n_isolates",
    "mean_level",
    "mean_frequency",
    "mean_trust",
    "mean_value",
]


def dyad_table(ties: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, respondent_org, partner_org): measures averaged over duplicate
    ratings, self-ratings and rows without both organisations dropped.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
        Missing measure columns are added as NaN; a missing key column raises
        ``ValueError``, as does a non-numeric measure.

    Returns
    -------
    pandas.DataFrame
        ``round, respondent_org, partner_org`` and the four measures (means of the ratings,
        missing answers ignored), sorted by the keys.
    """
    t = ties.copy()
    for col in TIE_COLUMNS:
        if col not in t.columns:
            if col in MEASURES:
                t[col] = np.nan
            else:
                raise ValueError(f"ties: column {col!r} is missing")
    t = t[TIE_COLUMNS].dropna(subset=["round", "respondent_org", "partner_org"])
    t = t[t["respondent_org"] != t["partner_org"]]
    for col in MEASURES:
        t[col] = pd.to_numeric(t[col], errors="raise").astype(float)
    keys = ["round", "respondent_org", "partner_org"]
    return t.groupby(keys, sort=True)[list(MEASURES)].mean().reset_index()


def node_table(orgs: pd.DataFrame, dyads: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, org): the roster plus every organisation in the ties.

    Parameters
    ----------
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
        ``sector`` and ``responded`` may be absent; ``responded`` accepts booleans, 0/1 and
        yes/no words (fi, sv, en).
    dyads : pandas.DataFrame
        The :func:`dyad_table` of the round(s).

    Returns
    -------
    pandas.DataFrame
        ``round, org, sector, responded``: an organisation that rated someone has responded;
        one that is only named is a node that did not respond.
    """
    o = orgs.copy()
    if "sector" not in o.columns:
        o["sector"] = np.nan
    if "responded" not in o.columns:
        o["responded"] = False
    o = o[ORG_COLUMNS].dropna(subset=["round", "org"])
    o["responded"] = o["responded"].map(_as_bool)
    senders = dyads[["round", "respondent_org"]].rename(columns={"respondent_org": "org"})
    senders = senders.assign(sector=np.nan, responded=True)
    receivers = dyads[["round", "partner_org"]].rename(columns={"partner_org": "org"})
    receivers = receivers.assign(sector=np.nan, responded=False)
    frames = [f for f in (o, senders, receivers) if len(f)]
    if not frames:
        return pd.DataFrame(columns=ORG_COLUMNS)
    allnodes = pd.concat(frames, ignore_index=True)
    allnodes["sector"] = allnodes["sector"].astype(object)
    return (
        allnodes.groupby(["round", "org"], sort=True)
        .agg(sector=("sector", "first"), responded=("responded", "any"))
        .reset_index()
    )


_TRUE = {"true", "1", "1.0", "yes", "kyllä", "ja", "x"}
_FALSE = {"false", "0", "0.0", "no", "ei", "nej", ""}


def _as_bool(value: object) -> bool:
    """``responded`` as a bool: booleans, 0/1 and yes/no words (fi, sv, en); blank = False."""
    if is_blank(value):
        return False
    if isinstance(value, bool | np.bool_ | int | np.integer | float | np.floating):
        return bool(value)
    key = name_key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"orgs: responded must be true or false, not {value!r}")


@dataclass(frozen=True)
class Graph:
    """The directed network of one round as integer arrays.

    Attributes
    ----------
    orgs : pandas.Index
        The nodes, in the order of the round's :func:`node_table` rows.
    source, target : numpy.ndarray
        The ties as positions in ``orgs``: respondent → partner, one per dyad whose
        collaboration level is at least the threshold (no self-ties, no duplicates).
    """

    orgs: pd.Index
    source: np.ndarray
    target: np.ndarray

    @property
    def n(self) -> int:
        return len(self.orgs)

    @property
    def m(self) -> int:
        return len(self.source)

    def in_degree(self) -> np.ndarray:
        return np.bincount(self.target, minlength=self.n)

    def out_degree(self) -> np.ndarray:
        return np.bincount(self.source, minlength=self.n)

    def reciprocity(self) -> float:
        """Share of ties whose reverse tie exists (igraph ``reciprocity``); NaN without ties."""
        if self.m == 0:
            return math.nan
        forward = self.source.astype(np.int64) * self.n + self.target
        backward = self.target.astype(np.int64) * self.n + self.source
        return float(np.isin(backward, forward).mean())

    def degree_centralization(self) -> float:
        """Freeman degree centralization of the undirected simple graph (reciprocal ties
        collapsed): Σ(max − deg_i) / ((n − 1)(n − 2)); NaN for n < 3."""
        n = self.n
        if n < 3:
            return math.nan
        low = np.minimum(self.source, self.target).astype(np.int64)
        high = np.maximum(self.source, self.target).astype(np.int64)
        pairs = np.unique(low * n + high)
        deg = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)
        return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))

    def betweenness(self) -> np.ndarray:
        """Directed, unnormalised betweenness of every node (igraph ``betweenness(g,
        directed = TRUE)``, Brandes' algorithm in igraph's C core)."""
        if self.m == 0:
            return np.zeros(self.n)
        g = _igraph().Graph(
            n=self.n,
            edges=np.column_stack([self.source, self.target]).tolist(),
            directed=True,
        )
        return np.asarray(g.betweenness(directed=True), dtype=float)


def _igraph():
    """The ``igraph`` module, imported without its matplotlib drawing backend.

    ``import igraph`` imports ``matplotlib.pyplot`` when matplotlib is installed (for
    ``igraph.plot``), which takes longer than computing every network measure of a
    thousand organisations; evaltool draws networks with plotly and only needs igraph's C
    core. While igraph is first imported, matplotlib is hidden unless something has already
    imported it (igraph then falls back to a placeholder for its matplotlib drawers);
    matplotlib itself stays importable afterwards.
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hide = "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # ImportError on import
    try:
        import igraph
    finally:
        if hide and sys.modules.get("matplotlib", 0) is None:
            del sys.modules["matplotlib"]
    return igraph


def _graph(nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float) -> Graph:
    """The directed network: every node, a tie where the collaboration level ≥ ``min_level``."""
    orgs = pd.Index(nodes["org"])
    e = dyads[dyads["collaboration_level"] >= min_level]
    source = orgs.get_indexer(e["respondent_org"])
    target = orgs.get_indexer(e["partner_org"])
    keep = (source >= 0) & (target >= 0)
    return Graph(orgs, source[keep], target[keep])


def network_measures(nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float) -> dict:
    """The :data:`NETWORK_MEASURES` of one round's nodes and dyads (see :func:`network_table`).

    Parameters
    ----------
    nodes : pandas.DataFrame
        The round's :func:`node_table` rows.
    dyads : pandas.DataFrame
        The round's :func:`dyad_table` rows.
    min_level : float
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    dict
        One value per entry of :data:`NETWORK_MEASURES`.
    """
    return _measures(nodes, dyads, _graph(nodes, dyads, min_level), min_level)


def _measures(nodes: pd.DataFrame, dyads: pd.DataFrame, g: Graph, min_level: float) -> dict:
    n, m = g.n, g.m
    tie_rows = dyads[dyads["collaboration_level"] >= min_level]
    responded = nodes["responded"].to_numpy(dtype=bool)
    return {
        "n_orgs": n,
        "n_respondents": int(responded.sum()),
        "n_nonrespondents": int((~responded).sum()),
        "n_ties": m,
        "density": m / (n * (n - 1)) if n > 1 else math.nan,
        "reciprocity": g.reciprocity(),
        "degree_centralization": g.degree_centralization(),
        "n_isolates": int(((g.in_degree() + g.out_degree()) == 0).sum()),
        "mean_level": tie_rows["collaboration_level"].mean(),
        "mean_frequency": tie_rows["contact_frequency"].mean(),
        "mean_trust": dyads["trust"].mean(),
        "mean_value": dyads["value"].mean(),
    }


@dataclass(frozen=True)
class RoundNetwork:
    """One round's network with its figures, computed once and shared by
    :func:`network_table`, :func:`organisation_table` and
    :func:`~evaltool.indicators.cooperation.compare_rounds`.

    Attributes
    ----------
    round
        The round.
    nodes, dyads : pandas.DataFrame
        The round's :func:`node_table` and :func:`dyad_table` rows.
    min_level : float
        The collaboration level from which a dyad is a tie.
    measures : dict
        The :data:`NETWORK_MEASURES`.
    organisations : pandas.DataFrame
        The :data:`ORGANISATION_COLUMNS`, one row per node.
    """

    round: object
    nodes: pd.DataFrame
    dyads: pd.DataFrame
    min_level: float
    measures: dict
    organisations: pd.DataFrame


def round_network(round_, nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float):
    """The :class:`RoundNetwork` of one round's :func:`node_table` and :func:`dyad_table`
    rows (the graph is built once; betweenness is computed once)."""
    nodes = nodes.reset_index(drop=True)
    g = _graph(nodes, dyads, min_level)
    return RoundNetwork(
        round_,
        nodes,
        dyads,
        min_level,
        _measures(nodes, dyads, g, min_level),
        _organisation_rows(nodes, dyads, g),
    )


def round_networks(
    ties: pd.DataFrame, orgs: pd.DataFrame, min_level: float = 1
) -> dict[object, RoundNetwork]:
    """Every round's :class:`RoundNetwork`, in round order.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
    min_level : float, default 1
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    dict
        Round → :class:`RoundNetwork`; pass it as ``networks`` to :func:`network_table`,
        :func:`organisation_table` and ``compare_rounds`` so that each round's figures are
        computed once.
    """
    return {r: round_network(r, n, d, min_level) for r, n, d in split_rounds(ties, orgs)}


def split_rounds(ties: pd.DataFrame, orgs: pd.DataFrame):
    """``(round, nodes, dyads)`` of every round, in round order."""
    dyads = dyad_table(ties)
    nodes = node_table(orgs, dyads)
    rounds = sorted_rounds(list(pd.unique(nodes["round"])) + list(pd.unique(dyads["round"])))
    node_groups = nodes.groupby("round", sort=False).indices
    dyad_groups = dyads.groupby("round", sort=False).indices
    for r in rounds:
        yield (
            r,
            nodes.iloc[node_groups.get(r, [])],
            dyads.iloc[dyad_groups.get(r, [])],
        )


def _networks(ties, orgs, min_level: float, networks) -> dict:
    if networks is None:
        return round_networks(ties, orgs, min_level)
    if any(net.min_level != min_level for net in networks.values()):
        raise ValueError("networks: computed with another min_level")
    return networks


# --------------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------------


def network_table(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    min_level: float = 1,
    *,
    networks: Mapping[object, RoundNetwork] | None = None,
) -> pd.DataFrame:
    """Whole-network figures per round of a directed partner network.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
    min_level : float, default 1
        A tie is a collaboration level of at least ``min_level`` (1 = networking).
    networks : dict, optional
        The rounds' :func:`round_networks` (with the same ``min_level``), when already
        computed; ``ties`` and ``orgs`` are then not read again.

    Returns
    -------
    pandas.DataFrame
        One row per round: ``round`` and the :data:`NETWORK_MEASURES` (see Notes).

    Notes
    -----
    A tie i → j exists when respondent i rates partner j's collaboration level at least
    ``min_level`` (Levels of Collaboration Scale: 1 networking … 5 collaboration). Nodes are
    all organisations of the round (``orgs`` plus any organisation in ``ties``); n nodes,
    m ties.

    - ``round``; ``n_orgs`` (n), ``n_respondents``, ``n_nonrespondents``; ``n_ties`` (m);
    - ``density`` = m / (n(n − 1)) (igraph ``edge_density``; NaN for n < 2);
    - ``reciprocity`` = share of ties whose reverse tie also exists (igraph
      ``reciprocity(g, mode = "default")``; NaN without ties);
    - ``degree_centralization`` = Freeman's Σ(max − deg_i) / ((n − 1)(n − 2)) on the
      undirected simple graph, reciprocal ties counted once (igraph
      ``centr_degree(as.undirected(g, "collapse"), loops = FALSE)$centralization``; NaN
      for n < 3);
    - ``n_isolates`` = organisations with no tie in or out;
    - ``mean_level``, ``mean_frequency`` = mean collaboration level and contact frequency
      over the ties;
    - ``mean_trust``, ``mean_value`` = mean of all trust and value ratings of the round
      (ties or not; PARTNER's network trust % is ``mean_trust / 4 × 100``).

    Organisations are not personal data: network figures are not withheld.

    Tested against R igraph (tests/r/cooperation.R).

    References
    ----------
    Freeman, L. C. (1978/79). Centrality in social networks: conceptual clarification.
    Social Networks 1(3):215–239.

    Wasserman, S., & Faust, K. (1994). Social Network Analysis: Methods and Applications,
    ch. 4–5. Cambridge University Press.

    Frey, B. B., Lohmeier, J. H., Lee, S. W., & Tollefson, N. (2006). Measuring collaboration
    among grant partners. American Journal of Evaluation 27(3):383–392.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({
    ...     "round": [1, 1, 1, 1, 2, 2, 2],
    ...     "respondent_org": ["A", "A", "B", "C", "A", "B", "C"],
    ...     "partner_org": ["B", "C", "A", "A", "B", "A", "B"],
    ...     "contact_frequency": [3, 2, 3, 1, 4, 3, 2],
    ...     "collaboration_level": [4, 1, 2, 0, 5, 4, 3],
    ...     "trust": [4, 3, 3, 2, 4, 4, 3],
    ...     "value": [4, 2, 3, 2, 4, 3, 3],
    ... })
    >>> orgs = pd.DataFrame({
    ...     "round": [1] * 4 + [2] * 4,
    ...     "org": ["A", "B", "C", "D"] * 2,
    ...     "sector": ["public", "ngo", "ngo", "firm"] * 2,
    ...     "responded": [True, True, True, False] * 2,
    ... })
    >>> from evaltool.indicators.cooperation import network_table
    >>> # In R: edge_density(g); reciprocity(g); centr_degree(as.undirected(g, "collapse"),
    >>> #   loops = FALSE)$centralization
    >>> t = network_table(ties, orgs)
    >>> t[["round", "n_ties", "density", "reciprocity", "degree_centralization"]].round(4)
       round  n_ties  density  reciprocity  degree_centralization
    0      1       3     0.25       0.6667                 0.6667
    1      2       3     0.25       0.6667                 0.6667
    """
    rows = [
        {"round": r, **net.measures}
        for r, net in _networks(ties, orgs, min_level, networks).items()
    ]
    return pd.DataFrame(rows, columns=["round", *NETWORK_MEASURES])


ORGANISATION_COLUMNS: list[str] = [
    "round",
    "org",
    "sector",
    "responded",
    "in_degree",
    "out_degree",
    "degree",
    "betweenness",
    "mean_trust_received",
    "mean_value_received",
]


def organisation_rows(nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float) -> pd.DataFrame:
    """The :data:`ORGANISATION_COLUMNS` of one round's nodes (see :func:`organisation_table`).

    Parameters
    ----------
    nodes : pandas.DataFrame
        The round's :func:`node_table` rows.
    dyads : pandas.DataFrame
        The round's :func:`dyad_table` rows.
    min_level : float
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    pandas.DataFrame
        One row per node, columns :data:`ORGANISATION_COLUMNS`.
    """
    nodes = nodes.reset_index(drop=True)
    return _organisation_rows(nodes, dyads, _graph(nodes, dyads, min_level))


def _organisation_rows(nodes: pd.DataFrame, dyads: pd.DataFrame, g: Graph) -> pd.DataFrame:
    out = nodes[["round", "org", "sector", "responded"]].reset_index(drop=True)
    out["in_degree"] = g.in_degree().astype(int)
    out["out_degree"] = g.out_degree().astype(int)
    out["degree"] = out["in_degree"] + out["out_degree"]
    out["betweenness"] = g.betweenness()
    received = dyads.groupby("partner_org")[["trust", "value"]].mean()
    out["mean_trust_received"] = out["org"].map(received["trust"]).astype(float)
    out["mean_value_received"] = out["org"].map(received["value"]).astype(float)
    return out


def organisation_table(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    min_level: float = 1,
    *,
    networks: Mapping[object, RoundNetwork] | None = None,
) -> pd.DataFrame:
    """Per-organisation network position per round.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
    min_level : float, default 1
        A tie is a collaboration level of at least ``min_level`` (1 = networking).
    networks : dict, optional
        The rounds' :func:`round_networks` (with the same ``min_level``), when already
        computed; ``ties`` and ``orgs`` are then not read again.

    Returns
    -------
    pandas.DataFrame
        One row per organisation and round, columns :data:`ORGANISATION_COLUMNS`:
        ``round, org, sector, responded``, ``in_degree``, ``out_degree``, ``degree``,
        ``betweenness``, ``mean_trust_received``, ``mean_value_received`` (see Notes).

    Notes
    -----
    Ties as in :func:`network_table`.

    - ``in_degree`` (ties received), ``out_degree`` (ties sent), ``degree`` = in + out
      (igraph ``degree(g, mode = "all")``);
    - ``betweenness`` = Σ_{s≠v≠t} σ_st(v) / σ_st over ordered pairs on directed shortest
      paths, **directed and unnormalised**, as igraph ``betweenness(g, directed = TRUE)``
      (python-igraph ``Graph.betweenness(directed=True)``); divide by (n − 1)(n − 2) to
      normalise;
    - ``mean_trust_received``, ``mean_value_received`` = mean of the trust and value ratings
      the organisation received from the others (PARTNER; 1–4, NaN when nobody rated it).

    Network positions are shown unwithheld (organisations are not personal data); reports
    withhold the trust and value received when fewer than ``min_n`` organisations rated it.

    Tested against R igraph (tests/r/cooperation.R).

    References
    ----------
    Freeman, L. C. (1977). A set of measures of centrality based on betweenness. Sociometry
    40(1):35–41.

    Freeman, L. C. (1978/79). Centrality in social networks: conceptual clarification.
    Social Networks 1(3):215–239.

    Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
    Mathematical Sociology 25(2):163–177 (the algorithm).

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({
    ...     "round": [1, 1, 1, 1, 2, 2, 2],
    ...     "respondent_org": ["A", "A", "B", "C", "A", "B", "C"],
    ...     "partner_org": ["B", "C", "A", "A", "B", "A", "B"],
    ...     "contact_frequency": [3, 2, 3, 1, 4, 3, 2],
    ...     "collaboration_level": [4, 1, 2, 0, 5, 4, 3],
    ...     "trust": [4, 3, 3, 2, 4, 4, 3],
    ...     "value": [4, 2, 3, 2, 4, 3, 3],
    ... })
    >>> orgs = pd.DataFrame({
    ...     "round": [1] * 4 + [2] * 4,
    ...     "org": ["A", "B", "C", "D"] * 2,
    ...     "sector": ["public", "ngo", "ngo", "firm"] * 2,
    ...     "responded": [True, True, True, False] * 2,
    ... })
    >>> from evaltool.indicators.cooperation import organisation_table
    >>> # In R: degree(g, mode = "in"); degree(g, mode = "out"); betweenness(g, directed = TRUE)
    >>> t = organisation_table(ties, orgs)
    >>> t.loc[t["round"] == 1, ["org", "in_degree", "out_degree", "betweenness"]]
      org  in_degree  out_degree  betweenness
    0   A          1           2          1.0
    1   B          1           1          0.0
    2   C          1           0          0.0
    3   D          0           0          0.0
    """
    frames = [net.organisations for net in _networks(ties, orgs, min_level, networks).values()]
    if not frames:
        return pd.DataFrame(columns=ORGANISATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ORGANISATION_COLUMNS]


def asymmetric_dyads(ties: pd.DataFrame, min_difference: float = 2) -> pd.DataFrame:
    """Pairs of organisations whose two sides rate their collaboration level differently.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    min_difference : float, default 2
        The smallest difference of the two ratings that is listed.

    Returns
    -------
    pandas.DataFrame
        ``round, org_a, org_b, level_a_to_b, level_b_to_a, difference`` (org_a sorts before
        org_b), sorted by round and organisations.

    Notes
    -----
    For every round and every pair {a, b} where a rated b and b rated a, the pair is listed
    when

        |level(a → b) − level(b → a)| ≥ min_difference

    (Frey et al. 2006 flag asymmetric dyads for discussion). Duplicate ratings are averaged
    first (:func:`dyad_table`).

    Tested against R (tests/r/cooperation.R).

    References
    ----------
    Frey, B. B., Lohmeier, J. H., Lee, S. W., & Tollefson, N. (2006). Measuring collaboration
    among grant partners. American Journal of Evaluation 27(3):383–392.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({
    ...     "round": [1, 1, 1, 1, 2, 2, 2],
    ...     "respondent_org": ["A", "A", "B", "C", "A", "B", "C"],
    ...     "partner_org": ["B", "C", "A", "A", "B", "A", "B"],
    ...     "contact_frequency": [3, 2, 3, 1, 4, 3, 2],
    ...     "collaboration_level": [4, 1, 2, 0, 5, 4, 3],
    ...     "trust": [4, 3, 3, 2, 4, 4, 3],
    ...     "value": [4, 2, 3, 2, 4, 3, 3],
    ... })
    >>> orgs = pd.DataFrame({
    ...     "round": [1] * 4 + [2] * 4,
    ...     "org": ["A", "B", "C", "D"] * 2,
    ...     "sector": ["public", "ngo", "ngo", "firm"] * 2,
    ...     "responded": [True, True, True, False] * 2,
    ... })
    >>> from evaltool.indicators.cooperation import asymmetric_dyads
    >>> # In R: m <- merge(t, t, by.x = c("respondent_org", "partner_org"),
    >>> #   by.y = c("partner_org", "respondent_org")); abs(m$level.x - m$level.y) >= 2
    >>> asymmetric_dyads(ties)
       round org_a org_b  level_a_to_b  level_b_to_a  difference
    0      1     A     B           4.0           2.0         2.0
    """
    d = dyad_table(ties).dropna(subset=["collaboration_level"])
    d = d[["round", "respondent_org", "partner_org", "collaboration_level"]]
    back = d.rename(
        columns={
            "respondent_org": "partner_org",
            "partner_org": "respondent_org",
            "collaboration_level": "level_b_to_a",
        }
    )
    m = d.merge(back, on=["round", "respondent_org", "partner_org"])
    m = m[m["respondent_org"].astype(str) < m["partner_org"].astype(str)]
    m = m.rename(
        columns={
            "respondent_org": "org_a",
            "partner_org": "org_b",
            "collaboration_level": "level_a_to_b",
        }
    )
    m["difference"] = (m["level_a_to_b"] - m["level_b_to_a"]).abs()
    m = m[m["difference"] >= min_difference]
    cols = ["round", "org_a", "org_b", "level_a_to_b", "level_b_to_a", "difference"]
    return m[cols].sort_values(["round", "org_a", "org_b"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Statement indices
# --------------------------------------------------------------------------------------------

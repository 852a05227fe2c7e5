"""Comparing two rounds of the partner survey: indices and statements (organisation-paired or
Welch t-tests), the network, tie turnover (Jaccard overlap), organisations joined and left,
per-organisation change and asymmetric dyads. Checked against R's ``t.test`` and igraph
(tests/r/cooperation.R).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaltool.indicators.cooperation.indices import index_scores, statements_with_items
from evaltool.indicators.cooperation.network import (
    NETWORK_MEASURES,
    RoundNetwork,
    asymmetric_dyads,
    dyad_table,
    network_measures,
    node_table,
    round_network,
)
from evaltool.indicators.stats import paired_t_test, welch_t_test
from evaltool.instruments.partner_survey import STATEMENT_COLUMNS, PartnerSurvey, sorted_rounds

COMPARE_COLUMNS: list[str] = [
    "test",
    "n1",
    "n2",
    "mean1",
    "mean2",
    "diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "suppressed",
]


def compare_values(
    x1: pd.Series, x2: pd.Series, min_n: int = 5, paired: bool | None = None
) -> dict:
    """Compare one measure between two rounds; ``x1``, ``x2`` are indexed by organisation.

    Parameters
    ----------
    x1, x2 : pandas.Series
        The measure in the first and the second round, indexed by organisation; missing
        values are dropped.
    min_n : int, default 5
        With fewer values in either round the comparison is withheld.
    paired : bool or None, default None
        True: organisation-paired t-test; False: Welch's test; None: paired when at least
        max(``min_n``, 2) organisations have a value in both rounds.

    Returns
    -------
    dict
        The :data:`COMPARE_COLUMNS`: ``test`` (``"paired"`` or ``"welch"``), ``n1``, ``n2``,
        ``mean1``, ``mean2``, ``diff``, ``ci_low``, ``ci_high``, ``t``, ``df``, ``p``,
        ``suppressed``.

    Notes
    -----
    Organisation-paired when ``paired`` is True, or when it is None and at least
    max(``min_n``, 2) organisations have a value in both rounds: then only those organisations
    are used and the paired t-test of x2 − x1 is reported (R
    ``t.test(x2, x1, paired = TRUE)``). Otherwise Welch's two-sample t-test on all values (R
    ``t.test(x2, x1)``). ``diff = mean2 − mean1`` with its 95 % CI, ``t``, ``df``, two-sided
    ``p``. When the smaller n is below ``min_n`` only n1, n2 and the test are shown
    (``suppressed``). When the differences (paired) or both samples (Welch) are constant —
    also when they differ only by floating-point rounding — t, df, p and the CI are NaN (R's
    t.test stops with "data are essentially constant"). The tests are
    :func:`evaltool.indicators.stats.paired_t_test` and
    :func:`evaltool.indicators.stats.welch_t_test`.

    Tested against R's t.test (tests/r/cooperation.R).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34(1–2):28–35.

    Examples
    --------
    >>> import pandas as pd
    >>> from evaltool.indicators.cooperation import compare_values
    >>> x1 = pd.Series([60.0, 55, 70, 65, 50], index=["A", "B", "C", "D", "E"])
    >>> x2 = pd.Series([65.0, 60, 72, 70, 58], index=["A", "B", "C", "D", "E"])
    >>> # In R: t.test(x2, x1, paired = TRUE)
    >>> res = compare_values(x1, x2)
    >>> print(res["test"], res["diff"], round(res["t"], 4), res["df"], round(res["p"], 4))
    paired 5.0 5.2705 4.0 0.0062
    """
    a_all = pd.Series(x1, dtype=float).dropna()
    b_all = pd.Series(x2, dtype=float).dropna()
    common = a_all.index.intersection(b_all.index)
    use_paired = len(common) >= max(min_n, 2) if paired is None else paired
    if use_paired:
        common = common.sort_values()
        a, b = a_all.loc[common], b_all.loc[common]
    else:
        a, b = a_all, b_all
    out = dict.fromkeys(COMPARE_COLUMNS, math.nan)
    out.update(test="paired" if use_paired else "welch", n1=len(a), n2=len(b))
    out["suppressed"] = min(len(a), len(b)) < min_n
    if out["suppressed"]:
        return out
    out.update(mean1=a.mean(), mean2=b.mean(), diff=b.mean() - a.mean())
    if use_paired:
        res = paired_t_test(a.to_numpy(), b.to_numpy())
    else:
        res = welch_t_test(b.to_numpy(), a.to_numpy())
    if not math.isfinite(res.t):
        return out
    out.update(ci_low=res.ci_low, ci_high=res.ci_high, t=res.t, df=res.df, p=res.p)
    return out


def _compare_scores(
    wide1: pd.DataFrame, wide2: pd.DataFrame, columns: list, min_n: int, paired: bool | None
) -> list[dict]:
    rows = []
    for col in columns:
        x1 = wide1[col] if col in wide1 else pd.Series(dtype=float)
        x2 = wide2[col] if col in wide2 else pd.Series(dtype=float)
        rows.append(compare_values(x1, x2, min_n=min_n, paired=paired))
    return rows


def _wide(long: pd.DataFrame, r, columns: str, values: str) -> pd.DataFrame:
    """Round ``r`` of a long table as organisations × ``columns`` (mean of ``values``)."""
    part = long[long["round"] == r]
    return part.groupby(["respondent_org", columns])[values].mean().unstack()


def index_change(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    from_round,
    to_round,
    min_n: int,
    paired: bool | None,
) -> pd.DataFrame:
    """The ``indices`` section of :func:`compare_rounds`: each index compared between the
    rounds (:func:`compare_values` on the organisations' index scores).

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    from_round, to_round
        The compared rounds.
    min_n : int
        Comparisons resting on fewer organisations are withheld.
    paired : bool or None
        As in :func:`compare_values`.

    Returns
    -------
    pandas.DataFrame
        ``round1, round2, index`` and the :data:`COMPARE_COLUMNS`, one row per block.
    """
    scores = index_scores(statements, survey)
    w1, w2 = (_wide(scores, r, "index", "score") for r in (from_round, to_round))
    codes = [b.code for b in survey.blocks]
    indices = pd.DataFrame(_compare_scores(w1, w2, codes, min_n, paired), columns=COMPARE_COLUMNS)
    indices.insert(0, "index", codes)
    indices.insert(0, "round2", to_round)
    indices.insert(0, "round1", from_round)
    return indices


def item_change(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    from_round,
    to_round,
    min_n: int,
    paired: bool | None,
) -> pd.DataFrame:
    """The ``items`` section of :func:`compare_rounds`: each statement item compared between
    the rounds on its answer scale.

    Parameters
    ----------
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    from_round, to_round
        The compared rounds.
    min_n : int
        Comparisons resting on fewer organisations are withheld.
    paired : bool or None
        As in :func:`compare_values`.

    Returns
    -------
    pandas.DataFrame
        ``round1, round2, index, item`` and the :data:`COMPARE_COLUMNS`, one row per item.
    """
    s = statements_with_items(statements, survey)
    i1, i2 = (_wide(s, r, "item", "value") for r in (from_round, to_round))
    item_codes = [i.code for i in survey.items]
    items = pd.DataFrame(
        _compare_scores(i1, i2, item_codes, min_n, paired), columns=COMPARE_COLUMNS
    )
    items.insert(0, "item", item_codes)
    items.insert(0, "index", [b.code for b in survey.blocks for _ in b.items])
    items.insert(0, "round2", to_round)
    items.insert(0, "round1", from_round)
    return items


def _among(net: RoundNetwork, orgs: set) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The round's nodes and dyads restricted to ``orgs``."""
    d = net.dyads
    keep = d["respondent_org"].isin(orgs) & d["partner_org"].isin(orgs)
    return net.nodes[net.nodes["org"].isin(orgs)], d[keep]


def _respondents_both(first: RoundNetwork, second: RoundNetwork) -> set:
    """Organisations that answered in both rounds."""
    n1, n2 = first.nodes, second.nodes
    return set(n1.loc[n1["responded"], "org"]) & set(n2.loc[n2["responded"], "org"])


def network_change(
    first: RoundNetwork, second: RoundNetwork, both: set, min_level: float
) -> pd.DataFrame:
    """The ``network`` section of :func:`compare_rounds`: every network measure of both
    rounds, for the whole networks and among the organisations ``both`` that answered in
    both rounds.

    Parameters
    ----------
    first, second : RoundNetwork
        The two rounds' networks (:func:`~evaltool.indicators.cooperation.round_network`).
    both : set
        Organisations that answered in both rounds.
    min_level : float
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    pandas.DataFrame
        ``basis`` (``all`` or ``respondents_both``), ``measure``, ``value1``, ``value2``,
        ``change = value2 − value1``.
    """
    rows = []
    for basis, (m1, m2) in {
        "all": (first.measures, second.measures),
        "respondents_both": (
            network_measures(*_among(first, both), min_level),
            network_measures(*_among(second, both), min_level),
        ),
    }.items():
        for measure in NETWORK_MEASURES:
            rows.append(
                {
                    "basis": basis,
                    "measure": measure,
                    "value1": float(m1[measure]),
                    "value2": float(m2[measure]),
                    "change": float(m2[measure]) - float(m1[measure]),
                }
            )
    return pd.DataFrame(rows, columns=["basis", "measure", "value1", "value2", "change"])


def _tie_codes(
    net: RoundNetwork, keys: pd.Index, min_level: float, keep: set | None = None
) -> np.ndarray:
    """The round's directed ties as distinct integers (positions in ``keys`` of both ends),
    only ties between organisations in ``keep`` when it is given."""
    e = net.dyads[net.dyads["collaboration_level"] >= min_level]
    if keep is not None:
        e = e[e["respondent_org"].isin(keep) & e["partner_org"].isin(keep)]
    source = keys.get_indexer(e["respondent_org"]).astype(np.int64)
    target = keys.get_indexer(e["partner_org"]).astype(np.int64)
    return np.unique(source * len(keys) + target)


def tie_turnover(
    first: RoundNetwork, second: RoundNetwork, both: set, min_level: float
) -> pd.DataFrame:
    """The ``ties`` section of :func:`compare_rounds`: ties kept, new and lost, and the
    Jaccard overlap of the tie sets, in the whole networks and among ``both``.

    Parameters
    ----------
    first, second : RoundNetwork
        The two rounds' networks (:func:`~evaltool.indicators.cooperation.round_network`).
    both : set
        Organisations that answered in both rounds.
    min_level : float
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    pandas.DataFrame
        ``basis, n_ties1, n_ties2, kept, new, lost, jaccard``.

    Notes
    -----
    With ``T1``, ``T2`` the directed tie sets: ``kept = |T1 ∩ T2|``, ``new = |T2 − T1|``,
    ``lost = |T1 − T2|`` and the Jaccard (1912) overlap

        J = |T1 ∩ T2| / |T1 ∪ T2|

    (NaN when both are empty).

    References
    ----------
    Jaccard, P. (1912). The distribution of the flora in the alpine zone. New Phytologist
    11(2):37–50.
    """
    rows = []
    keys = pd.Index(pd.unique(pd.concat([first.nodes["org"], second.nodes["org"]])))
    for basis, keep in (("all", None), ("respondents_both", both)):
        t1 = _tie_codes(first, keys, min_level, keep)
        t2 = _tie_codes(second, keys, min_level, keep)
        kept = len(np.intersect1d(t1, t2, assume_unique=True))
        union = len(t1) + len(t2) - kept
        rows.append(
            {
                "basis": basis,
                "n_ties1": len(t1),
                "n_ties2": len(t2),
                "kept": kept,
                "new": len(t2) - kept,
                "lost": len(t1) - kept,
                "jaccard": kept / union if union else math.nan,
            }
        )
    return pd.DataFrame(rows)


def orgs_joined_left(first: RoundNetwork, second: RoundNetwork) -> pd.DataFrame:
    """The ``orgs_joined_left`` section of :func:`compare_rounds`: organisations that are
    nodes in only one of the rounds.

    Parameters
    ----------
    first, second : RoundNetwork
        The two rounds' networks (:func:`~evaltool.indicators.cooperation.round_network`).

    Returns
    -------
    pandas.DataFrame
        ``org, status ('joined' | 'left'), sector, responded``, sorted by status and org.
    """
    n1, n2 = first.nodes, second.nodes
    joined = n2[~n2["org"].isin(set(n1["org"]))].assign(status="joined")
    left = n1[~n1["org"].isin(set(n2["org"]))].assign(status="left")
    joined_left = pd.concat([joined, left], ignore_index=True)[
        ["org", "status", "sector", "responded"]
    ]
    return joined_left.sort_values(["status", "org"], ignore_index=True)


_ORG_CHANGE_COLUMNS = [
    "org",
    "sector",
    "present1",
    "present2",
    "responded1",
    "responded2",
    "in_degree1",
    "in_degree2",
    "in_degree_change",
    "degree1",
    "degree2",
    "degree_change",
    "observed_degree1",
    "observed_degree2",
    "observed_degree_change",
    "mean_trust_received1",
    "mean_trust_received2",
    "trust_change",
    "mean_value_received1",
    "mean_value_received2",
    "value_change",
]


def _observed_degree(net: RoundNetwork, senders: set, min_level: float) -> pd.Series:
    """Each organisation's ties in the round sent by one of ``senders`` (in and out)."""
    e = net.dyads[net.dyads["collaboration_level"] >= min_level]
    e = e[e["respondent_org"].isin(senders)]
    return pd.concat([e["respondent_org"], e["partner_org"]]).value_counts()


def org_change(first: RoundNetwork, second: RoundNetwork, min_level: float) -> pd.DataFrame:
    """The ``org_change`` section of :func:`compare_rounds`: each organisation's network
    position in both rounds and its change.

    Parameters
    ----------
    first, second : RoundNetwork
        The two rounds' networks (:func:`~evaltool.indicators.cooperation.round_network`).
    min_level : float
        A tie is a collaboration level of at least ``min_level``.

    Returns
    -------
    pandas.DataFrame
        One row per organisation in either round, sorted by org; columns as listed in
        :func:`compare_rounds`; each ``*_change`` is the second round's value minus the
        first's (NaN when the organisation is absent from a round).

    Notes
    -----
    A tie is known only from its sender's answer, so ``degree1`` and ``degree2`` fall when an
    organisation, or its partners, did not answer a round, whether or not the cooperation
    changed. ``observed_degree1`` and ``observed_degree2`` count only the ties that can be
    seen in both rounds: those sent by organisations that answered both rounds (the
    organisation's own ties sent count when it answered both rounds, else only the ties it
    received from them); ``observed_degree_change`` is their difference. Tested against R
    (tests/r/cooperation.R).
    """
    o1, o2 = first.organisations, second.organisations
    keep_cols = [
        "org",
        "sector",
        "responded",
        "in_degree",
        "degree",
        "mean_trust_received",
        "mean_value_received",
    ]
    oc = o1[keep_cols].merge(o2[keep_cols], on="org", how="outer", suffixes=("1", "2"))
    oc["sector"] = oc["sector2"].astype(object).fillna(oc["sector1"].astype(object))
    oc["present1"] = oc["org"].isin(set(o1["org"]))
    oc["present2"] = oc["org"].isin(set(o2["org"]))
    oc["in_degree_change"] = oc["in_degree2"] - oc["in_degree1"]
    oc["degree_change"] = oc["degree2"] - oc["degree1"]
    both = _respondents_both(first, second)
    for k, net in ((1, first), (2, second)):
        observed = _observed_degree(net, both, min_level)
        present = oc[f"present{k}"]
        oc[f"observed_degree{k}"] = oc["org"].map(observed).fillna(0).where(present).astype(float)
    oc["observed_degree_change"] = oc["observed_degree2"] - oc["observed_degree1"]
    oc["trust_change"] = oc["mean_trust_received2"] - oc["mean_trust_received1"]
    oc["value_change"] = oc["mean_value_received2"] - oc["mean_value_received1"]
    return oc[_ORG_CHANGE_COLUMNS].sort_values("org", ignore_index=True)


def comparison_row(
    sections: dict[str, pd.DataFrame], from_round, to_round, n_respondents_both: int
) -> pd.DataFrame:
    """The ``comparison`` section of :func:`compare_rounds`: the other sections in one flat
    row.

    Parameters
    ----------
    sections : dict of str to pandas.DataFrame
        The ``indices``, ``network``, ``ties``, ``orgs_joined_left`` and
        ``asymmetric_dyads`` sections.
    from_round, to_round
        The compared rounds.
    n_respondents_both : int
        Organisations that answered in both rounds.

    Returns
    -------
    pandas.DataFrame
        One row; columns as described in :func:`compare_rounds`.
    """
    flat: dict = {"round1": from_round, "round2": to_round}
    network = sections["network"]
    net_all = network[network["basis"] == "all"].set_index("measure")
    for measure in NETWORK_MEASURES:
        flat[f"{measure}1"] = net_all.at[measure, "value1"]
        flat[f"{measure}2"] = net_all.at[measure, "value2"]
        flat[f"{measure}_change"] = net_all.at[measure, "change"]
    all_ties = sections["ties"].iloc[0]
    joined_left = sections["orgs_joined_left"]["status"]
    asym = sections["asymmetric_dyads"]
    flat.update(
        ties_kept=all_ties["kept"],
        ties_new=all_ties["new"],
        ties_lost=all_ties["lost"],
        ties_jaccard=all_ties["jaccard"],
        orgs_joined=int((joined_left == "joined").sum()),
        orgs_left=int((joined_left == "left").sum()),
        respondents_both=n_respondents_both,
        asymmetric_dyads1=int((asym["round"] == from_round).sum()),
        asymmetric_dyads2=int((asym["round"] == to_round).sum()),
    )
    for row in sections["indices"].to_dict("records"):
        for key in ("mean1", "mean2", "diff", "p", "test"):
            flat[f"{row['index']}_{key}"] = row[key]
    return pd.DataFrame([flat])


def compare_rounds(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    statements: pd.DataFrame | None,
    survey: PartnerSurvey,
    r1: int | str,
    r2: int | str,
    min_n: int = 5,
    min_level: float = 1,
    paired: bool | None = None,
    *,
    networks: Mapping[object, RoundNetwork] | None = None,
) -> dict[str, pd.DataFrame]:
    """Compare two rounds of the partner survey: indices, statements and the network.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
    statements : pandas.DataFrame or None
        ``round, respondent_org, sector, item, value``; None without statements (empty
        ``indices`` comparisons).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    r1, r2 : int or str
        The first and the second round.
    min_n : int, default 5
        Index and item comparisons resting on fewer organisations are withheld.
    min_level : float, default 1
        A tie is a collaboration level of at least ``min_level`` (1 = networking).
    paired : bool or None, default None
        Force the organisation-paired (True) or Welch (False) test; None chooses as in
        :func:`compare_values`.
    networks : dict, optional
        The rounds' :func:`~evaltool.indicators.cooperation.round_networks` (same
        ``min_level``) when already computed, so that no round's figures are computed twice.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``indices``
            per index: ``round1, round2, index, test, n1, n2, mean1, mean2, diff, ci_low,
            ci_high, t, df, p, suppressed`` — see :func:`compare_values`: organisation-paired
            t-test on the organisations with a score in both rounds when there are at least
            max(min_n, 2) of them (``test = 'paired'``), else Welch's t-test on all scores
            (``'welch'``); ``paired`` forces either.
        ``items``
            the same per statement item on its answer scale (``index, item`` columns).
        ``network``
            ``basis, measure, value1, value2, change`` for every :data:`NETWORK_MEASURES`
            entry; basis ``all`` = each round's whole network, ``respondents_both`` = the
            network among the organisations that answered in both rounds (the longitudinal
            PARTNER practice of comparing only organisations responding at both time
            points).
        ``ties``
            ``basis, n_ties1, n_ties2, kept, new, lost, jaccard`` with Jaccard overlap
            |T1 ∩ T2| / |T1 ∪ T2| of the directed tie sets (NaN when both are empty).
        ``orgs_joined_left``
            ``org, status ('joined' | 'left'), sector, responded``: organisations that are
            nodes in only one of the rounds.
        ``org_change``
            per organisation in either round: ``org, sector, present1, present2, responded1,
            responded2, in_degree1, in_degree2, in_degree_change, degree1, degree2,
            degree_change, observed_degree1, observed_degree2, observed_degree_change`` (ties
            sent by organisations that answered both rounds: see :func:`org_change`),
            ``mean_trust_received1, mean_trust_received2, trust_change,
            mean_value_received1, mean_value_received2, value_change``.
        ``asymmetric_dyads``
            :func:`asymmetric_dyads` (difference ≥ 2) for the two rounds.
        ``comparison``
            one flat row (JSON-friendly): network figures of both rounds and their change,
            tie turnover, organisations joined/left, counts of asymmetric dyads and each
            index's ``<index>_mean1, <index>_mean2, <index>_diff, <index>_p, <index>_test``.

    Notes
    -----
    The t-tests are those of :func:`compare_values`, the network figures those of
    :func:`network_table` and :func:`organisation_table`; tie turnover uses the Jaccard
    overlap ``J = |T1 ∩ T2| / |T1 ∪ T2|``. A withheld index or item comparison keeps
    ``test``, ``n1`` and ``n2`` and has ``suppressed = True``.

    Tested against R igraph and t.test (tests/r/cooperation.R).

    References
    ----------
    Jaccard, P. (1912). The distribution of the flora in the alpine zone. New Phytologist
    11(2):37–50.

    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34(1–2):28–35.

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
    >>> from evaltool.indicators.cooperation import compare_rounds, load_partner_survey
    >>> # In R: length(intersect(t1, t2)) / length(union(t1, t2))
    >>> sections = compare_rounds(ties, orgs, None, load_partner_survey(), 1, 2)
    >>> sections["ties"]
                  basis  n_ties1  n_ties2  kept  new  lost  jaccard
    0               all        3        3     2    1     1      0.5
    1  respondents_both        3        3     2    1     1      0.5
    """
    first, second = _two_rounds(ties, orgs, r1, r2, min_level, networks)
    both = _respondents_both(first, second)
    if statements is None:
        statements = pd.DataFrame(columns=STATEMENT_COLUMNS)
    pair = statements[statements["round"].isin([r1, r2])]
    sections = {
        "indices": index_change(pair, survey, r1, r2, min_n, paired),
        "items": item_change(pair, survey, r1, r2, min_n, paired),
        "network": network_change(first, second, both, min_level),
        "ties": tie_turnover(first, second, both, min_level),
        "orgs_joined_left": orgs_joined_left(first, second),
        "org_change": org_change(first, second, min_level),
        "asymmetric_dyads": asymmetric_dyads(ties[ties["round"].isin([r1, r2])], min_difference=2),
    }
    sections["comparison"] = comparison_row(sections, r1, r2, len(both))
    return sections


def _two_rounds(ties, orgs, r1, r2, min_level: float, networks) -> list[RoundNetwork]:
    """The networks of rounds ``r1`` and ``r2``, from ``networks`` where they are there."""
    networks = networks or {}
    missing = [r for r in (r1, r2) if r not in networks]
    if missing:
        pair = ties[ties["round"].isin(missing)]
        dyads = dyad_table(pair)
        nodes = node_table(orgs[orgs["round"].isin(missing)], dyads)
    out = []
    for r in (r1, r2):
        if r in networks:
            if networks[r].min_level != min_level:
                raise ValueError("networks: computed with another min_level")
            out.append(networks[r])
        else:
            out.append(
                round_network(r, nodes[nodes["round"] == r], dyads[dyads["round"] == r], min_level)
            )
    return out


def comparison_table(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    pairs: Sequence[tuple] | None = None,
    min_n: int = 5,
    min_level: float = 1,
) -> pd.DataFrame:
    """The flat ``comparison`` rows of :func:`compare_rounds` for several pairs of rounds.

    Parameters
    ----------
    ties : pandas.DataFrame
        ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
        value``, one row per rating of a partner (see :mod:`evaltool.indicators.cooperation`).
    orgs : pandas.DataFrame
        ``round, org, sector, responded``: the roster plus the respondents.
    statements : pandas.DataFrame
        ``round, respondent_org, sector, item, value``, one row per answer (NaN for "Don't
        know" or blank).
    survey : PartnerSurvey
        The survey definition (blocks, items, scales).
    pairs : sequence of tuple, optional
        ``(from_round, to_round)`` pairs (default: each round with the next).
    min_n : int, default 5
        Index comparisons resting on fewer organisations are withheld.
    min_level : float, default 1
        A tie is a collaboration level of at least ``min_level`` (1 = networking).

    Returns
    -------
    pandas.DataFrame
        One row per pair (columns as described in :func:`compare_rounds`); empty without
        pairs.

    Notes
    -----
    Tested against R igraph and t.test through :func:`compare_rounds`
    (tests/r/cooperation.R).

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
    >>> from evaltool.indicators.cooperation import STATEMENT_COLUMNS, comparison_table
    >>> from evaltool.indicators.cooperation import load_partner_survey
    >>> no_statements = pd.DataFrame(columns=STATEMENT_COLUMNS)
    >>> # In R: edge_density(g2) - edge_density(g1)
    >>> t = comparison_table(ties, orgs, no_statements, load_partner_survey())
    >>> t[["round1", "round2", "density_change", "ties_kept", "ties_jaccard"]]
       round1  round2  density_change  ties_kept  ties_jaccard
    0       1       2             0.0          2           0.5
    """
    if pairs is None:
        rounds = sorted_rounds(
            list(orgs["round"]) + list(ties["round"]) + list(statements["round"])
        )
        pairs = list(zip(rounds, rounds[1:], strict=False))
    from evaltool.indicators.cooperation.network import round_networks

    networks = round_networks(ties, orgs, min_level) if pairs else {}
    frames = [
        compare_rounds(
            ties,
            orgs,
            statements,
            survey,
            from_round,
            to_round,
            min_n=min_n,
            min_level=min_level,
            networks=networks,
        )["comparison"]
        for from_round, to_round in pairs
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------------------------

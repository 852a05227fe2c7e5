"""Non-response is not lost cooperation; each round's network is computed once; rounds in
time order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltool.indicators import cooperation
from evaltool.indicators.cooperation import network
from evaltool.indicators.workspace_tables import round_tables

ORGS = ["A", "B", "C", "D", "E", "F"]


def two_rounds(answered_round2: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everyone collaborates with everyone in both rounds; in round 2 only
    ``answered_round2`` answered, so only their ties are known."""
    rows, orgs = [], []
    for rnd, answered in (("syksy 2012", ORGS), ("syksy 2013", answered_round2)):
        for o in ORGS:
            orgs.append((rnd, o, "ngo", o in answered))
            if o in answered:
                rows += [(rnd, o, p, 3.0, 3.0, 3.0, 3.0) for p in ORGS if p != o]
    ties = pd.DataFrame(rows, columns=cooperation.TIE_COLUMNS)
    return ties, pd.DataFrame(orgs, columns=cooperation.ORG_COLUMNS)


def test_an_organisation_that_did_not_answer_keeps_its_observable_ties():
    ties, orgs = two_rounds(answered_round2=["B", "C", "D", "E", "F"])
    survey = cooperation.load_partner_survey()
    change = cooperation.compare_rounds(ties, orgs, None, survey, "syksy 2012", "syksy 2013")
    a = change["org_change"].set_index("org").loc["A"]
    # raw degree halves (A's own 5 ties named are missing) although nothing changed …
    assert (a["degree1"], a["degree2"], a["degree_change"]) == (10, 5, -5)
    assert bool(a["responded1"]) and not bool(a["responded2"])
    # … the ties observable in both rounds (sent by B–F, who answered both) do not change
    assert (a["observed_degree1"], a["observed_degree2"], a["observed_degree_change"]) == (
        5,
        5,
        0,
    )
    b = change["org_change"].set_index("org").loc["B"]
    assert (b["observed_degree1"], b["observed_degree2"]) == (9, 9)  # 5 sent + 4 from C–F


def test_each_rounds_betweenness_is_computed_once(monkeypatch):
    ties, orgs = two_rounds(answered_round2=ORGS)
    calls = []
    original = network.Graph.betweenness

    def counted(self):
        calls.append(self.n)
        return original(self)

    monkeypatch.setattr(network.Graph, "betweenness", counted)
    survey = cooperation.load_partner_survey()
    networks = cooperation.round_networks(ties, orgs)
    tables = round_tables(ties, orgs, ties.iloc[:0], None, 5, networks=networks)
    cooperation.compare_rounds(
        ties, orgs, None, survey, "syksy 2012", "syksy 2013", networks=networks
    )
    assert calls == [6, 6]
    assert tables["organisations"]["betweenness"].tolist() == [0.0] * 12


def test_networks_computed_with_another_threshold_are_refused():
    ties, orgs = two_rounds(answered_round2=ORGS)
    networks = cooperation.round_networks(ties, orgs, min_level=4)
    with pytest.raises(ValueError, match="min_level"):
        cooperation.network_table(ties, orgs, min_level=1, networks=networks)


def test_betweenness_of_a_path_and_a_star():
    # a → b → c → d: b and c each lie on the shortest paths between 2 ordered pairs
    ties = pd.DataFrame(
        [(1, x, y, 1.0, 2.0, 3.0, 3.0) for x, y in ("ab", "bc", "cd")],
        columns=cooperation.TIE_COLUMNS,
    )
    orgs = pd.DataFrame({"round": 1, "org": list("abcd"), "sector": None, "responded": True})
    t = cooperation.organisation_table(ties, orgs).set_index("org")
    assert t["betweenness"].tolist() == [0.0, 2.0, 2.0, 0.0]
    assert np.isclose(cooperation.network_table(ties, orgs)["density"].iloc[0], 3 / 12)


@pytest.mark.parametrize(
    ("labels", "wanted"),
    [
        (["syksy 2013", "syksy 2012"], ["syksy 2012", "syksy 2013"]),
        (["syksy 2012", "kevät 2013", "kevät 2012"], ["kevät 2012", "syksy 2012", "kevät 2013"]),
        (["höst 2013", "vår 2013"], ["vår 2013", "höst 2013"]),
        (["2015", "autumn 2014"], ["autumn 2014", "2015"]),
        (["B", "A"], ["B", "A"]),
    ],
)
def test_rounds_in_time_order(labels, wanted):
    assert cooperation.chronological(labels) == wanted

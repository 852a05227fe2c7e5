"""Tests for evaltool.indicators.cooperation.

Reference values in tests/r/cooperation_expected.json come from tests/r/cooperation.R
(R igraph and t.test) run on the CSV files beside it: the main two-round test data and the
hard cases (cooperation_edge_*.csv: a self-tie, duplicated ratings of a pair, an organisation
that appears only as a partner, a respondent missing from the roster, a round without ties,
a round of two organisations).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import UserError
from evaltool.indicators.cooperation import (
    MEASURES,
    asymmetric_dyads,
    compare_rounds,
    compare_values,
    comparison_table,
    index_scores,
    index_table,
    item_distribution,
    load_partner_survey,
    network_table,
    organisation_table,
    ties_from_list,
    ties_from_matrix,
)

R_DIR = Path(__file__).resolve().parents[1] / "r"
NET_TOL = 1e-10
STAT_TOL = 1e-8


@pytest.fixture(scope="module")
def survey():
    return load_partner_survey()


@pytest.fixture(scope="module")
def data():
    ties = pd.read_csv(R_DIR / "cooperation_ties.csv")
    orgs = pd.read_csv(R_DIR / "cooperation_orgs.csv")
    statements = pd.read_csv(R_DIR / "cooperation_statements.csv")
    return ties, orgs, statements


@pytest.fixture(scope="module")
def expected():
    return json.loads((R_DIR / "cooperation_expected.json").read_text(encoding="utf-8"))


def num(x) -> float:
    return math.nan if x is None else float(x)


def close(actual, wanted, tol, rel=False) -> bool:
    a, w = float(actual), num(wanted)
    if math.isnan(a) or math.isnan(w):
        return math.isnan(a) and math.isnan(w)
    if rel:
        return abs(a - w) <= tol * max(abs(w), 1e-300)
    return abs(a - w) <= tol


def assert_row(actual: pd.Series | dict, wanted: dict, fields, tol, rel_fields=()):
    for f in fields:
        rel = f in rel_fields
        assert close(actual[f], wanted[f], 1e-6 if rel else tol, rel), (f, actual[f], wanted[f])


# --------------------------------------------------------------------------------------------
# Survey definition
# --------------------------------------------------------------------------------------------


def test_builtin_survey_structure(survey):
    assert [b.code for b in survey.blocks] == [
        "goals",
        "information",
        "roles",
        "clients",
        "development",
    ]
    assert all(3 <= len(b.items) <= 4 for b in survey.blocks)
    assert set(survey.roster) == set(MEASURES)
    assert survey.roster["collaboration_level"].scale.values == (0, 1, 2, 3, 4, 5)
    assert survey.roster["contact_frequency"].scale.values == (0, 1, 2, 3, 4)
    assert survey.roster["trust"].scale.values == (1, 2, 3, 4)
    assert [s.code for s in survey.sectors] == [
        "te_office",
        "municipality",
        "kela",
        "foundation",
        "association",
        "school",
        "company",
        "project",
        "state",
        "education",
        "health",
        "ngo",
        "housing",
        "business",
        "other",
    ]
    for scale in survey.scales.values():
        assert set(scale.labels) == {"fi", "sv", "en"}
        assert math.isnan(scale.decode("En osaa sanoa"))
        assert math.isnan(scale.decode("Vet ej"))
        assert math.isnan(scale.decode("Don't know"))
    for item in survey.items:
        assert set(item.label) == {"fi", "sv", "en"}
    agree = survey.scales["agree5"]
    assert agree.decode("Täysin samaa mieltä") == 5
    assert agree.decode("Helt av samma åsikt") == 5
    assert agree.decode("strongly  AGREE") == 5
    assert agree.label(1, "sv") == "Helt av annan åsikt"
    assert survey.sector_code("TE-toimisto") == "te_office"
    assert survey.sector_code("Förening") == "association"
    assert survey.sector_code("kela") == "kela"


def test_r_inputs_follow_the_survey(survey):
    items = pd.read_csv(R_DIR / "cooperation_items.csv")
    pd.testing.assert_frame_equal(items, survey.items_frame(), check_dtype=False)


def test_scale_decoding_errors(survey):
    level = survey.roster["collaboration_level"].scale
    assert level.decode("3 = Coordination") == 3
    assert level.decode(" 2,0 ") == 2
    assert math.isnan(level.decode("Don\u2019t know"))
    assert math.isnan(level.decode(""))
    with pytest.raises(ValueError, match="outside"):
        level.decode("6")
    with pytest.raises(ValueError, match="not a label"):
        level.decode("Melko hyvin")
    with pytest.raises(ValueError, match="disagree"):
        level.decode("3 = Networking")


def test_user_defined_survey(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        """
[survey]
code = "mine"
[scales.s4]
values = [1, 2, 3, 4]
fi = ["a", "b", "c", "d"]
missing = { fi = ["eos"] }
[roster.collaboration_level]
scale = "s4"
label = { fi = "Taso" }
[[blocks]]
code = "b"
scale = "s4"
min_answered = 2
label = { fi = "Lohko" }
[[blocks.items]]
code = "x"
label = { fi = "X" }
[[blocks.items]]
code = "y"
label = { fi = "Y" }
reversed = true
[[blocks.items]]
code = "z"
label = { fi = "Z" }
""",
        encoding="utf-8",
    )
    mine = load_partner_survey(path)
    assert mine.code == "mine" and mine.block("b").min_answered == 2
    st = pd.DataFrame(
        {
            "round": 1,
            "respondent_org": ["A", "A", "A", "B", "B", "B"],
            "sector": None,
            "item": ["x", "y", "z", "x", "y", "z"],
            "value": [4, 1, np.nan, 2, np.nan, np.nan],
        }
    )
    scores = index_scores(st, mine).set_index("respondent_org")
    # A: x = 4, y reversed 1 -> 4; mean 4 on 1..4 -> 100. B: one answer < min_answered.
    assert scores.loc["A", "score"] == pytest.approx(100)
    assert scores.loc["A", "n_answered"] == 2
    assert math.isnan(scores.loc["B", "score"])


@pytest.mark.parametrize(
    "text, message",
    [
        ("[scales.s]\nvalues = [1, 2]\nfi = ['a']\n", "2 labels"),
        ("[[blocks]]\ncode = 'b'\nscale = 'nope'\nitems = [{code = 'x'}]\n", "unknown scale"),
        ("[scales.s]\nvalues = [2, 1]\n", "ascending"),
        ("[roster.colour]\nscale = 's'\n", "not a roster measure"),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_invalid_survey_definition(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        load_partner_survey(path)


def test_unknown_survey_name():
    with pytest.raises(UserError):
        load_partner_survey("no-such-survey")


# --------------------------------------------------------------------------------------------
# Networks against igraph
# --------------------------------------------------------------------------------------------

NETWORK_FIELDS = [
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


@pytest.mark.parametrize("min_level", [1, 3])
def test_network_table_matches_igraph(data, expected, min_level):
    ties, orgs, _ = data
    table = network_table(ties, orgs, min_level=min_level).set_index("round")
    wanted = [row for row in expected["network"] if row["min_level"] == min_level]
    assert len(wanted) == len(table) == 2
    for row in wanted:
        assert_row(table.loc[row["round"]], row, NETWORK_FIELDS, NET_TOL)


def test_test_network_has_the_hard_cases(data):
    ties, orgs, _ = data
    table = network_table(ties, orgs).set_index("round")
    assert (table["n_isolates"] > 0).all()
    assert (table["n_nonrespondents"] > 0).all()
    assert (table["reciprocity"] < 1).all()  # unreturned ties


def test_organisation_table_matches_igraph(data, expected):
    ties, orgs, _ = data
    table = organisation_table(ties, orgs).set_index(["round", "org"])
    assert len(table) == len(expected["organisations"])
    fields = [
        "in_degree",
        "out_degree",
        "degree",
        "betweenness",
        "mean_trust_received",
        "mean_value_received",
    ]
    for row in expected["organisations"]:
        got = table.loc[(row["round"], row["org"])]
        assert_row(got, row, fields, NET_TOL)
        assert got["sector"] == row["sector"] and bool(got["responded"]) == row["responded"]
    assert (table["degree"] == table["in_degree"] + table["out_degree"]).all()
    assert table.loc[(1, "Yritys Oy"), "responded"] is np.False_
    assert table.loc[(1, "Yritys Oy"), "sector"] == "company"


def test_duplicate_and_self_ratings():
    ties = pd.DataFrame(
        {
            "round": 1,
            "respondent_org": ["A", "A", "A", "B", "C"],
            "partner_org": ["B", "B", "A", "A", "A"],
            "contact_frequency": [2, 4, 4, np.nan, 1],
            "collaboration_level": [1, 0, 5, 3, np.nan],
            "trust": [2, 4, 4, 3, 1],
            "value": [np.nan, 2, 4, 3, np.nan],
        }
    )
    orgs = pd.DataFrame({"round": [1], "org": ["D"], "sector": ["kela"], "responded": [False]})
    net = network_table(ties, orgs).iloc[0]
    # A's two ratings of B average to level 0.5 (< 1): only B -> A is a tie; self-rating
    # dropped; C's rating has no level; D is an isolate from the roster.
    assert net["n_orgs"] == 4 and net["n_ties"] == 1 and net["n_isolates"] == 2
    assert net["n_respondents"] == 3
    assert net["mean_trust"] == pytest.approx((3 + 3 + 1) / 3)
    org = organisation_table(ties, orgs).set_index("org")
    assert org.loc["A", "mean_trust_received"] == pytest.approx(2)
    assert org.loc["B", "mean_value_received"] == pytest.approx(2)
    assert math.isnan(org.loc["C", "mean_trust_received"])
    assert org.loc["D", "sector"] == "kela"


def test_round_without_ties():
    ties = pd.DataFrame(columns=["round", "respondent_org", "partner_org", *MEASURES])
    orgs = pd.DataFrame(
        {"round": 1, "org": ["A", "B", "C"], "sector": None, "responded": [True, False, False]}
    )
    net = network_table(ties, orgs).iloc[0]
    assert net["n_ties"] == 0 and net["density"] == 0 and net["n_isolates"] == 3
    assert math.isnan(net["reciprocity"]) and net["degree_centralization"] == 0


def test_asymmetric_dyads_match_r(data, expected):
    ties, _, _ = data
    got = asymmetric_dyads(ties)
    want = {
        (r["round"], r["org_a"], r["org_b"], r["level_a_to_b"], r["level_b_to_a"])
        for r in expected["asymmetric_dyads"]
    }
    have = set(
        got[["round", "org_a", "org_b", "level_a_to_b", "level_b_to_a"]].itertuples(
            index=False, name=None
        )
    )
    assert have == want and len(want) > 0
    assert (got["difference"] >= 2).all()


# --------------------------------------------------------------------------------------------
# Indices against t.test
# --------------------------------------------------------------------------------------------


def test_index_table_matches_t_test(data, expected, survey):
    _, _, statements = data
    table = index_table(statements, survey, min_n=1).set_index(["round", "index"])
    assert len(table) == len(expected["indices"])
    for row in expected["indices"]:
        got = table.loc[(row["round"], row["index"])]
        assert got["n"] == row["n"]
        assert_row(got, row, ["mean", "sd", "ci_low", "ci_high"], STAT_TOL)


def test_index_table_by_sector_matches_t_test(data, expected, survey):
    _, _, statements = data
    table = index_table(statements, survey, min_n=1, by="sector")
    table = table.set_index(["round", "sector", "index"])
    assert len(table) == len(expected["indices_by_sector"])
    for row in expected["indices_by_sector"]:
        got = table.loc[(row["round"], row["sector"], row["index"])]
        assert got["n"] == row["n"]
        assert_row(got, row, ["mean", "sd", "ci_low", "ci_high"], STAT_TOL)


def test_index_suppression(data, survey):
    _, _, statements = data
    table = index_table(statements, survey, min_n=8)
    small = table[table["n"] < 8]
    assert len(small) > 0 and small["suppressed"].all()
    assert small[["mean", "sd", "ci_low", "ci_high"]].isna().all().all()
    shown = table[table["n"] >= 8]
    assert len(shown) > 0 and not shown["suppressed"].any() and shown["mean"].notna().all()


def test_min_answered_rule(data, survey):
    _, _, statements = data
    scores = index_scores(statements, survey).set_index(["round", "respondent_org", "index"])
    # Kela answered only goals_1 in round 1 (2 needed).
    assert scores.loc[(1, "Kela", "goals"), "n_answered"] == 1
    assert math.isnan(scores.loc[(1, "Kela", "goals"), "score"])
    assert scores["score"].dropna().between(0, 100).all()


def test_item_distribution(survey):
    st = pd.DataFrame(
        {
            "round": 1,
            "respondent_org": list("ABCDEF"),
            "sector": "kela",
            "item": "goals_1",
            "value": [5, 5, 4, 1, np.nan, 5],
        }
    )
    d = item_distribution(st, survey, min_n=5, lang="en")
    d = d[d["item"] == "goals_1"].set_index("value")
    assert list(d.index) == [1, 2, 3, 4, 5]
    assert list(d["count"]) == [1, 0, 0, 1, 3]
    assert d.loc[5, "share"] == pytest.approx(0.6)
    assert d.loc[5, "label"] == "Strongly agree"
    assert (d["n"] == 5).all() and (d["n_missing"] == 1).all()
    small = item_distribution(st, survey, min_n=6)
    assert small["suppressed"].all() and small["count"].isna().all()


# --------------------------------------------------------------------------------------------
# Comparing rounds
# --------------------------------------------------------------------------------------------

COMPARE_FIELDS = ["mean1", "mean2", "diff", "ci_low", "ci_high", "t", "df"]


@pytest.mark.parametrize("test", ["paired", "welch"])
def test_compare_indices_match_t_test(data, expected, survey, test):
    ties, orgs, statements = data
    result = compare_rounds(
        ties, orgs, statements, survey, 1, 2, min_n=2, paired=(test == "paired")
    )
    got = result["indices"].set_index("index")
    wanted = [r for r in expected["compare_indices"] if r["test"] == test]
    assert len(wanted) == len(got) == 5
    for row in wanted:
        g = got.loc[row["index"]]
        assert g["test"] == test and g["n1"] == row["n1"] and g["n2"] == row["n2"]
        assert_row(g, row, [*COMPARE_FIELDS, "p"], STAT_TOL, rel_fields=("p",))


@pytest.mark.parametrize("test", ["paired", "welch"])
def test_compare_items_match_t_test(data, expected, survey, test):
    ties, orgs, statements = data
    result = compare_rounds(
        ties, orgs, statements, survey, 1, 2, min_n=2, paired=(test == "paired")
    )
    got = result["items"].set_index("item")
    wanted = [r for r in expected["compare_items"] if r["test"] == test]
    assert len(wanted) == len(got) == 16
    for row in wanted:
        g = got.loc[row["item"]]
        assert g["n1"] == row["n1"] and g["n2"] == row["n2"]
        assert_row(g, row, [*COMPARE_FIELDS, "p"], STAT_TOL, rel_fields=("p",))


def test_compare_chooses_paired_when_organisations_answer_both_rounds(data, survey):
    ties, orgs, statements = data
    auto = compare_rounds(ties, orgs, statements, survey, 1, 2, min_n=5)["indices"]
    assert (auto["test"] == "paired").all()
    # Round 2 answered by other organisations only: Welch.
    other = statements.copy()
    second = other["round"] == 2
    other.loc[second, "respondent_org"] = other.loc[second, "respondent_org"] + " (uusi)"
    welch = compare_rounds(ties, orgs, other, survey, 1, 2, min_n=5)["indices"]
    assert (welch["test"] == "welch").all()
    # Too few organisations: suppressed.
    few = compare_rounds(ties, orgs, statements, survey, 1, 2, min_n=20)["indices"]
    assert few["suppressed"].all() and few[["mean1", "diff", "p"]].isna().all().all()


def test_compare_values_constant_differences():
    x1 = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    out = compare_values(x1, x1 + 1, min_n=5)
    assert out["test"] == "paired" and out["diff"] == pytest.approx(1)
    assert math.isnan(out["t"]) and math.isnan(out["p"])
    # every organisation up by the same 0–100 index step, computed from different levels:
    # the differences are equal up to rounding, which R's t.test treats as constant too
    lv = pd.Series(
        [(m - 1) / 4 * 100 for m in (2 + 1 / 3, 3, 3 + 2 / 3, 4, 4 + 1 / 3)], index=list("abcde")
    )
    up = pd.Series(
        [(m + 1 / 3 - 1) / 4 * 100 for m in (2 + 1 / 3, 3, 3 + 2 / 3, 4, 4 + 1 / 3)],
        index=list("abcde"),
    )
    assert (up - lv).std() > 0  # rounding noise
    out = compare_values(lv, up, min_n=5)
    assert math.isnan(out["t"]) and math.isnan(out["p"]) and math.isnan(out["ci_low"])
    assert out["diff"] == pytest.approx(100 / 12)


def test_compare_network_and_tie_turnover_match_r(data, expected, survey):
    ties, orgs, statements = data
    result = compare_rounds(ties, orgs, statements, survey, 1, 2)
    turnover = result["ties"].set_index("basis")
    for basis, row in expected["tie_turnover"].items():
        for f in ["n_ties1", "n_ties2", "kept", "new", "lost"]:
            assert turnover.loc[basis, f] == row[f], (basis, f)
        assert close(turnover.loc[basis, "jaccard"], row["jaccard"], NET_TOL)
    net = result["network"]
    both = net[net["basis"] == "respondents_both"].set_index("measure")
    r1, r2 = expected["network_respondents_both"]
    for f in NETWORK_FIELDS:
        assert close(both.loc[f, "value1"], r1[f], NET_TOL), f
        assert close(both.loc[f, "value2"], r2[f], NET_TOL), f
    whole = net[net["basis"] == "all"].set_index("measure")
    w1, w2 = [r for r in expected["network"] if r["min_level"] == 1]
    for f in NETWORK_FIELDS:
        assert close(whole.loc[f, "change"], num(w2[f]) - num(w1[f]), NET_TOL), f


def test_compare_organisations(data, survey):
    ties, orgs, statements = data
    result = compare_rounds(ties, orgs, statements, survey, 1, 2)
    jl = result["orgs_joined_left"]
    assert set(jl.loc[jl["status"] == "joined", "org"]) == {"Nuorisotalo", "Kirjasto"}
    assert set(jl.loc[jl["status"] == "left", "org"]) == {"Seurakunta"}
    oc = result["org_change"].set_index("org")
    per_org = organisation_table(ties, orgs).set_index(["round", "org"])
    for org in ["Kaupunki", "Kela", "Työpaja Kipinä"]:
        d1, d2 = per_org.loc[(1, org)], per_org.loc[(2, org)]
        assert oc.loc[org, "degree_change"] == d2["degree"] - d1["degree"]
        assert oc.loc[org, "trust_change"] == pytest.approx(
            d2["mean_trust_received"] - d1["mean_trust_received"], nan_ok=True
        )
    assert not oc.loc["Kirjasto", "present1"] and oc.loc["Kirjasto", "present2"]
    assert math.isnan(oc.loc["Seurakunta", "degree_change"])
    asym = result["asymmetric_dyads"]
    assert set(asym["round"]) == {1, 2}


def test_comparison_row_is_json_ready(data, survey):
    ties, orgs, statements = data
    result = compare_rounds(ties, orgs, statements, survey, 1, 2)
    row = result["comparison"]
    assert len(row) == 1
    record = json.loads(row.to_json(orient="records"))[0]
    assert record["round1"] == 1 and record["round2"] == 2
    assert record["ties_kept"] + record["ties_lost"] == record["n_ties1"]
    assert record["goals_test"] == "paired"
    assert record["density_change"] == pytest.approx(record["density2"] - record["density1"])
    table = comparison_table(ties, orgs, statements, survey)
    assert len(table) == 1
    pd.testing.assert_frame_equal(table, row)


# --------------------------------------------------------------------------------------------
# From web-survey exports
# --------------------------------------------------------------------------------------------

LANGS = ["fi", "sv", "en", "code"]
MEASURE_HEADERS = {
    "collaboration_level": "Yhteistyön taso [{org}]",
    "contact_frequency": "Contact frequency - {org}",
    "trust": "Luottamus: {org}",
    "value": "Nytta för samarbetet [{org}]",
}


def as_answer(scale, value, k: int) -> str:
    """A cell as an export would hold it: label in a rotating language, or the code."""
    lang = LANGS[k % len(LANGS)]
    if pd.isna(value):
        return ["", "En osaa sanoa", "Vet ej", "Don't know"][k % 4]
    if lang == "code":
        return str(int(value))
    return scale.label(value, lang)


def item_header(survey, code: str, k: int) -> str:
    block = next(b for b in survey.blocks if code in {i.code for i in b.items})
    item = next(i for i in block.items if i.code == code)
    style = k % 3
    if style == 0:
        return f"{block.label['fi']}: {item.label['fi']}"
    if style == 1:
        return item.label["en"]
    return item.code


def make_exports(data, survey, rnd):
    ties, orgs, statements = data
    t = ties[ties["round"] == rnd]
    o = orgs[orgs["round"] == rnd]
    s = statements[statements["round"] == rnd]
    roster = list(o["org"])
    respondents = list(o.loc[o["responded"], "org"])
    sector_label = {x.code: x.label for x in survey.sectors}
    rows = []
    k = 0
    for org in respondents:
        sector = o.loc[o["org"] == org, "sector"].iloc[0]
        # Names in the export differ from the roster in case and spacing only.
        row = {
            "Organisaationne": f"  {org.upper()} ",
            "Organisaation tyyppi": sector_label[sector][LANGS[k % 3]],
        }
        for j, code in enumerate(i.code for i in survey.items):
            value = s.loc[(s["respondent_org"] == org) & (s["item"] == code), "value"]
            row[item_header(survey, code, j)] = as_answer(survey.scales["agree5"], value.iloc[0], k)
            k += 1
        for partner in roster:
            rating = t[(t["respondent_org"] == org) & (t["partner_org"] == partner)]
            for measure, header in MEASURE_HEADERS.items():
                value = rating[measure].iloc[0] if len(rating) else np.nan
                row[header.format(org=partner)] = as_answer(survey.roster[measure].scale, value, k)
                k += 1
        rows.append(row)
    matrix = pd.DataFrame(rows)
    matrix.insert(0, "Vastausaika", "2024-05-01 12:00")
    listed = []
    for j, (_, tie) in enumerate(t.iterrows()):
        sector = o.loc[o["org"] == tie["respondent_org"], "sector"].iloc[0]
        listed.append(
            {
                "respondent_org": tie["respondent_org"],
                "partner_org": tie["partner_org"].lower(),
                "sector": sector_label[sector]["sv"],
                "Yhteistyön taso": as_answer(
                    survey.roster["collaboration_level"].scale, tie["collaboration_level"], j
                ),
                "contact_frequency": as_answer(
                    survey.roster["contact_frequency"].scale, tie["contact_frequency"], j + 1
                ),
                "Trust": as_answer(survey.roster["trust"].scale, tie["trust"], j + 2),
                "Arvo": as_answer(survey.roster["value"].scale, tie["value"], j + 3),
            }
        )
    named = set(t["respondent_org"])
    for org in respondents:
        if org not in named:
            sector = o.loc[o["org"] == org, "sector"].iloc[0]
            listed.append({"respondent_org": org, "partner_org": "", "sector": sector})
    tie_list = pd.DataFrame(listed).sample(frac=1, random_state=3)  # order must not matter
    nonrespondents = {
        org: o.loc[o["org"] == org, "sector"].iloc[0] for org in roster if org not in respondents
    }
    return matrix, tie_list, roster, nonrespondents


@pytest.mark.parametrize("rnd", [1, 2])
def test_matrix_export_and_tie_list_give_identical_tables(data, survey, rnd):
    ties, orgs, statements = data
    matrix, tie_list, roster, nonrespondents = make_exports(data, survey, rnd)
    from_matrix = ties_from_matrix(
        matrix, survey, roster, "Organisaationne", round=rnd, sectors=nonrespondents
    )
    from_list = ties_from_list(
        tie_list, survey, round=rnd, roster_orgs=roster, sectors=nonrespondents
    )
    assert from_matrix.report.ok and from_list.report.ok
    assert not from_matrix.warnings[1:]  # only the unused timestamp column
    assert "column-unused" in from_matrix.warnings[0]
    assert not from_list.warnings
    pd.testing.assert_frame_equal(from_matrix.ties, from_list.ties)
    pd.testing.assert_frame_equal(from_matrix.orgs, from_list.orgs)

    # ... and both equal the committed tables.
    want_ties = ties[ties["round"] == rnd].dropna(subset=list(MEASURES), how="all")
    want_ties = want_ties.sort_values(["respondent_org", "partner_org"]).reset_index(drop=True)
    got_ties = from_matrix.ties.astype({"partner_org": object, "respondent_org": object})
    pd.testing.assert_frame_equal(
        got_ties, want_ties.astype({m: float for m in MEASURES}), check_dtype=False
    )
    want_orgs = orgs[orgs["round"] == rnd].sort_values("org").reset_index(drop=True)
    pd.testing.assert_frame_equal(from_matrix.orgs, want_orgs, check_dtype=False)
    got_st = from_matrix.statements.sort_values(["respondent_org", "item"]).reset_index(drop=True)
    want_st = statements[statements["round"] == rnd].astype({"value": float})
    want_st = want_st.sort_values(["respondent_org", "item"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got_st, want_st, check_dtype=False)

    # The tables from the export give the same network as the committed ones.
    pd.testing.assert_frame_equal(
        network_table(from_list.ties, from_list.orgs),
        network_table(ties[ties["round"] == rnd], orgs[orgs["round"] == rnd]),
    )


def test_near_duplicate_names_and_aliases(survey):
    matrix = pd.DataFrame(
        {
            "Organisaatio": ["TE toimisto", "Kela"],
            "Yhteistyön taso [TE-toimisto]": ["", "Koordinointi"],
            "Yhteistyön taso [kela]": ["Networking", ""],
        }
    )
    plain = ties_from_matrix(matrix, survey, ["TE-toimisto", "Kela"])
    assert any("org-near-duplicate" in w and "TE toimisto" in w for w in plain.warnings)
    assert set(plain.orgs["org"]) == {"TE-toimisto", "TE toimisto", "Kela"}
    merged = ties_from_matrix(
        matrix, survey, ["TE-toimisto", "Kela"], aliases={"te toimisto": "TE-toimisto"}
    )
    assert not merged.warnings
    assert set(merged.orgs["org"]) == {"TE-toimisto", "Kela"}
    assert merged.orgs.set_index("org")["responded"].all()
    pairs = set(zip(merged.ties["respondent_org"], merged.ties["partner_org"], strict=True))
    assert pairs == {("TE-toimisto", "Kela"), ("Kela", "TE-toimisto")}


def test_unknown_labels_are_reported(survey):
    matrix = pd.DataFrame(
        {
            "Organisaatio": ["A", "B"],
            "Sektori": ["Yhdistys", "Kerho"],
            "Trust - C": ["Melko hyvin", "9"],
            "Yhteistyön taso - C": ["3", "2"],
        }
    )
    result = ties_from_matrix(matrix, survey)
    codes = [i.code for i in result.report.errors]
    assert codes == ["unknown-label", "value-out-of-range"]
    assert result.report.errors[0].header == "Trust - C"
    assert any("unknown-label" in w and "Kerho" in w for w in result.warnings)
    assert result.ties["trust"].isna().all()
    orgs = result.orgs.set_index("org")
    assert orgs.loc["A", "sector"] == "association" and orgs.loc["C", "responded"] is np.False_


def test_missing_respondent_column(survey):
    result = ties_from_matrix(pd.DataFrame({"Kuka": ["A"]}), survey)
    assert [i.code for i in result.report.errors] == ["id-column-missing"]
    assert result.ties.empty
    listed = ties_from_list(pd.DataFrame({"partner_org": ["A"]}), survey)
    assert not listed.report.ok


def test_tie_list_default_level(survey):
    edges = pd.DataFrame({"respondent_org": ["A", "A", "B"], "partner_org": ["B", "C", "A"]})
    result = ties_from_list(edges, survey, default_level=1)
    assert (result.ties["collaboration_level"] == 1).all()
    net = network_table(result.ties, result.orgs).iloc[0]
    assert net["n_ties"] == 3 and net["reciprocity"] == pytest.approx(2 / 3)
    assert ties_from_list(edges, survey).ties.empty  # no answers at all


def test_responded_read_from_text():
    ties = pd.DataFrame(
        {"round": 1, "respondent_org": ["A"], "partner_org": ["B"], "collaboration_level": [2]}
    )
    orgs = pd.DataFrame(
        {"round": 1, "org": ["A", "B", "C"], "sector": None, "responded": ["True", "false", "ei"]}
    )
    net = network_table(ties, orgs).iloc[0]
    assert net["n_respondents"] == 1 and net["n_nonrespondents"] == 2
    bad = orgs.assign(responded=["maybe", "x", ""])
    with pytest.raises(ValueError, match="responded"):
        network_table(ties, bad)


def test_compare_without_statements(data, survey):
    ties, orgs, _ = data
    result = compare_rounds(ties, orgs, None, survey, 1, 2, min_level=3)
    assert result["indices"]["suppressed"].all() and (result["indices"]["n1"] == 0).all()
    wanted = network_table(ties, orgs, min_level=3).set_index("round")
    net = result["network"].query("basis == 'all'").set_index("measure")
    assert net.loc["density", "value1"] == wanted.loc[1, "density"]
    assert net.loc["n_ties", "value2"] == wanted.loc[2, "n_ties"]


# --------------------------------------------------------------------------------------------
# Every column of the comparison tables against R
# --------------------------------------------------------------------------------------------


def _plain(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def assert_records(got: pd.DataFrame, wanted: list[dict], key: str = "org") -> None:
    """Every R field of every row equal (numbers to NET_TOL, text and flags exactly)."""
    got = got.set_index(key)
    assert sorted(got.index) == sorted(r[key] for r in wanted)
    for row in wanted:
        g = got.loc[row[key]]
        for f, w in row.items():
            if f == key:
                continue
            a, b = _plain(g[f]), _plain(w)
            if isinstance(b, float) and a is not None:
                assert close(a, b, NET_TOL), (row[key], f, a, b)
            else:
                assert a == b, (row[key], f, a, b)


def test_org_change_and_joined_left_match_r(data, expected, survey):
    ties, orgs, statements = data
    result = compare_rounds(ties, orgs, statements, survey, 1, 2)
    assert list(result["org_change"].columns) == list(expected["org_change"][0])
    assert_records(result["org_change"], expected["org_change"])
    assert_records(result["orgs_joined_left"], expected["orgs_joined_left"])


def test_comparison_row_matches_r(data, expected, survey):
    ties, orgs, statements = data
    row = compare_rounds(ties, orgs, statements, survey, 1, 2, min_n=5)["comparison"].iloc[0]
    wanted = expected["comparison"]
    assert set(row.index) == set(wanted)
    for f, w in wanted.items():
        a, b = _plain(row[f]), _plain(w)
        if isinstance(b, float) and a is not None:
            tol_rel = f.endswith("_p")
            assert close(a, b, 1e-6 if tol_rel else NET_TOL, rel=tol_rel), (f, a, b)
        else:
            assert a == b, (f, a, b)
    net = compare_rounds(ties, orgs, statements, survey, 1, 2)["network"]
    whole = net[net["basis"] == "all"].set_index("measure")
    w1, w2 = [r for r in expected["network"] if r["min_level"] == 1]
    for f in NETWORK_FIELDS:
        assert close(whole.loc[f, "value1"], w1[f], NET_TOL), f
        assert close(whole.loc[f, "value2"], w2[f], NET_TOL), f


# --------------------------------------------------------------------------------------------
# Hard cases against R
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge_data():
    return (
        pd.read_csv(R_DIR / "cooperation_edge_ties.csv"),
        pd.read_csv(R_DIR / "cooperation_edge_orgs.csv"),
    )


def test_edge_data_hold_the_hard_cases(edge_data):
    ties, orgs = edge_data
    assert (ties["respondent_org"] == ties["partner_org"]).any()  # self-ties
    assert ties.duplicated(["round", "respondent_org", "partner_org"]).any()  # repeated pairs
    nodes = set(zip(orgs["round"], orgs["org"], strict=True))
    partners = set(zip(ties["round"], ties["partner_org"], strict=True))
    senders = set(zip(ties["round"], ties["respondent_org"], strict=True))
    assert (1, "P") in partners - senders - nodes  # only ever named as a partner
    assert (1, "E") in senders - nodes  # answered, not on the roster
    assert 2 not in set(ties["round"]) and 2 in set(orgs["round"])  # a round without ties


def test_edge_networks_match_igraph(edge_data, expected):
    ties, orgs = edge_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = network_table(ties, orgs).set_index("round")
        per_org = organisation_table(ties, orgs)
    wanted = expected["edge"]["network"]
    assert list(table.index) == [r["round"] for r in wanted] == [1, 2, 3]
    for row in wanted:
        assert_row(table.loc[row["round"]], row, NETWORK_FIELDS, NET_TOL)
    # the round without ties: density 0, every organisation isolated, no reciprocity
    assert table.loc[2, "n_ties"] == 0 and table.loc[2, "n_isolates"] == 3
    assert math.isnan(table.loc[2, "reciprocity"]) and math.isnan(table.loc[2, "mean_level"])
    # two organisations: Freeman centralization needs three
    assert math.isnan(table.loc[3, "degree_centralization"])
    per_org = per_org.assign(key=per_org["round"].astype(str) + "/" + per_org["org"])
    want = [dict(r, key=f"{r['round']}/{r['org']}") for r in expected["edge"]["organisations"]]
    assert_records(
        per_org.drop(columns=["round", "org"]),
        [{k: v for k, v in r.items() if k not in ("round", "org")} for r in want],
        key="key",
    )
    p = per_org.set_index("key")
    assert not p.loc["1/P", "responded"] and p.loc["1/P", "in_degree"] == 1
    assert p.loc["1/E", "responded"] and p.loc["1/E", "out_degree"] == 1


def test_edge_compare_rounds_match_r(edge_data, expected, survey):
    ties, orgs = edge_data
    for r1, r2 in ((1, 2), (2, 3)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = compare_rounds(ties, orgs, None, survey, r1, r2)
        turnover = result["ties"].set_index("basis")
        for basis, row in expected["edge"]["tie_turnover"][f"{r1}-{r2}"].items():
            for f in ["n_ties1", "n_ties2", "kept", "new", "lost"]:
                assert turnover.loc[basis, f] == row[f], (r1, basis, f)
            assert close(turnover.loc[basis, "jaccard"], row["jaccard"], NET_TOL), (r1, basis)
        both = result["network"].query("basis == 'respondents_both'").set_index("measure")
        w1, w2 = expected["edge"]["network_respondents_both"][f"{r1}-{r2}"]
        for f in NETWORK_FIELDS:
            assert close(both.loc[f, "value1"], w1[f], NET_TOL), (r1, f)
            assert close(both.loc[f, "value2"], w2[f], NET_TOL), (r1, f)
        if (r1, r2) == (1, 2):
            assert_records(result["org_change"], expected["edge"]["org_change"])
            assert_records(result["orgs_joined_left"], expected["edge"]["orgs_joined_left"])
            asym = result["asymmetric_dyads"]
            want = {
                (a["round"], a["org_a"], a["org_b"]) for a in expected["edge"]["asymmetric_dyads"]
            }
            assert set(zip(asym["round"], asym["org_a"], asym["org_b"], strict=True)) == want
    # no ties in either compared network: Jaccard overlap undefined, not 0 or 1
    jac = compare_rounds(ties, orgs, None, survey, 2, 3)["ties"].set_index("basis")
    assert math.isnan(jac.loc["respondents_both", "jaccard"])


def test_duplicated_pair_is_averaged_before_the_threshold(edge_data):
    ties, orgs = edge_data
    # round 3: B rates A twice, level 0 and level 2: averaged to 1, which is a tie
    net = network_table(ties, orgs).set_index("round")
    assert net.loc[3, "n_ties"] == 2 and net.loc[3, "reciprocity"] == 1
    # the self-rating A → A (level 5) is not a tie and its trust is not counted
    org = organisation_table(ties, orgs).set_index(["round", "org"])
    assert org.loc[(1, "A"), "out_degree"] == 2
    assert org.loc[(1, "A"), "mean_trust_received"] == pytest.approx((3.5 + 1 + 2) / 3)

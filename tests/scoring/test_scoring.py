"""Scoring of WHOQOL-BREF and EUROHIS-QOL 8 against values computed independently in R.

``tests/r/scoring.R`` writes ``scoring_input.csv`` (the responses) and
``scoring_expected.csv`` (their scores under every rule, long format); regenerate both with
``Rscript tests/r/scoring.R``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.instruments import (
    ANSWERED,
    DECLARED_MISSING,
    DONT_KNOW_CODE,
    NOT_IN_FILE,
    SKIPPED,
    item_number,
    load_instrument,
    parse_instrument,
)
from evaltool.mapping.decode import decode_items
from evaltool.scoring.rules import reversed_values, score

R_DIR = Path(__file__).resolve().parents[1] / "r"
RULES = [
    ("whoqol-bref", "who-syntax"),
    ("whoqol-bref", "manual"),
    ("eurohis-qol-8", "at-most-one-missing"),
    ("eurohis-qol-8", "complete"),
]


def r_input(instrument: str) -> tuple[pd.DataFrame, np.ndarray]:
    data = pd.read_csv(R_DIR / "scoring_input.csv")
    data = data[data["instrument"] == instrument].reset_index(drop=True)
    codes = load_instrument(instrument).item_codes
    return data, data[codes].to_numpy(dtype=float)


def r_expected(instrument: str, rule: str) -> pd.DataFrame:
    """Expected scores: one row per case (in input order), one column per measure."""
    exp = pd.read_csv(R_DIR / "scoring_expected.csv")
    exp = exp[(exp["instrument"] == instrument) & (exp["rule"] == rule)]
    wide = exp.pivot(index="case", columns="measure", values="value")
    order = r_input(instrument)[0]["case"]
    return wide.loc[order].reset_index()


def test_r_data_cover_the_edge_cases():
    data, values = r_input("whoqol-bref")
    inst = load_instrument("whoqol-bref")
    missing = np.isnan(values)
    for d in inst.domains:
        idx = [inst.item_codes.index(c) for c in d.items]
        per_domain = missing[:, idx].sum(axis=1)
        others = missing.sum(axis=1) - per_domain
        for k in (1, 2, 3):
            assert ((per_domain == k) & (others == 0)).any(), (d.name, k)
    for k in (4, 5, 6):
        assert (missing.sum(axis=1) == k).sum() >= 2, k
    e_data, e_values = r_input("eurohis-qol-8")
    assert set(np.isnan(e_values).sum(axis=1)) >= {0, 1, 2, 3, 8}


@pytest.mark.parametrize(("instrument", "rule"), RULES)
def test_scores_equal_r(instrument, rule):
    _, values = r_input(instrument)
    inst = load_instrument(instrument)
    got = score(values, inst, rule)
    exp = r_expected(instrument, rule)
    assert len(got) == len(exp) >= 20
    measures = [c for c in exp.columns if c != "case"]
    assert set(measures) == set(got.columns)
    for m in measures:
        g = got[m].to_numpy(dtype=float)
        e = exp[m].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(g), np.isnan(e)), (
            m,
            exp["case"][np.isnan(g) != np.isnan(e)].tolist(),
        )
        np.testing.assert_allclose(g[~np.isnan(g)], e[~np.isnan(e)], rtol=0, atol=1e-9, err_msg=m)


def test_r_expected_values_are_current(tmp_path):
    """Re-running the R script reproduces the committed input and expected values."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    shutil.copy(R_DIR / "scoring.R", tmp_path / "scoring.R")
    subprocess.run(
        ["Rscript", str(tmp_path / "scoring.R")], check=True, capture_output=True, timeout=60
    )
    for name in ("scoring_input.csv", "scoring_expected.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / name),
            pd.read_csv(R_DIR / name),
            check_exact=False,
            rtol=0,
            atol=1e-12,
            obj=name,
        )


# --------------------------------------------------------------------------- hand-checked


def test_whoqol_hand_computed_values():
    inst = load_instrument("whoqol-bref")
    ones = np.ones((1, 26))
    sc = score(ones, inst, "who-syntax").iloc[0]
    # q3, q4 reversed to 5: physical = (5 + 5 + 5 × 1) / 7 × 4; q26 → 5: psych = (5 + 5) / 6 × 4
    assert sc["physical_raw"] == pytest.approx(60 / 7)
    assert sc["physical"] == pytest.approx((60 / 7 - 4) * 6.25)
    assert sc["psychological_raw"] == pytest.approx(40 / 6)
    assert sc["social_raw"] == 4 and sc["social"] == 0
    assert sc["environment_raw"] == 4 and sc["environment"] == 0
    assert sc["q1"] == 1 and sc["q2"] == 1
    assert sc["n_missing"] == 0 and not sc["discarded"]
    fives = score(np.full((1, 26), 5.0), inst).iloc[0]
    assert fives["social"] == 100 and fives["environment"] == 100
    assert fives["physical_raw"] == pytest.approx((1 + 1 + 25) / 7 * 4)


def test_whoqol_missing_rules_at_the_boundaries():
    inst = load_instrument("whoqol-bref")
    codes = inst.item_codes
    base = np.full(26, 3.0)

    def with_missing(items):
        v = base.copy()
        v[[codes.index(c) for c in items]] = np.nan
        return v

    rows = np.vstack(
        [
            with_missing(["q10"]),  # physical 1 missing
            with_missing(["q10", "q15"]),  # physical 2 missing
            with_missing(["q20", "q21"]),  # social 2 missing
            with_missing(["q8", "q9"]),  # environment 2 missing
            with_missing(["q8", "q9", "q12"]),  # environment 3 missing
            with_missing(["q1", "q2", "q8", "q20"]),  # 4 missing in the response
            with_missing(["q1", "q2", "q8", "q20", "q5"]),  # 5 missing
            with_missing(["q1", "q2", "q8", "q20", "q5", "q10"]),  # 6 missing
        ]
    )
    who = score(rows, inst, "who-syntax")
    man = score(rows, inst, "manual")
    assert who["physical"].notna().tolist()[:2] == [True, False]
    assert man["physical"].notna().tolist()[:2] == [True, True]
    assert who["social"].notna()[2] == man["social"].notna()[2] == False  # noqa: E712
    assert who["environment"].notna().tolist()[3:5] == [True, False]
    assert man["environment"].notna().tolist()[3:5] == [True, False]
    assert who["discarded"].tolist()[5:] == [False, True, True]
    assert man["discarded"].tolist()[5:] == [False, False, True]
    assert who["n_missing"].tolist()[5:] == [4, 5, 6]
    # a discarded response has no scores at all, single items included
    assert who.loc[6, ["q1", "q2", "physical", "social"]].isna().all()


def test_rule_definitions_as_documented():
    inst = load_instrument("whoqol-bref")
    who, man = inst.rule("who-syntax"), inst.rule("manual")
    assert inst.default_rule == "who-syntax"
    assert who.domain_min_answered == {
        "physical": 6,
        "psychological": 5,
        "social": 2,
        "environment": 6,
    }
    assert who.response_min_answered == 22
    assert man.domain_min_answered == {
        "physical": 5,
        "psychological": 4,
        "social": 2,
        "environment": 6,
    }
    assert man.response_min_answered == 21  # > 20 % of 26 missing = 6 or more missing
    e = load_instrument("eurohis-qol-8")
    assert e.rule(None).domain_min_answered == {"index": 7}
    assert e.rule("complete").domain_min_answered == {"index": 8}
    assert [it.code for it in inst.items if it.reversed] == ["q3", "q4", "q26"]
    with pytest.raises(Exception, match="no missing-data rule 'nope'"):
        inst.rule("nope")


def test_eurohis_hand_computed_values():
    inst = load_instrument("eurohis-qol-8")
    v = np.array(
        [
            [1, 2, 3, 4, 5, 5, 4, 3],
            [4, 4, 4, 4, 4, 4, 4, np.nan],
            [4, 4, 4, 4, 4, 4, np.nan, np.nan],
        ],
        dtype=float,
    )
    sc = score(v, inst)
    assert sc["index_raw"].iloc[0] == pytest.approx(27 / 8)
    assert sc["index_sum"].iloc[0] == 27
    assert sc["index"].iloc[0] == pytest.approx((27 / 8 - 1) * 25)
    assert sc["index_raw"].iloc[1] == 4 and sc["index_sum"].iloc[1] == 32
    assert np.isnan(sc["index_raw"].iloc[2]) and np.isnan(sc["index_sum"].iloc[2])
    assert not sc["discarded"].any()
    assert np.isnan(score(v, inst, "complete")["index"].iloc[1])


def test_reversal_happens_once_and_leaves_input_alone():
    inst = load_instrument("whoqol-bref")
    v = np.full((1, 26), 2.0)
    before = v.copy()
    once = score(v, inst)
    assert np.array_equal(v, before)
    twice = score(v, inst)
    assert once.equals(twice)
    rv = reversed_values(v, inst)
    assert rv[0, inst.item_codes.index("q3")] == 4 and rv[0, inst.item_codes.index("q5")] == 2
    assert np.array_equal(v, before)


# --------------------------------------------------------------------------- decoding


def _decode(cells: dict[str, list[str]], instrument: str = "whoqol-bref", **kw):
    inst = load_instrument(instrument)
    data = pd.DataFrame({k: v for k, v in enumerate(cells.values())})
    columns = {k: code for k, code in enumerate(cells)}
    return inst, decode_items(data, columns, inst, **kw)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Erittäin huono", 1),
        ("Huono", 2),
        ("Ei hyvä eikä huono", 3),
        ("Hyvä", 4),
        ("Erittäin hyvä", 5),
        ("  erittäin   HYVÄ ", 5),
        ("Mycket dålig", 1),
        ("Bra", 4),
        ("Varken bra eller dålig", 3),
        ("Very poor", 1),
        ("Neither poor nor good", 3),
        ("Very good", 5),
        ("3", 3),
        (" 3 ", 3),
        ("3,0", 3),
        ("3.0", 3),
        ("4 = Hyvä", 4),
        ("Hyvä (4)", 4),
    ],
)
def test_labels_and_numbers_decode_to_codes(text, code):
    _, dec = _decode({"q1": [text]})
    assert dec.problems == []
    assert dec.values[0, 0] == code
    assert dec.reasons[0, 0] == ANSWERED


def test_response_sets_per_item():
    _, dec = _decode(
        {
            "q2": ["Erittäin tyytyväinen"],
            "q3": ["Äärimmäisen paljon"],
            "q10": ["Täysin riittävästi"],
            "q26": ["Ei koskaan"],
            "q16": ["Very dissatisfied"],
            "q25": ["Nöjd"],
        }
    )
    assert dec.problems == []
    codes = load_instrument("whoqol-bref").item_codes
    got = {c: dec.values[0, codes.index(c)] for c in ("q2", "q3", "q10", "q26", "q16", "q25")}
    # stored as answered: q3 and q26 are not reversed at decoding time
    assert got == {"q2": 5, "q3": 5, "q10": 5, "q26": 1, "q16": 1, "q25": 4}


def test_missing_reasons_and_problems():
    inst, dec = _decode({"q1": ["", "En osaa sanoa", "9", "7", "Loistava", "0", "2.5"]})
    assert dec.reasons[:, 0].tolist() == [
        SKIPPED,
        DONT_KNOW_CODE,
        DECLARED_MISSING,
        SKIPPED,
        SKIPPED,
        SKIPPED,
        SKIPPED,
    ]
    assert np.isnan(dec.values[:, 0]).all()
    probs = sorted((p.index, p.code, p.value) for p in dec.problems)
    assert probs == [
        (3, "value-out-of-range", "7"),
        (4, "unknown-label", "Loistava"),
        (5, "value-out-of-range", "0"),
        (6, "value-out-of-range", "2.5"),
    ]
    assert all(p.column == 0 for p in dec.problems)
    messages = {p.value: p.message for p in dec.problems}
    assert messages["7"] == "7 is outside the q1 scale 1–5"
    assert messages["2.5"] == "2.5 is not a whole-number answer on the q1 scale 1–5"
    # items that are not in the file
    assert (dec.reasons[:, 1:] == NOT_IN_FILE).all()


def test_spss_declared_missing_and_value_labels():
    _, dec = _decode(
        {"q1": ["1", "8", "5"]}, value_labels={0: {"8": "En osaa sanoa"}}, missing_codes={0: {"8"}}
    )
    assert dec.values[:, 0].tolist()[::2] == [1, 5]
    assert dec.reasons[1, 0] == DONT_KNOW_CODE
    assert dec.problems == []


# --------------------------------------------------------------------------- columns


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ("q1", 1),
        ("Q01", 1),
        ("1.", 1),
        ("1)", 1),
        ("k12", 12),
        ("26. Kielteiset tunteet", 26),
        ("Kysymys 3", 3),
        ("ikä", None),
        ("Asiakasnumero", None),
    ],
)
def test_item_number(header, number):
    assert item_number(header) == number


def test_user_instrument_toml():
    text = """
[instrument]
name = "mini"
scale_min = 0
scale_max = 4
[response_sets.agree]
fi = ["Ei", "Vähän", "Jonkin verran", "Paljon", "Täysin"]
[[items]]
code = "a1"
response_set = "agree"
[[items]]
code = "a2"
response_set = "agree"
reversed = true
[[domains]]
name = "total"
items = ["a1", "a2"]
[rules.strict]
domain_max_missing = { total = 0 }
"""
    inst = parse_instrument(text)
    sc = score(np.array([[4.0, 0.0], [4.0, np.nan]]), inst)
    # a2 reversed: 0 → 4; mean 4 on 0–4 → 100
    assert sc["total_raw"].tolist()[0] == 4 and sc["total"].tolist()[0] == 100
    assert np.isnan(sc["total"].iloc[1])
    with pytest.raises(Exception, match="unknown items"):
        parse_instrument(text.replace('items = ["a1", "a2"]', 'items = ["a1", "zz"]'))
    assert inst.description == {}
    described = parse_instrument(
        text.replace("scale_max = 4\n", 'scale_max = 4\n[instrument.description]\nfi = "Lyhyt."\n')
    )
    assert described.description == {"fi": "Lyhyt."}
    with pytest.raises(Exception, match=r"description must be a table"):
        parse_instrument(text.replace("scale_max = 4\n", 'scale_max = 4\ndescription = "x"\n'))


def test_six_after_a_one_to_five_scale_is_dont_know_unless_labelled_otherwise():
    """Webropol's numeric export codes "En osaa sanoa" after a 1-5 scale as 6."""
    for name in ("whoqol-bref", "eurohis-qol-8"):
        assert load_instrument(name).dont_know_codes == (6.0,)
    _, dec = _decode({"q1": ["6", "9", "-99", "99", "3"]})
    assert dec.reasons[:, 0].tolist() == [
        DONT_KNOW_CODE,
        DECLARED_MISSING,
        DECLARED_MISSING,
        DECLARED_MISSING,
        ANSWERED,
    ]
    _, dec = _decode(
        {"q1": ["6", "6"]}, value_labels={0: {"6": "Ei vastausta"}}, missing_codes={0: {"6"}}
    )
    assert dec.reasons[:, 0].tolist() == [DECLARED_MISSING, DECLARED_MISSING]

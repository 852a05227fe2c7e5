"""Population norms: the TOML files against the source table, the loader's errors, the age
bands and the age- and sex-standardised expected share against a hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import UserError
from evaltool.report.norms import (
    age_alignment,
    age_bounds,
    cell_shares,
    expected_shares,
    load_norm,
    load_norms,
    norm_files,
    standardised_share,
    withheld,
)

#: Typed from the source table (THL, FinTerveys 2017 and Terveys 2011; research/norms.md):
#: (sex, band) → (2017 %, 2011 %).
SOURCE = {
    ("male", "all"): (74.2, 71.9),
    ("female", "all"): (74.8, 76.0),
    ("male", "30-39"): (80.9, 79.2),
    ("female", "30-39"): (84.8, 89.4),
    ("male", "40-49"): (79.8, 80.2),
    ("female", "40-49"): (79.8, 83.5),
    ("male", "50-59"): (72.7, 74.2),
    ("female", "50-59"): (75.4, 77.7),
    ("male", "60-69"): (74.6, 72.9),
    ("female", "60-69"): (76.4, 75.3),
}


def test_built_in_norms_hold_the_source_table():
    norms = {n.year: n for n in load_norms(instrument="eurohis-qol-8")}
    assert sorted(norms) == [2011, 2017]
    for (sex, band), (y2017, y2011) in SOURCE.items():
        assert norms[2017].shares[(sex, band)] == pytest.approx(y2017 / 100, abs=1e-12)
        assert norms[2011].shares[(sex, band)] == pytest.approx(y2011 / 100, abs=1e-12)
    for n in norms.values():
        assert set(n.shares) == set(SOURCE)
        assert n.threshold == 4.0 and n.instrument == "eurohis-qol-8"
        assert "THL" in n.text("source", "fi") and "terveytemme.fi" in n.text("source", "en")
        assert [b[1:] for b in n.bands] == [(30, 39), (40, 49), (50, 59), (60, 69)]
    assert norms[2017].survey == "FinTerveys" and norms[2011].survey == "Terveys"


def _write(tmp_path, text: str):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[norm]
instrument = "eurohis-qol-8"
measure = "good"
threshold = 4.0
survey = "FinSote"
year = 2018
label = "FinSote 2018"
source = "THL, FinSote 2018"

[[bands]]
name = "20-54"
min_age = 20
max_age = 54

[[values]]
sex = "male"
band = "20-54"
percent = 70.0
"""


def test_a_norm_file_of_the_evaluator_is_read(tmp_path):
    norm = load_norm(_write(tmp_path, GOOD))
    assert norm.shares == {("male", "20-54"): pytest.approx(0.70)}
    assert norm.text("label", "sv") == "FinSote 2018"


def test_a_workspace_norm_is_found_beside_the_built_in_ones(tmp_path):
    (tmp_path / "norms").mkdir()
    (tmp_path / "norms" / "finsote-2018.toml").write_text(GOOD, encoding="utf-8")
    names = [p.name for p in norm_files(tmp_path)]
    assert "finsote-2018.toml" in names and "eurohis-finterveys-2017.toml" in names
    assert load_norms(tmp_path)[0].year == 2018


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('source = "THL, FinSote 2018"\n', ""), "key 'source' missing"),
        (("percent = 70.0", "percent = 170.0"), "#1: a percentage between 0 and 100"),
        (('band = "20-54"', 'band = "18-29"'), "key 'band' '18-29' is not a band"),
        (('sex = "male"', 'sex = "men"'), "key 'sex' is 'men'"),
        (("year = 2018", 'year = "2018"'), "key 'year' has the wrong type"),
        (("max_age = 54", "max_age = 10"), "max_age 10 is below min_age 20"),
        (('measure = "good"', 'measure = "mean"'), "key 'measure' must be"),
        (("[norm]", "[norm"), "not a readable TOML file"),
    ],
)
def test_a_bad_norm_file_names_the_file_and_key(tmp_path, change, message):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(UserError, match="mine.toml") as err:
        load_norm(path)
    assert message in str(err.value)


def test_overlapping_bands_and_a_pair_given_twice_are_errors(tmp_path):
    band = '\n[[bands]]\nname = "50-59"\nmin_age = 50\nmax_age = 59\n'
    with pytest.raises(UserError, match="overlaps band '20-54'"):
        load_norm(_write(tmp_path, GOOD + band))
    twice = '\n[[values]]\nsex = "male"\nband = "20-54"\npercent = 1\n'
    with pytest.raises(UserError, match=r"\[\[values\]\] #2: male 20-54 is given twice"):
        load_norm(_write(tmp_path, GOOD + twice))


def test_age_groups_are_read_from_codes_and_labels():
    assert age_bounds("25_34") == (25, 34)
    assert age_bounds("25–34 vuotta") == (25, 34)
    assert age_bounds("under_25") == (15, 24)
    assert age_bounds("Alle 25 vuotta") == (15, 24)
    assert age_bounds("55_plus") == (55, 64)
    assert age_bounds("55 vuotta tai yli") == (55, 64)
    assert age_bounds("nuoret") is None


def test_age_groups_that_do_not_match_the_bands_say_so():
    norm = load_norms(instrument="eurohis-qol-8")[0]
    al = age_alignment(norm, ["under_25", "25_34", "35_44", "55_plus", "30-39", "nuoret"])
    al = al.set_index("age_group")
    assert al.loc["under_25", "status"] == "none" and al.loc["under_25", "bands"] == []
    # 25-34: half of its years (30-34) in the 30-39 band: compared with it, and said so
    assert al.loc["25_34", "status"] == "partial" and al.loc["25_34", "bands"] == ["30-39"]
    assert al.loc["35_44", "bands"] == ["30-39", "40-49"]
    assert al.loc["35_44", "weights"] == [0.5, 0.5]
    assert al.loc["55_plus", "bands"] == ["50-59", "60-69"]
    assert al.loc["30-39", "status"] == "aligned"
    assert al.loc["nuoret", "status"] == "unknown"


def test_standardised_share_by_hand():
    norm = load_norms(instrument="eurohis-qol-8")[0]  # FinTerveys 2017
    shares = cell_shares(norm, ["25_34", "35_44", "45_54", "55_plus"])
    # 35-44: half 30-39, half 40-49 (years shared); men (80.9 + 79.8) / 2 = 80.35 %
    assert shares[("male", "35_44")] == pytest.approx(0.8035)
    assert shares[("female", "55_plus")] == pytest.approx((0.754 + 0.764) / 2)
    counts = {
        ("male", "25_34"): 4,  # 80.9 %
        ("female", "35_44"): 3,  # (84.8 + 79.8) / 2 = 82.3 %
        ("male", "55_plus"): 2,  # (72.7 + 74.6) / 2 = 73.65 %
        ("male", "under_25"): 5,  # no reference value: left out
    }
    want = (4 * 0.809 + 3 * 0.823 + 2 * 0.7365) / 9
    assert standardised_share(counts, shares) == pytest.approx(want, abs=1e-12)
    assert want == pytest.approx(7.178 / 9)  # (3.236 + 2.469 + 1.473) / 9 = 79.76 %
    assert np.isnan(standardised_share({("male", "under_25"): 3}, shares))


def _clients():
    """Project A: 6 clients at wave 1 (4 with good quality of life), 5 at wave 2; project
    B: 5 clients. Background: sex and age group, one without sex, one under 25."""
    bg = pd.DataFrame(
        {
            "project": ["A"] * 6 + ["B"] * 5,
            "respondent": [f"r{i}" for i in range(11)],
            "gender": ["male", "female", "male", "female", None, "Mies"] + ["female"] * 5,
            "age_group": ["25_34", "35_44", "55_plus", "35_44", "35_44", "under_25"]
            + ["45_54"] * 5,
        }
    )
    rows = []
    for i in range(11):
        p = "A" if i < 6 else "B"
        rows.append((p, 1, f"r{i}", False, 4.5 if i < 4 or i >= 6 else 3.0))
        if i < 5:
            rows.append((p, 2, f"r{i}", False, 4.0))
    rows.append(("A", 2, "r5", True, 5.0))  # discarded: not counted
    scores = pd.DataFrame(rows, columns=["project", "wave", "respondent", "discarded", "index_raw"])
    return scores, bg


def test_expected_shares_by_hand():
    norm = load_norms(instrument="eurohis-qol-8")[0]
    scores, bg = _clients()
    table, align = expected_shares(scores, bg, [norm], "index_raw", 4.0, min_n=2)
    a1 = table[(table["project"] == "A") & (table["wave"] == 1)].iloc[0]
    assert (a1["n"], a1["n_good"], a1["n_compared"]) == (6, 4, 4)
    assert (a1["n_no_sex"], a1["n_no_age"], a1["n_no_band"]) == (1, 0, 1)
    # r0 man 25-34: 80.9; r1 woman 35-44: 82.3; r2 man 55+: 73.65; r3 woman 35-44: 82.3
    assert a1["expected"] == pytest.approx((0.809 + 0.823 + 0.7365 + 0.823) / 4)
    b1 = table[(table["project"] == "B") & (table["wave"] == 1)].iloc[0]
    assert b1["expected"] == pytest.approx((0.798 + 0.754) / 2)  # women 45-54
    # the programme row of wave 1: A (4 good, 2 not) and B (5 good, 0 not) both shown
    prog = table[table["project"].isna() & (table["wave"] == 1)].iloc[0]
    assert (prog["n"], prog["n_compared"]) == (11, 9)
    assert prog["expected"] == pytest.approx(
        (0.809 + 0.823 + 0.7365 + 0.823 + 5 * (0.798 + 0.754) / 2) / 9
    )
    # with min_n 3, A's 2 clients without good quality of life keep A out of the programme
    strict, _ = expected_shares(scores, bg, [norm], "index_raw", 4.0, min_n=3)
    prog3 = strict[strict["project"].isna() & (strict["wave"] == 1)].iloc[0]
    assert prog3["n"] == 5 and prog3["expected"] == pytest.approx(b1["expected"])
    assert set(align[norm.id]["age_group"]) == {"25_34", "35_44", "55_plus", "under_25", "45_54"}


def test_small_numbers_left_out_are_withheld():
    norm = load_norms(instrument="eurohis-qol-8")[0]
    scores, bg = _clients()
    table, _ = expected_shares(scores, bg, [norm], "index_raw", 4.0, min_n=5)
    hide = withheld(table, 5)
    a1 = ((table["project"] == "A") & (table["wave"] == 1)).to_numpy()
    # 2 of A's 6 clients left out: n_compared (4) would give the 2 away, and is below 5
    assert hide["n_compared"][a1].all() and hide["expected"][a1].all()
    b1 = ((table["project"] == "B") & (table["wave"] == 1)).to_numpy()
    assert not hide["n_compared"][b1].any() and not hide["expected"][b1].any()

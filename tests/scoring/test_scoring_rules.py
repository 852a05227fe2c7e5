"""Scoring rules by hand: the WHOQOL-BREF and EUROHIS-QOL 8 formulas on responses small
enough to score on paper (the R comparison is in tests/scoring/test_scoring.py)."""

from __future__ import annotations

import numpy as np
import pytest

from evaltool.instruments import load_instrument
from evaltool.scoring import reversed_values, score


def test_whoqol_all_threes_is_raw_12_and_50_on_0_100():
    inst = load_instrument("whoqol-bref")
    out = score(np.full((1, 26), 3.0), inst, "who-syntax")
    for d in inst.domains:
        assert out.loc[0, f"{d.name}_raw"] == pytest.approx(12.0)  # mean 3 × 4
        assert out.loc[0, d.name] == pytest.approx(50.0)  # (12 − 4) × 100 / 16
    assert out.loc[0, "n_missing"] == 0 and not out.loc[0, "discarded"]


def test_whoqol_reversed_items_are_six_minus_x():
    inst = load_instrument("whoqol-bref")
    values = np.full((1, 26), 5.0)
    rev = reversed_values(values, inst)
    codes = inst.item_codes
    assert [rev[0, codes.index(c)] for c in ("q3", "q4", "q26")] == [1.0, 1.0, 1.0]
    assert values[0, codes.index("q3")] == 5.0  # the input is not changed
    physical = score(values, inst)["physical_raw"].iloc[0]
    assert physical == pytest.approx((5 * 5 + 1 + 1) / 7 * 4)


def test_whoqol_who_syntax_discards_below_22_answered():
    inst = load_instrument("whoqol-bref")
    values = np.full((2, 26), 4.0)
    values[0, :4] = np.nan  # 22 answered: kept
    values[1, :5] = np.nan  # 21 answered: discarded
    out = score(values, inst, "who-syntax")
    assert out["discarded"].tolist() == [False, True]
    assert out["n_missing"].tolist() == [4, 5]
    assert np.isnan(out.loc[1, inst.score_columns()].astype(float)).all()


def test_eurohis_index_sum_and_0_100():
    inst = load_instrument("eurohis-qol-8")
    values = np.array([[1, 2, 3, 4, 5, 4, 3, 2], [1, 2, 3, 4, 5, 4, 3, np.nan]], dtype=float)
    out = score(values, inst, "at-most-one-missing")
    assert out["index_raw"].tolist() == pytest.approx([3.0, 22 / 7])
    assert out["index"].tolist() == pytest.approx([50.0, (22 / 7 - 1) * 100 / 4])
    assert out["index_sum"].tolist() == pytest.approx([24.0, 22 / 7 * 8])
    assert np.isnan(score(values, inst, "complete")["index_raw"].iloc[1])

"""Scoring block by block gives the same scores as scoring the whole table at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.instruments import load_instrument
from evaltool.scoring import rules


def test_scores_do_not_depend_on_the_block_size(monkeypatch):
    inst = load_instrument("whoqol-bref")
    rng = np.random.default_rng(3)
    values = rng.integers(1, 6, size=(1001, 26)).astype(float)
    values[rng.random(values.shape) < 0.08] = np.nan
    whole = rules.score(values, inst, "who-syntax")
    monkeypatch.setattr(rules, "SCORE_BLOCK_ROWS", 7)  # 143 blocks, the last one short
    blocked = rules.score(values, inst, "who-syntax")
    pd.testing.assert_frame_equal(blocked, whole)
    assert whole["physical"].notna().sum() > 500  # the data exercise the scores

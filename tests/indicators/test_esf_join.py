"""Quality-of-life change by labour-market status at entry and on leaving, against R
(tests/r/esf_join.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.indicators.esf.join import JOIN_COLUMNS, status_change, status_groups

HERE = Path(__file__).resolve().parents[1] / "r"
STATS = [
    "n",
    "mean_from",
    "mean_to",
    "sd_from",
    "sd_to",
    "mean_diff",
    "sd_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "dz",
    "d_av",
    "wilcoxon_v",
    "wilcoxon_p",
]


@pytest.fixture(scope="module")
def joined() -> tuple[pd.DataFrame, pd.DataFrame]:
    scores = pd.read_csv(HERE / "esf_join_scores.csv")
    status = pd.read_csv(HERE / "esf_join_status.csv")
    ours = status_change(scores, status, ["psychological", "physical"], min_n=5)
    r = pd.read_csv(HERE / "esf_join_expected.csv", keep_default_na=False, na_values=[""])
    return ours, r


def test_join_matches_r(joined):
    ours, r = joined
    keys = ["project", "domain", "variable", "level"]
    ours = ours.assign(project=ours["project"].fillna("")).set_index(keys).sort_index()
    r = r.assign(project=r["project"].fillna("")).set_index(keys).sort_index()
    assert ours.index.equals(r.index)
    for col in STATS:
        np.testing.assert_allclose(
            ours[col].to_numpy(dtype=float),
            r[col].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            equal_nan=True,
            err_msg=col,
        )
    assert (ours["suppressed"].to_numpy(bool) == (r["suppressed"] == True).to_numpy()).all()  # noqa: E712


def test_small_levels_are_withheld_and_clients_without_a_record_left_out(joined):
    ours, _ = joined
    assert list(ours.columns) == JOIN_COLUMNS
    qual = ours[(ours["level"] == "qualification") & ours["project"].isna()]
    assert len(qual) == 2 and qual["suppressed"].all() and qual["mean_diff"].isna().all()
    assert (qual["n"] == 1).all()
    entry = ours[(ours["variable"] == "status_entry") & ours["project"].isna()]
    # 56 clients, 6 without a participant record: at most 50 paired clients per domain
    assert entry.groupby("domain")["n"].sum().max() <= 50


def test_status_groups_split_long_term_unemployed_and_mark_those_still_participating():
    p = pd.DataFrame(
        {
            "project": ["A"] * 3,
            "participant": ["a", "b", "c"],
            "status_entry": ["unemployed", "unemployed", "inactive"],
            "long_term_unemployed": [True, False, False],
            "end_date": ["2024-01-31", None, "2024-02-28"],
            "status_leaving": ["employed", None, "education"],
        }
    )
    g = status_groups(p)
    assert g["status_entry"].tolist() == ["long_term_unemployed", "unemployed", "inactive"]
    assert g["status_leaving"].tolist() == ["employed", "participating", "education"]

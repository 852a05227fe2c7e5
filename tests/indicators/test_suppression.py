"""The small-number rule on its own: withheld rows keep keys and counts, complementary cells
cannot be recovered by subtraction, yes/no counts are protected on both sides."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from evaltool.indicators.suppression import protect, protect_binary, small, withhold


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project": ["A", None, "B"],
            "wave": [1, 1, 2],
            "n": [3, 40, 12],
            "mean": [50.0, 60.0, 70.0],
            "converged": [True, True, False],
            "note": ["few", None, "x"],
            "suppressed": [np.nan, np.nan, np.nan],
        },
        index=[7, 8, 9],
    )


def test_withheld_row_keeps_its_keys_and_counts(table):
    out = withhold(table, table["n"] < 5, {"project", "wave", "n"})
    assert list(out.columns) == list(table.columns)
    assert out.index.tolist() == [0, 1, 2]
    assert out["suppressed"].tolist() == [True, False, False]
    assert out.loc[0, ["project", "wave", "n"]].tolist() == ["A", 1, 3]
    assert np.isnan(out.loc[0, "mean"])
    assert out.loc[0, "converged"] is pd.NA and out["converged"].dtype == "boolean"
    assert out.loc[0, "note"] is None
    assert out.loc[1:, "mean"].tolist() == [60.0, 70.0]
    assert out.loc[2, "note"] == "x"


def test_nothing_withheld_leaves_the_types(table):
    out = withhold(table, None, {"project"})
    assert out["suppressed"].tolist() == [False, False, False]
    assert out["converged"].dtype == bool
    pd.testing.assert_frame_equal(
        out.drop(columns="suppressed"), table.drop(columns="suppressed").reset_index(drop=True)
    )


def test_columns_order_counts_and_texts(table):
    out = withhold(
        table.drop(columns="suppressed"),
        [False, True, False],
        {"project", "n"},
        columns=["n", "project", "mean", "note"],
        integers={"n", "wave"},
        texts={"project", "note"},
    )
    assert list(out.columns) == ["n", "project", "mean", "note", "suppressed"]
    assert out["n"].dtype == "Int64"
    assert out["project"].tolist() == ["A", None, "B"]
    assert np.isnan(out.loc[1, "mean"])


def test_small_cells_are_one_to_min_n_minus_one():
    assert small([0, 1, 4, 5, np.nan, "x"], 5).tolist() == [False, True, True, False, False, False]


def _recoverable(counts, withheld, total) -> bool:
    """Whether a withheld cell is pinned down by the total and the shown cells."""
    hidden = [c for c, w in zip(counts, withheld, strict=True) if w]
    shown = sum(c for c, w in zip(counts, withheld, strict=True) if not w)
    return len(hidden) == 1 and total - shown == hidden[0]


@pytest.mark.parametrize(
    "counts",
    [[2, 10, 9], [1, 3, 20], [4, 0, 30, 6], [1, 1, 1, 40], [3, 7, 8, 9, 10]],
)
def test_complementary_cells_cannot_be_recovered_by_subtraction(counts):
    withheld = protect(counts, 5)
    assert withheld[np.array(counts) == min(c for c in counts if c > 0)].all()
    assert not _recoverable(counts, withheld, sum(counts))
    hidden = np.array(counts)[withheld]
    assert len(hidden) >= 2 and hidden.sum() >= 5
    assert not withheld[np.array(counts) == 0].any()


def test_complementary_cells_by_group_and_priority():
    counts = [2, 6, 9, 8, 7, 6]
    groups = ["a", "a", "a", "b", "b", "b"]
    assert protect(counts, 5, groups).tolist() == [True, True, False, False, False, False]
    # the priority picks the further cell: keep the 6, withhold the 9
    withheld = protect(counts, 5, groups, priority=[0, 2, 1, 0, 0, 0])
    assert withheld.tolist() == [True, False, True, False, False, False]
    assert protect(counts, 5, groups, complementary=False).tolist() == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_no_single_withheld_cell_in_any_small_table():
    for counts in itertools.product(range(0, 8), repeat=3):
        withheld = protect(list(counts), 5)
        assert not _recoverable(counts, withheld, sum(counts)) or sum(counts) < 5


def test_binary_counts_are_protected_on_both_sides():
    count = [2, 18, 10, 0, 20, 7]
    total = [20, 20, 20, 20, 20, 9]
    assert protect_binary(count, total, 5).tolist() == [True, True, False, False, False, True]

"""Packed reading of stored answers: every packed number stays exact in floating point."""

from __future__ import annotations

import numpy as np
import pytest

from evaltool.store.packed import packing


@pytest.mark.parametrize(
    ("low", "high", "n_items"), [(1, 5, 26), (0, 10, 40), (1, 4, 8), (0, 1, 3)]
)
def test_packed_numbers_are_exact_below_two_to_the_53(low, high, n_items):
    pack = packing(low, high, n_items)
    assert sorted(j for g in pack.groups for j in g) == list(range(n_items))
    assert all(pack.bits * len(g) <= 53 for g in pack.groups)
    # the largest answer everywhere: the packed number is a whole float and unpacks exactly
    codes = np.full(n_items, high - low + 1)
    words = [
        float(sum(int(codes[j]) << (pack.bits * m) for m, j in enumerate(g))) for g in pack.groups
    ]
    assert all(w < 2**53 and w.is_integer() for w in words)
    table = np.array([[float(high * n_items), *words]], dtype=object)
    assert np.array_equal(pack.unpack(table, 0, n_items), np.full((1, n_items), float(high)))

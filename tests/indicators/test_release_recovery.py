"""The release check on its own: a withheld cell is safe only when no linear combination of
the shown figures gives it; merging small categories before hiding."""

from __future__ import annotations

import itertools

import numpy as np

from evaltool.indicators.suppression import merge_small, recoverable


def test_programme_minus_the_other_projects_gives_the_hidden_men():
    # programme 21 men − 14 − 5 = 2: the programme counted every project's men
    men = {p: {("men", p): 1.0} for p in "ABC"}
    programme = {("men", p): 1.0 for p in "ABC"}
    assert recoverable([men["A"], men["B"], programme], [men["C"]]).tolist() == [True]
    # the programme summing only the shown cells (A, B) gives nothing away
    shown_only = {("men", "A"): 1.0, ("men", "B"): 1.0}
    assert recoverable([men["A"], men["B"], shown_only], [men["C"]]).tolist() == [False]


def _patterns() -> list[frozenset]:
    return [frozenset(c) for k in (3, 2, 1) for c in itertools.combinations((1, 2, 3), k)]


def _form(pred) -> dict:
    return {("pat", tuple(sorted(p))): 1.0 for p in _patterns() if pred(p)}


def test_wave_patterns_leak_through_the_pairs_of_waves_and_not_without_them():
    waves = [_form(lambda p, w=w: w in p) for w in (1, 2, 3)]
    pairs = {pair: _form(lambda p, a=pair: set(a) <= p) for pair in ((1, 2), (1, 3), (2, 3))}
    only_23 = _form(lambda p: p == {2, 3})
    # today: waves, every pair and the listed (non-zero) patterns' absence as zeros
    zeros = [_form(lambda p: p == {1, 3}), _form(lambda p: p == {3})]
    today = waves + list(pairs.values()) + zeros
    assert recoverable(today, [only_23]).tolist() == [True]
    # now: every pattern withheld (none known to be zero), only the compared pair shown;
    # "only the 2nd wave" = clients − wave 1 − wave 3 + both: a difference of the bases,
    # which the report therefore shows; nothing else follows
    now = waves + [pairs[(1, 3)], _form(lambda p: True)]
    hidden = [_form(lambda p, q=q: p == q) for q in _patterns()]
    got = dict(zip([tuple(sorted(q)) for q in _patterns()], recoverable(now, hidden), strict=True))
    assert got == {k: k == (2,) for k in got}


def test_merge_before_hide_keeps_the_large_groups():
    # 65 women are shown; 2 "other" and 2 "prefer not to say" are too few even together,
    # so the smaller of the large groups joins them
    assert merge_small([65, 30, 2, 2], 5).tolist() == [False, True, True, True]
    # a service type holding 90 %: the others together reach min_n, nothing else moves
    assert merge_small([43, 2, 2, 1], 5).tolist() == [False, True, True, True]
    assert merge_small([20, 12, 0, 9], 5).tolist() == [False, False, False, False]
    merged = merge_small(np.array([27, 2, 1]), 5)
    assert merged.all()  # 2 + 1 = 3 is too few, and 27 joins: only the total remains


def test_recoverable_handles_blocks_and_empty_forms():
    a, b = {("x", 1): 1.0}, {("y", 1): 1.0, ("y", 2): 1.0}
    assert recoverable([a], [a, {("y", 1): 1.0}]).tolist() == [True, False]
    assert recoverable([b, {("y", 2): 1.0}], [{("y", 1): 1.0}]).tolist() == [True]

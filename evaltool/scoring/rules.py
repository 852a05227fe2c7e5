"""The instrument's scoring rules with its missing-data rules, vectorised over all responses.

Scoring::

    x'        = (scale_min + scale_max) − x           for reversed items
    raw_d     = mean(answered items of d) × multiplier  if answered_d ≥ min_answered_d
    score_d   = (raw_d − score_min) × 100 / (score_max − score_min)      (0–100)
    discarded = answered items of the response < response_min_answered

For WHOQOL-BREF this is the WHO scoring syntax (``MEAN.n(...)*4``; 0–100 = (raw − 4) × 100/16;
Harper & Power for the WHOQOL Group); both the syntax's and the manual's missing-data rules are
available (``who-syntax``, ``manual``). Tested against R (``tests/r/scoring.R``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.instruments.model import Instrument

#: Responses scored at a time by :func:`_domain_sums` (its temporary copies are this many
#: rows, not the whole table).
SCORE_BLOCK_ROWS = 65_536


def score(values: np.ndarray, instrument: Instrument, rule: str | None = None) -> pd.DataFrame:
    """Score responses under one of the instrument's missing-data rules.

    Parameters
    ----------
    values
        n × len(items) item codes as answered (not yet reversed), NaN = missing.
    instrument
        The instrument: scale, reversed items, domains, single items and rules.
    rule
        The missing-data rule's name; None takes the instrument's default rule.

    Returns
    -------
    pandas.DataFrame
        One row per response with columns ``n_missing`` (int64), ``discarded`` (bool), the
        single items (e.g. WHOQOL-BREF ``q1``, ``q2``) as their own columns and, per domain
        ``d``, ``d_raw`` (mean × multiplier, instrument scale), ``d`` (0–100) and, where the
        domain asks for it, ``d_sum`` (mean × number of items, prorated) — in the order of
        :meth:`Instrument.score_columns`. Discarded responses have NaN scores.

    Notes
    -----
    With x' = (scale_min + scale_max) − x for reversed items and a_d the number of answered
    items of domain d::

        discarded = answered items < response_min_answered
        raw_d     = mean(answered x' of d) × multiplier_d     if a_d ≥ min_answered_d
        d         = (raw_d − score_min_d) × 100 / (score_max_d − score_min_d)
        d_sum     = mean(answered x' of d) × k_d              (k_d items in d)

    A domain is never scored from zero answered items.

    WHOQOL-BREF: q3, q4 and q26 are reversed (6 − x); raw = mean × 4 (4–20) and
    0–100 = (raw − 4) × 100/16, as the WHO scoring syntax (``MEAN.6(...)*4``). Rule
    ``who-syntax``: physical ≥ 6 of 7, psychological ≥ 5 of 6, social ≥ 2 of 3,
    environment ≥ 6 of 8 answered, a response with fewer than 22 of 26 answered discarded;
    rule ``manual``: a domain with more than 2 missing (social: 1) not scored, a response
    with more than 20 % missing discarded.

    EUROHIS-QOL 8: index = mean of the answered items (1–5), 0–100 = (index − 1) × 100/4,
    sum = index × 8 (8–40; the plain sum when complete); rules ``at-most-one-missing`` and
    ``complete``.

    In R (``tests/r/scoring.R``, which this function is tested against)::

        x[, c("q3", "q4", "q26")] <- 6 - x[, c("q3", "q4", "q26")]
        raw <- ifelse(keep & answered >= 6 & answered > 0,
                      rowMeans(x[, physical], na.rm = TRUE) * 4, NA)
        physical_100 <- (raw - 4) * 100 / 16

    References
    ----------
    WHOQOL Group (1998). Development of the WHOQOL-BREF quality of life assessment.
    Psychological Medicine 28:551–558; WHO scoring syntax (Harper & Power).

    Schmidt S, Mühlan H, Power M (2006). The EUROHIS-QOL 8-item index: psychometric results
    of a cross-cultural field study. Eur J Public Health 16(4):420–428.
    """
    r = instrument.rule(rule)
    x = np.asarray(values, dtype=float)
    codes = instrument.item_codes
    answered = ~np.isnan(x)
    n_answered = answered.sum(axis=1)
    discarded = n_answered < r.response_min_answered
    out: dict[str, np.ndarray] = {
        "n_missing": (len(codes) - n_answered).astype(np.int64),
        "discarded": discarded,
    }
    rev = [j for j, it in enumerate(instrument.items) if it.reversed]
    for s in instrument.singles:
        j = codes.index(s)
        col = x[:, j] if j not in rev else (instrument.scale_min + instrument.scale_max) - x[:, j]
        out[s] = np.where(discarded, np.nan, col)
    if instrument.domains:
        sums, counts = _domain_sums(x, answered, instrument, rev)
    for k, d in enumerate(instrument.domains):
        cnt = counts[:, k]
        ok = (cnt >= r.domain_min_answered[d.name]) & ~discarded & (cnt > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(ok, sums[:, k] / cnt, np.nan)
        raw = mean * d.multiplier
        out[f"{d.name}_raw"] = raw
        out[d.name] = (raw - d.score_min) * 100.0 / (d.score_max - d.score_min)
        if d.sum_column:
            out[f"{d.name}_sum"] = mean * len(d.items)
    return pd.DataFrame(out, copy=False)


def _domain_sums(
    x: np.ndarray, answered: np.ndarray, instrument: Instrument, rev: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per response and domain: the sum of the answered items (reversed items recoded) and
    their number, from two matrix products with the items × domains membership matrices:
    with ``x`` zero where unanswered and ``a`` 1 where answered,

        sum_d = Σ_{j ∈ d, not reversed} x_j + Σ_{j ∈ d, reversed} (top − x_j) a_j
              = x · S + a · (top R),     count_d = a · M

    (S: +1 for items, −1 for reversed items; R: 1 for reversed items; M: 1 for items; top =
    scale_min + scale_max). Sums of whole numbers are exact in floating point."""
    codes = instrument.item_codes
    k = len(instrument.domains)
    member = np.zeros((len(codes), k))
    for i, d in enumerate(instrument.domains):
        member[[codes.index(c) for c in d.items], i] = 1.0
    sign = member.copy()
    sign[rev] *= -1.0
    flipped = np.zeros_like(member)
    flipped[rev] = member[rev] * (instrument.scale_min + instrument.scale_max)
    weights = np.hstack([flipped, member])
    sums = np.empty((len(x), k))
    counts = np.empty((len(x), k))
    # block by block: the float copies of a block stay small however many responses
    for start in range(0, len(x), SCORE_BLOCK_ROWS):
        rows = slice(start, start + SCORE_BLOCK_ROWS)
        a = answered[rows]
        both = a.astype(np.float64) @ weights
        sums[rows] = np.where(a, x[rows], 0.0) @ sign + both[:, :k]
        counts[rows] = both[:, k:]
    return sums, counts


def reversed_values(values: np.ndarray, instrument: Instrument) -> np.ndarray:
    """Item values with reversed items recoded (for scoring and reliability analysis).

    Parameters
    ----------
    values
        n × len(items) item codes, NaN = missing.
    instrument
        The instrument naming its reversed items.

    Returns
    -------
    numpy.ndarray
        A float copy of ``values`` with x' = (scale_min + scale_max) − x in the columns of
        reversed items (WHOQOL-BREF q3, q4, q26: 6 − x).
    """
    x = np.asarray(values, dtype=float).copy()
    rev = [j for j, it in enumerate(instrument.items) if it.reversed]
    if rev:
        x[:, rev] = (instrument.scale_min + instrument.scale_max) - x[:, rev]
    return x

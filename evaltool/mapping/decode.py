"""Cells → codes: the answers in a survey's item columns decoded into the instrument's codes,
each missing answer with its reason, and the values that cannot be decoded as problems.

An answer is read, in this order, as: empty or a lone dash (skipped); a number (a code on
the scale, a "don't know" code or a declared missing code); a "don't know" answer; an answer
label of the item's response set in fi, sv or en (case and spacing ignored); a label with
its code (``"3 = Hyvä"``, ``"Hyvä (3)"``); a survey tool's answer code (``A3``, ``AO03``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltool.instruments.model import (
    ANSWERED,
    DECLARED_MISSING,
    DONT_KNOW,
    DONT_KNOW_CODE,
    NOT_IN_FILE,
    SKIPPED,
    Instrument,
)
from evaltool.text import fold

_LEADING_CODE = re.compile(r"^\s*(-?\d+)\s*(?:[=:.)\-–]\s*|\s+)\D")
_TRAILING_CODE = re.compile(r"\((-?\d+)\)\s*$")
#: Survey-tool answer codes numbered from the scale's start (LimeSurvey ``A1``, ``AO01``).
_TOOL_CODE = re.compile(r"^(?:A|AO|SQ)0*(\d{1,3})$", re.IGNORECASE)
#: Answers that mark an unanswered question.
_SKIP_MARKS = ("", "-", "–", "—")


def parse_number(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Numbers written as text (``3``, `` 3 ``, ``3,0``, ``3.0``) → float; others NaN.

    Parameters
    ----------
    values
        Text cells.
    decimal
        The file's decimal mark; both ``,`` and ``.`` are read whatever it is.

    Returns
    -------
    pandas.Series
        float64, NaN where a cell is not a plain decimal number (no thousands separators,
        no exponent); no-break spaces are ignored.
    """
    s = values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    s = s.str.replace(",", ".", regex=False)
    return pd.to_numeric(s.where(s.str.fullmatch(r"[-+]?\d+(?:\.\d+)?")), errors="coerce")


@dataclass
class Problem:
    """A value that cannot be decoded: row index in the data, column position, value, code."""

    index: int
    column: int
    value: str
    code: str
    message: str


@dataclass
class Decoded:
    """Item codes of every response, the reason of each missing one, and the problems."""

    values: np.ndarray  # n × items float, NaN = missing
    reasons: np.ndarray  # n × items int8 (ANSWERED, SKIPPED, …)
    problems: list[Problem]


@dataclass
class _ItemContext:
    """What decoding one item column needs to know."""

    code: str
    scale_min: float
    scale_max: float
    #: Folded answer label → code (:meth:`Instrument.label_map`).
    labels: dict[str, float]
    #: The file's own value labels (SPSS): code text → folded label.
    file_labels: dict[str, str]
    #: Code texts the file declares missing (SPSS).
    file_missing: set[str]
    #: Folded "don't know" answers.
    dont_know: set[str]
    dont_know_codes: set[float]
    missing_codes: tuple[float, ...]
    #: The Finnish answer labels, for the message about an unknown label.
    examples: str


#: A decoded answer: (code or NaN, missing reason, (problem code, message) or None).
_Answer = tuple[float, int, tuple[str, str] | None]


def decode_items(
    data: pd.DataFrame,
    columns: dict[int, str],
    instrument: Instrument,
    value_labels: dict[int, dict[str, str]] | None = None,
    missing_codes: dict[int, set[str]] | None = None,
    dont_know: tuple[str, ...] | list[str] = (),
) -> Decoded:
    """Decode the mapped item columns of ``data`` (text cells) into codes.

    Parameters
    ----------
    data
        Text cells of the responses, one row per response, columns by position.
    columns
        Column position → item code.
    instrument
        The instrument whose items the columns hold.
    value_labels, missing_codes
        The file's own value labels (code text → label) and declared missing code texts,
        per column position (SPSS files).
    dont_know
        More answers meaning "don't know", besides :data:`~evaltool.instruments.model.DONT_KNOW`.

    Returns
    -------
    Decoded
        ``values`` (n × items, NaN = missing; items not in ``columns`` stay missing),
        ``reasons`` (n × items int8: ``ANSWERED``, ``SKIPPED``, ``DONT_KNOW_CODE``,
        ``DECLARED_MISSING``, ``NOT_IN_FILE``) and ``problems``, one per cell that cannot be
        decoded (``unknown-label``, ``value-out-of-range``); such a cell is missing with the
        reason ``SKIPPED``.

    Notes
    -----
    Each column's distinct values are decoded once and broadcast back (``pd.factorize``), so
    the cost grows with the number of distinct answers, not rows. Labels are matched in fi,
    sv and en (case and spacing ignored); ``"3 = Hyvä"`` style labels use the leading code;
    don't-know answers and the instrument's (or the SPSS file's) declared missing codes
    become missing with their reason kept; anything else is a problem (unknown label, out of
    range).
    """
    n = len(data)
    codes = instrument.item_codes
    values = np.full((n, len(codes)), np.nan)
    reasons = np.full((n, len(codes)), NOT_IN_FILE, dtype=np.int8)
    problems: list[Problem] = []
    dk = {fold(x) for x in DONT_KNOW} | {fold(x) for x in dont_know}
    for pos, code in columns.items():
        j = codes.index(code)
        context = _item_context(instrument, code, pos, value_labels, missing_codes, dk)
        # Factorising the object array directly is faster than through pandas' str dtype;
        # a missing cell (None / NaN, code -1) is an empty answer.
        uniq_codes, uniques = pd.factorize(data[pos].to_numpy(dtype=object), sort=False)
        uniques = pd.Series([str(v) for v in uniques] + [""], dtype=object)
        nums = parse_number(uniques).to_numpy()
        u_val = np.full(len(uniques), np.nan)
        u_reason = np.full(len(uniques), ANSWERED, dtype=np.int8)
        bad: dict[int, tuple[str, str]] = {}
        for k, raw in enumerate(uniques):
            text = raw.strip()
            if text in _SKIP_MARKS:  # a lone dash marks an unanswered question
                u_reason[k] = SKIPPED
                continue
            num = nums[k]
            answer = (
                _decode_label(context, text)
                if math.isnan(num)
                else _decode_number(context, text, num)
            )
            u_val[k], u_reason[k], problem = answer
            if problem is not None:
                bad[k] = problem
        values[:, j] = u_val[uniq_codes]
        reasons[:, j] = u_reason[uniq_codes]
        for k, (pcode, message) in bad.items():
            for row in np.flatnonzero(uniq_codes == k):
                problems.append(Problem(int(row), pos, uniques.iloc[k], pcode, message))
    return Decoded(values=values, reasons=reasons, problems=problems)


def _item_context(
    instrument: Instrument,
    code: str,
    pos: int,
    value_labels: dict[int, dict[str, str]] | None,
    missing_codes: dict[int, set[str]] | None,
    dont_know: set[str],
) -> _ItemContext:
    item = instrument.item(code)
    return _ItemContext(
        code=code,
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
        labels=instrument.label_map(item),
        file_labels={k: fold(v) for k, v in (value_labels or {}).get(pos, {}).items()},
        file_missing=(missing_codes or {}).get(pos, set()),
        dont_know=dont_know,
        dont_know_codes=set(instrument.dont_know_codes),
        missing_codes=instrument.missing_codes,
        examples=", ".join(instrument.response_sets.get(item.response_set or "", {}).get("fi", [])),
    )


def _decode_number(context: _ItemContext, text: str, num: float) -> _Answer:
    """A numeric answer: a code on the scale, a don't-know or declared missing code."""
    lo, hi = context.scale_min, context.scale_max
    # A don't-know code is don't know unless the file's own value label says it is some
    # other kind of missing value.
    label = context.file_labels.get(text)
    if label in context.dont_know or (num in context.dont_know_codes and label is None):
        return math.nan, DONT_KNOW_CODE, None
    if text in context.file_missing or num in context.missing_codes:
        return math.nan, DECLARED_MISSING, None
    if num in context.dont_know_codes:
        return math.nan, DONT_KNOW_CODE, None
    if lo <= num <= hi and float(num).is_integer():
        return num, ANSWERED, None
    what = "is outside" if not lo <= num <= hi else "is not a whole-number answer on"
    return (
        math.nan,
        SKIPPED,
        ("value-out-of-range", f"{text} {what} the {context.code} scale {lo:g}–{hi:g}"),
    )


def _decode_label(context: _ItemContext, text: str) -> _Answer:
    """A written answer: don't know, an answer label, a label with its code or a tool code."""
    lo, hi = context.scale_min, context.scale_max
    folded = fold(text)
    if folded in context.dont_know:
        return math.nan, DONT_KNOW_CODE, None
    if folded in context.labels:
        return context.labels[folded], ANSWERED, None
    m = _LEADING_CODE.match(text) or _TRAILING_CODE.search(text)
    if m and lo <= float(m.group(1)) <= hi:
        return float(m.group(1)), ANSWERED, None
    m = _TOOL_CODE.match(text)
    if m and lo <= lo + int(m.group(1)) - 1 <= hi:
        return lo + int(m.group(1)) - 1, ANSWERED, None
    message = f"{text!r} is not a known answer for {context.code}"
    if context.examples:
        message += f" (expected one of: {context.examples}; or a number)"
    return math.nan, SKIPPED, ("unknown-label", message)

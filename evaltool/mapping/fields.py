"""Background answers, multi-selects and open answers → tidy rows of field values.

The columns a :class:`~evaltool.mapping.columns.ColumnMap` gives to an instrument's fields
are decoded by :func:`decode_fields`: a choice to its option code (by code, label in fi / sv /
en, SPSS value label or position), a multi-select written into one cell split against the
known options (:func:`split_multi`), one column per option to that option when it is
selected (any value but :data:`NOT_SELECTED`), a number as ``3.5`` and an open answer exactly
as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from evaltool.layouts.table import SurveyTable
from evaltool.text import label_key

#: Cell values that mean "not selected" in a one-column-per-option multi-select.
NOT_SELECTED = {
    "0",
    "ei",
    "no",
    "nej",
    "false",
    "epätosi",
    "falskt",
    "n",
    "not selected",
    "ei valittu",
    "inte vald",
    "-",
}

#: Background questions every client import recognises; their answer options come from the
#: built-in KEVÄT client survey when the instrument does not define them itself.
STANDARD_BACKGROUND = (
    "gender",
    "age_group",
    "education",
    "unemployment_duration",
    "service_type",
)

#: Ages in years → the built-in age groups (``age_group`` options): the lower bound of each
#: group, in years; an age column holds whole numbers from :data:`AGE_RANGE`.
AGE_GROUPS = (
    (0, "under_25"),
    (25, "25_34"),
    (35, "35_44"),
    (45, "45_54"),
    (55, "55_plus"),
)
#: The ages accepted as years (a column of 1 … 5 is answer positions, not ages).
AGE_RANGE = (15, 99)
#: The rule :data:`AGE_GROUPS` applies, in words (for the warning).
AGE_RULE = "under 25, 25–34, 35–44, 45–54, 55 or over"

#: The warning for an answer that is none of a field's options.
_UNKNOWN_OPTION = "{value!r} is not an option of {name} (options: {options}); kept as written"
#: Cells that hold no answer.
_EMPTY_ANSWERS = ("", "-", "–", "—")
_NUMERIC_CODE = re.compile(r"-?\d+")
_POSITION = re.compile(r"\d{1,2}")
_LIMESURVEY_ANSWER = re.compile(r"(?:A|AO)0*(\d{1,2})", re.I)
_PIECE = re.compile(r"[^;,|\n]+")
#: Characters that may end an option within a multi-select answer.
_OPTION_END = ";,|\n\t "


def option_lookup(fld) -> dict[str, str]:
    """Normalised option code / label (fi, sv, en) → option code."""
    out: dict[str, str] = {}
    for code, labels in fld.options:
        out.setdefault(label_key(code), code)
        for lbl in labels.values():
            out.setdefault(label_key(lbl), code)
    return out


def split_multi(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a multi-select answer against the known options (longest first), so options
    that contain a joiner (``Ryhmätoiminta, vertaistuki``) stay whole.

    Returns (option codes in answer order, unknown pieces).
    """
    t = str(text).strip()
    norm_t = label_key(t)
    if norm_t in lookup:
        return [lookup[norm_t]], []
    keys = sorted(lookup, key=len, reverse=True)
    codes: list[str] = []
    unknown: list[str] = []
    s = t
    while s:
        s = s.lstrip(" ;,|\n\t")
        if not s:
            break
        low = label_key(s)
        hit = None
        for k in keys:
            if low.startswith(k) and (len(low) == len(k) or low[len(k)] in _OPTION_END):
                hit = k
                break
        if hit is not None:
            if lookup[hit] not in codes:
                codes.append(lookup[hit])
            # Advance in the original text by the matched label's length in normalised form.
            s = s[_consume(s, hit) :]
            continue
        m = _PIECE.match(s)
        piece = m.group(0).strip() if m else s
        unknown.append(piece)
        s = s[m.end() :] if m else ""
    return codes, unknown


def _consume(text: str, normalised: str) -> int:
    """Length of the prefix of ``text`` whose normalised form is ``normalised``."""
    for end in range(len(normalised), len(text) + 1):
        if label_key(text[:end]) == normalised and (end == len(text) or text[end] in _OPTION_END):
            return end
    return len(text)


@functools.cache
def standard_background_fields() -> dict:
    """Field definitions (options with fi/sv/en labels) of :data:`STANDARD_BACKGROUND`,
    from ``surveys/kevat-client.toml``; answers to these questions are decoded to the same
    option codes whichever instrument a file is imported with."""
    from evaltool.instruments import load_instrument

    survey = load_instrument("kevat-client")
    return {f.name: f for f in survey.fields if f.name in STANDARD_BACKGROUND}


def ages_in_years(uniques: Iterable[str]) -> np.ndarray | None:
    """The ages of a column's distinct values when it holds ages in years — every
    non-empty value a whole number within :data:`AGE_RANGE`, at least one above 5 (so that
    positions 1 … 5 stay positions) — else None. Empty values are NaN."""
    texts = [str(u).strip() for u in uniques]
    nums = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=float)
    given = np.array([t != "" for t in texts], dtype=bool)
    if not given.any() or np.isnan(nums[given]).any():
        return None
    ages = nums[given]
    low, high = AGE_RANGE
    if (ages % 1 != 0).any() or ages.min() < low or ages.max() > high:
        return None
    return np.where(given, nums, np.nan)


def age_group_codes(ages: np.ndarray) -> np.ndarray:
    """The :data:`AGE_GROUPS` option code of each age (None for NaN)."""
    bounds = np.array([b for b, _ in AGE_GROUPS[1:]], dtype=float)
    names = np.array([c for _, c in AGE_GROUPS], dtype=object)
    out = names[np.searchsorted(bounds, np.nan_to_num(ages, nan=0.0), side="right")]
    return np.where(np.isnan(ages), None, out)


def _builtin_age_groups(fld) -> bool:
    """Is ``fld`` a field with the :data:`AGE_GROUPS` options (the built-in age groups)?"""
    return fld is not None and [c for c, _ in fld.options] == [c for _, c in AGE_GROUPS]


def age_columns(tidy: SurveyTable, placement, instrument) -> list[int]:
    """The columns placed on an ``age_group`` field with the built-in age groups that hold
    ages in years (they are decoded to :data:`AGE_GROUPS`; see :func:`ages_in_years`)."""
    fields = {**standard_background_fields(), **{f.name: f for f in instrument.fields}}
    out = []
    for pos, name in placement.fields.items():
        if _builtin_age_groups(fields.get(name)):
            uniques = pd.unique(tidy.data[pos].to_numpy(dtype=object))
            if ages_in_years([str(u) for u in uniques]) is not None:
                out.append(pos)
    return out


def _trimmed_values(codes: np.ndarray, uniques: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and values (spaces trimmed) of the non-empty cells of a field the instrument does
    not define."""
    vals = np.array([u.strip() for u in uniques], dtype=object)[codes]
    keep = vals != ""
    return np.flatnonzero(keep), vals[keep]


def _text_values(
    col: np.ndarray, codes: np.ndarray, uniques: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and texts, exactly as written, of the answers that are not only whitespace."""
    keep = np.array([u.strip() != "" for u in uniques], dtype=bool)[codes]
    return np.flatnonzero(keep), col[keep]


def _number_values(
    codes: np.ndarray, uniques: list[str], decimal: str | None, dont_know: set[str]
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Rows and numbers (``3``, ``3.5``) of the numeric answers, and the indices of the
    distinct values that are neither empty, a number nor a don't-know answer."""
    from evaltool.mapping.decode import parse_number

    nums = parse_number(pd.Series(uniques, dtype=object), decimal).to_numpy()
    bad = [
        k
        for k, u in enumerate(uniques)
        if u.strip() and np.isnan(nums[k]) and label_key(u) not in dont_know
    ]
    texts = np.array(
        [
            ("" if np.isnan(x) else (str(int(x)) if float(x).is_integer() else repr(float(x))))
            for x in nums
        ],
        dtype=object,
    )
    vals = texts[codes]
    keep = vals != ""
    return np.flatnonzero(keep), vals[keep], bad


def _choice_code(
    text: str, fld, lookup: dict[str, str], value_labels: dict[str, str], numeric_codes: bool
) -> str | None:
    """The option code of one answer: by code or label, by SPSS value label, by position
    (``1`` … ``k``, when the codes are not numbers) or by LimeSurvey answer code (``A2``)."""
    code = lookup.get(label_key(text))
    if code is None and text in value_labels:
        code = lookup.get(label_key(value_labels[text]))
    n_options = len(fld.options)
    if code is None and not numeric_codes and _POSITION.fullmatch(text):
        if 1 <= int(text) <= n_options:
            code = fld.options[int(text) - 1][0]
    if code is None and (m := _LIMESURVEY_ANSWER.fullmatch(text)):
        if 1 <= int(m.group(1)) <= n_options:
            code = fld.options[int(m.group(1)) - 1][0]
    return code


def _multi_choices(
    text: str, fld, lookup: dict[str, str], numeric_codes: bool, dont_know: set[str]
) -> list[tuple[str, bool]]:
    """The options of a multi-select answer in one cell, as (value, known) pairs: option
    codes, then the unknown pieces (numbers are positions when the codes are not numbers)."""
    got, unknown = split_multi(text, lookup)
    n_options = len(fld.options)
    if not got and all(_POSITION.fullmatch(x.strip()) for x in unknown) and not numeric_codes:
        got = [fld.options[int(x) - 1][0] for x in unknown if 1 <= int(x) <= n_options]
        unknown = [x for x in unknown if not 1 <= int(x) <= n_options]
    unknown = [x for x in unknown if label_key(x) not in dont_know]
    return [(code, True) for code in got] + [(x, False) for x in unknown]


def _choice_values(
    fld,
    pos: int,
    codes: np.ndarray,
    uniques: list[str],
    value_labels: dict[str, str],
    dont_know: set[str],
    problems: list[tuple[int, int, str, str]],
) -> tuple[np.ndarray, list[str]]:
    """Rows and option codes of a choice or multi-select field; an answer that is no option
    is kept as written and reported in ``problems``."""
    lookup = option_lookup(fld)
    numeric_codes = all(_NUMERIC_CODE.fullmatch(c) for c, _ in fld.options)
    options = ", ".join(lbl.get("fi", c) for c, lbl in fld.options)
    rows: list[np.ndarray] = []
    values: list[str] = []
    for k, u in enumerate(uniques):
        t = u.strip()
        if t in _EMPTY_ANSWERS or label_key(t) in dont_know:
            continue
        if t in value_labels and label_key(value_labels[t]) in dont_know:
            continue
        code = _choice_code(t, fld, lookup, value_labels, numeric_codes)
        if code is not None:
            choices = [(code, True)]
        elif fld.kind == "multi":
            choices = _multi_choices(t, fld, lookup, numeric_codes, dont_know)
        else:
            choices = [(t, False)]
        if not choices:
            continue
        idx = np.flatnonzero(codes == k)
        for value, known in choices:
            if not known:
                msg = _UNKNOWN_OPTION.format(value=value, name=fld.name, options=options)
                problems += [(int(r), pos, value, msg) for r in idx]
            rows.append(idx)
            values += [value] * len(idx)
    return (np.concatenate(rows) if rows else np.array([], dtype=np.int64)), values


def _selected_rows(
    column: np.ndarray, value_labels: dict[str, str], dont_know: set[str]
) -> np.ndarray:
    """Rows whose cell selects the option of a one-column-per-option multi-select: a value
    that is neither empty, :data:`NOT_SELECTED` nor a don't-know answer (nor has such a
    value label)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    unselected = NOT_SELECTED | dont_know
    chosen = np.array(
        [
            bool(str(u).strip())
            and label_key(u) not in unselected
            and label_key(value_labels.get(str(u).strip(), "")) not in unselected
            for u in uniques
        ],
        dtype=bool,
    )
    return np.flatnonzero(chosen[codes])


def _field_order(frame: pd.DataFrame, instrument) -> pd.DataFrame:
    """Rows by respondent, then in the instrument's field order and option order."""
    order = {f.name: k for k, f in enumerate(instrument.fields)}
    opt_order = {(f.name, c): k for f in instrument.fields for k, (c, _) in enumerate(f.options)}
    frame["_f"] = frame["field"].map(order).fillna(len(order))
    frame["_o"] = [
        opt_order.get((f, v), 999) for f, v in zip(frame["field"], frame["value"], strict=True)
    ]
    frame = frame.sort_values(["row", "_f", "_o"], kind="stable").drop(columns=["_f", "_o"])
    return frame.reset_index(drop=True)


def decode_fields(
    tidy: SurveyTable, placement, instrument, dont_know: Iterable[str] = ()
) -> tuple[pd.DataFrame, list[tuple[int, int, str, str]]]:
    """Background answers, multi-selects and open answers as tidy rows.

    Parameters
    ----------
    tidy
        The survey table.
    placement
        Its :class:`~evaltool.mapping.columns.ColumnMap` on ``instrument``: ``fields`` and
        ``options`` are decoded.
    instrument
        The instrument whose fields (and the :data:`STANDARD_BACKGROUND` fields it does not
        define) give the options.
    dont_know
        Answers, besides the instrument's own don't-know texts, that are not stored.

    Returns
    -------
    frame : pandas.DataFrame
        Columns ``row`` (position in ``tidy.data``), ``field`` and ``value`` — a choice
        field's option code, one row per selected option of a multi-select, an open answer's
        text exactly as written (whitespace-only answers are empty and not stored), a number
        as ``3.5`` — sorted by row, then field and option in instrument order.
    warnings : list of tuple
        (row, column, value, message).

    Notes
    -----
    Choices are matched by option code, label (fi / sv / en; case and spacing ignored), SPSS
    value label or position (``1`` … ``k``); a value that is none of these is kept as written
    with a warning. An ``age_group`` column of ages in years is grouped by
    :data:`AGE_GROUPS` (:func:`age_columns` finds them, for the ``age-grouped`` warning).
    Don't-know answers are not stored.
    """
    from evaltool.instruments import DONT_KNOW

    dk = {label_key(x) for x in DONT_KNOW} | {label_key(x) for x in dont_know}
    fields = {**standard_background_fields(), **{f.name: f for f in instrument.fields}}
    parts: list[pd.DataFrame] = []
    problems: list[tuple[int, int, str, str]] = []
    data = tidy.data

    def add(rows: np.ndarray, name: str, values) -> None:
        if len(rows):
            parts.append(
                pd.DataFrame({"row": rows.astype(np.int64), "field": name, "value": values})
            )

    for pos, name in placement.fields.items():
        f = fields.get(name)
        col = data[pos].to_numpy(dtype=object)
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        uniques = [str(u) for u in uniques]
        if f is None:  # a background question the instrument does not define
            rows, vals = _trimmed_values(codes, uniques)
            add(rows, name, vals)
        elif f.kind == "text":
            rows, vals = _text_values(col, codes, uniques)
            add(rows, name, vals)
        elif f.kind == "number":
            rows, vals, bad = _number_values(codes, uniques, tidy.raw.decimal, dk)
            for k in bad:
                u = uniques[k]
                problems += [
                    (int(r), pos, u, f"{u!r} is not a number for {name}")
                    for r in np.flatnonzero(codes == k)
                ]
            add(rows, name, vals)
        elif _builtin_age_groups(f) and (ages := ages_in_years(uniques)) is not None:
            groups = age_group_codes(ages)[codes]
            rows = np.flatnonzero(groups != None)  # noqa: E711 — elementwise on objects
            add(rows, name, groups[rows])
        else:
            vlabels = tidy.value_labels.get(pos, {})
            rows, vals = _choice_values(f, pos, codes, uniques, vlabels, dk, problems)
            add(rows, name, vals)

    for pos, (name, option) in placement.options.items():
        vlabels = tidy.value_labels.get(pos, {})
        idx = _selected_rows(data[pos].to_numpy(dtype=object), vlabels, dk)
        add(idx, name, [option] * len(idx))

    if not parts:
        empty = {
            "row": pd.Series(dtype=np.int64),
            "field": pd.Series(dtype=object),
            "value": pd.Series(dtype=object),
        }
        return pd.DataFrame(empty), problems
    return _field_order(pd.concat(parts, ignore_index=True), instrument), problems

"""Header rows: where the header is, how many rows it has, and what each column's header says.

A sheet's header is one row after any title rows (:func:`find_header_row`), or two: a
question row over sub-labels (:func:`is_subheader_row`) or a row of group headers over column
headers (:func:`is_group_row`), read by :func:`two_row_columns`. Under it there may be a row
of question labels under a row of codes (:func:`is_label_row`). One-row grid headers
``stem [item]``, ``stem - item`` and ``stem:item`` are split by :func:`split_grid_headers`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaltool.layouts.table import ColumnInfo
from evaltool.read import RawTable
from evaltool.text import column_letter, header_key

#: Merged cell ranges of a sheet: ((first row, first column), (last row, last column)).
MergedRanges = list[tuple[tuple[int, int], tuple[int, int]]]

#: Sub-labels under a question that mean "the answer to the question itself" (SurveyMonkey).
SINGLE_ANSWER_SUBS = {
    "response",
    "vastaus",
    "svar",
    "open-ended response",
    "avoin vastaus",
    "öppet svar",
    "answer",
}

_NUMBER = r"\s*-?\d+(?:[.,]\d+)?\s*"
_BRACKETED = re.compile(r"^(?P<stem>.*?\S)\s*\[(?P<sub>[^\[\]]+)\]\s*$", re.S)
_SELECTED_CHOICE = re.compile(r"\s*-\s*Selected Choice$")
_OTHER_TEXT = re.compile(r"(?:^|- )(?:other|muu|annat)\b.*- ?text$", re.I)
_OTHER_SUB = re.compile(r"(?:other|muu|annat)\b", re.I)


def looks_numeric(values: pd.Series) -> pd.Series:
    """Flags of the text values that are a number (``3``, ``-1``, ``2,5``)."""
    return values.str.fullmatch(_NUMBER).fillna(False).astype(bool)


def filled_cells(cells: pd.DataFrame) -> np.ndarray:
    """Flags of the non-empty cells."""
    return cells.to_numpy(dtype=object) != ""


def find_header_row(cells: pd.DataFrame, max_scan: int = 30) -> int:
    """0-based index of the header row: the first of the top rows that is as wide as the
    table's body and mostly text (title rows above it are narrower)."""
    top = cells.iloc[:max_scan]
    filled = filled_cells(top).sum(axis=1)
    if not len(filled):
        return 0
    width = filled.max()
    for i in range(len(top)):
        if filled[i] >= max(2, 0.6 * width):
            row = top.iloc[i]
            row = row[row != ""]
            if (~looks_numeric(row.astype(str))).mean() >= 0.5:
                return i
    return int(np.argmax(filled >= 0.6 * width))


def headers_from_row(row: pd.Series) -> dict[int, str]:
    """Header texts; empty headers become ``Unnamed: <letter>``."""
    return {
        int(c): (str(v).strip() if str(v).strip() != "" else f"Unnamed: {column_letter(int(c))}")
        for c, v in row.items()
    }


def header_texts(raw: RawTable, rows: int = 3) -> list[set[str]]:
    """Header keys (:func:`~evaltool.text.header_key`) of the non-empty cells of the first
    rows, one set per row."""
    out = []
    for i in range(min(rows, len(raw.cells))):
        out.append({header_key(v) for v in raw.cells.iloc[i].tolist() if str(v).strip()})
    return out


def header_row_keys(raw: RawTable) -> list[str]:
    """Header keys of the cells of the header row (:func:`find_header_row`), in order."""
    if raw.cells.empty:
        return []
    h = find_header_row(raw.cells)
    return [header_key(v) for v in raw.cells.iloc[h].tolist()]


def candidate_splits(text: str) -> list[tuple[str, str, str]]:
    """Possible (stem, sub, joiner) splits of a one-row grid header."""
    out: list[tuple[str, str, str]] = []
    m = _BRACKETED.match(text)
    if m:
        out.append((m["stem"].strip(), m["sub"].strip(), "[]"))
    for joiner in (" - ", " – ", " — "):
        start = 0
        while (i := text.find(joiner, start)) >= 0:
            stem, sub = text[:i].strip(), text[i + len(joiner) :].strip()
            if stem and sub:
                out.append((stem, sub, "-"))
            start = i + 1
    for m2 in re.finditer(r":", text):
        i = m2.start()
        if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        stem, sub = text[:i].strip(), text[i + 1 :].strip()
        if stem and sub:
            out.append((stem, sub, ":"))
    return out


def split_grid_headers(columns: dict[int, ColumnInfo], texts: dict[int, str] | None = None) -> None:
    """Fill ``stem`` / ``sub`` of one-row headers: ``stem [item]`` always; ``stem - item``
    and ``stem:item`` when at least two columns share the stem (the longest shared stem
    wins, so ``Q - Selected Choice - A`` splits after ``Selected Choice``)."""
    texts = texts or {p: c.header for p, c in columns.items() if not c.stem}
    cands = {p: candidate_splits(t) for p, t in texts.items()}
    counts: dict[str, int] = {}
    for splits in cands.values():
        for stem in {header_key(s) for s, _, _ in splits}:
            counts[stem] = counts.get(stem, 0) + 1
    for pos, splits in cands.items():
        best = None
        for stem, sub, joiner in splits:
            c = counts.get(header_key(stem), 0)
            if c < 2 and joiner != "[]":
                continue
            key = (c, joiner == "[]", len(stem))
            if best is None or key > best[0]:
                best = (key, stem, sub)
        if best is None:
            continue
        _, stem, sub = best
        info = columns[pos]
        stem = _SELECTED_CHOICE.sub("", stem)
        if header_key(sub) in ("selected choice", "valittu vaihtoehto"):
            continue
        if _OTHER_TEXT.search(sub) or (
            header_key(sub) in ("other", "comment", "muu", "kommentti")
            and info.code
            and "[" in (info.code or info.header)
        ):
            info.kind = "other"
        info.stem, info.sub = stem, sub


def _merged_spans(first_row: list[str], stem_row: int, merged: MergedRanges) -> dict[int, str]:
    """Column → the text of the merged range of ``stem_row`` above it."""
    span: dict[int, str] = {}
    for (ra, ca), (rb, cb) in merged:
        if ra <= stem_row <= rb and first_row[ca].strip():
            for c in range(ca, cb + 1):
                span[c] = first_row[ca].strip()
    return span


def _two_row_column(j: int, top: str, bottom: str) -> ColumnInfo:
    """One column of a two-row header from its upper text (carried) and its lower text."""
    if top and bottom:
        if header_key(bottom) in SINGLE_ANSWER_SUBS:
            folded = bottom.casefold()
            kind = "open" if "open" in folded or "avoin" in folded else ""
            return ColumnInfo(j, top, kind=kind)
        kind = "other" if _OTHER_SUB.match(bottom) else ""
        return ColumnInfo(j, f"{top} - {bottom}", stem=top, sub=bottom, kind=kind)
    if top:
        return ColumnInfo(j, top)
    if bottom:
        return ColumnInfo(j, bottom)
    return ColumnInfo(j, f"Unnamed: {column_letter(j)}")


def two_row_columns(
    cells: pd.DataFrame, stem_row: int, sub_row: int, merged: MergedRanges
) -> dict[int, ColumnInfo]:
    """Columns of a two-row header: the upper row's text is carried right over the
    columns of its block (blank cells above sub-labels, or a merged range)."""
    r1 = cells.iloc[stem_row].astype(str).tolist()
    r2 = cells.iloc[sub_row].astype(str).tolist()
    span = _merged_spans(r1, stem_row, merged)
    columns: dict[int, ColumnInfo] = {}
    current: str | None = None
    # Merged cells say exactly where a group ends; without them a question's text is carried
    # right while the upper row stays blank (SurveyMonkey, CSV copies of grouped sheets).
    carry = not span
    for j in range(len(r1)):
        top, bottom = r1[j].strip(), r2[j].strip()
        if top:
            current = top
        elif j in span:
            top = span[j]
        elif bottom and current is not None and carry:
            top = current
        else:
            current = None if not bottom else current
        columns[j] = _two_row_column(j, top, bottom)
    return columns


def is_subheader_row(cells: pd.DataFrame, h: int) -> bool:
    """Is row ``h + 1`` a second header row (sub-labels under a sparse question row)?"""
    if h + 1 >= len(cells):
        return False
    r1 = cells.iloc[h].to_numpy(dtype=object)
    r2 = cells.iloc[h + 1].to_numpy(dtype=object)
    e1, e2 = r1 != "", r2 != ""
    if e2.sum() < 2 or not (e2 & ~e1).any():
        return False
    vals = pd.Series(r2[e2]).astype(str)
    if looks_numeric(vals).mean() > 0.2:
        return False
    below = cells.iloc[h + 2 : h + 202]
    if len(below):
        recur = 0
        for j in np.flatnonzero(e2):
            if (below[j] == r2[j]).any():
                recur += 1
        if recur > 0.3 * e2.sum():
            return False
    return True


def is_label_row(cells: pd.DataFrame, h: int, sample: int = 200) -> bool:
    """Is row ``h + 1`` a row of question labels under a full header row ``h`` (codes such
    as ``q1`` over their wording), rather than the first respondent?

    Only when the answers below can tell: in most of the row's filled columns the row holds
    text that is not a number, differs from the header, and is none of the values in the
    rows below, which look like answers (all numbers, or few distinct values); and the row's
    texts differ from one another (a respondent's label answers repeat across a grid).
    """
    if h + 2 >= len(cells):
        return False
    r1 = cells.iloc[h].to_numpy(dtype=object)
    r2 = cells.iloc[h + 1].to_numpy(dtype=object)
    e2 = r2 != ""
    n2 = int(e2.sum())
    if n2 < 3 or n2 < 0.6 * int((r1 != "").sum()):
        return False
    texts = pd.Series(r2[e2]).astype(str)
    if looks_numeric(texts).mean() > 0.2:
        return False
    norm = [header_key(t) for t in texts]
    if len(set(norm)) < 0.8 * len(norm):
        return False
    below = cells.iloc[h + 2 : h + 2 + sample]
    labelled = answer_cols = 0
    for j in np.flatnonzero(e2):
        col = below[j].to_numpy(dtype=object)
        vals = col[col != ""]
        if len(vals) < 5:
            continue
        distinct = set(vals.tolist())
        numeric = bool(looks_numeric(pd.Series(list(distinct), dtype=object)).all())
        if not (numeric or len(distinct) <= max(5, 0.5 * len(vals))):
            continue
        answer_cols += 1
        if r2[j] not in distinct and header_key(r2[j]) != header_key(r1[j]):
            labelled += 1
    return answer_cols >= 3 and labelled >= 0.8 * answer_cols


def is_group_row(cells: pd.DataFrame, g: int, h: int, merged: MergedRanges) -> bool:
    """Is row ``g`` (directly above the header row ``h``) a row of group headers?"""
    rg = cells.iloc[g].to_numpy(dtype=object) != ""
    rh = cells.iloc[h].to_numpy(dtype=object) != ""
    if not rg.any():
        return False
    if any(ra <= g <= rb and cb > ca for (ra, ca), (rb, cb) in merged):
        return True
    if rg.sum() < 2 or rg.sum() >= rh.sum():
        return False
    # Group texts stand above column headers, or are the only header of their column (a
    # question row over sub-labels, with single-row columns such as the response time).
    lone = rg & ~rh
    return bool((rh[rg]).any() and (rg | rh).sum() >= 0.8 * len(rg) and lone.sum() < rg.sum())

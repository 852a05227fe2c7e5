"""An evaluator's own Excel sheet, typed in from paper questionnaires."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.testing.columns import Metadata, meta_columns, table_rows
from evaltool.testing.files import write_xlsx
from evaltool.testing.survey import Question, Survey
from evaltool.text import column_letter


def typed_codes(codes: np.ndarray, dont_know: str = "eos") -> np.ndarray:
    """Scale answers as an evaluator types them: the number, ``dont_know`` for don't know,
    nothing (``None``) for a skipped answer.

    Parameters
    ----------
    codes
        Scale codes (1.., 0 = don't know, -1 = skipped).
    dont_know
        The text typed for don't know.

    Returns
    -------
    numpy.ndarray
        One object per respondent.
    """
    codes = codes.astype(np.int64)
    vals = codes.astype(object)
    vals[codes == -1] = None
    vals[codes == 0] = dont_know
    return vals


def _cells(q: Question) -> np.ndarray:
    if q.kind == "multi":
        return np.array([s.lower() for s in q.selected(", ")], dtype=object)
    if q.kind == "scale":
        return q.texts if q.texts is not None else typed_codes(q.codes)
    return q.labels()


def _stem_row(survey: Survey, first: int, row: int) -> tuple[list[object], list[str]]:
    """A row with each matrix question's stem over its first column (``first`` columns come
    before the questions) and the merges spanning each matrix (sheet row ``row``)."""
    cells: list[object] = [None] * first
    merges: list[str] = []
    groups: dict[tuple[str, int], list[int]] = {}
    for q in survey.questions:
        if q.stem:
            groups.setdefault((q.stem, q.number), []).append(len(cells))
        cells.append(None)
    for (stem, _), columns in groups.items():
        cells[columns[0]] = stem
        if len(columns) > 1:
            merges.append(f"{column_letter(columns[0])}{row}:{column_letter(columns[-1])}{row}")
    return cells, merges


def _mean_row(width: int, cols: Sequence[np.ndarray], numeric: Sequence[int]) -> list[object]:
    """``Keskiarvo`` and the mean of every numeric column (rounded to 2 decimals)."""
    footer: list[object] = ["Keskiarvo"] + [None] * (width - 1)
    for j in numeric:
        vals = pd.to_numeric(pd.Series(cols[j]).astype(str).str.strip(), errors="coerce")
        footer[j] = round(float(vals.mean()), 2)
    return footer


def write_handtyped(
    survey: Survey,
    path: Path,
    meta: Metadata,
    *,
    sheet: str,
    above: Sequence[Sequence[object]] = (),
    stem_row: bool = False,
    footer: Sequence[Sequence[object]] | None = None,
    properties: Mapping[str, str] | None = None,
) -> None:
    """An evaluator's Excel sheet: rows of title and notes, a blank row, the header, one row
    per questionnaire, a blank row and footer rows. Scale answers are numbers (``eos`` for
    don't know, see :func:`typed_codes`; a question's ``texts`` are used as typed), choices
    their labels, multi-selects the chosen labels in lower case joined with ``", "``.

    Parameters
    ----------
    survey
        The answers; a question's text is its column header.
    path
        The file to write.
    meta
        The leading columns (``Asiakasnumero``, ``Päivämäärä``).
    sheet
        The sheet's name.
    above
        The rows above the blank row and the header (title, note).
    stem_row
        Put a row above the header with each matrix question's stem over its statements
        (merged cells).
    footer
        The rows after the blank row below the answers (default one ``Keskiarvo`` row with
        the means of the scale columns).
    properties
        Document properties of the workbook (see :func:`evaltool.testing.files.write_xlsx`).
    """
    headers = [*meta, *(q.text for q in survey.questions)]
    cols = [*meta_columns(meta), *(_cells(q) for q in survey.questions)]
    rows: list[Sequence[object]] = [*above, []]
    merges: list[str] = []
    if stem_row:
        stems, merges = _stem_row(survey, len(meta), len(rows) + 1)
        rows.append(stems)
    rows += [headers, *table_rows(cols), []]
    if footer is None:
        numeric = [len(meta) + k for k, q in enumerate(survey.questions) if q.kind == "scale"]
        footer = [_mean_row(len(headers), cols, numeric)]
    rows += footer
    write_xlsx(path, rows, sheet=sheet, merges=merges, properties=properties)

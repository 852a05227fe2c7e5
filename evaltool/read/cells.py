"""The table every reader returns, its error, and cell values → trimmed text cells.

Every cell comes back as text (``""`` for empty) so that no reader guesses types: the
layouts and instruments decide what a value means.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError


class ReadError(UserError):
    """The file cannot be read; ``code`` is a validation issue code."""

    def __init__(self, message: str, code: str = "file-unreadable", sheet: str | None = None):
        super().__init__(message)
        self.code = code
        self.sheet = sheet


@dataclass
class RawTable:
    """Raw cells of one sheet or text file.

    ``cells`` has integer column labels 0..k-1 and holds only ``str`` ('' for empty); row
    ``i`` is spreadsheet row ``i + 1 + row_offset``. ``column_labels``, ``value_labels`` and
    ``missing_codes`` are filled for SPSS files (keyed by column position); the SPSS
    variable names are the first row of ``cells`` and their labels are in
    ``column_labels``.
    """

    path: Path
    file_format: str
    cells: pd.DataFrame
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    row_offset: int = 0
    column_labels: dict[int, str] = field(default_factory=dict)
    value_labels: dict[int, dict[str, str]] = field(default_factory=dict)
    missing_codes: dict[int, set[str]] = field(default_factory=dict)
    #: Merged cell ranges of a spreadsheet as ``((row0, col0), (row1, col1))``, 0-based and
    #: inclusive, in the coordinates of ``cells``.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    #: Rows of ``cells`` with at least one non-empty cell (computed while reading; None when
    #: not known).
    row_filled: np.ndarray | None = None
    #: Other sheets of the workbook that may hold data (not read; ``--sheet`` chooses one).
    other_sheets: list[str] = field(default_factory=list)
    #: Delimited text: the number of fields each row of ``cells`` has in the file (rows are
    #: padded to the widest one in ``cells``); None for other formats.
    field_counts: np.ndarray | None = None

    @property
    def name(self) -> str:
        return self.path.name


def _column_text(
    column: np.ndarray, to_text: Callable[[object], str]
) -> tuple[np.ndarray, np.ndarray]:
    """Text of a column's cells and the mask of non-empty ones: the column is factorised
    once (``pd.factorize`` hashes in C) and only its distinct values are turned into text."""
    codes, uniques = pd.factorize(column)  # missing cells (None, NaN) get code -1
    texts = np.array([to_text(v) for v in uniques] + [""], dtype=object)
    filled = np.array([bool(t) and not t.isspace() for t in texts], dtype=bool)
    texts[~filled] = ""
    return texts[codes], filled[codes]


def text_frame(
    columns: list[np.ndarray], to_text: Callable[[object], str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Columns of cell values → a trimmed table of text and the mask of its filled rows.

    Each column's distinct values are turned into text once, so the cost grows with the
    number of distinct answers, not cells. Text is kept exactly as written (surrounding
    spaces included); whitespace-only cells become ``""``. Trailing empty rows and columns
    are dropped.

    Parameters
    ----------
    columns
        The cell values of each column, all of the same length.
    to_text
        The text of one distinct cell value.

    Returns
    -------
    tuple of (pandas.DataFrame, numpy.ndarray)
        The text cells (object dtype, integer column labels) and, per row of them, whether
        it holds at least one non-empty cell.
    """
    return text_frame_blocks([columns], to_text)


def text_frame_blocks(
    blocks: Iterable[list[np.ndarray]], to_text: Callable[[object], str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`text_frame` of a table given as blocks of rows, one after another.

    Each block's cells become text before the next block is taken, so a reader that
    parses a file block by block holds one block of parsed cells at a time next to the
    text table (whose equal cells share one string object).

    Parameters
    ----------
    blocks
        Each block: the cell values of each of its columns, all of the block's length; a
        block narrower than another has empty cells in the columns it lacks.
    to_text
        The text of one distinct cell value.

    Returns
    -------
    tuple of (pandas.DataFrame, numpy.ndarray)
        As :func:`text_frame`.
    """
    texts: list[list[np.ndarray]] = []
    fills: list[list[np.ndarray]] = []
    lengths: list[int] = []
    for columns in blocks:
        length = len(columns[0]) if columns else 0
        block = [_column_text(col, to_text) for col in columns]
        texts.append([t for t, _ in block])
        fills.append([f for _, f in block])
        lengths.append(length)
    width = max((len(b) for b in texts), default=0)
    out: dict[int, np.ndarray] = {}
    last_col = -1
    any_row = np.zeros(sum(lengths), dtype=bool)
    for j in range(width):
        parts = [
            b[j] if j < len(b) else np.full(n, "", dtype=object)
            for b, n in zip(texts, lengths, strict=True)
        ]
        filled = np.concatenate(
            [
                b[j] if j < len(b) else np.zeros(n, dtype=bool)
                for b, n in zip(fills, lengths, strict=True)
            ]
        )
        out[j] = parts[0] if len(parts) == 1 else np.concatenate(parts)
        for b in texts:  # the blocks' parts are in ``out`` now
            if j < len(b):
                b[j] = None
        if filled.any():
            last_col = j
            any_row |= filled
    if last_col < 0:
        return pd.DataFrame(dtype=object), np.zeros(0, dtype=bool)
    n = int(np.flatnonzero(any_row)[-1]) + 1
    frame = pd.DataFrame(
        {j: (out[j] if len(out[j]) == n else out[j][:n]) for j in range(last_col + 1)},
        dtype=object,
        copy=False,
    )
    return frame, any_row[:n]


def trim_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Text cells with whitespace-only cells emptied and empty margins dropped."""
    if cells.empty:
        return cells
    return text_frame([cells[c].to_numpy(dtype=object) for c in cells.columns], plain_text)[0]


def plain_text(value: object) -> str:
    """The text of a parsed cell: ``""`` for a missing one (None, NaN), else ``str``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def find_header_row(
    cells: pd.DataFrame,
    classify: Callable[[str], str | None],
    accept: Callable[[set], bool],
    max_scan: int = 30,
) -> int | None:
    """The first of the first ``max_scan`` rows (0-based) whose non-empty cells, each
    classified by ``classify`` (header text → field name or None), give a set of fields
    that ``accept`` takes; None when no row does."""
    for i in range(min(max_scan, len(cells))):
        if accept({classify(v) for v in cells.iloc[i] if v}):
            return i
    return None


def split_at_header(
    cells: pd.DataFrame, hdr: int, row_offset: int = 0
) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    """The header row ``hdr`` of ``cells``, the non-empty rows below it, and their row
    numbers as the spreadsheet shows them (1-based, after ``row_offset`` skipped rows)."""
    header = cells.iloc[hdr]
    body = cells.iloc[hdr + 1 :]
    nonempty = (body != "").to_numpy().any(axis=1)
    rows = (np.flatnonzero(nonempty) + hdr + 2 + row_offset).astype(int)
    return header, body[nonempty], rows

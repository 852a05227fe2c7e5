"""The normalisation every layout shares: header rows → columns → a :class:`SurveyTable`.

:func:`normalise_sheet` finds the header of a sheet whose tool writes no fixed header
(hand-typed sheets, Google Forms, Microsoft Forms, LimeSurvey, Webropol, ZEF); every layout
ends with :func:`build_table`, which splits the body from the header and tells the metadata
columns.
"""

from __future__ import annotations

from evaltool.layouts.headers import (
    find_header_row,
    headers_from_row,
    is_group_row,
    is_label_row,
    is_subheader_row,
    split_grid_headers,
    two_row_columns,
)
from evaltool.layouts.metadata import metadata_columns, split_body
from evaltool.layouts.table import ColumnInfo, LayoutError, SurveyTable
from evaltool.read import RawTable
from evaltool.text import column_letter


def build_table(
    raw: RawTable,
    layout: str,
    header_rows: int,
    first_data: int,
    columns: dict[int, ColumnInfo],
    notes: list[str] | None = None,
    header_row: int = 1,
) -> SurveyTable:
    """The survey table of ``raw`` from its columns: the rows from ``first_data`` (0-based)
    on without empty rows and footers, every column of the sheet (``Unnamed: <letter>`` when
    the header is empty) and the metadata roles of the columns.

    ``header_row`` is the 1-based row of the (first) header row within ``raw.cells``.
    """
    data, rows, dropped = split_body(raw.cells, first_data, raw.row_offset, raw.row_filled)
    for pos in range(raw.cells.shape[1]):
        columns.setdefault(pos, ColumnInfo(pos, f"Unnamed: {column_letter(pos)}"))
    columns = dict(sorted(columns.items()))
    headers = {p: c.header for p, c in columns.items()}
    metadata, every = metadata_columns(columns, data)
    return SurveyTable(
        raw=raw,
        layout=layout,
        header_rows=header_rows,
        data=data,
        rows=rows,
        headers=headers,
        metadata=metadata,
        dropped=dropped,
        notes=notes or [],
        value_labels=raw.value_labels,
        missing_codes=raw.missing_codes,
        columns=columns,
        meta_columns=every,
        header_row=header_row + raw.row_offset,
    )


def _add_label_row(columns: dict[int, ColumnInfo], labels: list[str]) -> None:
    """Codes over labels (``q1`` / ``Elämänlaatu``): the codes stay the headers, the labels
    help placement (an empty header takes the label)."""
    for j, label in enumerate(labels):
        label = label.strip()
        if not label:
            continue
        info = columns.get(j)
        if info is None or info.header.startswith("Unnamed: "):
            columns[j] = ColumnInfo(j, label)
        elif info.label is None:
            info.label = label


def normalise_sheet(raw: RawTable, layout: str) -> SurveyTable:
    """One header row (after any title rows), or two (a question row over sub-labels, or
    group headers over column headers), and possibly a row of question labels under them
    (codes ``q1`` over their wording); footers and empty rows dropped."""
    cells = raw.cells
    if cells.empty:
        raise LayoutError(f"{raw.name}: the sheet holds no cells", "file-empty")
    h = find_header_row(cells)
    notes: list[str] = []
    if is_subheader_row(cells, h):
        stem_row, sub_row = h, h + 1
    elif h > 0 and is_group_row(cells, h - 1, h, raw.merged):
        stem_row, sub_row = h - 1, h
    else:
        stem_row, sub_row = None, h
    if stem_row is not None:
        columns = two_row_columns(cells, stem_row, sub_row, raw.merged)
        header_rows = 2
    else:
        columns = {p: ColumnInfo(p, t) for p, t in headers_from_row(cells.iloc[h]).items()}
        header_rows = 1
    first_data = sub_row + 1
    if is_label_row(cells, sub_row):
        # The data start below the label row.
        _add_label_row(columns, cells.iloc[sub_row + 1].astype(str).tolist())
        notes.append(
            f"row {sub_row + 2 + raw.row_offset} holds question labels under the "
            f"header; data start below it"
        )
        header_rows += 1
        first_data += 1
    if stem_row is None:
        texts = {p: c.header for p, c in columns.items() if not c.stem}
        if header_rows > 1:  # grids are told by the labels when the headers are codes
            texts = {p: c.label or c.header for p, c in columns.items() if not c.stem}
        split_grid_headers(columns, texts)
    top = stem_row if stem_row is not None else sub_row
    if top:
        notes.append(f"{top} title row(s) above the header skipped")
    return build_table(raw, layout, header_rows, first_data, columns, notes, header_row=top + 1)

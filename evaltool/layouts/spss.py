"""SPSS: a ``.sav`` file; variable names are the headers and codes, variable labels the
question texts, value labels and declared missing values come with the cells. A Qualtrics
``.sav`` export (``StartDate`` and ``ResponseId``) gets Qualtrics' status filters.
"""

from __future__ import annotations

from evaltool.layouts.generic import build_table
from evaltool.layouts.headers import split_grid_headers
from evaltool.layouts.qualtrics import apply_status_filters
from evaltool.layouts.table import ColumnInfo, LayoutError, SurveyTable
from evaltool.read import RawTable
from evaltool.text import header_key

NAME = "spss"

#: Variables that show a ``.sav`` file is a Qualtrics export (header keys).
QUALTRICS_VARIABLES = {"startdate", "responseid"}


def detect(raw: RawTable) -> float:
    """1 for an SPSS file, else 0."""
    return 1.0 if raw.file_format == "sav" else 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """Variable names as headers and codes, variable labels as labels; grids split on the
    labels; a response without ``submitdate`` is incomplete."""
    if raw.file_format != "sav":
        raise LayoutError(
            f"{raw.name}: --layout spss needs an SPSS .sav file; this is a {raw.file_format} file",
            "layout-ambiguous",
        )
    names = raw.cells.iloc[0].astype(str).tolist()
    columns = {}
    for j, name in enumerate(names):
        label = raw.column_labels.get(j) or None
        columns[j] = ColumnInfo(j, name, code=name, label=label)
    split_grid_headers(columns, {p: c.label for p, c in columns.items() if c.label})
    table = build_table(raw, NAME, 1, 1, columns, header_row=1)
    if QUALTRICS_VARIABLES <= {header_key(n) for n in names}:
        apply_status_filters(table)
    sub = table.metadata.get("submitted")
    if sub is not None and len(table.data):
        table.incomplete = (table.data[sub].astype(str).str.strip() == "").to_numpy()
    return table

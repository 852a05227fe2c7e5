"""SurveyMonkey: ``Respondent ID`` and ``Collector ID``; two header rows, the question text
only above the first column of its block and sub-labels (``Response``, statements, options)
in the second row.
"""

from __future__ import annotations

from evaltool.layouts.generic import build_table
from evaltool.layouts.headers import header_texts, two_row_columns
from evaltool.layouts.table import LayoutError, SurveyTable
from evaltool.read import RawTable

NAME = "surveymonkey"

#: Metadata headers of the first row.
METADATA_HEADERS = {
    "respondent id",
    "collector id",
    "start date",
    "end date",
    "ip address",
    "email address",
    "first name",
    "last name",
    "custom data 1",
}
#: Sub-labels of the second row that only SurveyMonkey writes.
SUB_LABELS = {"response", "open-ended response", "other (please specify)"}


def detect(raw: RawTable) -> float:
    """0.97 for ``Respondent ID`` with ``Collector ID`` over a second row (0.9 without one);
    0.9 for three of :data:`METADATA_HEADERS` over one of :data:`SUB_LABELS`."""
    rows = header_texts(raw, 2)
    if not rows:
        return 0.0
    first = rows[0]
    hits = len(first & METADATA_HEADERS)
    second = rows[1] if len(rows) > 1 else set()
    subs = len(second & SUB_LABELS)
    if "respondent id" in first and "collector id" in first:
        return 0.97 if subs or len(rows) > 1 else 0.9
    if hits >= 3 and subs:
        return 0.9
    return 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """Two header rows, the question carried right over its block."""
    cells = raw.cells
    if len(cells) < 2:
        raise LayoutError(
            f"{raw.name}: a SurveyMonkey export has two header rows; this file "
            "has fewer rows (use --layout plain)",
            "layout-ambiguous",
        )
    columns = two_row_columns(cells, 0, 1, [])
    return build_table(raw, NAME, 2, 2, columns, header_row=1)

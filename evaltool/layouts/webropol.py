"""Webropol: ``Vastausaika`` / ``Svarstid`` / ``Response time`` columns, numbered questions
(``1. …``) and ``stem:statement`` grids; one or two header rows.

The signature is assumed from the documentation (see research/export-formats.md) until a
real export is seen.
"""

from __future__ import annotations

import re

from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.headers import header_texts
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "webropol"

#: Metadata headers of a Webropol export (header keys).
METADATA_HEADERS = {
    "vastausaika",
    "svarstid",
    "response time",
    "vastaaja",
    "vastaajan numero",
    "respondent",
    "vastauspäivämäärä",
    "svarsdatum",
    "answer time",
    "vastauksen päivämäärä",
}
#: The response-time headers among them, the strongest sign.
RESPONSE_TIME_HEADERS = {"vastausaika", "svarstid", "response time", "answer time"}

_NUMBERED = re.compile(r"^\d{1,3}\.\s")


def detect(raw: RawTable) -> float:
    """Within the first six rows: 0.6 for a response-time header (0.3 for another of
    :data:`METADATA_HEADERS`), 0.15 more for two numbered questions and 0.1 more for two
    ``stem:statement`` headers; at most 0.85."""
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    rows = header_texts(raw, 6)
    texts = set().union(*rows) if rows else set()
    meta = texts & METADATA_HEADERS
    if not meta:
        return 0.0
    score = 0.6 if RESPONSE_TIME_HEADERS & meta else 0.3
    heads = [t for r in rows for t in r]
    if sum(bool(_NUMBERED.match(t)) for t in heads) >= 2:
        score += 0.15
    if sum(":" in t for t in heads) >= 2:
        score += 0.1
    return min(score, 0.85)


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules."""
    return normalise_sheet(raw, NAME)

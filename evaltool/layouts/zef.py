"""ZEF: ``Answer ID`` / ``Vastauksen tunnus`` with ``Answered`` / ``Vastattu``; one or two
header rows.

The signature is assumed from the documentation (see research/export-formats.md) until a
real export is seen.
"""

from __future__ import annotations

from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.headers import header_texts
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "zef"

#: Response-id headers (header keys).
ID_HEADERS = {"answer id", "vastauksen tunnus", "vastauksen id", "svar-id"}
#: Response-time headers.
TIME_HEADERS = {"answered", "vastattu", "answered at", "created", "luotu", "besvarad"}
#: Contact headers.
CONTACT_HEADERS = {"contact", "kontakti"}


def detect(raw: RawTable) -> float:
    """Within the first six rows: 0.85 for a response id with a response time, 0.75 for a
    response id with a contact."""
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    rows = header_texts(raw, 6)
    texts = set().union(*rows) if rows else set()
    ids = texts & ID_HEADERS
    times = texts & TIME_HEADERS
    if ids and times:
        return 0.85
    if ids and texts & CONTACT_HEADERS:
        return 0.75
    return 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules."""
    return normalise_sheet(raw, NAME)

"""Google Forms: the first column is the response time (``Timestamp``, ``Aikaleima``,
``Tidsstämpel`` …), often followed by the respondent's e-mail; grids as ``stem [item]``.
One header row.
"""

from __future__ import annotations

import re

from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.headers import header_row_keys
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "google_forms"

#: The first header of a Google Forms export, by the form's language.
FIRST_HEADERS = {
    "timestamp",
    "aikaleima",
    "tidsstämpel",
    "tidstämpel",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "sähköpostiosoite ja aikaleima",
}
#: The second header when the form collects e-mail addresses or user names.
SECOND_HEADERS = ("email address", "sähköpostiosoite", "e-postadress", "username", "käyttäjänimi")

_GRID_HEADER = re.compile(r"\S \[[^\]]+\]$")


def detect(raw: RawTable) -> float:
    """0.8 for a first header of :data:`FIRST_HEADERS`; 0.1 more for an e-mail or user name
    second, 0.05 more for a ``stem [item]`` header; at most 0.95."""
    first = header_row_keys(raw)
    if not first or first[0] not in FIRST_HEADERS:
        return 0.0
    score = 0.8
    if len(first) > 1 and first[1] in SECOND_HEADERS:
        score += 0.1
    if any(_GRID_HEADER.search(h) for h in first):
        score += 0.05
    return min(score, 0.95)


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules."""
    return normalise_sheet(raw, NAME)

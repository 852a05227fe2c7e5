"""Microsoft Forms: ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name`` (also in
Finnish and Swedish) in the first columns. One header row.
"""

from __future__ import annotations

from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.headers import header_row_keys
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "ms_forms"

#: The leading headers of a Microsoft Forms export in English, Finnish and Swedish.
HEADER_SETS = [
    ("id", "start time", "completion time", "email", "name", "last modified time"),
    ("tunnus", "aloitusaika", "valmistumisaika", "sähköposti", "nimi", "viimeksi muokattu aika"),
    ("id", "starttid", "tid för slutförande", "e-post", "namn", "senaste ändringstid"),
]


def detect(raw: RawTable) -> float:
    """0.95 when four headers of one of :data:`HEADER_SETS` are among the first seven; 0.85
    for three of them after a first ``ID`` / ``Tunnus``."""
    first = header_row_keys(raw)[:7]
    best = 0
    for names in HEADER_SETS:
        hits = sum(1 for n in names if n in first)
        best = max(best, hits)
    if best >= 4:
        return 0.95
    if best == 3 and first and first[0] in ("id", "tunnus"):
        return 0.85
    return 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules."""
    return normalise_sheet(raw, NAME)

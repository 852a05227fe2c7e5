"""LimeSurvey: the field codes ``id``, ``submitdate``, ``lastpage``, ``startlanguage``,
``seed`` … (or their full headings ``Response ID``, ``Date submitted`` …); grid columns
``Q1[SQ001]``. One header row.
"""

from __future__ import annotations

import re

from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.headers import header_row_keys
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "limesurvey"

#: Metadata field codes of a LimeSurvey export with "question codes" headings.
FIELD_CODES = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
}
#: The same fields with "full question text" headings (English, Finnish, French, Dutch and
#: German, as LimeSurvey's translations write them).
FIELD_HEADINGS = {
    "response id",
    "date submitted",
    "last page",
    "start language",
    "seed",
    "date started",
    "date last action",
    "ip address",
    "referrer url",
    "vastauksen id",
    "lähetyspäivä",
    "viimeinen sivu",
    "aloituskieli",
    "siemenluku",
    "id de la réponse",
    "id réponse",
    "date de soumission",
    "dernière page",
    "langue de départ",
    "graine",
    "date de début",
    "date de la dernière action",
    "adresse ip",
    "url de provenance",
    "respons id",
    "datum verstuurd",
    "laatste pagina",
    "starttaal",
    "startdatum",
    "datum laatste actie",
    "ip-adres",
    "verwijzende url",
    "antwort id",
    "datum abgeschickt",
    "letzte seite",
    "start-sprache",
    "zufallsstartwert",
    "datum gestartet",
    "ip-adresse",
}
#: Headers that only LimeSurvey writes among its metadata.
DISTINCT_HEADERS = (
    "submitdate",
    "date submitted",
    "lastpage",
    "last page",
    "lähetyspäivä",
    "date de soumission",
    "dernière page",
    "datum verstuurd",
    "laatste pagina",
    "datum abgeschickt",
    "letzte seite",
)

_GRID_CODE = re.compile(r"\w+\[\w+\]")
_MASKED = r"^'[=+\-@]"


def detect(raw: RawTable) -> float:
    """0.95 for three of :data:`FIELD_CODES` (or of :data:`FIELD_HEADINGS`) with one of
    :data:`DISTINCT_HEADERS`; 0.7 for three without."""
    first = set(header_row_keys(raw))
    hits = max(len(first & FIELD_CODES), len(first & FIELD_HEADINGS))
    if hits >= 3 and any(h in first for h in DISTINCT_HEADERS):
        return 0.95
    if hits >= 3:
        return 0.7
    return 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules; grid headers ``Q1[SQ001]`` are also the column's code, a
    response without ``submitdate`` is incomplete, and the quote the export option
    ``csvMaskEquations`` puts before formula-looking answers is removed."""
    table = normalise_sheet(raw, NAME)
    for info in table.columns.values():
        if _GRID_CODE.fullmatch(info.header):
            info.code = info.header
    sub = table.metadata.get("submitted")
    if sub is not None and len(table.data):
        table.incomplete = (table.data[sub].astype(str).str.strip() == "").to_numpy()
    for pos in table.data.columns:
        col = table.data[pos]
        masked = col.str.match(_MASKED).fillna(False).astype(bool)
        if masked.any():
            table.data[pos] = col.where(~masked, col.str[1:])
    return table

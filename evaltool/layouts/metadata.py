"""What in a sheet is not an answer: metadata columns and rows that are not respondents.

Metadata columns (timestamps, response ids, e-mail, names, IP addresses …) are told by their
header text (:data:`METADATA_PATTERNS`, :func:`metadata_role`); direct identifiers among them
are recognised so they are never stored. Rows that are not respondents — empty rows and
footers such as ``Keskiarvo`` or ``N = 25`` — are dropped by :func:`split_body`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaltool.layouts.headers import filled_cells
from evaltool.layouts.table import ColumnInfo, strip_number, template_code
from evaltool.text import header_key

#: Metadata roles and the header texts (normalised: casefolded, spaces collapsed, ends
#: stripped of `` :.?*``) that signal them; the first matching role wins. ``respondent_id``
#: is a client code that links waves; ``response_id`` a tool-generated response number.
# fmt: off
METADATA_PATTERNS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        r"asiakas(?:numero|tunnus|koodi)?", r"asiakkaan (?:tunnus|numero|koodi)",
        r"client(?: id| code| number)?", r"klient(?:nummer|kod|id)?",
        r"klientens (?:nummer|kod)", r"koodi", r"henkilötunnus",
        r"vastaaja(?:tunnus|koodi)", r"vastaajan (?:tunnus|koodi)", r"external ?reference",
        r"externalreference", r"externaldatareference", r"token", r"participant(?: id| code)?",
        r"osallistuja(?:tunnus|koodi)", r"deltagar(?:nummer|kod)", r"respondent code",
        # LimeSurvey's access code (token) in English, French, Dutch and German
        r"access code", r"code d'accès", r"invitation", r"toegangscode", r"zugangsschlüssel",
    ),
    "response_id": (
        r"id", r"respondent ?id", r"response ?id", r"responseid", r"_?recordid", r"record id",
        r"vastaaja(?:numero)?", r"vastaajan numero", r"respondent", r"answer ?id",
        r"vastauksen (?:tunnus|numero|id)", r"vastaus ?id", r"svars?-? ?id", r"nro", r"n:o",
        r"_id", r"_uuid", r"_index", r"svarande", r"tunnus",
        # LimeSurvey's "Response ID" in French, Dutch, German and Swedish
        r"id (?:de la )?réponse", r"identifiant (?:de la )?réponse", r"respons ?-?id",
        r"antwort ?-?id", r"svar-id",
    ),
    "submitted": (r"submitdate", r"date submitted", r"lähetyspäivä", r"lähetetty",
                  r"inskickat", r"datum inskickat", r"date de soumission",
                  r"date d'envoi", r"datum verstuurd", r"datum ingediend",
                  r"datum abgeschickt"),
    "timestamp": (
        r"vastausaika", r"timestamp", r"aikaleima", r"start ?time", r"completion ?time",
        r"last modified time", r"start ?date", r"end ?date", r"recorded ?date",
        r"recordeddate", r"datestamp", r"date started", r"date last action", r"tidsstämpel",
        r"tidstämpel", r"svarstid", r"submitted(?: at)?", r"response time", r"answer time",
        r"answered(?: at)?", r"created(?: at)?", r"vastattu", r"aloitettu", r"aloitusaika",
        r"valmistumisaika", r"päättymisaika", r"viimeksi muokattu(?: aika)?", r"starttid",
        r"sluttid", r"tid för slutförande", r"senast ändrad(?: tid)?", r"_submission_time",
        r"start", r"end", r"completed(?: at)?", r"vastauspäivämäärä",
        r"date de début", r"date de la dernière action", r"startdatum", r"datum laatste actie",
        r"datum gestartet", r"datum letzte aktivität", r"startdatum",
    ),
    "email": (r"e-?mail(?: ?address)?", r"sähköposti(?:osoite)?", r"e-?post(?:adress)?",
              r"recipient ?email", r"recipientemail", r"email-osoite", r"contact(?: email)?",
              r"kontakti", r"yhteystieto", r"yhteystiedot"),
    "name": (r"name", r"nimi", r"namn", r"first ?name", r"last ?name", r"etunimi", r"sukunimi",
             r"full ?name", r"koko nimi", r"recipient ?(?:first|last) ?name",
             r"recipient(?:first|last)name", r"förnamn", r"efternamn", r"vastaajan nimi",
             r"asiakkaan nimi", r"fullständigt namn"),
    "ip": (r"ip ?address", r"ipaddress", r"ipaddr", r"ip-osoite", r"ip-adress", r"ip",
           r"adresse ip", r"ip-adres", r"ip-adresse"),
    "location": (r"location ?latitude", r"location ?longitude", r"locationlatitude",
                 r"locationlongitude", r"location ?accuracy", r"latitude", r"longitude",
                 r"sijainti"),
    "phone": (r"puhelin(?:numero)?", r"phone(?: number)?", r"telefon(?:nummer)?",
              r"matkapuhelin"),
    "status": (r"status", r"response type"),
    "finished": (r"finished", r"valmis", r"slutförd"),
    "progress": (r"progress", r"eteneminen", r"lastpage", r"last page", r"viimeinen sivu",
                 r"dernière page", r"laatste pagina", r"letzte seite", r"sista sidan"),
    "date": (r"pvm", r"päivämäärä", r"date", r"datum", r"täyttöpäivä", r"vastauspäivä",
             r"päiväys"),
    "project": (r"project", r"projekti", r"hanke", r"hankkeen nimi", r"projekt"),
    "wave": (r"wave", r"mittauskerta", r"kierros", r"aalto", r"vaihe", r"mätning",
             r"mättillfälle"),
    "tool": (
        r"duration(?: \(in seconds\))?", r"user ?language", r"userlanguage",
        r"start ?language", r"startlanguage", r"seed", r"collector ?id", r"collectorid",
        r"distribution ?channel", r"distributionchannel", r"custom data(?: \d+)?",
        r"refurl", r"referrer url", r"total points", r"quiz feedback", r"points - .*",
        r"feedback - .*", r"q_.*", r"_validation_status", r"__version__", r"vastauskieli",
        r"svarsspråk", r"kesto(?: sekunteina)?", r"recipient ?(?:first|last)? ?name",
        r"response ?set", r"langue de départ", r"graine", r"url de provenance",
        r"url référente", r"starttaal", r"verwijzende url", r"start-?sprache",
        r"zufallsstartwert", r"referrer-url", r"startspråk",
    ),
}
# fmt: on
#: Roles that are direct identifiers: recognised so they are never stored.
DIRECT_IDENTIFIERS = ("email", "name", "ip", "location", "phone")
#: Roles kept out of the items and not reported as unused.
TOOL_ROLES = (
    "respondent_id",
    "response_id",
    "submitted",
    "timestamp",
    "status",
    "finished",
    "progress",
    "tool",
    *DIRECT_IDENTIFIERS,
)

#: Template headers (``Asiakastunnus (id)``) whose code names a metadata role.
TEMPLATE_ROLES = {"id": "respondent_id", "project": "project", "wave": "wave", "date": "date"}

# fmt: off
#: First cells of rows that close a table rather than hold a respondent.
FOOTER_WORDS = {
    "keskiarvo", "yhteensä", "yht.", "yht", "summa", "total", "totalt", "mean", "average",
    "medelvärde", "n", "lkm", "keskihajonta", "sd", "mediaani", "median", "summa yhteensä",
    "keskiarvot", "vastaajia", "vastaajat yhteensä", "summa:", "kaikki", "alla", "all",
    "std", "std.", "hajonta", "min", "max", "count",
}
# fmt: on

#: Footer rows are looked for among the last this many non-empty rows of a table.
FOOTER_SCAN = 20
#: A count footer: ``N = 25``, ``n: 25``, ``N 25``, ``lkm 25``, ``Yhteensä: 25`` — a
#: separator between the word and the number, so client codes such as ``N01`` are not
#: footers.
_FOOTER_COUNT = re.compile(r"(?:n|lkm|yht\.?|yhteensä)(?:\s*[=:]\s*|\s+)\d+")

_COMPILED = {
    role: re.compile(r"^(?:" + "|".join(pats) + r")$") for role, pats in METADATA_PATTERNS.items()
}


def metadata_role(header: str) -> str | None:
    """The metadata role a header signals, or None."""
    h = header_key(header)
    if not h:
        return None
    for role, pattern in _COMPILED.items():
        if pattern.match(h):
            return role
    return None


def _column_role(info: ColumnInfo) -> str | None:
    """The metadata role of one column: by its code, sub-label, header or label (also
    without a question number), a lone stem, or a template code."""
    for name in (info.code, info.sub if info.stem else None, info.header, info.label):
        if name:
            role = metadata_role(name) or metadata_role(strip_number(name))
            if role:
                return role
    if info.stem and not info.sub:
        role = metadata_role(info.stem)
        if role:
            return role
    return TEMPLATE_ROLES.get((template_code(info.header) or "").casefold())


def metadata_columns(
    columns: dict[int, ColumnInfo], data: pd.DataFrame | None = None
) -> tuple[dict[str, int], dict[int, str]]:
    """Metadata roles of the columns: role → first column, and column → role.

    A client-code column (``respondent_id``) that is empty for some respondents gives way to
    the tool's response id when that is complete.
    """
    every: dict[int, str] = {}
    for pos, info in columns.items():
        role = _column_role(info)
        if role:
            every[pos] = role
    first: dict[str, int] = {}
    for pos, role in every.items():
        first.setdefault(role, pos)
    if "response_id" in first:
        rid = first.get("respondent_id")
        if rid is None:
            first["respondent_id"] = first["response_id"]
        elif data is not None and len(data) and rid in data.columns:
            if (data[rid] == "").any() and not (data[first["response_id"]] == "").any():
                first["respondent_id"] = first["response_id"]
    return first, every


def split_body(
    cells: pd.DataFrame,
    first_data: int,
    row_offset: int,
    row_filled: np.ndarray | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """Rows below the header: drop empty rows and footers; return data, row numbers, dropped.

    ``row_filled`` (optional, one flag per row of ``cells``) says which rows hold any
    non-empty cell, when the reader already knows.
    """
    body = cells.iloc[first_data:]
    rows = np.arange(first_data, len(cells)) + 1 + row_offset
    dropped: list[tuple[int, str]] = []
    if not len(body):
        return body.reset_index(drop=True), rows, dropped
    if row_filled is not None and len(row_filled) == len(cells):
        keep = np.asarray(row_filled[first_data:], dtype=bool).copy()
    else:
        keep = filled_cells(body).any(axis=1)
    # Footers (Keskiarvo, Yhteensä, N = 25) close a table: look at its last rows only.
    tail = np.flatnonzero(keep)[-FOOTER_SCAN:]
    footer = np.zeros(len(body), dtype=bool)
    first_val = np.full(len(body), "", dtype=object)
    if len(tail):
        block = body.iloc[tail].to_numpy(dtype=object)
        first_val[tail] = block[np.arange(len(tail)), np.argmax(block != "", axis=1)]
        for i in tail:
            h = header_key(first_val[i])
            footer[i] = h in FOOTER_WORDS or bool(_FOOTER_COUNT.fullmatch(h))
    for r, v in zip(rows[footer], first_val[footer], strict=True):
        dropped.append((int(r), f"footer row ({v})"))
    keep &= ~footer
    if keep.all():
        return body.reset_index(drop=True), rows, dropped
    return body[keep].reset_index(drop=True), rows[keep], dropped

"""Layouts: raw cells → tidy responses (one row per respondent, metadata separated).

A layout knows where the header is, how many header rows there are, which columns are
survey-tool metadata (timestamps, response ids, e-mail, names, IP addresses) and which rows are
not respondents (preview rows, footers such as ``Keskiarvo``). The result, :class:`Tidy`, keeps
for every data row the spreadsheet row number the user sees, so validation can point at it.

This module holds the shared machinery and the ``plain`` layout (one header row, possibly
after title rows; one row per response). Survey-tool layouts register themselves in
:data:`LAYOUTS` with a detector returning a confidence and a normaliser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import UserError
from .readers import RawTable
from .validation import column_letter

#: Metadata roles and the header texts (normalised: casefolded, spaces collapsed) that signal
#: them. Direct identifiers (email, name, ip) are never stored.
METADATA_PATTERNS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        r"id", r"respondent id", r"respondentid", r"response ?id", r"responseid",
        r"vastaaja(?:tunnus|numero)?", r"vastaajan? (?:tunnus|numero)",
        r"asiakas(?:numero|tunnus)?",
        r"asiakkaan (?:tunnus|numero)", r"client(?: id| code)?", r"tunnus", r"henkilötunnus",
        r"klient(?:nummer|kod)?", r"respondent", r"_?recordid", r"koodi", r"asiakaskoodi",
        r"external ?reference", r"externalreference", r"token",
    ),
    "timestamp": (
        r"vastausaika", r"timestamp", r"aikaleima", r"start ?time", r"completion time",
        r"completiontime", r"last modified time", r"start ?date", r"end ?date", r"startdate",
        r"enddate", r"recorded ?date", r"recordeddate", r"submitdate", r"datestamp",
        r"tidsstämpel", r"svarstid", r"lähetetty", r"submitted(?: at)?",
    ),
    "email": (r"e-?mail(?: address)?", r"sähköposti(?:osoite)?", r"e-?post(?:adress)?",
              r"recipient ?email", r"recipientemail"),
    "name": (r"name", r"nimi", r"namn", r"first ?name", r"last ?name", r"etunimi", r"sukunimi",
             r"recipient ?(?:first|last) ?name", r"recipient(?:first|last)name", r"förnamn",
             r"efternamn"),
    "ip": (r"ip ?address", r"ipaddress", r"ipaddr", r"ip-osoite", r"ip"),
    "date": (r"pvm", r"päivämäärä", r"date", r"datum", r"täyttöpäivä", r"vastauspäivä"),
    "project": (r"project", r"projekti", r"hanke", r"hankkeen nimi", r"projekt"),
    "wave": (r"wave", r"mittauskerta", r"kierros", r"aalto", r"vaihe", r"mätning",
             r"mättillfälle"),
}
DIRECT_IDENTIFIERS = ("email", "name", "ip")

FOOTER_WORDS = {
    "keskiarvo", "yhteensä", "yht.", "summa", "total", "totalt", "mean", "average", "medelvärde",
    "n", "lkm", "keskihajonta", "sd", "mediaani", "median", "summa yhteensä",
}

_COMPILED = {
    role: re.compile(r"^(?:" + "|".join(pats) + r")$") for role, pats in METADATA_PATTERNS.items()
}


def normalise_header(text: str) -> str:
    """Casefold, strip accents-insensitive spacing and punctuation at the ends."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" :.?*")


def metadata_role(header: str) -> str | None:
    """The metadata role a header signals, or None."""
    h = normalise_header(header)
    for role, pattern in _COMPILED.items():
        if pattern.match(h):
            return role
    return None


@dataclass
class Tidy:
    """Tidy responses of one sheet.

    ``data`` holds text cells with integer column labels (positions in the raw sheet), one
    row per respondent; ``rows`` holds the spreadsheet row number (1-based) of each data row;
    ``headers`` maps column position → header text (multi-row headers joined with
    `` - ``); ``metadata`` maps a role (``respondent_id``, ``timestamp``, ``email``, …) to a
    column position.
    """

    raw: RawTable
    layout: str
    header_rows: int
    data: pd.DataFrame
    rows: np.ndarray
    headers: dict[int, str]
    metadata: dict[str, int] = field(default_factory=dict)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    incomplete: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    value_labels: dict[int, dict[str, str]] = field(default_factory=dict)
    missing_codes: dict[int, set[str]] = field(default_factory=dict)

    def letter(self, col: int) -> str:
        return column_letter(col)

    def column_by_header(self, name: str) -> int | None:
        """Position of the column whose header equals ``name`` (normalised), a column letter
        (``C``) or None."""
        target = normalise_header(name)
        for pos, header in self.headers.items():
            if normalise_header(header) == target:
                return pos
        if re.fullmatch(r"[A-Z]{1,3}", name):
            for pos in self.headers:
                if column_letter(pos) == name:
                    return pos
        return None

    @property
    def n_respondents(self) -> int:
        return len(self.data)


class LayoutError(UserError):
    """The layout cannot be recognised or does not fit the file."""


@dataclass(frozen=True)
class Layout:
    name: str
    detect: Callable[[RawTable], float]
    normalise: Callable[[RawTable], Tidy]


LAYOUTS: dict[str, Layout] = {}


def register(name: str, detect: Callable[[RawTable], float],
             normalise: Callable[[RawTable], Tidy]) -> None:
    LAYOUTS[name] = Layout(name, detect, normalise)


# --------------------------------------------------------------------------- helpers


def looks_numeric(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*").fillna(False).astype(bool)


def find_header_row(cells: pd.DataFrame, max_scan: int = 30) -> int:
    """0-based index of the header row: the first of the top rows that is as wide as the
    table's body and mostly text (title rows above it are narrower)."""
    top = cells.iloc[:max_scan]
    filled = (top != "").sum(axis=1).to_numpy()
    if not len(filled):
        return 0
    width = filled.max()
    for i in range(len(top)):
        if filled[i] >= max(2, 0.6 * width):
            row = top.iloc[i]
            row = row[row != ""]
            if (~looks_numeric(row.astype(str))).mean() >= 0.5:
                return i
    return int(np.argmax(filled >= 0.6 * width))


def split_body(cells: pd.DataFrame, first_data: int, row_offset: int
               ) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """Rows below the header: drop empty rows and footers; return data, row numbers, dropped."""
    body = cells.iloc[first_data:]
    rows = np.arange(first_data, len(cells)) + 1 + row_offset
    nonempty = (body != "").to_numpy()
    keep = nonempty.any(axis=1)
    dropped: list[tuple[int, str]] = []
    if len(body):
        first_val = body.to_numpy()[np.arange(len(body)), np.argmax(nonempty, axis=1)]
        first_norm = pd.Series(first_val).astype(str).str.casefold().str.strip(" :").to_numpy()
        footer = np.isin(first_norm, list(FOOTER_WORDS)) & keep
        for r, v in zip(rows[footer], first_val[footer], strict=True):
            dropped.append((int(r), f"footer row ({v})"))
        keep &= ~footer
    return body[keep].reset_index(drop=True), rows[keep], dropped


def headers_from_row(row: pd.Series) -> dict[int, str]:
    """Header texts; empty headers become ``Unnamed: <letter>``."""
    return {int(c): (str(v) if str(v) != "" else f"Unnamed: {column_letter(int(c))}")
            for c, v in row.items()}


def detect_metadata(headers: dict[int, str]) -> dict[str, int]:
    """First column per metadata role, by header text."""
    found: dict[str, int] = {}
    for pos, header in headers.items():
        role = metadata_role(header)
        if role and role not in found:
            found[role] = pos
    return found


# --------------------------------------------------------------------------- plain


def _plain_detect(raw: RawTable) -> float:
    return 0.1


def _plain_normalise(raw: RawTable) -> Tidy:
    cells = raw.cells
    if raw.file_format == "sav":
        header_idx = 0
        headers = headers_from_row(cells.iloc[0])
    else:
        header_idx = find_header_row(cells)
        headers = headers_from_row(cells.iloc[header_idx])
    data, rows, dropped = split_body(cells, header_idx + 1, raw.row_offset)
    notes = []
    if header_idx:
        notes.append(f"{header_idx} title row(s) above the header skipped")
    return Tidy(raw=raw, layout="spss" if raw.file_format == "sav" else "plain",
                header_rows=1, data=data, rows=rows, headers=headers,
                metadata=detect_metadata(headers), dropped=dropped, notes=notes,
                value_labels=raw.value_labels, missing_codes=raw.missing_codes)


register("plain", _plain_detect, _plain_normalise)


def recognise(raw: RawTable, layout: str | None = None) -> Tidy:
    """Recognise the layout of ``raw`` (or apply the forced ``layout``) and normalise it."""
    if layout is not None:
        if layout == "spss" and raw.file_format == "sav":
            layout = "plain"
        if layout not in LAYOUTS:
            raise LayoutError(f"unknown layout {layout!r}; known layouts: "
                              + ", ".join(sorted(LAYOUTS)))
        return LAYOUTS[layout].normalise(raw)
    if raw.file_format == "sav":
        return LAYOUTS["plain"].normalise(raw)
    scored = sorted(((lay.detect(raw), name) for name, lay in LAYOUTS.items()), reverse=True)
    return LAYOUTS[scored[0][1]].normalise(raw)

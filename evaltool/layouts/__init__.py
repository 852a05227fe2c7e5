"""Layouts: raw cells → tidy responses (one row per respondent, metadata separated).

A layout knows where the header is, how many header rows there are, which columns are
survey-tool metadata (timestamps, response ids, e-mail, names, IP addresses) and which rows are
not respondents (preview rows, footers such as ``Keskiarvo``). The result, :class:`Tidy`, keeps
for every data row the spreadsheet row number the user sees, so validation can point at it.

Layouts (``--layout`` names) and how each is recognised from the cells, never the file name:

==============  ====================================================================  =======
layout          signature                                                             headers
==============  ====================================================================  =======
``qualtrics``   row 1 field names (``StartDate``, ``Status``, ``ResponseId`` …), row   3 (2)
                3 ``{"ImportId": …}`` JSON (legacy exports: 2 rows)
``surveymonkey`` ``Respondent ID`` + ``Collector ID``; question text only above the    2
                first column of a block, sub-labels (``Response``, statements,
                options) in row 2
``limesurvey``  ``id``, ``submitdate``, ``lastpage``, ``startlanguage``, ``seed`` (or   1
                their full headings ``Response ID``, ``Date submitted`` …)
``ms_forms``    ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name`` (also   1
                Finnish and Swedish)
``google_forms`` first column ``Timestamp`` / ``Aikaleima`` / ``Tidsstämpel``          1
``webropol``    ``Vastausaika`` / ``Svarstid`` / ``Response time`` columns, numbered     1–2
                questions, ``stem:statement`` grids (assumed; see the research note)
``zef``         ``Answer ID`` / ``Vastauksen tunnus`` with ``Answered`` / ``Vastattu``  1–2
                (assumed until a real export is seen)
``spss``        an SPSS ``.sav`` file (variable names, labels and value labels)       1
``plain``       anything else: hand-typed sheets with title rows, merged group        1–3
                headers, a row of question labels under a row of codes, footer rows
==============  ====================================================================  =======

Every layout yields per column a :class:`ColumnInfo`: the header as the user sees it, and for
grids / multi-selects the *stem* (question) and *sub* (statement or option) — split from
``stem [item]``, ``stem - item``, ``stem:item`` or from two header rows. :func:`place` then
maps columns to an instrument's items and fields (by mapping file, code, label text in fi / sv
/ en, or position within a grid), and :func:`decode_fields` turns background answers,
multi-selects (split against the known options) and open answers into tidy rows.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.read import RawTable
from evaltool.text import column_letter

# --------------------------------------------------------------------------- metadata

#: Metadata roles and the header texts (normalised: casefolded, spaces collapsed, ends
#: stripped of `` :.?*``) that signal them; the first matching role wins. ``respondent_id``
#: is a client code that links waves; ``response_id`` a tool-generated response number.
METADATA_PATTERNS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        r"asiakas(?:numero|tunnus|koodi)?", r"asiakkaan (?:tunnus|numero|koodi)",
        r"client(?: id| code| number)?", r"klient(?:nummer|kod|id)?",
        r"klientens (?:nummer|kod)", r"koodi", r"henkilötunnus",
        r"vastaaja(?:tunnus|koodi)", r"vastaajan (?:tunnus|koodi)", r"external ?reference",
        r"externalreference", r"externaldatareference", r"token", r"participant(?: id| code)?",
        r"osallistuja(?:tunnus|koodi)", r"deltagar(?:nummer|kod)", r"respondent code",
    ),
    "response_id": (
        r"id", r"respondent ?id", r"response ?id", r"responseid", r"_?recordid", r"record id",
        r"vastaaja(?:numero)?", r"vastaajan numero", r"respondent", r"answer ?id",
        r"vastauksen (?:tunnus|numero|id)", r"vastaus ?id", r"svars?-? ?id", r"nro", r"n:o",
        r"_id", r"_uuid", r"_index", r"svarande", r"tunnus",
    ),
    "submitted": (r"submitdate", r"date submitted", r"lähetyspäivä", r"lähetetty",
                  r"inskickat", r"datum inskickat"),
    "timestamp": (
        r"vastausaika", r"timestamp", r"aikaleima", r"start ?time", r"completion ?time",
        r"last modified time", r"start ?date", r"end ?date", r"recorded ?date",
        r"recordeddate", r"datestamp", r"date started", r"date last action", r"tidsstämpel",
        r"tidstämpel", r"svarstid", r"submitted(?: at)?", r"response time", r"answer time",
        r"answered(?: at)?", r"created(?: at)?", r"vastattu", r"aloitettu", r"aloitusaika",
        r"valmistumisaika", r"päättymisaika", r"viimeksi muokattu(?: aika)?", r"starttid",
        r"sluttid", r"tid för slutförande", r"senast ändrad(?: tid)?", r"_submission_time",
        r"start", r"end", r"completed(?: at)?", r"vastauspäivämäärä",
    ),
    "email": (r"e-?mail(?: address)?", r"sähköposti(?:osoite)?", r"e-?post(?:adress)?",
              r"recipient ?email", r"recipientemail", r"email-osoite", r"contact(?: email)?",
              r"kontakti", r"yhteystieto", r"yhteystiedot"),
    "name": (r"name", r"nimi", r"namn", r"first ?name", r"last ?name", r"etunimi", r"sukunimi",
             r"full ?name", r"koko nimi", r"recipient ?(?:first|last) ?name",
             r"recipient(?:first|last)name", r"förnamn", r"efternamn", r"vastaajan nimi",
             r"asiakkaan nimi", r"fullständigt namn"),
    "ip": (r"ip ?address", r"ipaddress", r"ipaddr", r"ip-osoite", r"ip-adress", r"ip"),
    "location": (r"location ?latitude", r"location ?longitude", r"locationlatitude",
                 r"locationlongitude", r"latitude", r"longitude", r"sijainti"),
    "phone": (r"puhelin(?:numero)?", r"phone(?: number)?", r"telefon(?:nummer)?",
              r"matkapuhelin"),
    "status": (r"status", r"response type"),
    "finished": (r"finished", r"valmis", r"slutförd"),
    "progress": (r"progress", r"eteneminen", r"lastpage", r"last page", r"viimeinen sivu"),
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
    ),
}
#: Roles that are direct identifiers: recognised so they are never stored.
DIRECT_IDENTIFIERS = ("email", "name", "ip", "location", "phone")
#: Roles kept out of the items and not reported as unused.
TOOL_ROLES = ("respondent_id", "response_id", "submitted", "timestamp", "status", "finished",
              "progress", "tool", *DIRECT_IDENTIFIERS)

FOOTER_WORDS = {
    "keskiarvo", "yhteensä", "yht.", "yht", "summa", "total", "totalt", "mean", "average",
    "medelvärde", "n", "lkm", "keskihajonta", "sd", "mediaani", "median", "summa yhteensä",
    "keskiarvot", "vastaajia", "vastaajat yhteensä", "summa:", "kaikki", "alla", "all",
    "std", "std.", "hajonta", "min", "max", "count",
}

#: Footer rows are looked for among the last this many non-empty rows of a table.
FOOTER_SCAN = 20
#: A count footer: ``N = 25``, ``n: 25``, ``N 25``, ``lkm 25``, ``Yhteensä: 25`` — a
#: separator between the word and the number, so client codes such as ``N01`` are not
#: footers.
_FOOTER_COUNT = re.compile(r"(?:n|lkm|yht\.?|yhteensä)(?:\s*[=:]\s*|\s+)\d+")

_COMPILED = {
    role: re.compile(r"^(?:" + "|".join(pats) + r")$") for role, pats in METADATA_PATTERNS.items()
}


def normalise_header(text: str) -> str:
    """Casefold, collapse spaces and strip `` :.?*`` at the ends (for header matching)."""
    return _normalise_header(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" :.?*")


def metadata_role(header: str) -> str | None:
    """The metadata role a header signals, or None."""
    h = normalise_header(header)
    if not h:
        return None
    for role, pattern in _COMPILED.items():
        if pattern.match(h):
            return role
    return None


# --------------------------------------------------------------------------- data classes


@dataclass
class ColumnInfo:
    """What a column's header says.

    ``header`` is the text shown to the user (multi-row headers joined with `` - ``); ``stem``
    and ``sub`` are the question and the statement / option of a grid or multi-select column;
    ``code`` is a tool field name (Qualtrics ``Q2_1``, SPSS variable, LimeSurvey
    ``Q1[SQ001]``); ``label`` the question text when the header is a code; ``kind`` is
    ``"open"`` (an open-ended box), ``"other"`` (an "other, please specify" text) or ``""``.
    """

    pos: int
    header: str
    stem: str | None = None
    sub: str | None = None
    code: str | None = None
    label: str | None = None
    import_id: str | None = None
    kind: str = ""

    def names(self) -> list[str]:
        """Every text by which a mapping file or an option may refer to the column."""
        out = [self.header]
        for extra in (self.code, self.label, self.import_id, self.sub):
            if extra and extra not in out:
                out.append(extra)
        if self.stem and self.sub:
            for joined in (f"{self.stem} [{self.sub}]", f"{self.stem} - {self.sub}",
                           f"{self.stem}:{self.sub}"):
                if joined not in out:
                    out.append(joined)
        return out


@dataclass
class Tidy:
    """Tidy responses of one sheet.

    ``data`` holds text cells with integer column labels (positions in the raw sheet), one
    row per respondent; ``rows`` holds the spreadsheet row number (1-based) of each data row;
    ``headers`` maps column position → header text (multi-row headers joined with
    `` - ``); ``columns`` the full :class:`ColumnInfo` per position; ``metadata`` maps a role
    (``respondent_id``, ``timestamp``, ``email``, …) to its first column and ``meta_columns``
    every metadata column to its role; ``dropped`` lists (row, reason) of rows that are not
    respondents; ``incomplete`` flags responses the tool marks as unfinished.
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
    columns: dict[int, ColumnInfo] = field(default_factory=dict)
    meta_columns: dict[int, str] = field(default_factory=dict)
    header_row: int = 1
    timezone: str | None = None
    layout_scores: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = {p: ColumnInfo(p, h) for p, h in self.headers.items()}

    def letter(self, col: int) -> str:
        return column_letter(col)

    def column_by_header(self, name: str) -> int | None:
        """Position of the column called ``name``: its header, tool code, question label,
        sub-label or template code ``(name)`` (case and spacing ignored), or a column letter
        (``C``); None when there is none."""
        target = normalise_header(name)
        for pos, header in self.headers.items():
            if normalise_header(header) == target:
                return pos
        for pos, info in self.columns.items():
            if any(normalise_header(n) == target for n in info.names()):
                return pos
            code = template_code(info.header)
            if code is not None and code.casefold() == target:
                return pos
        if re.fullmatch(r"[A-Z]{1,3}", name.strip()):
            for pos in self.headers:
                if column_letter(pos) == name.strip():
                    return pos
        return None

    @property
    def n_respondents(self) -> int:
        return len(self.data)


class LayoutError(UserError):
    """The layout cannot be recognised or does not fit the file; ``code`` is an issue code."""

    def __init__(self, message: str, code: str = "layout-ambiguous"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Layout:
    name: str
    detect: Callable[[RawTable], float]
    normalise: Callable[[RawTable], Tidy]


LAYOUTS: dict[str, Layout] = {}


def register(name: str, detect: Callable[[RawTable], float],
             normalise: Callable[[RawTable], Tidy]) -> None:
    """Register a layout: ``detect`` returns a confidence 0–1, ``normalise`` a :class:`Tidy`."""
    LAYOUTS[name] = Layout(name, detect, normalise)


# --------------------------------------------------------------------------- helpers


def looks_numeric(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*").fillna(False).astype(bool)


def _filled(cells: pd.DataFrame) -> np.ndarray:
    return cells.to_numpy(dtype=object) != ""


def find_header_row(cells: pd.DataFrame, max_scan: int = 30) -> int:
    """0-based index of the header row: the first of the top rows that is as wide as the
    table's body and mostly text (title rows above it are narrower)."""
    top = cells.iloc[:max_scan]
    filled = _filled(top).sum(axis=1)
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


def split_body(cells: pd.DataFrame, first_data: int, row_offset: int,
               row_filled: np.ndarray | None = None
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
        keep = _filled(body).any(axis=1)
    # Footers (Keskiarvo, Yhteensä, N = 25) close a table: look at its last rows only.
    tail = np.flatnonzero(keep)[-FOOTER_SCAN:]
    footer = np.zeros(len(body), dtype=bool)
    first_val = np.full(len(body), "", dtype=object)
    if len(tail):
        block = body.iloc[tail].to_numpy(dtype=object)
        first_val[tail] = block[np.arange(len(tail)), np.argmax(block != "", axis=1)]
        for i in tail:
            h = normalise_header(first_val[i])
            footer[i] = h in FOOTER_WORDS or bool(_FOOTER_COUNT.fullmatch(h))
    for r, v in zip(rows[footer], first_val[footer], strict=True):
        dropped.append((int(r), f"footer row ({v})"))
    keep &= ~footer
    if keep.all():
        return body.reset_index(drop=True), rows, dropped
    return body[keep].reset_index(drop=True), rows[keep], dropped


def headers_from_row(row: pd.Series) -> dict[int, str]:
    """Header texts; empty headers become ``Unnamed: <letter>``."""
    return {int(c): (str(v).strip() if str(v).strip() != ""
                     else f"Unnamed: {column_letter(int(c))}")
            for c, v in row.items()}


def detect_metadata(headers: dict[int, str]) -> dict[str, int]:
    """First column per metadata role, by header text (``respondent_id`` falls back to a
    tool's response id)."""
    found: dict[str, int] = {}
    for pos, header in headers.items():
        role = metadata_role(header)
        if role and role not in found:
            found[role] = pos
    if "respondent_id" not in found and "response_id" in found:
        found["respondent_id"] = found["response_id"]
    return found


def _meta_from_columns(columns: dict[int, ColumnInfo], data: pd.DataFrame | None = None
                       ) -> tuple[dict[str, int], dict[int, str]]:
    """Metadata roles of the columns: role → first column, and column → role.

    A client-code column (``respondent_id``) that is empty for some respondents gives way to
    the tool's response id when that is complete.
    """
    every: dict[int, str] = {}
    for pos, info in columns.items():
        role = None
        for name in (info.code, info.sub if info.stem else None, info.header, info.label):
            if name:
                role = metadata_role(name) or metadata_role(strip_number(name))
                if role:
                    break
        if role is None and info.stem and not info.sub:
            role = metadata_role(info.stem)
        if role is None:
            role = _TEMPLATE_ROLES.get((template_code(info.header) or "").casefold())
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


#: Template headers (``Asiakastunnus (id)``) whose code names a metadata role.
_TEMPLATE_ROLES = {"id": "respondent_id", "project": "project", "wave": "wave", "date": "date"}

_NUMBER_PREFIX = re.compile(
    r"^\s*(?:(?:[A-Za-zÅÄÖåäö]{1,3}\s?)?\d{1,3}[a-z]?\s*[.):]\s*|\d{1,3}\s+(?=\D))")
_HTML = re.compile(r"<[^>]+>")


def strip_number(text: str) -> str:
    """Header text without a question number prefix (``1. ``, ``Q5. ``, ``K3) ``)."""
    return _NUMBER_PREFIX.sub("", str(text), count=1).strip()


def template_code(header: str) -> str | None:
    """The code in parentheses that ends a template header (``Sukupuoli (gender)``)."""
    m = re.search(r"\(([A-Za-z_][A-Za-z0-9_.:=-]*)\)\s*$", str(header))
    return m.group(1) if m else None


def _candidate_splits(text: str) -> list[tuple[str, str, str]]:
    """Possible (stem, sub, joiner) splits of a one-row grid header."""
    out: list[tuple[str, str, str]] = []
    m = re.match(r"^(?P<stem>.*?\S)\s*\[(?P<sub>[^\[\]]+)\]\s*$", text, re.S)
    if m:
        out.append((m["stem"].strip(), m["sub"].strip(), "[]"))
    for joiner in (" - ", " – ", " — "):
        start = 0
        while (i := text.find(joiner, start)) >= 0:
            stem, sub = text[:i].strip(), text[i + len(joiner):].strip()
            if stem and sub:
                out.append((stem, sub, "-"))
            start = i + 1
    for m2 in re.finditer(r":", text):
        i = m2.start()
        if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        stem, sub = text[:i].strip(), text[i + 1:].strip()
        if stem and sub:
            out.append((stem, sub, ":"))
    return out


def split_grid_headers(columns: dict[int, ColumnInfo], texts: dict[int, str] | None = None
                       ) -> None:
    """Fill ``stem`` / ``sub`` of one-row headers: ``stem [item]`` always; ``stem - item``
    and ``stem:item`` when at least two columns share the stem (the longest shared stem
    wins, so ``Q - Selected Choice - A`` splits after ``Selected Choice``)."""
    texts = texts or {p: c.header for p, c in columns.items() if not c.stem}
    cands = {p: _candidate_splits(t) for p, t in texts.items()}
    counts: dict[str, int] = {}
    for splits in cands.values():
        for stem in {normalise_header(s) for s, _, _ in splits}:
            counts[stem] = counts.get(stem, 0) + 1
    for pos, splits in cands.items():
        best = None
        for stem, sub, joiner in splits:
            c = counts.get(normalise_header(stem), 0)
            if c < 2 and joiner != "[]":
                continue
            key = (c, joiner == "[]", len(stem))
            if best is None or key > best[0]:
                best = (key, stem, sub)
        if best is None:
            continue
        _, stem, sub = best
        info = columns[pos]
        stem = re.sub(r"\s*-\s*Selected Choice$", "", stem)
        if normalise_header(sub) in ("selected choice", "valittu vaihtoehto"):
            continue
        if re.search(r"(?:^|- )(?:other|muu|annat)\b.*- ?text$", sub, re.I) or (
                normalise_header(sub) in ("other", "comment", "muu", "kommentti")
                and info.code and "[" in (info.code or info.header)):
            info.kind = "other"
        info.stem, info.sub = stem, sub


_SM_SINGLE = {"response", "vastaus", "svar", "open-ended response", "avoin vastaus",
              "öppet svar", "answer"}


def _two_row_columns(cells: pd.DataFrame, stem_row: int, sub_row: int,
                     merged: list[tuple[tuple[int, int], tuple[int, int]]]
                     ) -> dict[int, ColumnInfo]:
    """Columns of a two-row header: the upper row's text is carried right over the
    columns of its block (blank cells above sub-labels, or a merged range)."""
    r1 = cells.iloc[stem_row].astype(str).tolist()
    r2 = cells.iloc[sub_row].astype(str).tolist()
    span: dict[int, str] = {}
    for (ra, ca), (rb, cb) in merged:
        if ra <= stem_row <= rb and r1[ca].strip():
            for c in range(ca, cb + 1):
                span[c] = r1[ca].strip()
    columns: dict[int, ColumnInfo] = {}
    current: str | None = None
    # Merged cells say exactly where a group ends; without them a question's text is carried
    # right while the upper row stays blank (SurveyMonkey, CSV copies of grouped sheets).
    carry = not span
    for j in range(len(r1)):
        top, bottom = r1[j].strip(), r2[j].strip()
        if top:
            current = top
        elif j in span:
            top = span[j]
        elif bottom and current is not None and carry:
            top = current
        else:
            current = None if not bottom else current
        if top and bottom:
            if normalise_header(bottom) in _SM_SINGLE:
                kind = "open" if "open" in bottom.casefold() or "avoin" in bottom.casefold() \
                    else ""
                columns[j] = ColumnInfo(j, top, kind=kind)
            else:
                kind = "other" if re.match(r"(?:other|muu|annat)\b", bottom, re.I) else ""
                columns[j] = ColumnInfo(j, f"{top} - {bottom}", stem=top, sub=bottom, kind=kind)
        elif top:
            columns[j] = ColumnInfo(j, top)
        elif bottom:
            columns[j] = ColumnInfo(j, bottom)
        else:
            columns[j] = ColumnInfo(j, f"Unnamed: {column_letter(j)}")
    return columns


def _is_subheader_row(cells: pd.DataFrame, h: int) -> bool:
    """Is row ``h + 1`` a second header row (sub-labels under a sparse question row)?"""
    if h + 1 >= len(cells):
        return False
    r1 = cells.iloc[h].to_numpy(dtype=object)
    r2 = cells.iloc[h + 1].to_numpy(dtype=object)
    e1, e2 = r1 != "", r2 != ""
    if e2.sum() < 2 or not (e2 & ~e1).any():
        return False
    vals = pd.Series(r2[e2]).astype(str)
    if looks_numeric(vals).mean() > 0.2:
        return False
    below = cells.iloc[h + 2: h + 202]
    if len(below):
        recur = 0
        for j in np.flatnonzero(e2):
            if (below[j] == r2[j]).any():
                recur += 1
        if recur > 0.3 * e2.sum():
            return False
    return True


def _is_label_row(cells: pd.DataFrame, h: int, sample: int = 200) -> bool:
    """Is row ``h + 1`` a row of question labels under a full header row ``h`` (codes such
    as ``q1`` over their wording), rather than the first respondent?

    Only when the answers below can tell: in most of the row's filled columns the row holds
    text that is not a number, differs from the header, and is none of the values in the
    rows below, which look like answers (all numbers, or few distinct values); and the row's
    texts differ from one another (a respondent's label answers repeat across a grid).
    """
    if h + 2 >= len(cells):
        return False
    r1 = cells.iloc[h].to_numpy(dtype=object)
    r2 = cells.iloc[h + 1].to_numpy(dtype=object)
    e2 = r2 != ""
    n2 = int(e2.sum())
    if n2 < 3 or n2 < 0.6 * int((r1 != "").sum()):
        return False
    texts = pd.Series(r2[e2]).astype(str)
    if looks_numeric(texts).mean() > 0.2:
        return False
    norm = [normalise_header(t) for t in texts]
    if len(set(norm)) < 0.8 * len(norm):
        return False
    below = cells.iloc[h + 2: h + 2 + sample]
    labelled = answer_cols = 0
    for j in np.flatnonzero(e2):
        col = below[j].to_numpy(dtype=object)
        vals = col[col != ""]
        if len(vals) < 5:
            continue
        distinct = set(vals.tolist())
        numeric = bool(looks_numeric(pd.Series(list(distinct), dtype=object)).all())
        if not (numeric or len(distinct) <= max(5, 0.5 * len(vals))):
            continue
        answer_cols += 1
        if r2[j] not in distinct and normalise_header(r2[j]) != normalise_header(r1[j]):
            labelled += 1
    return answer_cols >= 3 and labelled >= 0.8 * answer_cols


def _is_group_row(cells: pd.DataFrame, g: int, h: int,
                  merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    """Is row ``g`` (directly above the header row ``h``) a row of group headers?"""
    rg = cells.iloc[g].to_numpy(dtype=object) != ""
    rh = cells.iloc[h].to_numpy(dtype=object) != ""
    if not rg.any():
        return False
    if any(ra <= g <= rb and cb > ca for (ra, ca), (rb, cb) in merged):
        return True
    if rg.sum() < 2 or rg.sum() >= rh.sum():
        return False
    # Group texts stand above column headers, or are the only header of their column (a
    # question row over sub-labels, with single-row columns such as the response time).
    lone = rg & ~rh
    return bool((rh[rg]).any() and (rg | rh).sum() >= 0.8 * len(rg) and lone.sum() < rg.sum())


def _strip_html(text: str) -> str:
    return re.sub(r"\s+", " ", _HTML.sub(" ", text)).strip()


# --------------------------------------------------------------------------- normalisers


def _finish(raw: RawTable, layout: str, header_rows: int, first_data: int,
            columns: dict[int, ColumnInfo], notes: list[str] | None = None,
            header_row: int = 1) -> Tidy:
    data, rows, dropped = split_body(raw.cells, first_data, raw.row_offset, raw.row_filled)
    for pos in range(raw.cells.shape[1]):
        columns.setdefault(pos, ColumnInfo(pos, f"Unnamed: {column_letter(pos)}"))
    columns = dict(sorted(columns.items()))
    headers = {p: c.header for p, c in columns.items()}
    metadata, every = _meta_from_columns(columns, data)
    return Tidy(raw=raw, layout=layout, header_rows=header_rows, data=data, rows=rows,
                headers=headers, metadata=metadata, dropped=dropped, notes=notes or [],
                value_labels=raw.value_labels, missing_codes=raw.missing_codes,
                columns=columns, meta_columns=every, header_row=header_row + raw.row_offset)


def _generic_normalise(raw: RawTable, layout: str) -> Tidy:
    """One header row (after any title rows), or two (a question row over sub-labels, or
    group headers over column headers), and possibly a row of question labels under them
    (codes ``q1`` over their wording); footers and empty rows dropped."""
    cells = raw.cells
    if cells.empty:
        raise LayoutError(f"{raw.name}: the sheet holds no cells", "file-empty")
    h = find_header_row(cells)
    notes: list[str] = []
    if _is_subheader_row(cells, h):
        stem_row, sub_row = h, h + 1
    elif h > 0 and _is_group_row(cells, h - 1, h, raw.merged):
        stem_row, sub_row = h - 1, h
    else:
        stem_row, sub_row = None, h
    if stem_row is not None:
        columns = _two_row_columns(cells, stem_row, sub_row, raw.merged)
        header_rows = 2
    else:
        columns = {p: ColumnInfo(p, t) for p, t in headers_from_row(cells.iloc[h]).items()}
        header_rows = 1
    first_data = sub_row + 1
    if _is_label_row(cells, sub_row):
        # Codes over labels (``q1`` / ``Elämänlaatu``): the codes stay the headers, the
        # labels help placement; data start below the label row.
        labels = cells.iloc[sub_row + 1].astype(str).tolist()
        for j, label in enumerate(labels):
            label = label.strip()
            if not label:
                continue
            info = columns.get(j)
            if info is None or info.header.startswith("Unnamed: "):
                columns[j] = ColumnInfo(j, label)
            elif info.label is None:
                info.label = label
        notes.append(f"row {sub_row + 2 + raw.row_offset} holds question labels under the "
                     f"header; data start below it")
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
    return _finish(raw, layout, header_rows, first_data, columns, notes, header_row=top + 1)


def _header_texts(raw: RawTable, rows: int = 3) -> list[set[str]]:
    """Normalised non-empty header texts of the first rows."""
    out = []
    for i in range(min(rows, len(raw.cells))):
        out.append({normalise_header(v) for v in raw.cells.iloc[i].tolist() if str(v).strip()})
    return out


def _first_row_norm(raw: RawTable) -> list[str]:
    if raw.cells.empty:
        return []
    h = find_header_row(raw.cells)
    return [normalise_header(v) for v in raw.cells.iloc[h].tolist()]


# ---- plain


def _plain_detect(raw: RawTable) -> float:
    return 0.1 if raw.file_format != "sav" else 0.0


def _plain_normalise(raw: RawTable) -> Tidy:
    if raw.file_format == "sav":
        return _spss_normalise(raw)
    return _generic_normalise(raw, "plain")


# ---- Google Forms

_GOOGLE_FIRST = {"timestamp", "aikaleima", "tidsstämpel", "tidstämpel", "marca temporal",
                 "horodateur", "zeitstempel", "sähköpostiosoite ja aikaleima"}


def _google_detect(raw: RawTable) -> float:
    first = _first_row_norm(raw)
    if not first or first[0] not in _GOOGLE_FIRST:
        return 0.0
    score = 0.8
    if len(first) > 1 and first[1] in ("email address", "sähköpostiosoite", "e-postadress",
                                       "username", "käyttäjänimi"):
        score += 0.1
    if any(re.search(r"\S \[[^\]]+\]$", h) for h in first):
        score += 0.05
    return min(score, 0.95)


def _google_normalise(raw: RawTable) -> Tidy:
    return _generic_normalise(raw, "google_forms")


# ---- Microsoft Forms

_MS_SETS = [
    ("id", "start time", "completion time", "email", "name", "last modified time"),
    ("tunnus", "aloitusaika", "valmistumisaika", "sähköposti", "nimi",
     "viimeksi muokattu aika"),
    ("id", "starttid", "tid för slutförande", "e-post", "namn", "senaste ändringstid"),
]


def _ms_detect(raw: RawTable) -> float:
    first = _first_row_norm(raw)[:7]
    best = 0
    for names in _MS_SETS:
        hits = sum(1 for n in names if n in first)
        best = max(best, hits)
    if best >= 4:
        return 0.95
    if best == 3 and first and first[0] in ("id", "tunnus"):
        return 0.85
    return 0.0


def _ms_normalise(raw: RawTable) -> Tidy:
    return _generic_normalise(raw, "ms_forms")


# ---- LimeSurvey

_LIME_CODES = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
               "datestamp", "ipaddr", "refurl", "token"}
_LIME_FULL = {"response id", "date submitted", "last page", "start language", "seed",
              "date started", "date last action", "ip address", "referrer url",
              "vastauksen id", "lähetyspäivä", "viimeinen sivu", "aloituskieli", "siemenluku"}


def _lime_detect(raw: RawTable) -> float:
    first = set(_first_row_norm(raw))
    hits = max(len(first & _LIME_CODES), len(first & _LIME_FULL))
    if hits >= 3 and ("submitdate" in first or "date submitted" in first
                      or "lastpage" in first or "last page" in first
                      or "lähetyspäivä" in first):
        return 0.95
    if hits >= 3:
        return 0.7
    return 0.0


def _lime_normalise(raw: RawTable) -> Tidy:
    tidy = _generic_normalise(raw, "limesurvey")
    for info in tidy.columns.values():
        if re.fullmatch(r"\w+\[\w+\]", info.header):
            info.code = info.header
    sub = tidy.metadata.get("submitted")
    if sub is not None and len(tidy.data):
        tidy.incomplete = (tidy.data[sub].astype(str).str.strip() == "").to_numpy()
    # The export option "csvMaskEquations" prefixes formula-looking answers with a quote.
    for pos in tidy.data.columns:
        col = tidy.data[pos]
        masked = col.str.match(r"^'[=+\-@]").fillna(False).astype(bool)
        if masked.any():
            tidy.data[pos] = col.where(~masked, col.str[1:])
    return tidy


# ---- SurveyMonkey


def _sm_detect(raw: RawTable) -> float:
    rows = _header_texts(raw, 2)
    if not rows:
        return 0.0
    first = rows[0]
    hits = len(first & {"respondent id", "collector id", "start date", "end date",
                        "ip address", "email address", "first name", "last name",
                        "custom data 1"})
    second = rows[1] if len(rows) > 1 else set()
    subs = len(second & {"response", "open-ended response", "other (please specify)"})
    if "respondent id" in first and "collector id" in first:
        return 0.97 if subs or len(rows) > 1 else 0.9
    if hits >= 3 and subs:
        return 0.9
    return 0.0


def _sm_normalise(raw: RawTable) -> Tidy:
    cells = raw.cells
    if len(cells) < 2:
        raise LayoutError(f"{raw.name}: a SurveyMonkey export has two header rows; this file "
                          "has fewer rows (use --layout plain)", "layout-ambiguous")
    columns = _two_row_columns(cells, 0, 1, [])
    return _finish(raw, "surveymonkey", 2, 2, columns, header_row=1)


# ---- Qualtrics

_QUALTRICS_FIELDS = {"startdate", "enddate", "status", "ipaddress", "progress",
                     "duration (in seconds)", "finished", "recordeddate", "responseid",
                     "recipientlastname", "recipientfirstname", "recipientemail",
                     "externalreference", "locationlatitude", "locationlongitude",
                     "distributionchannel", "userlanguage", "responsetype"}
_IMPORT_ID = re.compile(r"""^\{\s*['"]ImportId['"]\s*:""")

#: Qualtrics response status codes and labels that are not real responses.
QUALTRICS_DROP = {
    "1": "survey preview", "2": "survey test", "8": "spam", "9": "preview spam",
    "17": "offline survey preview", "survey preview": "survey preview",
    "survey test": "survey test", "spam": "spam", "preview spam": "preview spam",
    "offline survey preview": "offline survey preview",
}


def _import_id_row(cells: pd.DataFrame) -> int | None:
    for i in (2, 1):
        if i < len(cells):
            row = [str(v) for v in cells.iloc[i].tolist() if str(v).strip()]
            if row and sum(bool(_IMPORT_ID.match(v)) for v in row) >= 0.5 * len(row):
                return i
    return None


def _qualtrics_detect(raw: RawTable) -> float:
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    first = {normalise_header(v) for v in raw.cells.iloc[0].tolist()}
    hits = len(first & _QUALTRICS_FIELDS)
    if _import_id_row(raw.cells) is not None:
        return 0.99
    if hits >= 4:
        return 0.9
    return 0.0


def _qualtrics_normalise(raw: RawTable) -> Tidy:
    cells = raw.cells
    idrow = _import_id_row(cells)
    if idrow is not None:
        header_rows = idrow + 1
    elif len(cells) > 1 and {"start date", "response id", "response type", "end date"} & {
            normalise_header(v) for v in cells.iloc[1].tolist()}:
        header_rows = 2
    else:
        header_rows = 1
    codes = cells.iloc[0].astype(str).tolist()
    labels = (cells.iloc[1].astype(str).tolist() if header_rows >= 2 and idrow != 1
              else [""] * len(codes))
    ids = cells.iloc[idrow].astype(str).tolist() if idrow is not None else [""] * len(codes)
    columns: dict[int, ColumnInfo] = {}
    timezone = None
    for j, code in enumerate(codes):
        code = code.strip()
        label = re.sub(r"\s*-\s*Selected Choice$", "", _strip_html(labels[j]))
        import_id = None
        if ids[j].strip():
            try:
                obj = json.loads(ids[j].replace("'", '"'))
                import_id = str(obj.get("ImportId", "")) or None
                timezone = timezone or obj.get("timeZone")
            except (json.JSONDecodeError, AttributeError):
                import_id = None
        header = label or code or f"Unnamed: {column_letter(j)}"
        columns[j] = ColumnInfo(j, header, code=code or None, label=label or None,
                                import_id=import_id)
        if re.search(r"_TEXT$", code or "") or re.search(r"- (?:Other - )?Text$", label):
            columns[j].kind = "other" if "other" in (label + code).casefold() else "open"
    split_grid_headers(columns, {p: c.label for p, c in columns.items() if c.label})
    tidy = _finish(raw, "qualtrics", header_rows, header_rows, columns, header_row=1)
    tidy.timezone = timezone
    _apply_status_filters(tidy)
    return tidy


def _apply_status_filters(tidy: Tidy) -> None:
    """Drop Qualtrics previews, tests and spam (``Status``); flag unfinished responses
    (``Finished`` 0 / FALSE)."""
    status = next((p for p, r in tidy.meta_columns.items() if r == "status"
                   and normalise_header(tidy.columns[p].code or tidy.headers[p])
                   in ("status", "response type")), None)
    keep = np.ones(len(tidy.data), dtype=bool)
    if status is not None and len(tidy.data):
        s = tidy.data[status].astype(str).str.strip().str.casefold()
        reason = s.map(QUALTRICS_DROP)
        drop = reason.notna().to_numpy()
        for idx in np.flatnonzero(drop):
            tidy.dropped.append((int(tidy.rows[idx]),
                                 f"Qualtrics status {tidy.data[status].iloc[idx]} "
                                 f"({reason.iloc[idx]})"))
        keep &= ~drop
    if not keep.all():
        tidy.data = tidy.data[keep].reset_index(drop=True)
        tidy.rows = tidy.rows[keep]
        tidy.dropped.sort()
    finished = next((p for p, r in tidy.meta_columns.items() if r == "finished"), None)
    if finished is not None and len(tidy.data):
        f = tidy.data[finished].astype(str).str.strip().str.casefold()
        tidy.incomplete = f.isin(["0", "false", "epätosi", "falskt", "no", "ei"]).to_numpy()


# ---- SPSS


def _spss_detect(raw: RawTable) -> float:
    return 1.0 if raw.file_format == "sav" else 0.0


def _spss_normalise(raw: RawTable) -> Tidy:
    if raw.file_format != "sav":
        raise LayoutError(f"{raw.name}: --layout spss needs an SPSS .sav file; this is a "
                          f"{raw.file_format} file", "layout-ambiguous")
    names = raw.cells.iloc[0].astype(str).tolist()
    columns = {}
    for j, name in enumerate(names):
        label = raw.column_labels.get(j) or None
        columns[j] = ColumnInfo(j, name, code=name, label=label)
    split_grid_headers(columns, {p: c.label for p, c in columns.items() if c.label})
    tidy = _finish(raw, "spss", 1, 1, columns, header_row=1)
    if {"startdate", "responseid"} <= {normalise_header(n) for n in names}:
        _apply_status_filters(tidy)
    sub = tidy.metadata.get("submitted")
    if sub is not None and len(tidy.data):
        tidy.incomplete = (tidy.data[sub].astype(str).str.strip() == "").to_numpy()
    return tidy


# ---- Webropol and ZEF (assumed signatures; see research/export-formats.md)

_WEBROPOL_META = {"vastausaika", "svarstid", "response time", "vastaaja", "vastaajan numero",
                  "respondent", "vastauspäivämäärä", "svarsdatum", "answer time",
                  "vastauksen päivämäärä"}
_ZEF_META = {"answer id", "vastauksen tunnus", "vastauksen id", "answered", "vastattu",
             "answered at", "contact", "kontakti", "created", "luotu", "svar-id", "besvarad"}


def _webropol_detect(raw: RawTable) -> float:
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    rows = _header_texts(raw, 6)
    texts = set().union(*rows) if rows else set()
    meta = texts & _WEBROPOL_META
    if not meta:
        return 0.0
    score = 0.6 if ({"vastausaika", "svarstid", "response time", "answer time"} & meta) else 0.3
    heads = [t for r in rows for t in r]
    if sum(bool(re.match(r"^\d{1,3}\.\s", t)) for t in heads) >= 2:
        score += 0.15
    if sum(":" in t for t in heads) >= 2:
        score += 0.1
    return min(score, 0.85)


def _zef_detect(raw: RawTable) -> float:
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    rows = _header_texts(raw, 6)
    texts = set().union(*rows) if rows else set()
    ids = texts & {"answer id", "vastauksen tunnus", "vastauksen id", "svar-id"}
    times = texts & {"answered", "vastattu", "answered at", "created", "luotu", "besvarad"}
    if ids and times:
        return 0.85
    if ids and texts & {"contact", "kontakti"}:
        return 0.75
    return 0.0


def _webropol_normalise(raw: RawTable) -> Tidy:
    return _generic_normalise(raw, "webropol")


def _zef_normalise(raw: RawTable) -> Tidy:
    return _generic_normalise(raw, "zef")


register("qualtrics", _qualtrics_detect, _qualtrics_normalise)
register("surveymonkey", _sm_detect, _sm_normalise)
register("limesurvey", _lime_detect, _lime_normalise)
register("ms_forms", _ms_detect, _ms_normalise)
register("google_forms", _google_detect, _google_normalise)
register("webropol", _webropol_detect, _webropol_normalise)
register("zef", _zef_detect, _zef_normalise)
register("spss", _spss_detect, _spss_normalise)
register("plain", _plain_detect, _plain_normalise)

#: Two layouts within this confidence of each other (both above AMBIGUOUS_FLOOR) are
#: ambiguous: the user chooses with ``--layout``.
AMBIGUOUS_MARGIN = 0.2
AMBIGUOUS_FLOOR = 0.7


def detect_layouts(raw: RawTable) -> dict[str, float]:
    """Confidence 0–1 of every registered layout for ``raw``, best first."""
    scores = {name: float(lay.detect(raw)) for name, lay in LAYOUTS.items()}
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))


def recognise(raw: RawTable, layout: str | None = None) -> Tidy:
    """Recognise the layout of ``raw`` (or apply the forced ``layout``) and normalise it.

    Raises :class:`LayoutError` (code ``layout-ambiguous``) when two layouts fit equally
    well, naming the ``--layout`` values that resolve it.
    """
    scores = detect_layouts(raw)
    if layout is not None:
        name = layout.strip().lower().replace("-", "_")
        if name in ("google", "forms"):
            name = "google_forms"
        if name not in LAYOUTS:
            raise LayoutError(f"{raw.name}: unknown layout {layout!r}; known layouts: "
                              + ", ".join(LAYOUTS), "layout-ambiguous")
        tidy = LAYOUTS[name].normalise(raw)
        tidy.notes.append(f"layout {name} forced")
    else:
        ranked = list(scores.items())
        best, best_score = ranked[0]
        second, second_score = ranked[1]
        if second_score >= AMBIGUOUS_FLOOR and best_score - second_score < AMBIGUOUS_MARGIN:
            raise LayoutError(
                f"{raw.name}{f' (sheet {raw.sheet!r})' if raw.sheet else ''}: the layout is "
                f"ambiguous: it looks like both {best} ({best_score:.2f}) and {second} "
                f"({second_score:.2f}); choose one with --layout {best} or --layout {second}",
                "layout-ambiguous")
        tidy = LAYOUTS[best].normalise(raw)
    tidy.layout_scores = scores
    return tidy


# --------------------------------------------------------------------------- placement


def _norm(text: str) -> str:
    """Matching form of a label: NFC, casefolded, dashes unified, spacing collapsed."""
    return _norm_cached(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _norm_cached(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()
    text = re.sub(r"[‐-―−]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text) if re.search(r"\d\s*-\s*\d", text) else text
    return re.sub(r"\s+", " ", text).strip().strip(" :.?*")


#: Cell values that mean "not selected" in a one-column-per-option multi-select.
NOT_SELECTED = {"0", "ei", "no", "nej", "false", "epätosi", "falskt", "n", "not selected",
                "ei valittu", "inte vald", "-"}
#: Separators between the options of a multi-select answer written into one cell.
MULTI_JOINERS = (";", ",", "\n", "|")


@dataclass
class Placement:
    """Where each column of a file goes.

    ``items``: column → item code; ``fields``: column → field name (one column holds the
    field's answer); ``options``: column → (field, option code) for one-column-per-option
    multi-selects; ``how``: column → the evidence (``mapping``, ``code``, ``label``,
    ``number``, ``position``, ``template``); ``skipped``: columns the mapping file skips;
    ``unplaced``: columns with answers that nothing claimed; ``item_like``: those of them whose
    values look like answers on the instrument's scales; ``missing_items``: instrument items no
    column was found for; ``problems``: mapping-file errors and ``warnings``: mapping keys
    that match no column (message strings).
    """

    items: dict[int, str] = field(default_factory=dict)
    fields: dict[int, str] = field(default_factory=dict)
    options: dict[int, tuple[str, str]] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    skipped: set[int] = field(default_factory=set)
    unplaced: list[int] = field(default_factory=list)
    item_like: list[int] = field(default_factory=list)
    missing_items: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def target(self, pos: int) -> str | None:
        """What a column maps to, as a mapping file writes it (``p1``, ``gender``,
        ``goals:work``, ``skip``)."""
        if pos in self.items:
            return self.items[pos]
        if pos in self.fields:
            return self.fields[pos]
        if pos in self.options:
            return ":".join(self.options[pos])
        if pos in self.skipped:
            return "skip"
        return None

    @property
    def used(self) -> set[int]:
        return set(self.items) | set(self.fields) | set(self.options) | self.skipped


def _option_lookup(fld) -> dict[str, str]:
    """Normalised option code / label (fi, sv, en) → option code."""
    out: dict[str, str] = {}
    for code, labels in fld.options:
        out.setdefault(_norm(code), code)
        for lbl in labels.values():
            out.setdefault(_norm(lbl), code)
    return out


def _answer_lookup(instrument) -> tuple[set[str], set[float]]:
    """All answer label texts (normalised) and numeric codes of an instrument's items."""
    from evaltool.instruments import DONT_KNOW

    labels: set[str] = {_norm(x) for x in DONT_KNOW}
    for it in instrument.items:
        labels.update(_norm(k) for k in instrument.label_map(it))
    nums = {float(v) for v in np.arange(instrument.scale_min, instrument.scale_max + 1)}
    nums.update(instrument.missing_codes)
    nums.update(getattr(instrument, "dont_know_codes", ()) or ())
    return labels, nums


def _answer_like(values: Iterable[str], labels: set[str], nums: set[float],
                 loose: bool = False) -> bool:
    """Do the non-empty distinct values look like answers on the instrument's scales?

    Strict: every value is a scale code, a missing code or an answer label. Loose: at least
    half of the values are numbers (any) or answer labels — a column of answers with a typo
    or an out-of-range number, which decoding then reports cell by cell.
    """
    n_seen = n_ok = 0
    for v in values:
        t = str(v).strip()
        if t in ("", "-", "–", "—"):
            continue
        n_seen += 1
        try:
            num = float(t.replace(",", "."))
        except ValueError:
            num = None
        if num is not None:
            ok = loose or num in nums
        else:
            n = _norm(t)
            ok = n in labels or bool(
                re.match(r"^\s*-?\d+\s*(?:[=:.)\-–]\s*|\s+)\D", t)
                or re.match(r"^(?:a|ao|sq)0*\d+$", n))
        if ok:
            n_ok += 1
        elif not loose:
            return False
    if not n_seen:
        return False
    return n_ok == n_seen or (loose and n_ok >= 0.5 * n_seen)


def filled_columns(data: pd.DataFrame, positions: Iterable[int]) -> set[int]:
    """Those of ``positions`` whose column in ``data`` holds a non-empty cell (one pass
    over a block of columns when there are many)."""
    positions = [p for p in positions if p in data.columns]
    if len(positions) <= 50:
        return {p for p in positions if (data[p].to_numpy(dtype=object) != "").any()}
    out: set[int] = set()
    for start in range(0, len(positions), 1000):
        part = positions[start:start + 1000]
        block = data[part].to_numpy(dtype=object) != ""
        out.update(p for p, hit in zip(part, block.any(axis=0), strict=True) if hit)
    return out


def _head_values(tidy: Tidy, pos: int, rows: int = 2000) -> list[str]:
    """Distinct values of a column's first rows (kept with the tidy table: placement on
    several instruments asks for them again)."""
    state = tidy.__dict__.get("_head")
    if state is None or state[0] is not tidy.data:
        state = (tidy.data, tidy.data.iloc[:rows].to_numpy(dtype=object),
                 {c: j for j, c in enumerate(tidy.data.columns)}, {})
        tidy.__dict__["_head"] = state
    _, head, where, cache = state
    if pos not in cache:
        cache[pos] = ([str(v) for v in pd.unique(head[:, where[pos]])]
                      if pos in where else [])
    return cache[pos]


def _distinct(data: pd.DataFrame, pos: int, limit: int = 60) -> list[str]:
    vals = pd.unique(data[pos].to_numpy(dtype=object))
    return [str(v) for v in vals[:limit]]


def _position_number(info: ColumnInfo) -> int | None:
    """Position of a grid column from its tool code (``Q2_3`` → 3, ``Q1[SQ003]`` → 3)."""
    for text in (info.code, info.sub, info.header):
        if not text:
            continue
        m = re.search(r"\[(?:SQ|sq|A|a)?0*(\d{1,3})\]$", text) or re.search(
            r"^(?:SQ|sq)0*(\d{1,3})$", text) or re.search(r"^[A-Za-z]\w*?_(\d{1,3})$", text)
        if m:
            return int(m.group(1))
    return None


def _instrument_blocks(instrument) -> list[tuple[str | None, list[str]]]:
    """Item blocks in instrument order (by ``Item.block``; all items when there are none)."""
    blocks: list[tuple[str | None, list[str]]] = []
    for it in instrument.items:
        if blocks and blocks[-1][0] == it.block:
            blocks[-1][1].append(it.code)
        else:
            blocks.append((it.block, [it.code]))
    if all(b is None for b, _ in blocks):
        return [(None, instrument.item_codes)]
    return blocks


def _block_labels(instrument, block: str | None) -> set[str]:
    out: set[str] = set()
    if block is None:
        return out
    out.add(_norm(block))
    for d in instrument.domains:
        if d.name == block:
            out.update(_norm(v) for v in d.labels.values())
    return out


def place(tidy: Tidy, instrument, mapping: dict[str, str] | None = None,
          exclude: Iterable[int] = (), patterns: dict[str, str] | None = None) -> Placement:
    """Map the columns of ``tidy`` to ``instrument``'s items and fields.

    Evidence, strongest first: the mapping file (header text, tool code or column letter →
    item code, field, ``field:option`` or ``skip``); a template header ending in ``(code)``;
    fields by name or label (fi / sv / en; also after a question number) or by the
    background ``patterns`` (field name → regex on the normalised header); multi-select
    grids (stem = the field's label, sub-labels = its options); items by code (header, tool
    code or sub-label), by label text of the statement or the whole header (fi / sv / en), by
    a numbered header (``k1``, ``1.``) and finally by position within a grid (a block of
    columns sharing a stem is matched to the instrument block with the same label or the same
    number of items; tool codes such as ``SQ003`` or ``Q2_3`` give the position).
    Metadata columns and ``exclude`` are never placed.
    """
    pl = Placement()
    cols = tidy.columns
    blocked = set(exclude) | set(tidy.meta_columns)
    cand = [p for p in cols if p not in blocked]
    codes = instrument.item_codes
    code_norm = {c.casefold(): c for c in codes}
    fields = {f.name: f for f in instrument.fields}
    field_norm = {f.name.casefold(): f.name for f in instrument.fields}
    taken_items: set[str] = set()
    taken_fields: set[str] = set()

    def free(pos: int) -> bool:
        return pos not in pl.used

    def put_item(pos: int, code: str, how: str) -> bool:
        if free(pos) and code not in taken_items:
            pl.items[pos] = code
            pl.how[pos] = how
            taken_items.add(code)
            return True
        return False

    def put_field(pos: int, name: str, how: str) -> bool:
        if free(pos) and name not in taken_fields:
            pl.fields[pos] = name
            pl.how[pos] = how
            taken_fields.add(name)
            return True
        return False

    def put_option(pos: int, name: str, option: str, how: str) -> bool:
        if free(pos) and (name, option) not in pl.options.values():
            pl.options[pos] = (name, option)
            pl.how[pos] = how
            return True
        return False

    def resolve_target(value: str, pos: int, how: str) -> str | None:
        """Apply one mapping / template target to a column; an error message or None."""
        v = value.strip()
        if v.casefold() in ("skip", "ignore", "-", ""):
            pl.skipped.add(pos)
            pl.how[pos] = how
            return None
        if v.casefold() in code_norm:
            put_item(pos, code_norm[v.casefold()], how)
            return None
        m = re.fullmatch(r"([^:=.]+)[:=.](.+)", v)
        if v.casefold() in field_norm:
            put_field(pos, field_norm[v.casefold()], how)
            return None
        if m and m.group(1).strip().casefold() in field_norm:
            fname = field_norm[m.group(1).strip().casefold()]
            opt = _option_lookup(fields[fname]).get(_norm(m.group(2)))
            if opt is None:
                return (f"{v!r}: {fname} has no option {m.group(2)!r} (options: "
                        + ", ".join(c for c, _ in fields[fname].options) + ")")
            put_option(pos, fname, opt, how)
            return None
        return (f"{v!r} is neither an item of {instrument.name} ("
                + ", ".join(codes[:6]) + (" …" if len(codes) > 6 else "")
                + "), a field (" + (", ".join(fields) or "none") + ") nor 'skip'")

    # 1. mapping file
    if mapping:
        keys = {normalise_header(k): (k, v) for k, v in mapping.items()}
        matched_keys: set[str] = set()
        for pos in cand:
            names = [normalise_header(n) for n in cols[pos].names()]
            names.append(normalise_header(column_letter(pos)))
            for n in names:
                if n in keys:
                    key, val = keys[n]
                    matched_keys.add(n)
                    err = resolve_target(val, pos, "mapping")
                    if err:
                        pl.problems.append(f"mapping {key!r} → {err}")
                    break
        for n, (key, _) in keys.items():
            if n not in matched_keys and not any(
                    n == normalise_header(x) for p in blocked for x in cols[p].names()):
                pl.warnings.append(f"mapping {key!r}: no column of the file has this header")

    # 2. template headers "Label (code)"
    for pos in cand:
        code = template_code(cols[pos].header)
        if code and free(pos):
            c = code.casefold()
            if c in code_norm or c in field_norm or re.fullmatch(r"[^:=.]+[:=.].+", code) and \
                    code.split(":")[0].split("=")[0].split(".")[0].casefold() in field_norm:
                resolve_target(code, pos, "template")

    labels_all, nums_all = _answer_lookup(instrument)
    answer_cache: dict[tuple[int, bool], bool] = {}

    def answer_like(pos: int, loose: bool = False) -> bool:
        """Do the column's values look like answers on the instrument's scales? (checked on
        the distinct values of the first rows, which is enough to tell text from answers)"""
        if (pos, loose) not in answer_cache:
            answer_cache[(pos, loose)] = _answer_like(
                _head_values(tidy, pos), labels_all, nums_all, loose)
        return answer_cache[(pos, loose)]

    def label_texts(info: ColumnInfo) -> list[str]:
        """Texts that may equal a question's label: the header (also without its question
        number), tool code, question label and a lone stem."""
        texts = [info.header, strip_number(info.header)]
        if info.code:
            texts.append(info.code)
        if info.label:
            texts += [info.label, strip_number(info.label)]
        if info.stem and info.sub is None:
            texts.append(strip_number(info.stem))
        return texts

    # 3. fields: one column by name / label (fi, sv, en) / background pattern
    extra = [name for name in (patterns or {}) if name not in fields]
    for name in [f.name for f in instrument.fields] + extra:
        if name in taken_fields:
            continue
        f = fields.get(name)
        labels = ({_norm(x) for x in f.labels.values()} if f else set()) | {_norm(name)}
        regex = re.compile(patterns[name]) if patterns and name in patterns else None
        for pos in cand:
            info = cols[pos]
            if not free(pos) or info.kind == "other" or (info.stem and info.sub):
                continue
            texts = label_texts(info)
            if {_norm(t) for t in texts} & labels or (
                    regex and any(regex.fullmatch(normalise_header(t)) for t in texts)):
                put_field(pos, name, "label" if f else "pattern")
                break

    # 4. multi-select grids: stem = field label, subs = options
    for f in instrument.fields:
        if f.kind != "multi" or f.name in taken_fields:
            continue
        labels = {_norm(x) for x in f.labels.values()} | {_norm(f.name)}
        lookup = _option_lookup(f)
        by_stem: dict[str, list[int]] = {}
        for pos in cand:
            info = cols[pos]
            if free(pos) and info.stem and info.sub:
                by_stem.setdefault(_norm(strip_number(info.stem)), []).append(pos)
        for stem, members in by_stem.items():
            hits = [p for p in members if _norm(strip_number(cols[p].sub or "")) in lookup]
            if stem in labels or len(hits) >= 2:
                for p in members:
                    opt = lookup.get(_norm(strip_number(cols[p].sub or "")))
                    if opt is None:
                        k = _position_number(cols[p])
                        if k is not None and 1 <= k <= len(f.options) and stem in labels:
                            opt = f.options[k - 1][0]
                    if opt is not None:
                        put_option(p, f.name, opt, "label")
                    elif cols[p].kind == "other" or re.match(r"(?:muu|other|annat)",
                                                             cols[p].sub or "", re.I):
                        pl.skipped.add(p)
                        pl.how[p] = "other"

    # 5. items by label: the statement of a grid (any joiner), the header or question label
    label_norm: dict[str, str] = {}
    for it in instrument.items:
        for lbl in it.labels.values():
            label_norm.setdefault(_norm(lbl), it.code)
    for pos in cand:
        if not free(pos):
            continue
        info = cols[pos]
        texts = [t for t in (info.sub, info.header, info.label) if t]
        for t in (info.header, info.label):
            if t:
                texts += [sub for _, sub, _ in _candidate_splits(t)]
        for text in texts:
            code = label_norm.get(_norm(strip_number(text))) or label_norm.get(_norm(text))
            if code and put_item(pos, code, "label"):
                break

    # 6. items by code (header, tool code or sub-label), when the values are answers
    for pos in cand:
        info = cols[pos]
        if not free(pos):
            continue
        for text in (info.header, info.code, info.sub):
            if text and text.strip().casefold() in code_norm and answer_like(pos, True):
                if put_item(pos, code_norm[text.strip().casefold()], "code"):
                    break

    # 7. position within a grid: a grid (columns sharing a stem, or tool codes Q2_1 …) whose
    # stem is a block's label goes to that block; unlabelled grids go to unnamed blocks of
    # the same size only when they pair up one to one (in order), never by guess.
    groups: dict[str, list[int]] = {}
    for pos in cand:
        info = cols[pos]
        if not free(pos):
            continue
        key = None
        if info.stem:
            key = "s:" + _norm(strip_number(info.stem))
        elif info.code and (m := re.match(r"^([A-Za-z]\w*?)_\d{1,3}$", info.code)):
            key = "c:" + m.group(1).casefold()
        if key and answer_like(pos):
            groups.setdefault(key, []).append(pos)
    blocks = _instrument_blocks(instrument)
    pairs_gb: list[tuple[list[int], int]] = []
    named: set[int] = set()
    unnamed_groups: list[list[int]] = []
    for key, members in groups.items():
        target = next((bi for bi, (bname, _) in enumerate(blocks) if bi not in named
                       and key[2:] in _block_labels(instrument, bname)), None)
        if target is None:
            unnamed_groups.append(members)
        else:
            named.add(target)
            pairs_gb.append((members, target))
    for size in sorted({len(m) for m in unnamed_groups}):
        grps = [m for m in unnamed_groups if len(m) == size]
        blks = [bi for bi, (_, bcodes) in enumerate(blocks)
                if bi not in named and len(bcodes) == size]
        if len(grps) == len(blks) and all(
                not set(blocks[bi][1]) & taken_items for bi in blks):
            pairs_gb += list(zip(grps, blks, strict=True))
    for members, target in pairs_gb:
        bcodes = blocks[target][1]
        numbers = [_position_number(cols[p]) for p in members]
        if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers) and \
                max(numbers) <= len(bcodes):
            pairs = [(p, bcodes[n - 1]) for p, n in zip(members, numbers, strict=True)]
        elif len(members) == len(bcodes):
            pairs = list(zip(members, bcodes, strict=True))
        else:
            continue
        for p, code in pairs:
            put_item(p, code, "position")

    # 8. numbered headers (q1, k1, 1.) outside grids, when the values are answers
    from evaltool.instruments import item_number

    for pos in cand:
        info = cols[pos]
        if not free(pos) or info.stem:
            continue
        for text in (info.header, info.code):
            n = item_number(text) if text else None
            if n is not None and 1 <= n <= len(codes) and answer_like(pos, True):
                if put_item(pos, codes[n - 1], "number"):
                    break

    # leftovers
    filled = filled_columns(tidy.data, [p for p in cand if free(p)])
    for pos in cand:
        if free(pos) and pos in filled:
            pl.unplaced.append(pos)
            if answer_like(pos):
                pl.item_like.append(pos)
    pl.missing_items = [c for c in codes if c not in taken_items]
    return pl


# --------------------------------------------------------------------------- fields


def split_multi(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a multi-select answer against the known options (longest first), so options
    that contain a joiner (``Ryhmätoiminta, vertaistuki``) stay whole.

    Returns (option codes in answer order, unknown pieces).
    """
    t = str(text).strip()
    norm_t = _norm(t)
    if norm_t in lookup:
        return [lookup[norm_t]], []
    keys = sorted(lookup, key=len, reverse=True)
    codes: list[str] = []
    unknown: list[str] = []
    s = t
    while s:
        s = s.lstrip(" ;,|\n\t")
        if not s:
            break
        low = _norm(s)
        hit = None
        for k in keys:
            if low.startswith(k) and (len(low) == len(k) or low[len(k)] in ";,|\n\t "):
                hit = k
                break
        if hit is not None:
            if lookup[hit] not in codes:
                codes.append(lookup[hit])
            # Advance in the original text by the matched label's length in normalised form.
            consumed = _consume(s, hit)
            s = s[consumed:]
            continue
        m = re.match(r"[^;,|\n]+", s)
        piece = m.group(0).strip() if m else s
        unknown.append(piece)
        s = s[m.end():] if m else ""
    return codes, unknown


def _consume(text: str, normalised: str) -> int:
    """Length of the prefix of ``text`` whose normalised form is ``normalised``."""
    for end in range(len(normalised), len(text) + 1):
        if _norm(text[:end]) == normalised and (end == len(text)
                                                or text[end] in ";,|\n\t "):
            return end
    return len(text)


#: Background questions every client import recognises; their answer options come from the
#: built-in KEVÄT client survey when the instrument does not define them itself.
STANDARD_BACKGROUND = ("gender", "age_group", "education", "unemployment_duration",
                       "service_type")


@functools.cache
def standard_background_fields() -> dict:
    """Field definitions (options with fi/sv/en labels) of :data:`STANDARD_BACKGROUND`,
    from ``surveys/kevat-client.toml``; answers to these questions are decoded to the same
    option codes whichever instrument a file is imported with."""
    from evaltool.instruments import load_instrument

    survey = load_instrument("kevat-client")
    return {f.name: f for f in survey.fields if f.name in STANDARD_BACKGROUND}


def decode_fields(tidy: Tidy, placement: Placement, instrument, dont_know: Iterable[str] = ()
                  ) -> tuple[pd.DataFrame, list[tuple[int, int, str, str]]]:
    """Background answers, multi-selects and open answers as tidy rows.

    Returns a frame with columns ``row`` (position in ``tidy.data``), ``field`` and
    ``value`` — a choice field's option code, one row per selected option of a
    multi-select, an open answer's text exactly as written (whitespace-only answers are
    empty and not stored), a number as ``3.5`` — and warnings as (row, column, value,
    message). Choices are matched by option code, label (fi / sv / en; case and spacing
    ignored), SPSS value label or position (``1`` … ``k``); a value that is none of these is
    kept as written with a warning. Don't-know answers are not stored.
    """
    from evaltool.instruments import DONT_KNOW, parse_number

    dk = {_norm(x) for x in DONT_KNOW} | {_norm(x) for x in dont_know}
    fields = {**standard_background_fields(), **{f.name: f for f in instrument.fields}}
    parts: list[pd.DataFrame] = []
    problems: list[tuple[int, int, str, str]] = []
    data = tidy.data
    decimal = tidy.raw.decimal

    def add(rows: np.ndarray, name: str, values) -> None:
        if len(rows):
            parts.append(pd.DataFrame({"row": rows.astype(np.int64), "field": name,
                                       "value": values}))

    for pos, name in placement.fields.items():
        f = fields.get(name)
        col = data[pos].to_numpy(dtype=object)
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        uniques = [str(u) for u in uniques]
        if f is None:  # a background question the instrument does not define
            vals = np.array([u.strip() for u in uniques], dtype=object)[codes]
            keep = vals != ""
            add(np.flatnonzero(keep), name, vals[keep])
            continue
        if f.kind == "text":
            keep = np.array([u.strip() != "" for u in uniques], dtype=bool)[codes]
            add(np.flatnonzero(keep), name, col[keep])
            continue
        if f.kind == "number":
            nums = parse_number(pd.Series(uniques, dtype=object), decimal).to_numpy()
            for k, u in enumerate(uniques):
                if u.strip() and np.isnan(nums[k]) and _norm(u) not in dk:
                    for r in np.flatnonzero(codes == k):
                        problems.append((int(r), pos, u, f"{u!r} is not a number for {name}"))
            texts = np.array([("" if np.isnan(x) else (str(int(x)) if float(x).is_integer()
                                                       else repr(float(x)))) for x in nums],
                             dtype=object)
            vals = texts[codes]
            keep = vals != ""
            add(np.flatnonzero(keep), name, vals[keep])
            continue
        lookup = _option_lookup(f)
        vlabels = tidy.value_labels.get(pos, {})
        numeric_codes = all(re.fullmatch(r"-?\d+", c) for c, _ in f.options)
        out_vals: list[list[str]] = []
        for u in uniques:
            t = u.strip()
            if t in ("", "-", "–", "—") or _norm(t) in dk:
                out_vals.append([])
                continue
            if t in vlabels and _norm(vlabels[t]) in dk:
                out_vals.append([])
                continue
            code = lookup.get(_norm(t))
            if code is None and t in vlabels:
                code = lookup.get(_norm(vlabels[t]))
            if code is None and not numeric_codes and re.fullmatch(r"\d{1,2}", t) and \
                    1 <= int(t) <= len(f.options):
                code = f.options[int(t) - 1][0]
            if code is None and (m := re.fullmatch(r"(?:A|AO)0*(\d{1,2})", t, re.I)) and \
                    1 <= int(m.group(1)) <= len(f.options):
                code = f.options[int(m.group(1)) - 1][0]  # LimeSurvey answer codes
            if code is not None:
                out_vals.append([code])
                continue
            if f.kind == "multi":
                got, unknown = split_multi(t, lookup)
                if not got and all(re.fullmatch(r"\d{1,2}", x.strip()) for x in unknown) and \
                        not numeric_codes:
                    got = [f.options[int(x) - 1][0] for x in unknown
                           if 1 <= int(x) <= len(f.options)]
                    unknown = [x for x in unknown if not 1 <= int(x) <= len(f.options)]
                unknown = [x for x in unknown if _norm(x) not in dk]
                out_vals.append(got + [f"\x00{x}" for x in unknown])
            else:
                out_vals.append([f"\x00{t}"])
        rows_l: list[np.ndarray] = []
        vals_l: list[str] = []
        for k, vals in enumerate(out_vals):
            if not vals:
                continue
            idx = np.flatnonzero(codes == k)
            for v in vals:
                if v.startswith("\x00"):
                    v = v[1:]
                    msg = (f"{v!r} is not an option of {name} (options: "
                           + ", ".join(lbl.get("fi", c) for c, lbl in f.options)
                           + "); kept as written")
                    problems += [(int(r), pos, v, msg) for r in idx]
                rows_l.append(idx)
                vals_l += [v] * len(idx)
        if rows_l:
            add(np.concatenate(rows_l), name, vals_l)

    for pos, (name, option) in placement.options.items():
        codes, uniques = pd.factorize(data[pos].to_numpy(dtype=object), use_na_sentinel=False)
        vl = tidy.value_labels.get(pos, {})
        chosen = np.array([
            bool(str(u).strip()) and _norm(u) not in NOT_SELECTED | dk
            and _norm(vl.get(str(u).strip(), "")) not in NOT_SELECTED | dk
            for u in uniques], dtype=bool)
        idx = np.flatnonzero(chosen[codes])
        add(idx, name, [option] * len(idx))

    if not parts:
        return pd.DataFrame({"row": pd.Series(dtype=np.int64), "field": pd.Series(dtype=object),
                             "value": pd.Series(dtype=object)}), problems
    order = {f.name: k for k, f in enumerate(instrument.fields)}
    out = pd.concat(parts, ignore_index=True)
    opt_order = {(f.name, c): k for f in instrument.fields for k, (c, _) in enumerate(f.options)}
    out["_f"] = out["field"].map(order).fillna(len(order))
    out["_o"] = [opt_order.get((f, v), 999) for f, v in zip(out["field"], out["value"],
                                                           strict=True)]
    out = out.sort_values(["row", "_f", "_o"], kind="stable").drop(columns=["_f", "_o"])
    return out.reset_index(drop=True), problems


# --------------------------------------------------------------------------- summaries


def column_runs(positions: Iterable[int]) -> str:
    """Column letters, consecutive runs shortened (``C–J, M``)."""
    pos = sorted(set(positions))
    parts: list[str] = []
    i = 0
    while i < len(pos):
        j = i
        while j + 1 < len(pos) and pos[j + 1] == pos[j] + 1:
            j += 1
        a, b = column_letter(pos[i]), column_letter(pos[j])
        parts.append(a if i == j else (f"{a}, {b}" if j == i + 1 else f"{a}–{b}"))
        i = j + 1
    return ", ".join(parts)


def found(tidy: Tidy, placement: Placement | None = None) -> dict:
    """What the importer found in a file, as plain data: ``layout``, ``encoding``,
    ``delimiter``, ``decimal``, ``header_rows``, ``n_respondents``, ``item_columns`` (item
    code → column letter), ``fields`` (field → column letters) and ``unplaced`` (letters)."""
    raw = tidy.raw
    out: dict = {"layout": tidy.layout, "file_format": raw.file_format,
                 "encoding": raw.encoding, "delimiter": raw.delimiter, "decimal": raw.decimal,
                 "sheet": raw.sheet, "header_rows": tidy.header_rows,
                 "n_respondents": tidy.n_respondents}
    if placement is not None:
        out["item_columns"] = {code: column_letter(pos) for pos, code in
                               sorted(placement.items.items(), key=lambda kv: kv[0])}
        flds: dict[str, list[str]] = {}
        for pos, name in placement.fields.items():
            flds.setdefault(name, []).append(column_letter(pos))
        for pos, (name, _) in placement.options.items():
            flds.setdefault(name, []).append(column_letter(pos))
        out["fields"] = flds
        out["unplaced"] = [column_letter(p) for p in placement.unplaced]
        out["unplaced_runs"] = column_runs(placement.unplaced)
        out["how"] = sorted(set(placement.how[p] for p in placement.items))
    return out


def describe_found(info: dict) -> str:
    """One line for the terminal from :func:`found`'s dict."""
    delim = {";": "';'", ",": "','", "\t": "TAB"}.get(info.get("delimiter") or "", None)
    parts = [f"layout {info['layout']}"]
    if info.get("encoding"):
        parts.append(f"encoding {info['encoding']}")
    if delim:
        parts.append(f"delimiter {delim}")
    if info.get("decimal") == ",":
        parts.append("decimal comma")
    if info.get("sheet"):
        parts.append(f"sheet {info['sheet']!r}")
    parts.append(f"{info['header_rows']} header row{'s' if info['header_rows'] != 1 else ''}")
    items = info.get("item_columns")
    if items is not None:
        letters = sorted(items.values(), key=lambda x: (len(x), x))
        parts.append(f"{len(items)} item columns ({letters[0]}–{letters[-1]})" if items
                     else "no item columns")
    if info.get("fields"):
        parts.append("fields " + ", ".join(sorted(info["fields"])))
    if info.get("unplaced"):
        runs = info.get("unplaced_runs") or ", ".join(info["unplaced"])
        if len(runs) > 60:
            runs = runs[:60].rsplit(", ", 1)[0] + " …"
        parts.append(f"{len(info['unplaced'])} unplaced column"
                     f"{'s' if len(info['unplaced']) != 1 else ''} ({runs})")
    return "; ".join(parts)

"""Qualtrics: row 1 holds the field names (``StartDate``, ``Status``, ``ResponseId`` …), row
2 the question texts and row 3 ``{"ImportId": …}`` JSON; exports of 2016–2017 have only the
first two rows. The legacy exporter (before 2017) writes codes ``V1`` … ``V10`` in row 1 over
the field names ``ResponseID``, ``ResponseSet``, ``Name``, ``ExternalDataReference``,
``EmailAddress``, ``IPAddress``, ``Status``, ``StartDate``, ``EndDate``, ``Finished`` in row 2
(:data:`LEGACY_FIELDS`): those columns take the field name as their code, so they are
metadata, never items numbered 1 … 10. Previews, tests and spam are dropped and unfinished
responses flagged.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from evaltool.layouts.generic import build_table
from evaltool.layouts.headers import split_grid_headers
from evaltool.layouts.table import ColumnInfo, SurveyTable
from evaltool.read import RawTable
from evaltool.text import column_letter, header_key

NAME = "qualtrics"

#: Field names of the first row (header keys).
FIELD_NAMES = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "responsetype",
}
#: Headers of a legacy export's second row that show it is a header row.
LEGACY_LABELS = {"start date", "response id", "response type", "end date"}
#: Field names (header keys) of the legacy exporter's second row under ``V1`` … codes.
LEGACY_FIELDS = {
    "responseid",
    "responseset",
    "name",
    "externaldatareference",
    "emailaddress",
    "ipaddress",
    "status",
    "startdate",
    "enddate",
    "finished",
}
_V_CODE = re.compile(r"^V\d{1,3}$")

#: Qualtrics response status codes and labels that are not real responses.
QUALTRICS_DROP = {
    "1": "survey preview",
    "2": "survey test",
    "8": "spam",
    "9": "preview spam",
    "17": "offline survey preview",
    "survey preview": "survey preview",
    "survey test": "survey test",
    "spam": "spam",
    "preview spam": "preview spam",
    "offline survey preview": "offline survey preview",
}
#: ``Finished`` values of an unfinished response.
UNFINISHED = ["0", "false", "epätosi", "falskt", "no", "ei"]

_IMPORT_ID = re.compile(r"""^\{\s*['"]ImportId['"]\s*:""")
_HTML = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_SELECTED_CHOICE = re.compile(r"\s*-\s*Selected Choice$")
_TEXT_CODE = re.compile(r"_TEXT$")
_TEXT_LABEL = re.compile(r"- (?:Other - )?Text$")


def _import_id_row(cells: pd.DataFrame) -> int | None:
    """0-based row of the ``{"ImportId": …}`` cells (row 3, or row 2), or None."""
    for i in (2, 1):
        if i < len(cells):
            row = [str(v) for v in cells.iloc[i].tolist() if str(v).strip()]
            if row and sum(bool(_IMPORT_ID.match(v)) for v in row) >= 0.5 * len(row):
                return i
    return None


def _legacy_fields(cells: pd.DataFrame) -> dict[int, str]:
    """Columns of a legacy export's ``V1`` … codes whose second-row header is one of
    :data:`LEGACY_FIELDS`: position → field name (empty unless at least four are)."""
    if len(cells) < 2:
        return {}
    codes = cells.iloc[0].astype(str).str.strip().tolist()
    names = cells.iloc[1].astype(str).str.strip().tolist()
    out = {
        j: names[j]
        for j, code in enumerate(codes)
        if _V_CODE.match(code) and header_key(names[j]) in LEGACY_FIELDS
    }
    return out if len(out) >= 4 else {}


def detect(raw: RawTable) -> float:
    """0.99 with a row of import ids; 0.95 for a legacy export (four ``V`` codes over
    :data:`LEGACY_FIELDS`); 0.9 for four :data:`FIELD_NAMES` in the first row."""
    if raw.cells.empty or raw.file_format == "sav":
        return 0.0
    first = {header_key(v) for v in raw.cells.iloc[0].tolist()}
    hits = len(first & FIELD_NAMES)
    if _import_id_row(raw.cells) is not None:
        return 0.99
    if _legacy_fields(raw.cells):
        return 0.95
    if hits >= 4:
        return 0.9
    return 0.0


def _strip_html(text: str) -> str:
    return _SPACES.sub(" ", _HTML.sub(" ", text)).strip()


def _header_rows(cells: pd.DataFrame, import_row: int | None) -> int:
    """Header rows: down to the import ids, 2 for a legacy export, else 1."""
    if import_row is not None:
        return import_row + 1
    if len(cells) > 1 and LEGACY_LABELS & {header_key(v) for v in cells.iloc[1].tolist()}:
        return 2
    if _legacy_fields(cells):
        return 2
    return 1


def _import_id(cell: str) -> tuple[str | None, str | None]:
    """The import id and time zone of an ``{"ImportId": …}`` cell (None when absent)."""
    if not cell.strip():
        return None, None
    try:
        obj = json.loads(cell.replace("'", '"'))
        return str(obj.get("ImportId", "")) or None, obj.get("timeZone")
    except (json.JSONDecodeError, AttributeError):
        return None, None


def normalise(raw: RawTable) -> SurveyTable:
    """Field names as codes, question texts (without HTML) as labels and headers, import ids;
    ``_TEXT`` columns are open or "other" answers; grids split on the labels."""
    cells = raw.cells
    idrow = _import_id_row(cells)
    header_rows = _header_rows(cells, idrow)
    codes = cells.iloc[0].astype(str).tolist()
    labels = (
        cells.iloc[1].astype(str).tolist() if header_rows >= 2 and idrow != 1 else [""] * len(codes)
    )
    ids = cells.iloc[idrow].astype(str).tolist() if idrow is not None else [""] * len(codes)
    legacy = _legacy_fields(cells) if idrow is None else {}
    columns: dict[int, ColumnInfo] = {}
    timezone = None
    for j, code in enumerate(codes):
        code = code.strip()
        if j in legacy:  # V7 over Status: the field name is the code
            code = legacy[j]
            columns[j] = ColumnInfo(j, code, code=code)
            continue
        label = _SELECTED_CHOICE.sub("", _strip_html(labels[j]))
        import_id, zone = _import_id(ids[j])
        timezone = timezone or zone
        header = label or code or f"Unnamed: {column_letter(j)}"
        columns[j] = ColumnInfo(
            j, header, code=code or None, label=label or None, import_id=import_id
        )
        if _TEXT_CODE.search(code or "") or _TEXT_LABEL.search(label):
            columns[j].kind = "other" if "other" in (label + code).casefold() else "open"
    split_grid_headers(columns, {p: c.label for p, c in columns.items() if c.label})
    table = build_table(raw, NAME, header_rows, header_rows, columns, header_row=1)
    table.timezone = timezone
    apply_status_filters(table)
    return table


def apply_status_filters(table: SurveyTable) -> None:
    """Drop Qualtrics previews, tests and spam (``Status``); flag unfinished responses
    (``Finished`` 0 / FALSE)."""
    status = next(
        (
            p
            for p, r in table.meta_columns.items()
            if r == "status"
            and header_key(table.columns[p].code or table.headers[p]) in ("status", "response type")
        ),
        None,
    )
    keep = np.ones(len(table.data), dtype=bool)
    if status is not None and len(table.data):
        s = table.data[status].astype(str).str.strip().str.casefold()
        reason = s.map(QUALTRICS_DROP)
        drop = reason.notna().to_numpy()
        for idx in np.flatnonzero(drop):
            table.dropped.append(
                (
                    int(table.rows[idx]),
                    f"Qualtrics status {table.data[status].iloc[idx]} ({reason.iloc[idx]})",
                )
            )
        keep &= ~drop
    if not keep.all():
        table.data = table.data[keep].reset_index(drop=True)
        table.rows = table.rows[keep]
        table.dropped.sort()
    finished = next((p for p, r in table.meta_columns.items() if r == "finished"), None)
    if finished is not None and len(table.data):
        f = table.data[finished].astype(str).str.strip().str.casefold()
        table.incomplete = f.isin(UNFINISHED).to_numpy()

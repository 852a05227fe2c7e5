"""The ESR project register: one row per project, imported from xlsx / csv / TOML.

A register row holds the project code (e.g. ``S10246``), name, implementing organisation,
region, funder (responsible authority), priority axis, start and end dates and, planned and
realised, the ESR indicators: participants (of which women), new jobs, new enterprises,
completed degrees and public funding (EUR).

Spreadsheet and text files have one header row (title rows above it are skipped). Headers are
recognised in Finnish, Swedish and English, e.g. ``Hankekoodi`` / ``Koodi`` / ``Code``,
``Nimi``, ``Toteuttaja``, ``Alue`` / ``Maakunta``, ``Rahoittaja``, ``Toimintalinja``,
``Alkupvm``, ``Loppupvm``; indicator headers combine a phase word (``Suunniteltu`` /
``Toteutunut``, ``planned`` / ``realised``, ``planerad`` / ``utfall``) with a measure
(``osallistujat``, ``naiset``, ``työpaikat``, ``yritykset``, ``tutkinnot``, ``julkinen
rahoitus``), in either order: ``Suunniteltu osallistujat``, ``Osallistujat, toteutunut``,
``planned_participants``. Numbers may be written the Finnish way (``1 234,50 €``); dates as
``16.3.2024``, ISO or Excel date cells.

A TOML register lists ``[[projects]]`` tables whose keys are the same headers, with the
indicators either flat (``planned_participants = 120``) or nested (``[projects.planned]
participants = 120``); dates may be TOML dates.

The import follows the rules of every import: the whole file is validated first (errors name
the file, sheet, row and column; nothing is stored when there is one), it runs in one
transaction and is recorded with its SHA-256 in ``imports``. Importing the same file again
changes nothing; ``replace=True`` imports it again and overwrites projects already registered
from another file. Projects seen in client imports but absent from the register are warnings
(``project-unregistered``), never errors.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool import read as readers
from evaltool.errors import UserError
from evaltool.imports.skeleton import (
    FileResult,
    ImportPlan,
    ImportResult,
    Prepared,
    Source,
    run_import,
)
from evaltool.issues import IssueCode, ValidationReport
from evaltool.read.cells import find_header_row, split_at_header
from evaltool.read.dates import parse_dates
from evaltool.store.workspace import Workspace
from evaltool.text import column_letter, fold

#: Descriptive columns of the ``projects`` table, in order.
INFO_FIELDS = [
    "code",
    "name",
    "organisation",
    "region",
    "funder",
    "priority_axis",
    "start_date",
    "end_date",
    "period",
]
#: Indicator measures; each has a planned_ and a realised_ column.
MEASURES = ["participants", "women", "jobs", "enterprises", "degrees", "funding"]
NUMBER_FIELDS = [f"{phase}_{m}" for m in MEASURES for phase in ("planned", "realised")]
#: All columns of :func:`project_register`, in order.
REGISTER_COLUMNS = INFO_FIELDS + NUMBER_FIELDS
REQUIRED = ("code", "name")

_INFO_PATTERNS: dict[str, str] = {
    "code": r"code|project code|project id|id|koodi|hankekoodi|hankkeen koodi|projektikoodi|"
    r"projektin koodi|hanketunnus|tunnus|eura koodi|eura2021 koodi|projektkod|kod",
    "name": r"name|project name|project|nimi|hankkeen nimi|hankenimi|projektin nimi|"
    r"projektinimi|namn|projektets namn|projektnamn",
    "organisation": r"organisation|organization|implementing organisation|"
    r"implementing organization|implementer|organisaatio|toteuttaja|"
    r"hankkeen toteuttaja|toteuttajaorganisaatio|hallinnoija|päätoteuttaja|"
    r"genomförare|huvudman|organisation som genomför",
    "region": r"region|area|alue|maakunta|toteutusalue|landskap|område",
    "funder": r"funder|funding authority|responsible authority|authority|intermediate body|"
    r"rahoittaja|rahoittava viranomainen|vastuuviranomainen|välittävä toimielin|"
    r"rahoittava taho|finansiär|ansvarig myndighet|förmedlande organ",
    "priority_axis": r"priority axis|priority|axis|toimintalinja|tl|erityistavoite|"
    r"prioriteetti|insatsområde|prioriterat område|prioritet",
    "start_date": r"start|start date|begins|alkupvm|alkupäivä|alkupäivämäärä|aloituspvm|"
    r"alkamispäivä|alkaa|toteutus alkaa|startdatum|börjar",
    "end_date": r"end|end date|ends|loppupvm|loppupäivä|loppupäivämäärä|päättymispvm|"
    r"päättymispäivä|päättyy|toteutus päättyy|slutdatum|slutar",
    "period": r"period|programme period|program period|programming period|ohjelmakausi|"
    r"rakennerahastokausi|ohjelmakausi vuodet|programperiod|programperioden|period",
}
_INFO_RE = {k: re.compile(rf"^(?:{v})$") for k, v in _INFO_PATTERNS.items()}
_PLANNED_RE = re.compile(
    r"\b(?:suunnit\w*|tavoite\w*|planned|plan|target\w*|planerad\w*|"
    r"planer\w*|mål)\b"
)
_REALISED_RE = re.compile(
    r"\b(?:toteutu\w*|realis\w*|realiz\w*|actual|achieved|förverkl\w*|"
    r"utfall|uppnå\w*|genomförd\w*)\b"
)
#: Measure words; the order matters: "osallistujat, joista naisia" counts women.
_MEASURE_RE: list[tuple[str, re.Pattern[str]]] = [
    ("women", re.compile(r"\b(?:nais\w*|women|woman|female\w*|kvinn\w*)\b")),
    (
        "participants",
        re.compile(
            r"\b(?:osallistuj\w*|participants?|deltagar\w*|deltagare|"
            r"asiakka\w*|henkilö\w*)\b"
        ),
    ),
    (
        "jobs",
        re.compile(
            r"\b(?:työpaik\w*|uudet työpaikat|jobs?|arbetsplats\w*|"
            r"arbetstillfällen)\b"
        ),
    ),
    (
        "enterprises",
        re.compile(
            r"\b(?:yritys\w*|yrityks\w*|yritykset|enterprises?|compan\w*|"
            r"firms?|företag\w*)\b"
        ),
    ),
    (
        "degrees",
        re.compile(
            r"\b(?:tutkin\w*|degrees?|qualifications?|examina|examen|"
            r"examin\w*)\b"
        ),
    ),
    (
        "funding",
        re.compile(
            r"\b(?:rahoitu\w*|funding|finansiering|budget\w*|eur|euro\w*|"
            r"kustannu\w*|costs?|kostnad\w*)\b"
        ),
    ),
]


def _header_key(text: str) -> str:
    """Header text for matching: casefolded, ``_``/punctuation → space, spaces collapsed."""
    t = str(text).replace("\u00a0", " ").casefold()
    t = re.sub(r"[_\-–—:;,./()\[\]{}*?!\"'€%]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


#: An ESF common indicator code in a header: the column holds the project's target of it.
_TARGET_RE = re.compile(r"\b(eec[or]\d{2}|co-all|c[or]\d{2})\b")
#: The prefix of a target field (``target:EECO01``).
TARGET_PREFIX = "target:"


def header_field(header: str) -> str | None:
    """The register field a column header means (``code``, ``planned_women``,
    ``target:EECO01`` …) or None."""
    key = _header_key(header)
    if not key:
        return None
    for name, pattern in _INFO_RE.items():
        if pattern.match(key):
            return name
    target = _TARGET_RE.search(str(header).casefold())
    if target:
        return TARGET_PREFIX + target.group(1).upper()
    if key in REGISTER_COLUMNS:
        return key
    key_sp = key.replace("_", " ")
    planned = bool(_PLANNED_RE.search(key_sp))
    realised = bool(_REALISED_RE.search(key_sp))
    if planned == realised:
        return None
    for measure, pattern in _MEASURE_RE:
        if pattern.search(key_sp):
            return f"{'planned' if planned else 'realised'}_{measure}"
    return None


@dataclass
class RegisterFileResult(FileResult):
    """What a register import did with its file: the codes registered from another file it
    ``overwritten`` (with ``replace``) and the client projects not in the register
    (``unregistered``)."""

    overwritten: list[str] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.status == "unchanged":
            return self.message
        text = (
            f"{self.path.name}: {self.status} as import {self.import_id}: "
            f"{self.rows_read} projects read, {self.rows_stored} stored"
        )
        if self.overwritten:
            text += f", {len(self.overwritten)} registered earlier overwritten"
        if self.unregistered:
            text += (
                f"; {len(self.unregistered)} project(s) with client data are not in the register"
            )
        return text


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    """Register cells as text: one column per recognised field, the rows' positions."""

    cells: pd.DataFrame  # columns: fields, text values
    rows: np.ndarray  # row number shown in issues (spreadsheet row / TOML entry)
    columns: dict[str, str]  # field → column letter ('' for TOML)
    headers: dict[str, str]  # field → header text as written
    sheet: str | None
    layout: str
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: int = 1
    #: The indicator targets decoded from the target columns (code, indicator, target).
    targets: pd.DataFrame | None = None


def _find_header(cells: pd.DataFrame, max_scan: int = 30) -> int | None:
    """First row (0-based) where both a code and a name column are recognised."""
    return find_header_row(cells, header_field, lambda f: {"code", "name"} <= f, max_scan)


def _read_tabular(path: Path, sheet: str | None, report: ValidationReport) -> _Table | None:
    raw = readers.read_raw(path, sheet=sheet)
    where = {"file": path.name, "sheet": raw.sheet}
    cells = raw.cells
    hdr = _find_header(cells)
    if hdr is None:
        report.error(
            "column-missing",
            "no header row with a project code and a project name column was found "
            "(expected headers such as 'Hankekoodi' / 'Koodi' / 'Code' and 'Nimi' / "
            "'Name')",
            **where,
        )
        return None
    header, body, rows = split_at_header(cells, hdr, raw.row_offset)
    by_field: dict[str, int] = {}
    for pos, text in header.items():
        if not text:
            continue
        fname = header_field(text)
        if fname is None:
            if (body[pos] != "").any():
                report.warning(
                    "column-unused",
                    "column not recognised as a register field; it is not stored",
                    **where,
                    column=column_letter(int(pos)),
                    header=text,
                )
            continue
        if fname in by_field:
            first = by_field[fname]
            report.error(
                "column-ambiguous",
                f"this column and column {column_letter(first)} "
                f"({header[first]!r}) both mean {fname}; remove or rename one",
                **where,
                column=column_letter(int(pos)),
                header=text,
            )
            continue
        by_field[fname] = int(pos)
    frame = pd.DataFrame({f: body[p].to_numpy() for f, p in by_field.items()})
    return _Table(
        frame,
        rows,
        {f: column_letter(p) for f, p in by_field.items()},
        {f: header[p] for f, p in by_field.items()},
        raw.sheet,
        "register",
        raw.encoding,
        raw.delimiter,
        hdr + 1,
    )


def _toml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _read_toml(path: Path, report: ValidationReport) -> _Table | None:
    where = {"file": path.name}
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        report.error("file-unreadable", f"not a valid TOML file ({exc})", **where)
        return None
    entries = data.get("projects", data.get("project"))
    if isinstance(entries, dict):
        entries = [
            {"code": k, **v} if isinstance(v, dict) else {"code": k, "name": v}
            for k, v in entries.items()
        ]
    if not isinstance(entries, list) or not entries:
        report.error("file-empty", "the TOML file has no [[projects]] tables", **where)
        return None
    records = []
    headers: dict[str, str] = {}
    for k, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            report.error("file-unreadable", "a [[projects]] entry must be a table", **where, row=k)
            continue
        flat: dict[str, str] = {}
        for key, value in entry.items():
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, v in items:
                header = str(key) if sub is None else f"{key} {sub}"
                fname = header_field(header)
                if fname is None:
                    report.warning(
                        "column-unused",
                        "key not recognised as a register field; it is not stored",
                        **where,
                        row=k,
                        header=header,
                    )
                    continue
                if fname in flat:
                    report.error(
                        "column-ambiguous", f"two keys mean {fname}", **where, row=k, header=header
                    )
                    continue
                headers.setdefault(fname, header)
                flat[fname] = _toml_text(v)
        records.append(flat)
    frame = pd.DataFrame(records).fillna("")
    return _Table(
        frame,
        np.arange(1, len(frame) + 1),
        {f: "" for f in frame.columns},
        headers,
        None,
        "toml",
        "utf-8",
        None,
        0,
    )


def _is_toml(path: Path) -> bool:
    return path.suffix.lower() == ".toml"


# --------------------------------------------------------------------------- decoding


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written by people: ``1 234,5``, ``1.234,50 €``, ``12000 EUR``, ``3.5``.

    Returns (float values, NaN when empty; mask of non-empty cells that are not numbers).
    A comma is the decimal mark unless a dot follows it; with both marks the first one
    groups thousands.
    """
    s = values.astype(str).str.strip()
    t = s.str.replace(r"(?i)[\s\u00a0\u202f€]|eur(?:o[as]?)?$", "", regex=True)
    both = t.str.contains(",", regex=False) & t.str.contains(".", regex=False)
    comma_first = t.str.find(",") < t.str.find(".")
    t = t.where(~(both & comma_first), t.str.replace(",", "", regex=False))
    t = t.where(~(both & ~comma_first), t.str.replace(".", "", regex=False))
    t = t.str.replace(",", ".", regex=False).str.replace("\u2212", "-", regex=False)
    num = pd.to_numeric(t.where(t != "", None), errors="coerce").astype(float)
    bad = (s != "") & num.isna()
    return num, bad


#: Where an issue about a cell is: (row index, field) → file, sheet, row, column, header.
CellPosition = Callable[[int, str], dict]


def _decode_info(cells: pd.DataFrame, at: CellPosition, report: ValidationReport) -> pd.DataFrame:
    """The descriptive fields as stripped text; ``value-missing`` for an empty code or name,
    ``project-duplicate`` for a code given twice."""
    out = pd.DataFrame(index=range(len(cells)))
    for fname in INFO_FIELDS:
        out[fname] = cells[fname].astype(str).str.strip().to_numpy() if fname in cells else ""
    for req in REQUIRED:
        for idx in np.flatnonzero((out[req] == "").to_numpy()):
            report.error("value-missing", f"the project's {req} is empty", **at(idx, req))
    dup = out["code"].duplicated(keep=False) & (out["code"] != "")
    for idx in np.flatnonzero(dup.to_numpy()):
        report.error(
            "project-duplicate",
            f"project {out['code'].iloc[idx]!r} occurs more than once in the register",
            value=out["code"].iloc[idx],
            **at(idx, "code"),
        )
    return out


def _decode_dates(
    cells: pd.DataFrame, out: pd.DataFrame, at: CellPosition, report: ValidationReport
) -> None:
    """Start and end dates as ISO text (None when not given); ``date-invalid`` for a cell
    that is not a date and for an end before the start."""
    for fname in ("start_date", "end_date"):
        if fname not in cells:
            out[fname] = None
            continue
        iso, bad = parse_dates(cells[fname].reset_index(drop=True), slash_order="dmy")
        for idx in np.flatnonzero(bad.to_numpy()):
            report.error(
                "date-invalid",
                "not a date (expected e.g. 16.3.2024 or 2024-03-16)",
                value=cells[fname].iloc[idx],
                **at(idx, fname),
            )
        out[fname] = iso.to_numpy()
    both = out["start_date"].notna() & out["end_date"].notna()
    late = both & (out["start_date"].astype(str) > out["end_date"].astype(str))
    for idx in np.flatnonzero(late.to_numpy()):
        report.error(
            "date-invalid",
            "the end date is before the start date",
            value=cells["end_date"].iloc[idx],
            **at(idx, "end_date"),
        )


def _decode_numbers(
    cells: pd.DataFrame, out: pd.DataFrame, at: CellPosition, report: ValidationReport
) -> None:
    """The indicator figures as floats (NaN when not given); ``number-invalid`` for a cell
    that is not a number, ``value-out-of-range`` for a negative one."""
    for fname in NUMBER_FIELDS:
        if fname not in cells:
            out[fname] = np.nan
            continue
        num, bad = parse_numbers(cells[fname].reset_index(drop=True))
        for idx in np.flatnonzero(bad.to_numpy()):
            report.error(
                "number-invalid",
                "not a number (e.g. 120 or 1 234,50)",
                value=cells[fname].iloc[idx],
                **at(idx, fname),
            )
        for idx in np.flatnonzero((num < 0).to_numpy()):
            report.error(
                "value-out-of-range",
                "a register figure cannot be negative",
                value=cells[fname].iloc[idx],
                **at(idx, fname),
            )
        out[fname] = num.to_numpy()


def _check_women(out: pd.DataFrame, at: CellPosition, report: ValidationReport) -> None:
    """``value-out-of-range`` (warning): more women than participants, planned or realised."""
    for phase in ("planned", "realised"):
        w, p = out[f"{phase}_women"], out[f"{phase}_participants"]
        for idx in np.flatnonzero((w > p).to_numpy()):
            report.warning(
                "value-out-of-range",
                f"{phase} women ({w.iloc[idx]:g}) exceed {phase} participants ({p.iloc[idx]:g})",
                **at(idx, f"{phase}_women"),
            )


def _decode(table: _Table, name: str, report: ValidationReport) -> pd.DataFrame | None:
    """Validate and convert the text cells; issues go to ``report``."""
    where = {"file": name, "sheet": table.sheet}
    cells = table.cells

    def at(idx: int, fname: str) -> dict:
        return {
            **where,
            "row": int(table.rows[idx]),
            "column": table.columns.get(fname) or None,
            "header": table.headers.get(fname),
        }

    for req in REQUIRED:
        if req not in cells.columns:
            report.error(
                "column-missing",
                f"the register has no {req} column (e.g. "
                + (
                    "'Hankekoodi', 'Koodi' or 'Code'"
                    if req == "code"
                    else "'Nimi', 'Hankkeen nimi' or 'Name'"
                )
                + ")",
                **where,
            )
    if not report.ok:
        return None
    if len(cells) == 0:
        report.error("file-empty", "the register has a header but no projects", **where)
        return None
    out = _decode_info(cells, at, report)
    _decode_dates(cells, out, at, report)
    _decode_numbers(cells, out, at, report)
    _check_women(out, at, report)
    _decode_period(out, at, report)
    for fname in INFO_FIELDS[2:6]:
        out[fname] = out[fname].where(out[fname] != "", None)
    out["source_row"] = table.rows
    table.targets = _decode_targets(cells, out, at, report)
    return out


def _decode_period(out: pd.DataFrame, at: CellPosition, report: ValidationReport) -> None:
    """The programme period as ``2007-2013``, ``2014-2020`` or ``2021-2027`` (None when not
    given); ``value-out-of-range`` for another one."""
    from evaltool.indicators.esf.definitions import PERIODS, normalise_period

    text = out["period"]
    period = text.map(normalise_period)
    for idx in np.flatnonzero(((text != "") & period.isna()).to_numpy()):
        report.error(
            "value-out-of-range",
            "the programme period is one of " + ", ".join(PERIODS),
            value=text.iloc[idx],
            **at(idx, "period"),
        )
    out["period"] = period.where(period.notna(), None)


def _decode_targets(
    cells: pd.DataFrame, out: pd.DataFrame, at: CellPosition, report: ValidationReport
) -> pd.DataFrame:
    """The indicator targets (columns code, indicator, target; empty cells left out);
    ``number-invalid`` / ``value-out-of-range`` as for the figures, ``column-unused`` (a
    warning) for a code that is not a known indicator."""
    from evaltool.indicators.esf.definitions import codes

    known = set(codes())
    parts = []
    for fname in [c for c in cells.columns if c.startswith(TARGET_PREFIX)]:
        indicator = fname[len(TARGET_PREFIX) :]
        if indicator not in known:
            report.warning(
                "column-unused",
                f"{indicator} is not an ESF common indicator evaltool computes; not stored",
                **{**at(0, fname), "row": None},
            )
            continue
        num, bad = parse_numbers(cells[fname].reset_index(drop=True))
        for idx in np.flatnonzero((bad | (num < 0)).to_numpy()):
            report.error(
                "number-invalid" if bad.iloc[idx] else "value-out-of-range",
                "a target is a number of participants, 0 or more",
                value=cells[fname].iloc[idx],
                **at(idx, fname),
            )
        keep = num.notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "code": out["code"].to_numpy()[keep],
                    "indicator": indicator,
                    "target": num.to_numpy()[keep],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["code", "indicator", "target"])
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- import


@dataclass
class RegisterFile:
    """A checked register: its cells as read and the decoded rows to store."""

    table: _Table
    frame: pd.DataFrame


class RegisterImport(ImportPlan):
    """The register import as :func:`~evaltool.imports.skeleton.run_import` runs it."""

    kind = "projects"
    result_type = RegisterFileResult

    def __init__(self, replace: bool = False, sheet: str | None = None):
        self.replace = replace
        self.sheet = sheet
        #: Codes registered from another file that this one overwrites (``replace``).
        self.overwritten: list[str] = []

    def scope(self, path: Path) -> str:
        return "register"

    def prepare(
        self, source: Source, raw: Future | None, report: ValidationReport
    ) -> Prepared | None:
        """Read the TOML or tabular register and decode it (None when it cannot be)."""
        path = source.path
        if _is_toml(path):
            table = _read_toml(path, report)
        else:
            try:
                table = _read_tabular(path, self.sheet, report)
            except readers.ReadError as exc:
                report.error(exc.code, str(exc), file=path.name, sheet=exc.sheet)
                table = None
        frame = _decode(table, path.name, report) if table is not None and report.ok else None
        if frame is None:
            return None
        record = {
            "sheet": table.sheet,
            "layout": table.layout,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "header_rows": table.header_rows,
            "rows_read": len(frame),
            "rows_stored": len(frame),
            "rows_rejected": 0,
            "options": {"replace": str(self.replace), "sheet": self.sheet},
        }
        return Prepared(source, record, RegisterFile(table, frame))

    def check_together(
        self, ws: Workspace, prepared: list[Prepared], report: ValidationReport
    ) -> None:
        """``project-duplicate``: a code already registered from another file (an error
        unless ``replace``, which overwrites it)."""
        if not prepared or not report.ok:
            return
        [prep] = prepared
        file: RegisterFile = prep.content
        stored = ws.register_codes()
        if prep.source.existing is not None:
            stored = stored[stored["import_id"] != prep.source.existing]
        clash = file.frame.merge(stored, on="code", how="inner")
        if not self.replace:
            for r in clash.itertuples(index=False):
                report.error(
                    IssueCode.PROJECT_DUPLICATE,
                    f"project {r.code!r} is already registered from {r.source_name} "
                    f"(import {r.import_id}); use --replace to overwrite it",
                    file=prep.source.path.name,
                    sheet=file.table.sheet,
                    row=int(r.source_row),
                    column=file.table.columns.get("code") or None,
                    value=r.code,
                )
        self.overwritten = sorted(clash["code"])

    def begin(self, ws: Workspace) -> None:
        """Delete the overwritten projects, and the register imports they leave without a
        project, before the new import is recorded (so it cannot be one of them)."""
        if self.overwritten:
            ws.delete_register_codes(self.overwritten)

    def store(self, ws: Workspace, prepared: Prepared, import_id: int) -> None:
        file: RegisterFile = prepared.content
        ws.insert_register_rows(import_id, file.frame[REGISTER_COLUMNS])
        targets = file.table.targets
        if targets is not None and len(targets):
            ws.insert_targets(targets)

    def result(self, prepared: Prepared, import_id: int, status: str) -> RegisterFileResult:
        file: RegisterFile = prepared.content
        return RegisterFileResult(
            prepared.source.path,
            import_id,
            status,
            rows_read=len(file.frame),
            rows_stored=len(file.frame),
            layout=file.table.layout,
            overwritten=list(self.overwritten),
        )


def import_projects(
    ws: Workspace, path: str | Path, replace: bool = False, sheet: str | None = None
) -> ImportResult:
    """Import the ESR project register from ``path`` (xlsx / xls / ods / csv / TOML).

    Re-importing the same file is a no-op unless ``replace``; a project code already
    registered from another file is an error unless ``replace``, which then overwrites it.

    Parameters
    ----------
    ws
        The workspace.
    path
        The register file.
    replace
        Import the file again if it was imported before, and overwrite projects registered
        from another file.
    sheet
        The sheet to read.

    Returns
    -------
    ImportResult
        One :class:`RegisterFileResult` (``imported``, ``replaced`` or ``unchanged``; its
        ``overwritten`` and ``unregistered`` are read through the result) and the report,
        with a ``project-unregistered`` warning for each client project missing from the
        register.

    Raises
    ------
    ImportFailed
        Carrying the validation report when the file has an error (nothing is stored).
    UserError
        When the file does not exist or cannot be opened.
    """
    path = Path(path)
    try:
        with path.open("rb"):
            pass
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file ({exc})") from None
    result = run_import(ws, RegisterImport(replace, sheet), [path])
    file: RegisterFileResult = result.file
    file.unregistered = check_registered(ws, ws.projects_seen(), result.report)
    if file.status != "unchanged":
        file.message = file.summary()
    return result


# --------------------------------------------------------------------------- queries


def project_register(ws: Workspace) -> pd.DataFrame:
    """The register, one row per project (columns :data:`REGISTER_COLUMNS`), by code."""
    return ws.project_register()[REGISTER_COLUMNS]


def register_lookup(register: pd.DataFrame, projects: list[str]) -> dict[str, str | None]:
    """Client project label → register code; a label matches a code or a project name
    (case and spacing ignored), codes first. Unmatched labels map to None."""
    by_code = {fold(c): c for c in register["code"]}
    by_name: dict[str, str] = {}
    for code, name in zip(register["code"], register["name"], strict=True):
        by_name.setdefault(fold(name), code)
    return {p: by_code.get(fold(p), by_name.get(fold(p))) for p in projects}


def unregistered_projects(ws: Workspace, projects: list[str] | None = None) -> list[str]:
    """Client projects (default: all in the workspace) absent from a non-empty register."""
    register = project_register(ws)
    if register.empty:
        return []
    projects = ws.projects_seen() if projects is None else projects
    return sorted(p for p, code in register_lookup(register, projects).items() if code is None)


def check_registered(
    ws: Workspace, projects: list[str], report: ValidationReport, file: str | None = None
) -> list[str]:
    """Add a ``project-unregistered`` warning to ``report`` for each project in ``projects``
    that the (non-empty) register lacks; returns those projects."""
    missing = unregistered_projects(ws, sorted(set(projects)))
    for p in missing:
        report.warning(
            "project-unregistered",
            f"project {p!r} has client data but is not in the ESR project register",
            file=file,
            value=p,
        )
    return missing

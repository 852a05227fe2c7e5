"""ESF+ participant records (EURA 2021 style): one row per participant and project.

A participant file (xlsx, xls, ods, csv, txt) has one header row (title rows above it are
skipped) with Finnish, Swedish or English headers (:data:`evaltool.mapping.participants.
HEADER_PATTERNS`): project, participant id, start and end date, gender, birth year or age at
entry, labour-market status at entry (long-term unemployed and in education or training
either as statuses or as yes/no columns), highest education (ISCED 0–8 or a Finnish,
Swedish or English label), the voluntary sensitive characteristics (disability,
third-country national, foreign background, minority), the status on leaving, a gained
qualification, and the optional follow-up six months after leaving.

The participant id is stored as the same keyed pseudonym as a client's id in the same
project (:meth:`Workspace.pseudonyms` of the id's key, :func:`evaltool.mapping.ids.
normalise_ids`), so a participant links to their questionnaires. The project is written as
in the client imports where it can be: a project code or name of the register that client
data are stored under is replaced by that label (:func:`client_label`); pseudonyms depend on
it, so import the client questionnaires first (or use the same project names in both).

The import is the shared skeleton (:func:`evaltool.imports.skeleton.run_import`): the file
is validated first (:mod:`evaltool.validate.participants`; errors name file, sheet, row and
column; nothing is stored when there is one), stored in one transaction and recorded with
its SHA-256; importing the same file again changes nothing, ``replace=True`` imports it
again (and a corrected file under the same name replaces the earlier one). Sensitive
characteristics are stored apart from the records.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
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
from evaltool.mapping.ids import normalise_ids
from evaltool.mapping.participants import (
    REQUIRED,
    SENSITIVE,
    decode_column,
    participant_field,
)
from evaltool.read.cells import find_header_row, split_at_header
from evaltool.read.dates import parse_dates
from evaltool.store.participants import PARTICIPANT_COLUMNS, SENSITIVE_COLUMNS
from evaltool.store.workspace import Workspace
from evaltool.text import column_letter, fold
from evaltool.validate.participants import Records, check_already_stored, run_checks

#: Rows searched for the header row.
HEADER_SCAN = 30


@dataclass
class ParticipantFileResult(FileResult):
    """What a participant import did with its file: ``leavers`` among the records."""

    leavers: int = 0

    def summary(self) -> str:
        if self.status == "unchanged":
            return self.message
        return (
            f"{self.path.name}: {self.status} as import {self.import_id}: "
            f"{self.rows_stored} participants stored ({self.leavers} have left)"
        )


@dataclass
class _Cells:
    cells: pd.DataFrame  # field → text
    rows: np.ndarray
    columns: dict[str, str]
    headers: dict[str, str]
    raw: readers.RawTable
    header_rows: int


def _find_header(cells: pd.DataFrame) -> int | None:
    """First row with a participant id column and at least two other fields."""
    return find_header_row(
        cells,
        participant_field,
        lambda fields: "participant" in fields and len(fields - {None}) >= 3,
        HEADER_SCAN,
    )


def read_cells(path: Path, sheet: str | None, report: ValidationReport) -> _Cells | None:
    """The file's cells as text, one column per recognised field (None: no header)."""
    raw = readers.read_raw(path, sheet=sheet)
    where = {"file": path.name, "sheet": raw.sheet}
    cells = raw.cells
    hdr = _find_header(cells)
    if hdr is None:
        report.error(
            IssueCode.COLUMN_MISSING,
            "no header row with a participant id column was found (expected headers such as "
            "'Osallistujatunnus' / 'Participant id', 'Aloituspäivä' / 'Start date', "
            "'Työmarkkina-asema' / 'Labour market status')",
            **where,
        )
        return None
    header, body, rows = split_at_header(cells, hdr, raw.row_offset)
    by_field: dict[str, int] = {}
    for pos, text in header.items():
        if not text:
            continue
        fname = participant_field(text)
        where_col = {**where, "column": column_letter(int(pos)), "header": text}
        if fname is None:
            report.warning(
                IssueCode.COLUMN_UNUSED,
                "column not recognised as a participant field; it is not stored",
                **where_col,
            )
        elif fname in by_field:
            report.error(
                IssueCode.COLUMN_AMBIGUOUS,
                f"this column and column {column_letter(by_field[fname])} both mean {fname}",
                **where_col,
            )
        else:
            by_field[fname] = int(pos)
    frame = pd.DataFrame({f: body[p].to_numpy(dtype=object) for f, p in by_field.items()})
    return _Cells(
        frame,
        rows,
        {f: column_letter(p) for f, p in by_field.items()},
        {f: str(header[p]) for f, p in by_field.items()},
        raw,
        hdr + 1,
    )


def _text(cells: pd.DataFrame, fname: str) -> pd.Series:
    if fname in cells:
        return cells[fname].astype(str).str.strip().reset_index(drop=True)
    return pd.Series([""] * len(cells), dtype=object)


def _whole_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    num = pd.to_numeric(
        text.str.replace(",", ".", regex=False).where(text != "", None), errors="coerce"
    )
    bad = ((text != "") & num.isna()) | (num.notna() & (num != np.floor(num)))
    return num.to_numpy(dtype=float), bad.to_numpy()


def decode_cells(c: _Cells, name: str, project: str | None) -> Records:
    """The records of a file's cells: ids and their keys, dates (ISO), codes; what could not
    be decoded is noted for the checks in ``Records.extra``."""
    cells = c.cells
    n = len(cells)
    f = pd.DataFrame(index=range(n))
    f["project"] = (
        pd.Series([project] * n, dtype=object) if project is not None else _text(cells, "project")
    )
    f["source_id"] = _text(cells, "participant")
    f["id_key"], _ = normalise_ids(f["source_id"])
    extra: dict = {"unknown": {}}
    for fname in ("start_date", "end_date"):
        iso, bad = parse_dates(_text(cells, fname), slash_order="dmy")
        f[fname] = iso.to_numpy(dtype=object)
        extra[f"{fname}_bad"] = bad.to_numpy()
    f["birth_year"], extra["birth_year_bad"] = _whole_numbers(_text(cells, "birth_year"))
    f["age_given"], extra["age_bad"] = _whole_numbers(_text(cells, "age"))
    start_year = pd.to_numeric(f["start_date"].astype(str).str[:4], errors="coerce")
    f["age"] = np.where(np.isfinite(f["age_given"]), f["age_given"], start_year - f["birth_year"])
    gender, extra["unknown"]["gender"] = decode_column(_text(cells, "gender"), "gender")
    f["gender"] = np.where(pd.isna(gender), "unknown", gender)
    entry, extra["unknown"]["status_entry"] = decode_column(_text(cells, "status_entry"), "entry")
    f["status_entry"] = [e[0] if e is not None else None for e in entry]
    for col, k in (("long_term_unemployed", 1), ("in_education", 2)):
        from_status = np.array([bool(e[k]) if e is not None else False for e in entry])
        given, extra["unknown"][col] = decode_column(_text(cells, col), "yes_no")
        f[col] = np.where(from_status, True, np.where(pd.isna(given), False, given)).astype(bool)
    f["isced"], extra["unknown"]["isced"] = decode_column(_text(cells, "isced"), "isced")
    for col, kind in (("status_leaving", "leaving"), ("status_6m", "leaving")):
        f[col], extra["unknown"][col] = decode_column(_text(cells, col), kind)
    for col in ("qualification", "improved_6m", *SENSITIVE):
        f[col], extra["unknown"][col] = decode_column(_text(cells, col), "yes_no")
    f["source_row"] = c.rows
    return Records(
        name,
        c.raw.sheet,
        f,
        cells.reset_index(drop=True),
        c.columns,
        c.headers,
        option_project=project is not None,
        extra=extra,
    )


def client_label(ws: Workspace, labels: list[str]) -> dict[str, str]:
    """Participant project label → the label client data of that project are stored under.

    A label that is a client project (case and spacing ignored) maps to it; a register
    code or name maps to the one client label of the same registered project; any other
    label stays as written.
    """
    from evaltool.imports.register import project_register, register_lookup

    seen = ws.projects_seen()
    by_fold = {fold(s): s for s in seen}
    register = project_register(ws)
    out = {}
    client_codes = register_lookup(register, seen) if len(register) else {}
    codes = register_lookup(register, labels) if len(register) else {}
    for lab in labels:
        if fold(lab) in by_fold:
            out[lab] = by_fold[fold(lab)]
            continue
        code = codes.get(lab)
        same = [s for s, c in client_codes.items() if code is not None and c == code]
        out[lab] = same[0] if len(same) == 1 else lab
    return out


class ParticipantImport(ImportPlan):
    """The participant import as :func:`~evaltool.imports.skeleton.run_import` runs it."""

    kind = "participants"
    replace_by_name = True
    result_type = ParticipantFileResult

    def __init__(self, project: str | None = None, sheet: str | None = None, replace: bool = False):
        self.project = project
        self.sheet = sheet
        self.replace = replace

    def scope(self, path: Path) -> str:
        return f"project={self.project}" if self.project else "participants"

    def prepare(
        self, source: Source, raw: Future | None, report: ValidationReport
    ) -> Prepared | None:
        path = source.path
        try:
            cells = read_cells(path, self.sheet, report)
        except readers.ReadError as exc:
            report.error(exc.code, str(exc), file=path.name, sheet=exc.sheet)
            return None
        if cells is None or not report.ok:
            return None
        where = {"file": path.name, "sheet": cells.raw.sheet}
        required = [r for r in REQUIRED if r not in cells.columns]
        if self.project is None and "project" not in cells.columns:
            required.insert(0, "project")
        for fname in required:
            hint = " (or give --project)" if fname == "project" else ""
            report.error(IssueCode.COLUMN_MISSING, f"the file has no {fname} column{hint}", **where)
        if required:
            return None
        if len(cells.cells) == 0:
            report.error(IssueCode.FILE_EMPTY, "the file has a header but no participants", **where)
            return None
        rec = decode_cells(cells, path.name, self.project)
        run_checks(rec, report)
        if not report.ok:
            return None
        record = {
            "sheet": cells.raw.sheet,
            "layout": "participants",
            "encoding": cells.raw.encoding,
            "delimiter": cells.raw.delimiter,
            "header_rows": cells.header_rows,
            "rows_read": len(rec.frame),
            "rows_stored": len(rec.frame),
            "rows_rejected": 0,
            "options": {"project": self.project, "sheet": self.sheet, "replace": self.replace},
        }
        return Prepared(source, record, rec)

    def check_together(
        self, ws: Workspace, prepared: list[Prepared], report: ValidationReport
    ) -> None:
        """Project labels as in the client data, pseudonyms, participants stored from
        another import (errors) and projects missing from the register (warnings)."""
        if not prepared or not report.ok:
            return
        from evaltool.imports.register import check_registered

        for prep in prepared:
            rec: Records = prep.content
            f = rec.frame
            labels = client_label(ws, sorted(f["project"].unique()))
            f["project"] = f["project"].map(labels)
            f["participant"] = ws.pseudonyms(f["project"].tolist(), f["id_key"].tolist())
            stored = ws.existing_participants(
                f[["project", "participant"]],
                exclude_import=prep.source.existing if self.replace else None,
            )
            check_already_stored(rec, stored, report)
            if report.ok:
                check_registered(ws, sorted(set(f["project"])), report, file=rec.name)

    def store(self, ws: Workspace, prepared: Prepared, import_id: int) -> None:
        f = prepared.content.frame
        records = f[[*PARTICIPANT_COLUMNS, "source_row"]].copy()
        records["age"] = pd.array(
            np.where(np.isfinite(f["age"].to_numpy(float)), f["age"], np.nan), dtype="Float64"
        ).astype("Int64")
        records["birth_year"] = pd.array(f["birth_year"], dtype="Float64").astype("Int64")
        ws.store_participants(import_id, records, f[SENSITIVE_COLUMNS])

    def result(self, prepared: Prepared, import_id: int, status: str) -> ParticipantFileResult:
        f = prepared.content.frame
        return ParticipantFileResult(
            prepared.source.path,
            import_id,
            status,
            rows_read=len(f),
            rows_stored=len(f),
            layout="participants",
            leavers=int(f["end_date"].notna().sum()),
        )


def import_participants(
    ws: Workspace,
    path: str | Path,
    *,
    project: str | None = None,
    sheet: str | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import ESF+ participant records from ``path`` (xlsx / xls / ods / csv / txt).

    Parameters
    ----------
    ws
        The workspace.
    path
        The participant file.
    project
        The project of every record (when the file has no project column).
    sheet
        The sheet to read.
    replace
        Import the file again if it was imported before; a corrected file under the same
        name replaces the earlier import.

    Returns
    -------
    ImportResult
        One :class:`ParticipantFileResult` (``imported``, ``replaced`` or ``unchanged``) and
        the report (its warnings).

    Raises
    ------
    ImportFailed
        Carrying the validation report when the file has an error (nothing is stored).
    UserError
        When the file does not exist or cannot be opened.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if project is not None and not str(project).strip():
        raise UserError("--project is empty")
    plan = ParticipantImport(project.strip() if project else None, sheet, replace)
    return run_import(ws, plan, [path])

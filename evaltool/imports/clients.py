"""Client questionnaire import: files → validated, scored responses in the workspace.

Pipeline per file: :func:`readers.read_raw` → :func:`layouts.recognise` → place columns on
items and fields (:func:`layouts.place`: mapping file, codes, labels, grid positions) → decode
labels (:func:`instruments.decode_items`) and background / multi-select / open answers
(:func:`layouts.decode_fields`) → validate → score. All files of one call are stored in
one transaction, only when no file has an error; otherwise nothing is written and the
validation report lists every problem with file, sheet, row and column.

Respondents are linked across files and waves by project and id; an id that is a whole
number is compared as that number (``007``, ``7``, ``1001.0`` and ``1001,00`` are one client,
see :func:`normalise_ids`), any other id exactly as written (surrounding spaces dropped).
"""

from __future__ import annotations

import gc
import os
import re
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool import layouts
from evaltool import read as readers
from evaltool.errors import ImportFailed, UserError
from evaltool.instruments import (
    REASON_LETTERS,
    Instrument,
    decode_items,
    load_instrument,
    score,
)
from evaltool.issues import ValidationReport
from evaltool.read.dates import parse_dates
from evaltool.store.workspace import Workspace
from evaltool.text import column_letter

#: Background questions recognised in any client file (header patterns, normalised text).
BACKGROUND_FIELDS: dict[str, str] = {
    "gender": r"(?:\d+[.)]?\s*)?(?:sukupuoli|kön|gender|sex)",
    "age_group": r"(?:\d+[.)]?\s*)?(?:ikä|ikäryhmä|ålder|åldersgrupp|age|age group)",
    "education": r"(?:\d+[.)]?\s*)?(?:koulutus|koulutustaso|ylin koulutus|utbildning|education)",
    "unemployment_duration": r"(?:\d+[.)]?\s*)?(?:työttömyyden kesto|työttömyys|"
                             r"arbetslöshetens längd|unemployment duration|unemployment)",
    "service_type": r"(?:\d+[.)]?\s*)?(?:palvelu|palvelumuoto|tukimuoto|toimenpide|"
                    r"palvelun muoto|tjänst|service|service type)",
}


@dataclass
class Mapping:
    """A mapping file: column header → item, field or option, and organisation aliases.

    TOML (``evaltool inspect FILE --write-mapping map.toml`` writes one to start from)::

        dont_know = ["Ei kantaa"]   # extra answers that mean "don't know"
        [options]          # optional defaults for import options
        layout = "webropol"
        id_column = "Asiakasnumero"
        date_column = "Vastausaika"
        [columns]          # header text, tool code or column letter → target
        "Millaiseksi arvioitte elämänlaatunne?" = "q1"
        "Sukupuolesi" = "gender"            # a field of the instrument
        "Tavoitteet [Päivärytmi]" = "goals:routine"   # one option of a multi-select
        "Muuta palautetta" = "skip"
        [aliases]          # partner surveys: name variants merged to one organisation
        "TE toimisto" = "TE-toimisto"
    """

    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    dont_know: list[str] = field(default_factory=list)


def load_mapping(path: str | Path | None) -> Mapping:
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"mapping file {path}: no such file")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"mapping file {path}: not valid TOML ({exc})")
    for key in ("columns", "options", "aliases"):
        if key in data and not isinstance(data[key], dict):
            raise UserError(f"mapping file {path}: [{key}] must be a table")
    return Mapping(columns={str(k): str(v) for k, v in data.get("columns", {}).items()},
                   options={str(k): str(v) for k, v in data.get("options", {}).items()},
                   aliases={str(k): str(v) for k, v in data.get("aliases", {}).items()},
                   dont_know=[str(v) for v in data.get("dont_know", [])])


@dataclass
class ClientImportOptions:
    instrument: str | Path = "whoqol-bref"
    project: str | None = None
    project_column: str | None = None
    wave: int | str | None = None
    wave_column: str | None = None
    id_column: str | None = None
    date_column: str | None = None
    sheet: str | None = None
    mapping: str | Path | None = None
    rule: str | None = None
    layout: str | None = None
    replace: bool = False
    complete_only: bool = False


@dataclass
class FileResult:
    path: Path
    import_id: int | None
    status: str  # "imported", "replaced", "unchanged"
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    discarded: int = 0
    layout: str = ""
    message: str = ""
    #: What the importer found: layout, encoding, delimiter, header_rows, item_columns
    #: (item code → column letter), fields (field → column letters); see :meth:`describe`.
    details: dict = field(default_factory=dict)

    def describe(self) -> str:
        """One line: layout, encoding, delimiter, header rows and item columns found."""
        return layouts.describe_found(self.details) if self.details else ""


@dataclass
class ImportResult:
    files: list[FileResult]
    report: ValidationReport


@dataclass
class _Prepared:
    path: Path
    sha256: str
    size: int
    tidy: layouts.Tidy
    scope: str
    frame: pd.DataFrame
    values: np.ndarray
    fields: pd.DataFrame
    warnings: list[dict]
    existing: int | None
    rows_rejected: int
    id_letter: str | None = None
    id_header: str | None = None
    placement: layouts.Placement | None = None


def _wave_key(wave: int | str) -> str:
    """The wave as written in an import's scope: ``1``, ``01``, ``1.0`` and ``1,0`` are 1."""
    text = str(wave).strip()
    try:
        num = float(text.replace(",", "."))
    except ValueError:
        return text
    return str(int(num)) if num.is_integer() else text


def _scope(opts: ClientImportOptions, instrument: Instrument) -> str:
    proj = (f"project={str(opts.project).strip()}" if opts.project
            else f"project-column={opts.project_column}")
    wave = (f"wave={_wave_key(opts.wave)}" if opts.wave is not None
            else f"wave-column={opts.wave_column}")
    return f"{instrument.name};{proj};{wave};sheet={opts.sheet or ''}"


def _column(tidy: layouts.Tidy, name: str, what: str, report: ValidationReport, where: dict,
            code: str) -> int | None:
    pos = tidy.column_by_header(name)
    if pos is None:
        report.error(code, f"the {what} column {name!r} is not in the file; columns: "
                     + ", ".join(repr(h) for h in list(tidy.headers.values())[:30]), **where)
    return pos


@dataclass
class _Plan:
    """What is known of a file before it is read: digest, size, scope and the earlier
    import it repeats or replaces (None: a new file)."""

    sha256: str
    size: int
    scope: str
    existing: int | None

    def reads(self, opts: ClientImportOptions) -> bool:
        """Will the file be read? (An unchanged re-import without --replace is not.)"""
        return self.existing is None or opts.replace


def _plan(ws: Workspace, path: Path, instrument: Instrument,
          opts: ClientImportOptions) -> _Plan:
    """Digest the file and look up an earlier import of it; raises OSError."""
    sha, size = readers.file_digest(path)
    scope = _scope(opts, instrument)
    existing = ws.find_import("clients", sha, scope)
    if existing is None and opts.replace:
        # A corrected file under the same name replaces the earlier import of that name.
        existing = ws.find_import_by_name("clients", path.name, scope)
    return _Plan(sha, size, scope, existing)


def prepare_file(ws: Workspace, path: Path, instrument: Instrument, opts: ClientImportOptions,
                 mapping: Mapping, report: ValidationReport, plan: _Plan | None = None,
                 raw: Future | None = None) -> _Prepared | None:
    """Read, recognise, decode, validate and score one file; problems go to ``report``.

    ``plan`` is the file's :func:`_plan` when already made; ``raw`` a future of its
    :func:`readers.read_raw` when it is being read in the background.
    """
    name = path.name
    where = {"file": name}
    if plan is None:
        try:
            plan = _plan(ws, path, instrument, opts)
        except OSError as exc:
            report.error("file-unreadable", f"cannot read the file ({exc})", **where)
            return None
    sha, size, scope, existing = plan.sha256, plan.size, plan.scope, plan.existing
    if not plan.reads(opts):
        return _Prepared(path, sha, size, None, scope, pd.DataFrame(), np.empty((0, 0)),
                         pd.DataFrame(), [], existing, 0)
    try:
        raw = raw.result() if raw is not None else readers.read_raw(path, sheet=opts.sheet)
        tidy = layouts.recognise(raw, opts.layout or mapping.options.get("layout"))
    except readers.ReadError as exc:
        report.error(exc.code, _without_name(str(exc), name), file=name, sheet=exc.sheet)
        return None
    except layouts.LayoutError as exc:
        report.error(getattr(exc, "code", "layout-ambiguous"), _without_name(str(exc), name),
                     **where)
        return None
    where = {"file": name, "sheet": tidy.raw.sheet}
    other = _other_sheets_hint(tidy.raw) if opts.sheet is None else ""
    if tidy.n_respondents == 0:
        report.error("file-empty", "the file has a header but no respondents" + other, **where)
        return None
    data = tidy.data
    n = len(data)
    rows = tidy.rows
    used: set[int] = set()

    def cell_where(idx: int, pos: int) -> dict:
        return {**where, "row": int(rows[idx]), "column": column_letter(pos),
                "header": tidy.headers.get(pos)}

    # --- respondent id
    id_name = opts.id_column or mapping.options.get("id_column")
    if id_name:
        id_pos = _column(tidy, id_name, "id", report, where, "id-column-missing")
    else:
        id_pos = tidy.metadata.get("respondent_id")
        if id_pos is None:
            report.error("id-column-missing",
                         "no respondent id column found (looked for headers such as 'id', "
                         "'Asiakasnumero', 'Vastaajatunnus'); name it with --id-column"
                         + other, **where)
    if id_pos is None:
        return None
    used.add(id_pos)
    ids = data[id_pos].astype(str).str.strip()
    id_keys, id_changed = normalise_ids(ids)
    for idx in np.flatnonzero((ids == "").to_numpy()):
        report.error("id-missing", "the response has no respondent id", **cell_where(idx, id_pos))

    # --- project
    if opts.project is not None:
        if not str(opts.project).strip():
            report.error("project-missing", "--project is empty", **where)
            return None
        project = pd.Series(np.full(n, str(opts.project).strip(), dtype=object))
    else:
        ppos = _column(tidy, opts.project_column or "", "project", report, where,
                       "project-missing")
        if ppos is None:
            return None
        used.add(ppos)
        project = data[ppos].astype(str).str.strip()
        for idx in np.flatnonzero((project == "").to_numpy()):
            report.error("project-missing", "the response has no project",
                         **cell_where(idx, ppos))

    # --- wave
    if opts.wave is not None:
        one = pd.to_numeric(pd.Series([str(opts.wave).strip().replace(",", ".")]),
                            errors="coerce").iloc[0]
        if pd.isna(one) or one < 1 or one != np.floor(one):
            report.error("wave-invalid", f"--wave must be a whole number ≥ 1, not "
                         f"{opts.wave!r}", **where)
            return None
        wtext = pd.Series(np.full(n, str(opts.wave).strip(), dtype=object))
        wave_num = pd.Series(np.full(n, float(one)))
        wpos = None
    else:
        wpos = _column(tidy, opts.wave_column or "", "wave", report, where, "wave-missing")
        if wpos is None:
            return None
        used.add(wpos)
        wtext = data[wpos].astype(str).str.strip()
        wave_num = pd.to_numeric(wtext.str.replace(",", ".", regex=False), errors="coerce")
    bad_wave = wave_num.isna() | (wave_num < 1) | (wave_num != np.floor(wave_num))
    for idx in np.flatnonzero(bad_wave.to_numpy()):
        code = "wave-missing" if wtext.iloc[idx] == "" else "wave-invalid"
        report.error(code, "the wave must be a whole number ≥ 1 (1 = entry, 2 = mid-point, …)",
                     value=wtext.iloc[idx], **cell_where(idx, wpos))
    wave = wave_num.fillna(0).astype(int)

    # --- date
    date_name = opts.date_column or mapping.options.get("date_column")
    dates = pd.Series([None] * n, dtype=object)
    dpos = None
    if date_name:
        dpos = _column(tidy, date_name, "date", report, where, "date-invalid")
    elif "date" in tidy.metadata:
        dpos = tidy.metadata["date"]
    elif "timestamp" in tidy.metadata:
        dpos = tidy.metadata["timestamp"]
    if dpos is not None:
        used.add(dpos)
        dates, bad = parse_dates(data[dpos])
        for idx in np.flatnonzero(bad.to_numpy()):
            report.error("date-invalid", "not a date (expected e.g. 16.3.2024 or 2024-03-16)",
                         value=data[dpos].iloc[idx], **cell_where(idx, dpos))

    # --- metadata columns that are not used (direct identifiers are never stored)
    for role, pos in tidy.metadata.items():
        if role in layouts.DIRECT_IDENTIFIERS or role in ("timestamp", "respondent_id"):
            used.add(pos)
    for pos, role in tidy.meta_columns.items():
        if role in layouts.TOOL_ROLES:
            used.add(pos)

    # --- rows of a text file with more fields than the header (an unquoted delimiter)
    check_row_widths(tidy, report, where)

    # --- items and fields of the instrument (mapping file, codes, labels, grid positions)
    placement = layouts.place(tidy, instrument, mapping.columns, exclude=used,
                              patterns=BACKGROUND_FIELDS)
    for msg in placement.problems:
        report.error("mapping-invalid", msg, **where)
    for msg in placement.warnings:
        report.warning("mapping-invalid", msg, **where)
    field_frame, field_problems = layouts.decode_fields(tidy, placement, instrument,
                                                        mapping.dont_know)
    for idx, pos, value, msg in field_problems[:1000]:
        report.warning("unknown-label", msg, value=value, **cell_where(idx, pos))
    used.update(placement.fields, placement.options, placement.skipped)

    fields = field_frame

    # --- items
    columns = placement.items
    if not columns:
        looks = ", ".join(f"{column_letter(p)} ({tidy.headers.get(p)!r})"
                          for p in placement.item_like[:10])
        report.error("no-items",
                     f"no column matches an item of {instrument.name} (layout {tidy.layout}; "
                     f"expected headers such as {instrument.item_codes[0]} … "
                     f"{instrument.item_codes[-1]}, '1.', 'k1', the item labels or a grid of "
                     "statements"
                     + (f"; columns with answers that could not be placed: {looks}"
                        if looks else "")
                     + "); give a --mapping file (evaltool inspect FILE --write-mapping "
                     "map.toml writes one to edit), or --layout if the layout was recognised "
                     "wrongly" + other, **where)
        return None
    if placement.item_like and placement.missing_items:
        for pos in placement.item_like:
            report.error("items-unplaced",
                         f"this column holds answers on the {instrument.name} scale but could "
                         f"not be placed on an item (unplaced items: "
                         f"{', '.join(placement.missing_items)}); name its item in a --mapping "
                         "file (evaltool inspect FILE --write-mapping map.toml writes one to "
                         "edit)", **{**where, "column": column_letter(pos),
                                      "header": tidy.headers.get(pos)})
    used.update(columns)
    beyond = [pos for pos, header in tidy.headers.items()
              if pos not in used and (m := _BARE_CODE.fullmatch(str(header).strip()))
              and int(m.group(1)) > len(instrument.items) and (data[pos] != "").any()]
    if len(beyond) >= 3 and not mapping.columns:
        report.error("items-unplaced",
                     f"the file has {len(beyond)} more numbered question columns "
                     f"({', '.join(tidy.headers[p] for p in beyond[:6])}"
                     f"{' …' if len(beyond) > 6 else ''}) than {instrument.name} has items "
                     f"({len(instrument.items)}): it looks like another instrument; check "
                     "--instrument, or give a --mapping file naming the columns to use",
                     **where)
    decoded = decode_items(data, columns, instrument, tidy.value_labels, tidy.missing_codes,
                           dont_know=mapping.dont_know)
    for prob in decoded.problems[:1000]:
        report.error(prob.code, prob.message, value=prob.value,
                     **cell_where(prob.index, prob.column))
    if len(decoded.problems) > 1000:
        report.error(decoded.problems[0].code,
                     f"{len(decoded.problems) - 1000} more values could not be decoded", **where)
    missing_items = [c for c in instrument.item_codes if c not in columns.values()]
    warnings: list[dict] = []
    if missing_items:
        msg = ("items not found in the file (counted as missing): " + ", ".join(missing_items))
        report.warning("items-unplaced", msg, **where)
        warnings.append({"code": "items-unplaced", "message": msg})

    # --- duplicates within the file
    keys = pd.DataFrame({"project": project, "wave": wave, "id_key": id_keys})
    dup = keys.duplicated(keep=False) & (ids != "")
    for idx in np.flatnonzero(dup.to_numpy()):
        report.error("duplicate-respondent",
                     f"respondent {ids.iloc[idx]!r} answers more than once in project "
                     f"{project.iloc[idx]!r}, wave {wave.iloc[idx]}",
                     value=ids.iloc[idx], **cell_where(idx, id_pos))

    # --- respondent ids compared as whole numbers
    if id_changed.any():
        examples = list(dict.fromkeys(
            f"{a!r} → {b!r}" for a, b in zip(ids[id_changed].head(200),
                                              id_keys[id_changed].head(200), strict=True)))
        msg = (f"{int(id_changed.sum())} respondent id(s) written as numbers with leading "
               "zeros or a zero decimal part are compared as whole numbers, so waves "
               "exported differently still link (" + ", ".join(examples[:3]) + ")")
        report.warning("id-normalised", msg, **{**where, "column": column_letter(id_pos),
                                                "header": tidy.headers.get(id_pos)})
        warnings.append({"code": "id-normalised", "column": column_letter(id_pos),
                         "count": int(id_changed.sum()), "message": msg})

    rounded = ids.str.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+").to_numpy(dtype=bool)
    if rounded.any():
        msg = (f"{int(rounded.sum())} respondent id(s) are numbers in scientific notation "
               f"(e.g. {ids[rounded].iloc[0]!r}): Excel has rounded long numeric ids, so "
               "different clients may share an id and waves may not link; export the file "
               "again with the id column formatted as text")
        report.warning("id-rounded", msg, **{**where, "column": column_letter(id_pos),
                                             "header": tidy.headers.get(id_pos)})
        warnings.append({"code": "id-rounded", "column": column_letter(id_pos),
                         "count": int(rounded.sum()), "message": msg})

    # --- unused columns (one warning each; one warning for all of them when there are many)
    filled = layouts.filled_columns(data, [p for p in tidy.headers if p not in used])
    unused = [pos for pos in tidy.headers if pos in filled]
    by_header: dict[str, int] = {}
    for pos in sorted(columns):
        by_header.setdefault(layouts.normalise_header(tidy.headers.get(pos, "")), pos)
    for pos in list(unused):
        twin = by_header.get(layouts.normalise_header(tidy.headers.get(pos, "")))
        if twin is None:
            continue
        unused.remove(pos)
        same = bool((data[pos].str.strip() == data[twin].str.strip()).all())
        head = {**where, "column": column_letter(pos), "header": tidy.headers.get(pos)}
        if same:
            msg = (f"column not used: a copy of column {column_letter(twin)} (same header, "
                   f"same answers), which is item {columns[twin]}")
            report.warning("column-unused", msg, **head)
            warnings.append({"code": "column-unused", "column": column_letter(pos),
                             "header": tidy.headers.get(pos), "message": msg})
        else:
            report.error("items-unplaced",
                         f"columns {column_letter(twin)} and {column_letter(pos)} have the "
                         f"same header but different answers, so it is not clear which is "
                         f"item {columns[twin]}; name the one to use in a --mapping file (e.g. "
                         f'"{column_letter(pos)}" = "skip")', **head)
    if len(unused) > MAX_COLUMN_WARNINGS:
        msg = (f"{len(unused)} columns not used: {layouts.column_runs(unused)}")
        report.warning("column-unused", msg, **where)
        warnings.append({"code": "column-unused", "count": len(unused), "message": msg})
    else:
        for pos in unused:
            header = tidy.headers[pos]
            report.warning("column-unused", "column not used",
                           **{**where, "column": column_letter(pos), "header": header})
            warnings.append({"code": "column-unused", "column": column_letter(pos),
                             "header": header})
    if other:
        msg = other.removeprefix("; ")
        report.warning("sheet-unread", msg, **where)
        warnings.append({"code": "sheet-unread", "message": msg})
    for row, reason in tidy.dropped:
        report.warning("rows-dropped", reason, **where, row=row)
        warnings.append({"code": "rows-dropped", "row": row, "message": reason})

    # --- incomplete responses
    incomplete = (tidy.incomplete if tidy.incomplete is not None
                  else np.zeros(n, dtype=bool))
    keep = np.ones(n, dtype=bool)
    if incomplete.any():
        if opts.complete_only:
            keep &= ~incomplete
        else:
            for idx in np.flatnonzero(incomplete):
                report.warning("response-incomplete",
                               "the survey tool marks this response as not finished; it is "
                               "imported and flagged (use --complete-only to drop it)",
                               **where, row=int(rows[idx]))

    # --- scores (for the discard rule)
    scores = score(decoded.values, instrument, opts.rule)
    discarded = scores["discarded"].to_numpy()
    rule = instrument.rule(opts.rule)
    for idx in np.flatnonzero(discarded & keep):
        msg = (f"response discarded: {int(scores['n_missing'].iloc[idx])} of "
               f"{len(instrument.items)} items missing (rule {rule.name} needs at least "
               f"{rule.response_min_answered} answered)")
        report.warning("response-discarded", msg, **where, row=int(rows[idx]))
    n_disc = int((discarded & keep).sum())
    if n_disc:
        warnings.append({"code": "response-discarded", "count": n_disc})

    missing = reason_strings(decoded.reasons)
    frame = pd.DataFrame({
        "project": project.to_numpy(), "wave": wave.to_numpy(), "source_id": ids.to_numpy(),
        "id_key": id_keys.to_numpy(),
        "date": dates.to_numpy(), "source_row": rows, "n_missing": scores["n_missing"],
        "discarded": discarded, "incomplete": incomplete, "missing": missing,
    })
    frame = frame[keep].reset_index(drop=True)
    values = decoded.values[keep]
    if not keep.all():
        remap = -np.ones(n, dtype=np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        fields = fields.assign(row=remap[fields["row"].to_numpy()])
        fields = fields[fields["row"] >= 0]
    return _Prepared(path, sha, size, tidy, scope, frame, values, fields, warnings, existing,
                     int((~keep).sum()), column_letter(id_pos), tidy.headers.get(id_pos),
                     placement)


#: Files of one import read at the same time (at most; and at most one per processor).
READ_THREADS = 2

_BARE_CODE = re.compile(r"(?i)(?:q|k)?0*(\d{1,3})")

#: At most this many unused columns are warned about one by one; more make one warning.
MAX_COLUMN_WARNINGS = 20

#: A respondent id that is a whole number, possibly with leading zeros or a zero decimal
#: part as spreadsheets and their CSV exports write it: ``007``, ``1001.0``, ``1001,00``.
_WHOLE_NUMBER_ID = re.compile(r"\+?0*(\d+)(?:[.,]0+)?")
_ID_FIRST = frozenset("+0123456789")


def normalise_ids(ids: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The keys by which respondents are linked across files and waves, and the mask of
    ids whose key differs from the id as written.

    Surrounding spaces are dropped; an id that is a whole number is compared as that
    number, without leading zeros or a zero decimal part: ``1001``, ``1001.0``, ``1001,00``
    and ``001001`` are one client (Excel turns ``007`` into 7 and CSV exports of number
    cells write ``1001.0``). Any other id — with letters, signs, separators or a non-zero
    decimal part (``A007``, ``1001.5``, ``1 001``) — is compared exactly as written.
    """
    codes, uniques = pd.factorize(ids.to_numpy(dtype=object), use_na_sentinel=False)
    uniques = np.array([str(u).strip() for u in uniques], dtype=object)
    # Only an id starting with a digit or '+' can be a number (most client codes are not).
    keys = np.array([(m.group(1) if u[:1] in _ID_FIRST and (m := _WHOLE_NUMBER_ID.fullmatch(u))
                      else u) for u in uniques], dtype=object)
    changed = keys != uniques
    return (pd.Series(keys[codes] if len(codes) else np.array([], dtype=object),
                      index=ids.index, dtype=object),
            changed[codes] if len(codes) else np.zeros(0, dtype=bool))


def check_row_widths(tidy: layouts.Tidy, report: ValidationReport, where: dict) -> None:
    """Errors for rows of a delimited text file whose values have moved columns.

    An answer holding the delimiter without quotes (``kiitos; 5``) gives its row an extra
    field, and every later value of the row shifts one column right — still numbers, so
    nothing else would notice; an answer holding a line break without quotes splits its
    row in two (the two parts' fields add up to the header's plus one). Rows wider than the
    header in most of the file are a column without a header, not shifted rows; a row that
    is merely short (Excel leaves out trailing empty fields) is not an error.
    """
    raw, data = tidy.raw, tidy.data
    counts = raw.field_counts
    if raw.file_format != "text" or counts is None or not len(data):
        return
    last_header = tidy.header_row - 1 - raw.row_offset + tidy.header_rows - 1
    if not 0 <= last_header < len(counts):
        return
    width = int(counts[last_header])
    idx = np.asarray(tidy.rows, dtype=np.int64) - 1 - raw.row_offset
    ok = (idx >= 0) & (idx < len(counts))
    n_fields = np.where(ok, counts[np.clip(idx, 0, len(counts) - 1)], width)
    delim = {"\t": "TAB"}.get(raw.delimiter or "", repr(raw.delimiter))
    problems: list[tuple[int, str, int]] = []
    wide = n_fields > width
    if wide.any() and wide.sum() < 0.5 * len(data):
        for k in np.flatnonzero(wide):
            problems.append((
                int(k), f"the row has {int(n_fields[k])} fields but the header {width}: an "
                f"answer in it probably holds the delimiter {delim} without quotes, so the "
                "values after it are in the wrong columns; put that answer in quotes (or "
                "remove the delimiter from it) and save the file again", width))
    following = np.append(idx[1:] == idx[:-1] + 1, False)
    split = following & (n_fields < width) & (np.append(n_fields[1:], 0) + n_fields - 1 == width)
    for k in np.flatnonzero(split):
        problems.append((
            int(k), f"rows {int(tidy.rows[k])} and {int(tidy.rows[k]) + 1} have "
            f"{int(n_fields[k])} and {int(n_fields[k + 1])} fields, together one more than the "
            f"header's {width}: one response is probably split in two by a line break inside "
            "an answer without quotes; put that answer in quotes (or remove the line break) "
            "and save the file again", int(n_fields[k]) - 1))
    for k, message, col in sorted(problems)[:100]:
        report.error("row-misaligned", message, **where, row=int(tidy.rows[k]),
                     column=column_letter(col), header=tidy.headers.get(col),
                     value=str(data[col].iloc[k]) if col in data.columns else None)


def _without_name(message: str, name: str) -> str:
    """A reader's message without the file name it starts with (the report names it)."""
    return message.removeprefix(f"{name}: ")


def _other_sheets_hint(raw: readers.RawTable) -> str:
    """``"; the workbook also has sheets …"`` when other sheets may hold the data."""
    if not raw.other_sheets:
        return ""
    names = ", ".join(repr(n) for n in raw.other_sheets[:8])
    more = f" and {len(raw.other_sheets) - 8} more" if len(raw.other_sheets) > 8 else ""
    return (f"; sheet {raw.sheet!r} was read, the workbook also has sheet(s) {names}{more} "
            "(not read; choose one with --sheet)")


def reason_strings(reasons: np.ndarray) -> np.ndarray:
    """One string per response, one letter per item (see ``instruments.REASON_LETTERS``)."""
    letters = np.array([REASON_LETTERS[k] for k in sorted(REASON_LETTERS)], dtype="<U1")
    chars = np.ascontiguousarray(letters[reasons.clip(0, 4).astype(np.int64)])
    if chars.shape[1] == 0:
        return np.full(len(chars), "", dtype=object)
    return chars.view(f"<U{chars.shape[1]}").ravel().astype(object)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored afterwards).

    An import holds millions of cell objects and creates a list per row while storing, so
    the collector would otherwise pass over all of them many times without finding
    anything to free (cells, rows and frames hold no reference cycles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_clients(ws: Workspace, paths: list[str | Path], opts: ClientImportOptions
                   ) -> ImportResult:
    """Import client questionnaires; all files in one transaction.

    Raises :class:`ImportFailed` (carrying the report) when any file has an error; the
    workspace is then unchanged.
    """
    with gc_paused():
        return _import_clients(ws, paths, opts)


def _import_clients(ws: Workspace, paths: list[str | Path], opts: ClientImportOptions
                    ) -> ImportResult:
    if (opts.project is None) == (opts.project_column is None):
        raise UserError("give exactly one of --project NAME or --project-column COL")
    if (opts.wave is None) == (opts.wave_column is None):
        raise UserError("give exactly one of --wave N or --wave-column COL")
    instrument = load_instrument(opts.instrument)
    instrument.rule(opts.rule)  # unknown rule → clear error before reading files
    mapping = load_mapping(opts.mapping)
    report = ValidationReport()
    prepared = []
    files = [Path(p) for p in paths]
    plans: list[_Plan | None] = []
    for path in files:
        try:
            plans.append(_plan(ws, path, instrument, opts))
        except OSError:
            plans.append(None)  # prepare_file reports it
    to_read = [k for k, plan in enumerate(plans) if plan is not None and plan.reads(opts)]
    # Files are read in background threads, the next ones while this one is checked: the
    # spreadsheet engine parses without holding the interpreter lock, so parsing overlaps
    # with other parsing and with the checks.
    workers = min(READ_THREADS, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evaltool-read") as pool:
        reading: dict[int, Future] = {}
        for k, path in enumerate(files):
            for j in [j for j in to_read if j >= k][:workers + 1]:
                if j not in reading:
                    reading[j] = pool.submit(readers.read_raw, files[j], sheet=opts.sheet)
            prep = prepare_file(ws, path, instrument, opts, mapping, report, plans[k],
                                reading.pop(k, None))
            if prep is not None:
                prepared.append(prep)
    # Duplicates across the files of this call and against the workspace.
    to_store = [p for p in prepared if p.tidy is not None]
    if to_store and report.ok:
        allkeys = pd.concat([p.frame.assign(_file=i) for i, p in enumerate(to_store)],
                            ignore_index=True)
        allkeys["respondent"] = ws.pseudonyms(allkeys["project"].tolist(),
                                              allkeys["id_key"].tolist())
        dup = allkeys.duplicated(["project", "wave", "respondent"], keep="first")
        for _, r in allkeys[dup].iterrows():
            report.error("duplicate-respondent",
                         f"respondent {r['source_id']!r} of project {r['project']!r}, wave "
                         f"{r['wave']} is also in another file of this import",
                         file=to_store[r["_file"]].path.name,
                         sheet=to_store[r["_file"]].tidy.raw.sheet, row=int(r["source_row"]),
                         column=to_store[r["_file"]].id_letter,
                         header=to_store[r["_file"]].id_header, value=r["source_id"])
        for i, p in enumerate(to_store):
            part = allkeys[allkeys["_file"] == i]
            p.frame["respondent"] = part["respondent"].to_numpy()
            clash = ws.existing_respondents(
                instrument.name, p.frame[["project", "wave", "respondent", "source_id",
                                          "source_row"]],
                exclude_import=p.existing if opts.replace else None)
            for _, r in clash.head(1000).iterrows():
                report.error("duplicate-respondent",
                             f"respondent {r['source_id']!r} of project {r['project']!r}, wave "
                             f"{r['wave']} is already stored from another import",
                             file=p.path.name, sheet=p.tidy.raw.sheet, row=int(r["source_row"]),
                             column=p.id_letter, header=p.id_header, value=r["source_id"])
    if not report.ok:
        raise ImportFailed(f"import stopped: {len(report.errors)} error(s); nothing was "
                           "stored", report)
    from evaltool.imports.register import check_registered

    for p in to_store:
        check_registered(ws, sorted(p.frame["project"].unique().tolist()), report, file=p.path.name)
    results = []
    with ws.transaction():
        table = ws.ensure_instrument(instrument)
        for p in prepared:
            if p.tidy is None:
                results.append(FileResult(p.path, p.existing, "unchanged",
                                          message=f"{p.path.name} was already imported as "
                                          f"import {p.existing}; nothing changed (use "
                                          "--replace to import it again)"))
                continue
            status = "imported"
            if p.existing is not None:
                ws.delete_import(p.existing)
                status = "replaced"
            raw = p.tidy.raw
            import_id = ws.add_import({
                "kind": "clients", "source_name": p.path.name, "sha256": p.sha256,
                "size": p.size, "sheet": raw.sheet, "layout": p.tidy.layout,
                "encoding": raw.encoding, "delimiter": raw.delimiter,
                "header_rows": p.tidy.header_rows, "instrument": instrument.name,
                "rule": instrument.rule(opts.rule).name, "scope": p.scope,
                "rows_read": p.tidy.n_respondents, "rows_stored": len(p.frame),
                "rows_rejected": p.rows_rejected, "warnings": p.warnings,
                "options": {k: (v if v is None or isinstance(v, (bool, int)) else str(v))
                            for k, v in vars(opts).items()},
            })
            ws.store_responses(import_id, instrument, table, p.frame, p.values, p.fields)
            results.append(FileResult(
                p.path, import_id, status, rows_read=p.tidy.n_respondents,
                rows_stored=len(p.frame), rows_rejected=p.rows_rejected,
                discarded=int(p.frame["discarded"].sum()), layout=p.tidy.layout,
                details=layouts.found(p.tidy, p.placement)))
    return ImportResult(results, report)

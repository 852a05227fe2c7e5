"""Client questionnaire import: files → validated, scored responses in the workspace.

Each file goes through named steps that build its :class:`~evaltool.validate.clients.FileContext`
— :func:`read_survey` (:func:`evaltool.read.read_raw`, then :func:`evaltool.layouts.recognise`),
:func:`locate_columns` (respondent id, project, wave, date), :func:`map_file_columns` (items and
fields: mapping file, codes, labels, grid positions; background, multi-select and open answers
decoded) and :func:`decode_answers` (labels → codes, scores for the discard rule) — with the
checks of :mod:`evaltool.validate.clients` between them, then :func:`rows_to_store`. The
import itself is the shared skeleton (:func:`evaltool.imports.skeleton.run_import`): all files
of one call are stored in one transaction, only when no file has an error; otherwise nothing
is written and the validation report lists every problem with file, sheet, row and column.

Respondents are linked across files and waves by project and id; an id that is a whole
number is compared as that number (``007``, ``7``, ``1001.0`` and ``1001,00`` are one client,
see :func:`~evaltool.mapping.ids.normalise_ids`), any other id exactly as written (surrounding
spaces dropped).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool import layouts
from evaltool import read as readers
from evaltool.errors import UserError
from evaltool.imports.skeleton import (
    FileResult,
    ImportPlan,
    ImportResult,
    Prepared,
    Source,
    gc_paused,
    run_import,
)
from evaltool.instruments import REASON_LETTERS, Instrument, is_builtin, load_instrument
from evaltool.issues import RECORD_FIELDS, WARNING, IssueCode, ValidationReport
from evaltool.mapping import summary
from evaltool.mapping.columns import map_columns
from evaltool.mapping.decode import decode_items
from evaltool.mapping.fields import decode_fields
from evaltool.mapping.ids import anonymous_ids, normalise_ids
from evaltool.mapping.mapping_file import Mapping, load_mapping
from evaltool.read.dates import parse_dates
from evaltool.scoring.rules import score
from evaltool.store.responses import ANON_PREFIX
from evaltool.store.workspace import Workspace
from evaltool.validate.clients import (
    COLUMN_CHECKS,
    ITEM_CHECKS,
    MAX_WAVE,
    FileContext,
    check_already_stored,
    check_duplicates_across_files,
    run_checks,
    valid_waves,
)
from evaltool.validate.guards import (
    check_instrument_fit,
    check_project_names,
    check_unlinked_waves,
)
from evaltool.validate.rows import check_row_widths

__all__ = [
    "BACKGROUND_FIELDS",
    "READ_THREADS",
    "background_patterns",
    "ClientFile",
    "ClientFileResult",
    "ClientImport",
    "ClientImportOptions",
    "ImportResult",
    "check_row_widths",
    "decode_answers",
    "gc_paused",
    "import_clients",
    "load_mapping",
    "locate_columns",
    "map_file_columns",
    "normalise_ids",
    "prepare_file",
    "read_survey",
    "reason_strings",
    "rows_to_store",
    "stored_warnings",
]

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


def background_patterns(instrument: Instrument) -> dict[str, str]:
    """The :data:`BACKGROUND_FIELDS` patterns to look for in a file of ``instrument``.

    A built-in instrument gets them all (reports group by them); a user's instrument only
    those of the background fields it declares itself — a questionnaire that asks no
    background questions does not get them from another one's headers. A pattern is never
    given for a field whose name is one of the instrument's item codes (an item ``sex`` is
    an item).
    """
    items = {c.casefold() for c in instrument.item_codes}
    if is_builtin(instrument):
        names = set(BACKGROUND_FIELDS)
    else:
        names = {f.name for f in instrument.fields} & set(BACKGROUND_FIELDS)
    return {k: v for k, v in BACKGROUND_FIELDS.items() if k in names and k.casefold() not in items}


#: Files of one import read at the same time (at most; and at most one per processor).
READ_THREADS = 2


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
    #: Import a file already imported as another wave or into another project.
    force: bool = False
    #: The file has no respondent ids: every response is unlinked (never paired across
    #: waves); see :func:`anonymous_ids`.
    anonymous: bool = False
    #: Allow a new project whose name is close to an existing one's (case, spacing, typo).
    new_project: bool = False


@dataclass
class ClientFileResult(FileResult):
    """What a client import did with one file; ``discarded``: responses stored but not
    scored under the missing-data rule."""

    discarded: int = 0
    #: Stored unlinked (``--anonymous``): never paired across waves.
    anonymous: bool = False

    def summary(self) -> str:
        """Two lines: what was stored, then the layout and columns found."""
        if self.status == "unchanged":
            return self.message
        unlinked = " (anonymous: unlinked, never paired across waves)" if self.anonymous else ""
        return (
            f"{self.path.name}: {self.status} as import {self.import_id} (layout "
            f"{self.layout}): {self.rows_read} rows read, {self.rows_stored} stored{unlinked}, "
            f"{self.rows_rejected} rejected, {self.discarded} discarded by the missing-data "
            f"rule\n  {self.describe()}"
        )


@dataclass
class ClientFile:
    """A checked client file and its rows to store: the responses (``frame``), their item
    codes (``values``) and background answers (``fields``), and how many were dropped."""

    context: FileContext
    frame: pd.DataFrame
    values: np.ndarray
    fields: pd.DataFrame
    rows_rejected: int


def _wave_key(wave: int | str) -> str:
    """The wave as written in an import's scope: ``1``, ``01``, ``1.0`` and ``1,0`` are 1."""
    text = str(wave).strip()
    try:
        num = float(text.replace(",", "."))
    except ValueError:
        return text
    return str(int(num)) if num.is_integer() else text


def _scope(opts: ClientImportOptions, instrument: Instrument) -> str:
    proj = (
        f"project={str(opts.project).strip()}"
        if opts.project
        else f"project-column={opts.project_column}"
    )
    wave = (
        f"wave={_wave_key(opts.wave)}"
        if opts.wave is not None
        else f"wave-column={opts.wave_column}"
    )
    return f"{instrument.name};{proj};{wave};sheet={opts.sheet or ''}"


# --------------------------------------------------------------------------- steps


def read_survey(
    path: Path,
    instrument: Instrument,
    opts: ClientImportOptions,
    mapping: Mapping,
    report: ValidationReport,
    raw: Future | None = None,
) -> FileContext | None:
    """Read a file and recognise its layout: the file's context, or None (an error says why:
    the file cannot be read, its layout is ambiguous, it has no respondents).

    ``raw`` is a future of the file's :func:`evaltool.read.read_raw` when it is being read
    in the background.
    """
    name = path.name
    try:
        table = raw.result() if raw is not None else readers.read_raw(path, sheet=opts.sheet)
        survey = layouts.recognise(table, opts.layout or mapping.options.get("layout"))
    except readers.ReadError as exc:
        report.error(exc.code, _without_name(str(exc), name), file=name, sheet=exc.sheet)
        return None
    except layouts.LayoutError as exc:
        report.error(
            getattr(exc, "code", IssueCode.LAYOUT_AMBIGUOUS),
            _without_name(str(exc), name),
            file=name,
        )
        return None
    ctx = FileContext(
        path,
        survey,
        instrument,
        instrument.rule(opts.rule),
        mapping,
        complete_only=opts.complete_only,
        where={"file": name, "sheet": survey.raw.sheet},
        other_sheets=_other_sheets_hint(survey.raw) if opts.sheet is None else "",
    )
    if survey.n_respondents == 0:
        report.error(
            IssueCode.FILE_EMPTY,
            "the file has a header but no respondents" + ctx.other_sheets,
            **ctx.where,
        )
        return None
    return ctx


def locate_columns(ctx: FileContext, opts: ClientImportOptions, report: ValidationReport) -> bool:
    """Find the respondent id, project, wave and date of every response (columns named by
    the options or the mapping file, or recognised by the layout); False when the id,
    project or wave cannot be found (an error says why)."""
    if not (
        _locate_ids(ctx, opts, report)
        and _locate_projects(ctx, opts, report)
        and _locate_waves(ctx, opts, report)
    ):
        return False
    _locate_dates(ctx, opts)
    return True


def _find_column(
    ctx: FileContext, name: str, what: str, code: IssueCode, report: ValidationReport
) -> int | None:
    pos = ctx.survey.column_by_header(name)
    if pos is None:
        report.error(
            code,
            f"the {what} column {name!r} is not in the file; columns: " + ctx.columns_hint(),
            **ctx.where,
        )
    return pos


def _locate_ids(ctx: FileContext, opts: ClientImportOptions, report: ValidationReport) -> bool:
    if opts.anonymous:
        return _anonymous_ids(ctx, opts, report)
    id_name = opts.id_column or ctx.mapping.options.get("id_column")
    if id_name:
        pos = _find_column(ctx, id_name, "id", IssueCode.ID_COLUMN_MISSING, report)
    else:
        pos = ctx.survey.metadata.get("respondent_id")
        if pos is None:
            report.error(
                IssueCode.ID_COLUMN_MISSING,
                "no respondent id column found (looked for headers such as 'id', "
                "'Asiakasnumero', 'Vastaajatunnus'); name it with --id-column" + ctx.other_sheets,
                **ctx.where,
            )
    if pos is None:
        return False
    ctx.used.add(pos)
    ctx.id_pos = pos
    ctx.ids = ctx.survey.data[pos].astype(str).str.strip()
    ctx.id_keys, ctx.id_changed = normalise_ids(ctx.ids)
    return True


def _anonymous_ids(ctx: FileContext, opts: ClientImportOptions, report: ValidationReport) -> bool:
    """``--anonymous``: no respondent id; a respondent id column the layout recognised is
    not stored. Each response is its own respondent (its keys: :func:`anonymous_ids`)."""
    if opts.id_column:
        report.error(
            IssueCode.ID_COLUMN_MISSING,
            "--anonymous and --id-column contradict each other: give the id column to link "
            "waves, or --anonymous for a survey without ids",
            **ctx.where,
        )
        return False
    pos = ctx.survey.metadata.get("respondent_id")
    if pos is not None:
        ctx.used.add(pos)
    rows = pd.Series(ctx.survey.rows, dtype=object).astype(str)
    ctx.ids = ("row " + rows).reset_index(drop=True)
    ctx.id_keys = ctx.ids.copy()
    ctx.id_changed = np.zeros(ctx.n, dtype=bool)
    ctx.anonymous = True
    return True


def _locate_projects(ctx: FileContext, opts: ClientImportOptions, report: ValidationReport) -> bool:
    if opts.project is not None:
        project = str(opts.project).strip()
        if not project:
            report.error(IssueCode.PROJECT_MISSING, "--project is empty", **ctx.where)
            return False
        ctx.project = pd.Series(np.full(ctx.n, project, dtype=object))
        return True
    pos = _find_column(ctx, opts.project_column or "", "project", IssueCode.PROJECT_MISSING, report)
    if pos is None:
        return False
    ctx.used.add(pos)
    ctx.project_pos = pos
    ctx.project = ctx.survey.data[pos].astype(str).str.strip()
    return True


def _locate_waves(ctx: FileContext, opts: ClientImportOptions, report: ValidationReport) -> bool:
    if opts.wave is not None:
        one = pd.to_numeric(
            pd.Series([str(opts.wave).strip().replace(",", ".")]), errors="coerce"
        ).astype(float)
        if not valid_waves(one)[0]:
            report.error(
                IssueCode.WAVE_INVALID,
                f"--wave must be a whole number from 1 to {MAX_WAVE}, not {opts.wave!r}",
                **ctx.where,
            )
            return False
        ctx.wave_text = pd.Series(np.full(ctx.n, str(opts.wave).strip(), dtype=object))
        ctx.wave_number = pd.Series(np.full(ctx.n, float(one.iloc[0])))
    else:
        pos = _find_column(ctx, opts.wave_column or "", "wave", IssueCode.WAVE_MISSING, report)
        if pos is None:
            return False
        ctx.used.add(pos)
        ctx.wave_pos = pos
        ctx.wave_text = ctx.survey.data[pos].astype(str).str.strip()
        ctx.wave_number = pd.to_numeric(
            ctx.wave_text.str.replace(",", ".", regex=False), errors="coerce"
        ).astype(float)
    # invalid waves (NaN, inf, 1e20) are reported by check_waves; here they are 0
    ctx.wave = pd.Series(
        np.where(valid_waves(ctx.wave_number), ctx.wave_number.fillna(0), 0).astype(np.int64),
        index=ctx.wave_number.index,
    )
    return True


def _locate_dates(ctx: FileContext, opts: ClientImportOptions) -> None:
    """The date column (named, else the layout's date or timestamp) and its parsed dates; a
    named column that is absent is reported by ``check_date_column``."""
    survey = ctx.survey
    ctx.date_name = opts.date_column or ctx.mapping.options.get("date_column")
    ctx.dates = pd.Series([None] * ctx.n, dtype=object)
    if ctx.date_name:
        ctx.date_pos = survey.column_by_header(ctx.date_name)
    else:
        ctx.date_pos = survey.metadata.get("date", survey.metadata.get("timestamp"))
    if ctx.date_pos is not None:
        ctx.used.add(ctx.date_pos)
        ctx.dates, ctx.bad_dates = parse_dates(survey.data[ctx.date_pos])


def map_file_columns(ctx: FileContext) -> None:
    """Place the columns on the instrument's items and fields and decode the fields.

    Metadata columns that are not stored (direct identifiers, the tool's own columns) are
    claimed first, so they are never placed nor reported unused.
    """
    survey, instrument = ctx.survey, ctx.instrument
    for role, pos in survey.metadata.items():
        if role in layouts.DIRECT_IDENTIFIERS or role in ("timestamp", "respondent_id"):
            ctx.used.add(pos)
    for pos, role in survey.meta_columns.items():
        if role in layouts.TOOL_ROLES:
            ctx.used.add(pos)
    placement = map_columns(
        survey,
        instrument,
        ctx.mapping.columns,
        exclude=ctx.used,
        patterns=background_patterns(instrument),
    )
    ctx.placement = placement
    ctx.fields, ctx.field_problems = decode_fields(
        survey, placement, instrument, ctx.mapping.dont_know
    )
    ctx.used.update(placement.fields, placement.options, placement.skipped, placement.items)


def decode_answers(ctx: FileContext) -> None:
    """Decode the item columns into codes, score the responses (for the discard rule) and
    mark the responses kept (``--complete-only`` drops unfinished ones)."""
    survey = ctx.survey
    ctx.decoded = decode_items(
        survey.data,
        ctx.placement.items,
        ctx.instrument,
        survey.value_labels,
        survey.missing_codes,
        dont_know=ctx.mapping.dont_know,
    )
    ctx.incomplete = (
        survey.incomplete if survey.incomplete is not None else np.zeros(ctx.n, dtype=bool)
    )
    ctx.keep = np.ones(ctx.n, dtype=bool)
    if ctx.complete_only:
        ctx.keep &= ~ctx.incomplete
    ctx.scores = score(ctx.decoded.values, ctx.instrument, ctx.rule.name)


def rows_to_store(ctx: FileContext) -> ClientFile:
    """The responses kept, their item codes and background answers (rows renumbered)."""
    decoded, scores, keep = ctx.decoded, ctx.scores, ctx.keep
    frame = pd.DataFrame(
        {
            "project": ctx.project.to_numpy(),
            "wave": ctx.wave.to_numpy(),
            "source_id": ctx.ids.to_numpy(),
            "id_key": ctx.id_keys.to_numpy(),
            "date": ctx.dates.to_numpy(),
            "source_row": ctx.survey.rows,
            "n_missing": scores["n_missing"],
            "discarded": scores["discarded"].to_numpy(),
            "incomplete": ctx.incomplete,
            "missing": reason_strings(decoded.reasons),
        }
    )
    frame = frame[keep].reset_index(drop=True)
    values = decoded.values[keep]
    fields = ctx.fields
    if not keep.all():
        remap = -np.ones(ctx.n, dtype=np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        fields = fields.assign(row=remap[fields["row"].to_numpy()])
        fields = fields[fields["row"] >= 0]
    return ClientFile(ctx, frame, values, fields, int((~keep).sum()))


def prepare_file(
    path: Path,
    instrument: Instrument,
    opts: ClientImportOptions,
    mapping: Mapping,
    report: ValidationReport,
    raw: Future | None = None,
) -> ClientFile | None:
    """Read, map, check and decode one client file; problems go to ``report``.

    Returns the file's rows to store, or None when it cannot be stored (an error says why).
    Rows are returned when the checks found errors too: the import stops on the report.
    """
    ctx = read_survey(path, instrument, opts, mapping, report, raw)
    if ctx is None or not locate_columns(ctx, opts, report):
        return None
    excluded = set(ctx.used)
    map_file_columns(ctx)
    run_checks(COLUMN_CHECKS, ctx, report)
    if not ctx.placement.items:
        return None
    decode_answers(ctx)
    run_checks(ITEM_CHECKS, ctx, report)
    if report.ok:
        check_instrument_fit(ctx, report, _placer(ctx, excluded), force=opts.force)
    rows = rows_to_store(ctx)
    ctx.release_cells()
    return rows


def _placer(ctx: FileContext, excluded: set[int]):
    """Places the file's columns on another instrument as :func:`map_file_columns` does."""

    def place(instrument: Instrument):
        return map_columns(
            ctx.survey,
            instrument,
            ctx.mapping.columns,
            exclude=excluded,
            patterns=background_patterns(instrument),
        )

    return place


def reason_strings(reasons: np.ndarray) -> np.ndarray:
    """One string per response, one letter per item (see ``instruments.REASON_LETTERS``)."""
    if reasons.shape[1] == 0:
        return np.full(len(reasons), "", dtype=object)
    # one ASCII byte per item, a row's bytes read as one text (no wide copies of the table)
    letters = np.frombuffer(
        "".join(REASON_LETTERS[k] for k in sorted(REASON_LETTERS)).encode("ascii"), np.uint8
    )
    chars = np.ascontiguousarray(letters[reasons.clip(0, len(letters) - 1)])
    return chars.view(f"S{chars.shape[1]}").ravel().astype(f"U{chars.shape[1]}").astype(object)


def stored_warnings(ctx: FileContext, report: ValidationReport) -> list[dict]:
    """The warning records stored with a client file's import.

    The checks keep a summary of their warnings in ``ctx.stored_warnings`` (one record per
    unused column, one counted record for the discarded responses, none for incomplete
    ones). Each record is given the keys of :meth:`~evaltool.issues.Issue.to_record`: those
    of the warning in ``report`` at the same code, column and row when there is one (its
    message, header and value), else the file's position and the code's meaning, with the
    record's own keys (``count`` included) over them.
    """
    by_position = {(i.code, i.column, i.row): i for i in reversed(report.warnings)}
    records = []
    for compact in ctx.stored_warnings:
        code = IssueCode.of(compact["code"])
        issue = by_position.get((code, compact.get("column"), compact.get("row")))
        if issue is not None:
            base = issue.to_record()
        else:
            base = {**dict.fromkeys(RECORD_FIELDS), "message": code.meaning, **ctx.where}
            base.update(code=code.value, severity=WARNING)
        records.append({**base, **compact})
    return records


def _without_name(message: str, name: str) -> str:
    """A reader's message without the file name it starts with (the report names it)."""
    return message.removeprefix(f"{name}: ")


def _other_sheets_hint(raw: readers.RawTable) -> str:
    """``"; the workbook also has sheets …"`` when other sheets may hold the data."""
    if not raw.other_sheets:
        return ""
    names = ", ".join(repr(n) for n in raw.other_sheets[:8])
    more = f" and {len(raw.other_sheets) - 8} more" if len(raw.other_sheets) > 8 else ""
    return (
        f"; sheet {raw.sheet!r} was read, the workbook also has sheet(s) {names}{more} "
        "(not read; choose one with --sheet)"
    )


# --------------------------------------------------------------------------- the import


class ClientImport(ImportPlan):
    """The client import as :func:`~evaltool.imports.skeleton.run_import` runs it."""

    kind = "clients"
    replace_by_name = True
    read_threads = READ_THREADS
    result_type = ClientFileResult

    def __init__(self, opts: ClientImportOptions, instrument: Instrument, mapping: Mapping):
        self.opts = opts
        self.instrument = instrument
        self.mapping = mapping
        self.replace = opts.replace
        self.force = opts.force
        self.answers_table = ""

    def scope(self, path: Path) -> str:
        return _scope(self.opts, self.instrument)

    def repeat_key(self, scope: str) -> str:
        """Project, wave and sheet: one file may hold two instruments' items, imported
        once for each."""
        return scope.split(";", 1)[-1]

    def read(self, path: Path) -> readers.RawTable:
        return readers.read_raw(path, sheet=self.opts.sheet)

    def prepare(
        self, source: Source, raw: Future | None, report: ValidationReport
    ) -> Prepared | None:
        opts, instrument = self.opts, self.instrument
        file = prepare_file(source.path, instrument, opts, self.mapping, report, raw)
        if file is None:
            return None
        survey = file.context.survey
        record = {
            "sheet": survey.raw.sheet,
            "layout": survey.layout,
            "encoding": survey.raw.encoding,
            "delimiter": survey.raw.delimiter,
            "header_rows": survey.header_rows,
            "instrument": instrument.name,
            "rule": file.context.rule.name,
            "rows_read": survey.n_respondents,
            "rows_stored": len(file.frame),
            "rows_rejected": file.rows_rejected,
            "options": {
                k: (v if v is None or isinstance(v, (bool, int)) else str(v))
                for k, v in vars(opts).items()
            },
        }
        return Prepared(source, record, file, warnings=stored_warnings(file.context, report))

    def check_together(
        self, ws: Workspace, prepared: list[Prepared], report: ValidationReport
    ) -> None:
        """Runs inside the import's transaction. Respondents in two files of the import or
        already stored, new projects named like existing ones (errors); waves that link
        to no other wave, projects not in the project register (warnings, when there is
        no error)."""
        if not prepared or not report.ok:
            return
        files: list[ClientFile] = [p.content for p in prepared]
        self._assign_respondents(ws, prepared)
        check_duplicates_across_files([f.context for f in files], [f.frame for f in files], report)
        for p, f in zip(prepared, files, strict=True):
            stored = ws.existing_respondents(
                self.instrument.name,
                f.frame[["project", "wave", "respondent", "source_id", "source_row"]],
                exclude_import=p.source.existing if self.replace else None,
            )
            check_already_stored(f.context, stored, report)
        known = sorted(set(ws.projects_seen()) | set(ws.register_codes()["code"].astype(str)))
        for f in files:
            check_project_names(
                f.frame["project"].unique().tolist(),
                known,
                report,
                file=f.context.name,
                allow_new=self.opts.new_project,
            )
        if not report.ok:
            return
        self._check_links(ws, prepared, report)
        from evaltool.imports.register import check_registered

        for f in files:
            check_registered(
                ws, sorted(f.frame["project"].unique().tolist()), report, file=f.context.name
            )

    def _assign_respondents(self, ws: Workspace, prepared: list[Prepared]) -> None:
        """Each response's pseudonym: keyed on project and id, or for ``--anonymous`` on
        the file, wave and row (:func:`anonymous_ids`)."""
        files: list[ClientFile] = [p.content for p in prepared]
        keys = [
            anonymous_ids(p.source.sha256, f.frame) if self.opts.anonymous else f.frame["id_key"]
            for p, f in zip(prepared, files, strict=True)
        ]
        respondents = ws.pseudonyms(
            [p for f in files for p in f.frame["project"].tolist()],
            [k for key in keys for k in key.tolist()],
        )
        start = 0
        for f in files:
            mine = respondents[start : start + len(f.frame)]
            if self.opts.anonymous:
                mine = [ANON_PREFIX + r[: 20 - len(ANON_PREFIX)] for r in mine]
            f.frame["respondent"] = mine
            start += len(f.frame)

    def _check_links(
        self, ws: Workspace, prepared: list[Prepared], report: ValidationReport
    ) -> None:
        """``wave-unlinked`` for each file's waves, against the stored responses of its
        projects (other than those it replaces) and the import's other files."""
        files: list[ClientFile] = [p.content for p in prepared]
        projects = sorted({p for f in files for p in f.frame["project"].unique().tolist()})
        stored = ws.respondent_waves(self.instrument.name, projects)
        cols = ["project", "wave", "respondent"]
        for k, (p, f) in enumerate(zip(prepared, files, strict=True)):
            others = [f2.frame[cols] for j, f2 in enumerate(files) if j != k]
            if p.source.existing is not None:
                replaced = ws.respondent_waves_of_import(p.source.existing)
                stored = stored.merge(replaced, how="left", indicator=True)
                stored = stored[stored["_merge"] == "left_only"].drop(columns="_merge")
            rest = pd.concat([stored[cols], *others], ignore_index=True)
            p.warnings = (p.warnings or []) + check_unlinked_waves(
                f.frame, rest, report, file=f.context.name
            )

    def begin(self, ws: Workspace) -> None:
        self.answers_table = ws.ensure_instrument(self.instrument)

    def store(self, ws: Workspace, prepared: Prepared, import_id: int) -> None:
        file: ClientFile = prepared.content
        ws.store_responses(
            import_id, self.instrument, self.answers_table, file.frame, file.values, file.fields
        )

    def result(self, prepared: Prepared, import_id: int, status: str) -> ClientFileResult:
        file: ClientFile = prepared.content
        survey = file.context.survey
        return ClientFileResult(
            prepared.source.path,
            import_id,
            status,
            rows_read=survey.n_respondents,
            rows_stored=len(file.frame),
            rows_rejected=file.rows_rejected,
            layout=survey.layout,
            details=summary.found(survey, file.context.placement),
            discarded=int(file.frame["discarded"].sum()),
            anonymous=file.context.anonymous,
        )


def import_clients(
    ws: Workspace, paths: list[str | Path], opts: ClientImportOptions
) -> ImportResult:
    """Import client questionnaires; all files in one transaction.

    Parameters
    ----------
    ws
        The workspace.
    paths
        The files (xlsx, xls, ods, csv, txt, sav), imported in this order; the next ones are
        read in background threads (:data:`READ_THREADS`) while one is checked.
    opts
        What the files hold: the instrument, project and wave (or their columns), the id and
        date columns, the sheet, a mapping file, the missing-data rule, the layout.

    Returns
    -------
    ImportResult
        ``files``: one :class:`ClientFileResult` per file (``imported``, ``replaced`` or
        ``unchanged``), ``report``: the warnings.

    Raises
    ------
    ImportFailed
        Carrying the report, when any file has an error; the workspace is then unchanged.
    UserError
        When the options contradict each other, or the instrument, rule or mapping file
        cannot be loaded.
    """
    if (opts.project is None) == (opts.project_column is None):
        raise UserError("give exactly one of --project NAME or --project-column COL")
    if (opts.wave is None) == (opts.wave_column is None):
        raise UserError("give exactly one of --wave N or --wave-column COL")
    instrument = load_instrument(opts.instrument)
    instrument.rule(opts.rule)  # unknown rule → clear error before reading files
    mapping = load_mapping(opts.mapping)
    return run_import(ws, ClientImport(opts, instrument, mapping), paths)

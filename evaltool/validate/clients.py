"""The checks of a client questionnaire file, one function each, in the order they run.

Each check reads a :class:`FileContext` — the survey table, where its columns went and the
decoded answers — and adds issues to the report; checks that find something worth keeping
with the import also append a record to ``ctx.stored_warnings``. The import
(:mod:`evaltool.imports.clients`) runs :data:`COLUMN_CHECKS` once the id, project, wave, date,
item and field columns are found, stops when no column holds an item, and runs
:data:`ITEM_CHECKS` on the decoded answers. :func:`check_duplicates_across_files` and
:func:`check_already_stored` look at all files of an import together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltool.instruments import Instrument, Rule
from evaltool.issues import IssueCode, ValidationReport
from evaltool.layouts.table import SurveyTable
from evaltool.mapping import summary
from evaltool.mapping.columns import ColumnMap, filled_columns
from evaltool.mapping.ids import rounded_ids
from evaltool.mapping.mapping_file import Mapping
from evaltool.text import column_letter, header_key
from evaltool.validate.rows import check_row_widths

if TYPE_CHECKING:
    from evaltool.mapping.decode import Decoded

#: At most this many undecodable answers (and background labels) are reported one by one.
MAX_VALUE_ISSUES = 1000
#: At most this many unused columns are warned about one by one; more make one warning.
MAX_COLUMN_WARNINGS = 20
#: At most this many respondents already stored are reported one by one, per file.
MAX_STORED_DUPLICATES = 1000
#: The highest wave number accepted (waves are small whole numbers: 1 = entry, 2, 3 …).
MAX_WAVE = 1000
#: A header that is a bare question number: ``12``, ``q12``, ``k012``.
_BARE_CODE = re.compile(r"(?i)(?:q|k)?0*(\d{1,3})")


@dataclass
class FileContext:
    """One client file as the checks see it.

    Built by the import's steps: read and recognise (``path``, ``survey``, ``where``,
    ``other_sheets``), locate the id, project, wave and date columns (``ids`` …
    ``dates``), map the columns to items and fields (``placement``, ``fields``) and decode
    the answers (``decoded``, ``scores``, ``keep``). ``used`` holds the positions of the
    columns something claimed; ``stored_warnings`` the warning records stored with the
    import.
    """

    path: Path
    survey: SurveyTable
    instrument: Instrument
    rule: Rule
    mapping: Mapping
    complete_only: bool = False
    where: dict = field(default_factory=dict)
    #: ``"; the workbook also has sheets …"`` when other sheets may hold the data, else "".
    other_sheets: str = ""
    used: set[int] = field(default_factory=set)
    # respondent ids: as written, the linking keys, which keys differ from the id
    id_pos: int = -1
    #: ``--anonymous``: no respondent ids, every response unlinked
    anonymous: bool = False
    ids: pd.Series | None = None
    id_keys: pd.Series | None = None
    id_changed: np.ndarray | None = None
    # projects and waves of each response (the column's position, None for an option)
    project: pd.Series | None = None
    project_pos: int | None = None
    wave_text: pd.Series | None = None
    wave_number: pd.Series | None = None
    wave: pd.Series | None = None
    wave_pos: int | None = None
    # the date column: as named (option or mapping file), found, parsed, unparseable cells
    date_name: str | None = None
    date_pos: int | None = None
    dates: pd.Series | None = None
    bad_dates: pd.Series | None = None
    # where the columns went, the decoded background fields and their unknown labels
    placement: ColumnMap | None = None
    fields: pd.DataFrame | None = None
    field_problems: list = field(default_factory=list)
    # the items' codes, the scores (for the discard rule), the responses kept
    decoded: Decoded | None = None
    scores: pd.DataFrame | None = None
    incomplete: np.ndarray | None = None
    keep: np.ndarray | None = None
    stored_warnings: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def n(self) -> int:
        """The number of responses."""
        return len(self.survey.data)

    def release_cells(self) -> None:
        """Let go of the file's text cells, decoded answers and scores once its rows to store
        are taken (:func:`evaltool.imports.clients.rows_to_store`): storing needs only those
        rows, and a large file's cells would otherwise stay in memory while they are written.
        Row positions, headers and the number of responses stay."""
        self.survey.data = self.survey.data.iloc[:, :0]
        self.survey.raw.cells = self.survey.raw.cells.iloc[:0, :0]
        self.decoded = None
        self.scores = None

    def at(self, idx: int, pos: int) -> dict:
        """The position of the cell of response ``idx`` in column ``pos``, for an issue."""
        return {
            **self.where,
            "row": int(self.survey.rows[idx]),
            "column": column_letter(pos),
            "header": self.survey.headers.get(pos),
        }

    def column(self, pos: int) -> dict:
        """The position of column ``pos``, for an issue."""
        return {**self.where, "column": column_letter(pos), "header": self.survey.headers.get(pos)}

    def columns_hint(self) -> str:
        """The first 30 headers of the file, for a message about a column not found."""
        return ", ".join(repr(h) for h in list(self.survey.headers.values())[:30])


#: A check: reads the context, adds issues to the report.
Check = Callable[[FileContext, ValidationReport], None]


# --------------------------------------------------------------------------- columns


def check_ids_present(ctx: FileContext, report: ValidationReport) -> None:
    """``id-missing``: a response without a respondent id."""
    for idx in np.flatnonzero((ctx.ids == "").to_numpy()):
        report.error(
            IssueCode.ID_MISSING, "the response has no respondent id", **ctx.at(idx, ctx.id_pos)
        )


def check_projects_present(ctx: FileContext, report: ValidationReport) -> None:
    """``project-missing``: a response with an empty project cell (``--project-column``)."""
    if ctx.project_pos is None:
        return
    for idx in np.flatnonzero((ctx.project == "").to_numpy()):
        report.error(
            IssueCode.PROJECT_MISSING, "the response has no project", **ctx.at(idx, ctx.project_pos)
        )


def valid_waves(number: pd.Series) -> np.ndarray:
    """Boolean mask of the wave numbers that are whole numbers from 1 to :data:`MAX_WAVE`
    (not NaN, not infinite)."""
    values = number.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values >= 1) & (values <= MAX_WAVE) & (values % 1 == 0)


def check_waves(ctx: FileContext, report: ValidationReport) -> None:
    """``wave-missing`` / ``wave-invalid``: a wave cell that is empty or not a whole number
    from 1 to :data:`MAX_WAVE` (``--wave-column``)."""
    if ctx.wave_pos is None:
        return
    bad = ~valid_waves(ctx.wave_number)
    for idx in np.flatnonzero(bad):
        text = ctx.wave_text.iloc[idx]
        code = IssueCode.WAVE_MISSING if text == "" else IssueCode.WAVE_INVALID
        report.error(
            code,
            f"the wave must be a whole number from 1 to {MAX_WAVE} (1 = entry, 2 = mid-point, …)",
            value=text,
            **ctx.at(idx, ctx.wave_pos),
        )


def check_date_column(ctx: FileContext, report: ValidationReport) -> None:
    """``date-invalid``: the date column named (``--date-column``, mapping file) is absent."""
    if ctx.date_name and ctx.date_pos is None:
        report.error(
            IssueCode.DATE_INVALID,
            f"the date column {ctx.date_name!r} is not in the file; columns: " + ctx.columns_hint(),
            **ctx.where,
        )


def check_dates(ctx: FileContext, report: ValidationReport) -> None:
    """``date-invalid``: a date cell that cannot be parsed."""
    if ctx.bad_dates is None:
        return
    cells = ctx.survey.data[ctx.date_pos]
    for idx in np.flatnonzero(ctx.bad_dates.to_numpy()):
        report.error(
            IssueCode.DATE_INVALID,
            "not a date (expected e.g. 16.3.2024 or 2024-03-16)",
            value=cells.iloc[idx],
            **ctx.at(idx, ctx.date_pos),
        )


def check_rows_aligned(ctx: FileContext, report: ValidationReport) -> None:
    """``row-misaligned``: rows of a text file whose values moved columns
    (:func:`~evaltool.validate.rows.check_row_widths`)."""
    check_row_widths(ctx.survey, report, ctx.where)


def check_mapping_file(ctx: FileContext, report: ValidationReport) -> None:
    """``mapping-invalid``: mapping-file entries that are wrong (errors) or match no column
    (warnings)."""
    for msg in ctx.placement.problems:
        report.error(IssueCode.MAPPING_INVALID, msg, **ctx.where)
    for msg in ctx.placement.warnings:
        report.warning(IssueCode.MAPPING_INVALID, msg, **ctx.where)


def check_field_labels(ctx: FileContext, report: ValidationReport) -> None:
    """``unknown-label`` (warning): a background answer that is not one of the field's
    options."""
    for idx, pos, value, msg in ctx.field_problems[:MAX_VALUE_ISSUES]:
        report.warning(IssueCode.UNKNOWN_LABEL, msg, value=value, **ctx.at(idx, pos))


def check_age_groups(ctx: FileContext, report: ValidationReport) -> None:
    """``age-grouped`` (warning): an age column in years stored as the built-in age groups
    (:data:`~evaltool.mapping.fields.AGE_GROUPS`), not one group per year."""
    from evaltool.mapping.fields import AGE_RULE, age_columns

    for pos in age_columns(ctx.survey, ctx.placement, ctx.instrument):
        message = (
            f"the age column holds ages in years; they are stored as the age groups {AGE_RULE}"
        )
        report.warning(IssueCode.AGE_GROUPED, message, **ctx.column(pos))
        ctx.stored_warnings.append(
            {"code": IssueCode.AGE_GROUPED.value, "column": column_letter(pos), "message": message}
        )


def check_items_found(ctx: FileContext, report: ValidationReport) -> None:
    """``no-items``: no column holds an item of the instrument (the import stops here)."""
    if ctx.placement.items:
        return
    instrument, survey = ctx.instrument, ctx.survey
    looks = ", ".join(
        f"{column_letter(p)} ({survey.headers.get(p)!r})" for p in ctx.placement.item_like[:10]
    )
    report.error(
        IssueCode.NO_ITEMS,
        f"no column matches an item of {instrument.name} (layout {survey.layout}; "
        f"expected headers such as {instrument.item_codes[0]} … "
        f"{instrument.item_codes[-1]}, '1.', 'k1', the item labels or a grid of "
        "statements"
        + (f"; columns with answers that could not be placed: {looks}" if looks else "")
        + "); give a --mapping file (evaltool inspect FILE --write-mapping "
        "map.toml writes one to edit), or --layout if the layout was recognised "
        "wrongly" + ctx.other_sheets,
        **ctx.where,
    )


# --------------------------------------------------------------------------- items


def check_unplaced_item_columns(ctx: FileContext, report: ValidationReport) -> None:
    """``items-unplaced``: a column of answers on the instrument's scale that no item
    claimed, while some items have no column."""
    placement = ctx.placement
    if not (placement.item_like and placement.missing_items):
        return
    for pos in placement.item_like:
        report.error(
            IssueCode.ITEMS_UNPLACED,
            f"this column holds answers on the {ctx.instrument.name} scale but could "
            f"not be placed on an item (unplaced items: "
            f"{', '.join(placement.missing_items)}); name its item in a --mapping "
            "file (evaltool inspect FILE --write-mapping map.toml writes one to "
            "edit)",
            **ctx.column(pos),
        )


def check_numbered_columns(ctx: FileContext, report: ValidationReport) -> None:
    """``items-unplaced``: three or more unused question columns numbered beyond the
    instrument's items — the file looks like another instrument (no mapping file given)."""
    survey, instrument = ctx.survey, ctx.instrument
    if ctx.mapping.columns:
        return
    beyond = [
        pos
        for pos, header in survey.headers.items()
        if pos not in ctx.used
        and (m := _BARE_CODE.fullmatch(str(header).strip()))
        and int(m.group(1)) > len(instrument.items)
        and (survey.data[pos] != "").any()
    ]
    if len(beyond) < 3:
        return
    report.error(
        IssueCode.ITEMS_UNPLACED,
        f"the file has {len(beyond)} more numbered question columns "
        f"({', '.join(survey.headers[p] for p in beyond[:6])}"
        f"{' …' if len(beyond) > 6 else ''}) than {instrument.name} has items "
        f"({len(instrument.items)}): it looks like another instrument; check "
        "--instrument, or give a --mapping file naming the columns to use",
        **ctx.where,
    )


def check_answers(ctx: FileContext, report: ValidationReport) -> None:
    """``value-out-of-range`` / ``unknown-label``: an item answer that cannot be decoded."""
    problems = ctx.decoded.problems
    for prob in problems[:MAX_VALUE_ISSUES]:
        report.error(prob.code, prob.message, value=prob.value, **ctx.at(prob.index, prob.column))
    if len(problems) > MAX_VALUE_ISSUES:
        report.error(
            problems[0].code,
            f"{len(problems) - MAX_VALUE_ISSUES} more values could not be decoded",
            **ctx.where,
        )


def check_missing_items(ctx: FileContext, report: ValidationReport) -> None:
    """``items-unplaced`` (warning): items of the instrument without a column (missing)."""
    placed = set(ctx.placement.items.values())
    missing = [c for c in ctx.instrument.item_codes if c not in placed]
    if not missing:
        return
    msg = "items not found in the file (counted as missing): " + ", ".join(missing)
    report.warning(IssueCode.ITEMS_UNPLACED, msg, **ctx.where)
    ctx.stored_warnings.append({"code": "items-unplaced", "message": msg})


def check_duplicates(ctx: FileContext, report: ValidationReport) -> None:
    """``duplicate-respondent``: a respondent who answers twice in one project and wave."""
    ids, project, wave = ctx.ids, ctx.project, ctx.wave
    keys = pd.DataFrame({"project": project, "wave": wave, "id_key": ctx.id_keys})
    dup = keys.duplicated(keep=False) & (ids != "")
    for idx in np.flatnonzero(dup.to_numpy()):
        report.error(
            IssueCode.DUPLICATE_RESPONDENT,
            f"respondent {ids.iloc[idx]!r} answers more than once in project "
            f"{project.iloc[idx]!r}, wave {wave.iloc[idx]}",
            value=ids.iloc[idx],
            **ctx.at(idx, ctx.id_pos),
        )


def check_normalised_ids(ctx: FileContext, report: ValidationReport) -> None:
    """``id-normalised``: ids written as numbers with leading zeros or a zero decimal part,
    compared as whole numbers (:func:`~evaltool.mapping.ids.normalise_ids`)."""
    changed = ctx.id_changed
    if not changed.any():
        return
    examples = list(
        dict.fromkeys(
            f"{a!r} → {b!r}"
            for a, b in zip(ctx.ids[changed].head(200), ctx.id_keys[changed].head(200), strict=True)
        )
    )
    msg = (
        f"{int(changed.sum())} respondent id(s) written as numbers with leading "
        "zeros or a zero decimal part are compared as whole numbers, so waves "
        "exported differently still link"
    )
    # the examples (source ids) are shown now, never stored with the import
    report.warning(
        IssueCode.ID_NORMALISED,
        msg + " (" + ", ".join(examples[:3]) + ")",
        **ctx.column(ctx.id_pos),
    )
    ctx.stored_warnings.append(
        {
            "code": "id-normalised",
            "column": column_letter(ctx.id_pos),
            "count": int(changed.sum()),
            "message": msg,
            "value": None,
        }
    )


def check_rounded_ids(ctx: FileContext, report: ValidationReport) -> None:
    """``id-rounded``: ids in scientific notation — long numbers Excel has rounded."""
    rounded = rounded_ids(ctx.ids)
    if not rounded.any():
        return
    msg = (
        f"{int(rounded.sum())} respondent id(s) are numbers in scientific notation: "
        "Excel has rounded long numeric ids, so different clients may share an id and waves "
        "may not link; export the file again with the id column formatted as text"
    )
    example = f" (e.g. {ctx.ids[rounded].iloc[0]!r})"  # shown now, not stored
    report.warning(IssueCode.ID_ROUNDED, msg + example, **ctx.column(ctx.id_pos))
    ctx.stored_warnings.append(
        {
            "code": "id-rounded",
            "column": column_letter(ctx.id_pos),
            "count": int(rounded.sum()),
            "message": msg,
        }
    )


def check_unused_columns(ctx: FileContext, report: ValidationReport) -> None:
    """``column-unused`` (warning): a filled column nothing used, one warning each (one for
    all when there are more than :data:`MAX_COLUMN_WARNINGS`). A column with an item's
    header is a copy (same answers: warning) or ambiguous (``items-unplaced`` error)."""
    survey = ctx.survey
    filled = filled_columns(survey.data, [p for p in survey.headers if p not in ctx.used])
    unused = [pos for pos in survey.headers if pos in filled]
    unused = _check_item_twins(ctx, unused, report)
    if len(unused) > MAX_COLUMN_WARNINGS:
        msg = f"{len(unused)} columns not used: {summary.column_runs(unused)}"
        report.warning(IssueCode.COLUMN_UNUSED, msg, **ctx.where)
        ctx.stored_warnings.append({"code": "column-unused", "count": len(unused), "message": msg})
        return
    for pos in unused:
        header = survey.headers[pos]
        report.warning(IssueCode.COLUMN_UNUSED, "column not used", **ctx.column(pos))
        ctx.stored_warnings.append(
            {"code": "column-unused", "column": column_letter(pos), "header": header}
        )


def _check_item_twins(ctx: FileContext, unused: list[int], report: ValidationReport) -> list[int]:
    """Report the unused columns with an item column's header; returns the other ones."""
    survey, items = ctx.survey, ctx.placement.items
    by_header: dict[str, int] = {}
    for pos in sorted(items):
        by_header.setdefault(header_key(survey.headers.get(pos, "")), pos)
    rest = []
    for pos in unused:
        twin = by_header.get(header_key(survey.headers.get(pos, "")))
        if twin is None:
            rest.append(pos)
            continue
        data = survey.data
        if bool((data[pos].str.strip() == data[twin].str.strip()).all()):
            msg = (
                f"column not used: a copy of column {column_letter(twin)} (same header, "
                f"same answers), which is item {items[twin]}"
            )
            report.warning(IssueCode.COLUMN_UNUSED, msg, **ctx.column(pos))
            ctx.stored_warnings.append(
                {
                    "code": "column-unused",
                    "column": column_letter(pos),
                    "header": survey.headers.get(pos),
                    "message": msg,
                }
            )
        else:
            report.error(
                IssueCode.ITEMS_UNPLACED,
                f"columns {column_letter(twin)} and {column_letter(pos)} have the "
                f"same header but different answers, so it is not clear which is "
                f"item {items[twin]}; name the one to use in a --mapping file (e.g. "
                f'"{column_letter(pos)}" = "skip")',
                **ctx.column(pos),
            )
    return rest


def check_other_sheets(ctx: FileContext, report: ValidationReport) -> None:
    """``sheet-unread``: the workbook has other sheets that may hold data (not read)."""
    if not ctx.other_sheets:
        return
    msg = ctx.other_sheets.removeprefix("; ")
    report.warning(IssueCode.SHEET_UNREAD, msg, **ctx.where)
    ctx.stored_warnings.append({"code": "sheet-unread", "message": msg})


def check_dropped_rows(ctx: FileContext, report: ValidationReport) -> None:
    """``rows-dropped``: rows the layout recognised as not respondents (footers, previews)."""
    for row, reason in ctx.survey.dropped:
        report.warning(IssueCode.ROWS_DROPPED, reason, **ctx.where, row=row)
        ctx.stored_warnings.append({"code": "rows-dropped", "row": row, "message": reason})


def check_incomplete(ctx: FileContext, report: ValidationReport) -> None:
    """``response-incomplete``: a response the survey tool marks unfinished (imported with a
    flag; ``--complete-only`` drops it instead, without a warning)."""
    if ctx.complete_only:
        return
    rows = ctx.survey.rows
    for idx in np.flatnonzero(ctx.incomplete):
        report.warning(
            IssueCode.RESPONSE_INCOMPLETE,
            "the survey tool marks this response as not finished; it is "
            "imported and flagged (use --complete-only to drop it)",
            **ctx.where,
            row=int(rows[idx]),
        )


def check_discarded(ctx: FileContext, report: ValidationReport) -> None:
    """``response-discarded``: a kept response with too many missing items to be scored
    under the missing-data rule."""
    discarded = ctx.scores["discarded"].to_numpy() & ctx.keep
    rule, n_missing, rows = ctx.rule, ctx.scores["n_missing"], ctx.survey.rows
    for idx in np.flatnonzero(discarded):
        msg = (
            f"response discarded: {int(n_missing.iloc[idx])} of "
            f"{len(ctx.instrument.items)} items missing (rule {rule.name} needs at least "
            f"{rule.response_min_answered} answered)"
        )
        report.warning(IssueCode.RESPONSE_DISCARDED, msg, **ctx.where, row=int(rows[idx]))
    n_discarded = int(discarded.sum())
    if n_discarded:
        ctx.stored_warnings.append({"code": "response-discarded", "count": n_discarded})


#: Checks of the located columns, the rows and the mapping (before decoding the answers).
COLUMN_CHECKS: tuple[Check, ...] = (
    check_ids_present,
    check_projects_present,
    check_waves,
    check_date_column,
    check_dates,
    check_rows_aligned,
    check_mapping_file,
    check_field_labels,
    check_age_groups,
    check_items_found,
)
#: Checks once items are placed and the answers decoded.
ITEM_CHECKS: tuple[Check, ...] = (
    check_unplaced_item_columns,
    check_numbered_columns,
    check_answers,
    check_missing_items,
    check_duplicates,
    check_normalised_ids,
    check_rounded_ids,
    check_unused_columns,
    check_other_sheets,
    check_dropped_rows,
    check_incomplete,
    check_discarded,
)
#: Every check of one client file, in the order the import runs them.
CLIENT_CHECKS: tuple[Check, ...] = COLUMN_CHECKS + ITEM_CHECKS


def run_checks(checks: Sequence[Check], ctx: FileContext, report: ValidationReport) -> None:
    """Run ``checks`` in order on one file."""
    for check in checks:
        check(ctx, report)


# --------------------------------------------------------------------------- files together


def check_duplicates_across_files(
    files: Sequence[FileContext], frames: Sequence[pd.DataFrame], report: ValidationReport
) -> None:
    """``duplicate-respondent``: a respondent in two files of one import (same project and
    wave); ``frames`` are the files' rows to store, with their ``respondent`` pseudonyms.
    The first file keeps the response; the later ones are errors."""
    cols = ["project", "wave", "respondent", "source_id", "source_row"]
    keys = pd.concat(
        [frame[cols].assign(_file=k) for k, frame in enumerate(frames)], ignore_index=True
    )
    dup = keys.duplicated(["project", "wave", "respondent"], keep="first")
    for _, r in keys[dup].iterrows():
        ctx = files[r["_file"]]
        report.error(
            IssueCode.DUPLICATE_RESPONDENT,
            f"respondent {r['source_id']!r} of project {r['project']!r}, wave "
            f"{r['wave']} is also in another file of this import",
            **ctx.where,
            row=int(r["source_row"]),
            column=column_letter(ctx.id_pos),
            header=ctx.survey.headers.get(ctx.id_pos),
            value=r["source_id"],
        )


def check_already_stored(ctx: FileContext, stored: pd.DataFrame, report: ValidationReport) -> None:
    """``duplicate-respondent``: a respondent of the file already stored from another import
    (same instrument, project and wave); ``stored`` holds those rows (project, wave,
    source_id, source_row)."""
    for _, r in stored.head(MAX_STORED_DUPLICATES).iterrows():
        report.error(
            IssueCode.DUPLICATE_RESPONDENT,
            f"respondent {r['source_id']!r} of project {r['project']!r}, wave "
            f"{r['wave']} is already stored from another import",
            **ctx.where,
            row=int(r["source_row"]),
            column=column_letter(ctx.id_pos),
            header=ctx.survey.headers.get(ctx.id_pos),
            value=r["source_id"],
        )

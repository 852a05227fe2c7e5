"""Rows of a delimited text file whose values have moved columns."""

from __future__ import annotations

import numpy as np

from evaltool.issues import IssueCode, ValidationReport
from evaltool.layouts import SurveyTable
from evaltool.text import column_letter

#: At most this many misaligned rows are reported one by one.
MAX_ROW_ERRORS = 100


def check_row_widths(tidy: SurveyTable, report: ValidationReport, where: dict) -> None:
    """Errors (``row-misaligned``) for rows whose values have moved columns.

    Parameters
    ----------
    tidy
        The survey table of a file; only delimited text files (``raw.field_counts``) are
        checked.
    report
        The report the errors go to.
    where
        The file and sheet of the issues.

    Notes
    -----
    An answer holding the delimiter without quotes (``kiitos; 5``) gives its row an extra
    field, and every later value of the row shifts one column right — still numbers, so
    nothing else would notice; an answer holding a line break without quotes splits its
    row in two (the two parts' fields add up to the header's plus one). Rows wider than the
    header in most of the file are a column without a header, not shifted rows, unless a row
    holds values in two or more fields beyond the header (never one column); a row that is
    merely short (Excel leaves out trailing empty fields) is not an error.
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
    if wide.any():
        # Wide rows in a minority of the file have shifted; in most rows one extra field is
        # a column without a header, but two or more fields of values beyond the header are
        # never one column: that row has shifted whatever the share of such rows.
        extra = [c for c in data.columns if isinstance(c, int | np.integer) and c >= width]
        n_filled = (data[extra] != "").sum(axis=1).to_numpy() if extra else np.zeros(len(data), int)
        flagged = wide & ((n_filled >= 2) | (wide.sum() < 0.5 * len(data)))
        for k in np.flatnonzero(flagged):
            filled = [column_letter(c) for c in extra if data[c].iloc[k] != ""]
            beyond = f" (values beyond the header in {', '.join(filled)})" if filled else ""
            problems.append(
                (
                    int(k),
                    f"the row has {int(n_fields[k])} fields but the header {width}: an "
                    f"answer in it probably holds the delimiter {delim} without quotes, so the "
                    f"values after it are in the wrong columns{beyond}; put that answer in "
                    "quotes (or remove the delimiter from it) and save the file again",
                    width,
                )
            )
    following = np.append(idx[1:] == idx[:-1] + 1, False)
    split = following & (n_fields < width) & (np.append(n_fields[1:], 0) + n_fields - 1 == width)
    for k in np.flatnonzero(split):
        problems.append(
            (
                int(k),
                f"rows {int(tidy.rows[k])} and {int(tidy.rows[k]) + 1} have "
                f"{int(n_fields[k])} and {int(n_fields[k + 1])} fields, together one more than the "
                f"header's {width}: one response is probably split in two by a line break inside "
                "an answer without quotes; put that answer in quotes (or remove the line break) "
                "and save the file again",
                int(n_fields[k]) - 1,
            )
        )
    for k, message, col in sorted(problems)[:MAX_ROW_ERRORS]:
        report.error(
            IssueCode.ROW_MISALIGNED,
            message,
            **where,
            row=int(tidy.rows[k]),
            column=column_letter(col),
            header=tidy.headers.get(col),
            value=str(data[col].iloc[k]) if col in data.columns else None,
        )

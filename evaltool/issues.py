"""Validation reports: typed issues with positions, never a traceback.

Every problem found while reading or importing a file becomes an :class:`Issue` with a code, a
severity (``error`` or ``warning``), the file, sheet, spreadsheet row number (1-based, as the
user sees it), column letter and header, the offending value and a plain-language message.
Errors stop an import; warnings are stored with it. The design follows frictionless-py's
report of typed errors rather than raising on the first bad cell.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pandas as pd

ERROR = "error"
WARNING = "warning"

#: Issue codes and their meaning (documentation and tests use these names).
CODES = {
    "file-unreadable": "the file cannot be opened or parsed",
    "file-corrupt": "the file's bytes do not match a known format or its name",
    "file-empty": "the file or sheet holds no respondents",
    "sheet-missing": "the requested sheet does not exist",
    "id-column-missing": "the respondent id column is absent",
    "id-missing": "a response has no respondent id",
    "no-items": "no column could be matched to an instrument item",
    "value-out-of-range": "a numeric answer lies outside the item's scale",
    "unknown-label": "a text answer is not a known response label",
    "duplicate-respondent": "the same respondent answers twice in one project and wave",
    "project-missing": "a response has no project",
    "wave-missing": "a response has no wave",
    "wave-invalid": "the wave is not a positive whole number",
    "date-invalid": "a date cannot be parsed",
    "layout-ambiguous": "the file matches more than one survey-tool layout",
    "items-unplaced": "item columns were found but could not be matched to the instrument",
    "response-discarded": "a response has too many missing items and is not scored",
    "column-unused": "a column was not used",
    "rows-dropped": "rows that are not respondents were dropped",
    "response-incomplete": "the survey tool marks the response as not finished",
    "project-unregistered": "the project is not in the ESR project register",
    "org-near-duplicate": "organisation names differ only in punctuation or spacing",
    "mapping-invalid": "the mapping file is not valid",
    "id-normalised": "respondent ids written as numbers are compared as whole numbers",
    "sheet-unread": "the workbook has other sheets that were not read",
    "id-rounded": "respondent ids are numbers Excel has rounded (scientific notation)",
    "row-misaligned": "a row of a text file has more fields than its header",
}


@dataclass(frozen=True)
class Issue:
    """One problem, with its position in the user's file."""

    code: str
    severity: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            col = f"column {self.column}"
            if self.header:
                col += f" ({self.header!r})"
            parts.append(col)
        elif self.header:
            parts.append(f"column {self.header!r}")
        return ", ".join(parts)

    def format(self) -> str:
        text = f"{self.severity.upper()} [{self.code}] {self.where()}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text


@dataclass
class ValidationReport:
    """An ordered collection of issues for one import (possibly several files)."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str, **where) -> Issue:
        if code not in CODES:
            raise ValueError(f"unknown issue code {code}")
        issue = Issue(code=code, severity=severity, message=message, **where)
        self.issues.append(issue)
        return issue

    def error(self, code: str, message: str, **where) -> Issue:
        return self.add(code, ERROR, message, **where)

    def warning(self, code: str, message: str, **where) -> Issue:
        return self.add(code, WARNING, message, **where)

    def extend(self, other: ValidationReport) -> None:
        self.issues.extend(other.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """Issues as a DataFrame with columns code, severity, file, sheet, row, column,
        header, value, message."""
        cols = ["code", "severity", "file", "sheet", "row", "column", "header", "value", "message"]
        return pd.DataFrame([asdict(i) for i in self.issues], columns=cols)

    def to_json(self) -> str:
        return json.dumps(
            {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "issues": [asdict(i) for i in self.issues],
            },
            ensure_ascii=False,
            indent=2,
        )

    def format(self, limit: int = 50) -> str:
        """Human-readable text: errors first, at most ``limit`` lines per severity."""
        lines = []
        for group in (self.errors, self.warnings):
            for issue in group[:limit]:
                lines.append(issue.format())
            if len(group) > limit:
                lines.append(f"... and {len(group) - limit} more {group[0].severity}s")
        return "\n".join(lines)


"""Validation reports: typed issues with positions, never a traceback.

Every problem found while reading or importing a file becomes an :class:`Issue` with a code
(one of :class:`IssueCode`), a severity (``error`` or ``warning``), the file, sheet,
spreadsheet row number (1-based, as the user sees it), column letter and header, the offending
value and a plain-language message. Errors stop an import; warnings are stored with it. The
design follows frictionless-py's report of typed errors rather than raising on the first bad
cell, and pandera's enumeration of failure reasons: one vocabulary for every import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class IssueCode(StrEnum):
    """Every issue code an import can report; each member's ``meaning`` says what it means.

    A member is its code text (``IssueCode.ID_MISSING == "id-missing"``), so codes compare
    with, print and serialise as plain strings.
    """

    meaning: str

    def __new__(cls, code: str, meaning: str) -> IssueCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    # reading a file
    FILE_UNREADABLE = "file-unreadable", "the file cannot be opened or parsed"
    FILE_CORRUPT = "file-corrupt", "the file's bytes do not match a known format or its name"
    FILE_EMPTY = "file-empty", "the file or sheet holds no respondents"
    SHEET_MISSING = "sheet-missing", "the requested sheet does not exist"
    SHEET_UNREAD = "sheet-unread", "the workbook has other sheets that were not read"
    ROW_MISALIGNED = "row-misaligned", "a row of a text file has more fields than its header"
    ROWS_DROPPED = "rows-dropped", "rows that are not respondents were dropped"
    LAYOUT_AMBIGUOUS = "layout-ambiguous", "the file matches more than one survey-tool layout"
    FILE_REPEATED = (
        "file-repeated",
        "the same file (same SHA-256) is already imported as another wave, project or round",
    )
    # respondents, projects and waves
    ID_COLUMN_MISSING = "id-column-missing", "the respondent id column is absent"
    ID_MISSING = "id-missing", "a response has no respondent id"
    ID_NORMALISED = (
        "id-normalised",
        "respondent ids written as numbers are compared as whole numbers",
    )
    ID_ROUNDED = (
        "id-rounded",
        "respondent ids are numbers Excel has rounded (scientific notation)",
    )
    DUPLICATE_RESPONDENT = (
        "duplicate-respondent",
        "the same respondent answers twice in one project and wave",
    )
    PROJECT_MISSING = "project-missing", "a response has no project"
    PROJECT_UNREGISTERED = "project-unregistered", "the project is not in the ESR project register"
    WAVE_MISSING = "wave-missing", "a response has no wave"
    WAVE_INVALID = "wave-invalid", "the wave is not a positive whole number"
    WAVE_UNLINKED = (
        "wave-unlinked",
        "no respondent of the wave answered another wave of the project",
    )
    PROJECT_NEAR_DUPLICATE = (
        "project-near-duplicate",
        "a new project's name differs from an existing one only in case, spacing or one letter",
    )
    DATE_INVALID = "date-invalid", "a date cannot be parsed"
    # columns, items and answers
    MAPPING_INVALID = "mapping-invalid", "the mapping file is not valid"
    NO_ITEMS = "no-items", "no column could be matched to an instrument item"
    INSTRUMENT_MISMATCH = (
        "instrument-mismatch",
        "the file fits another built-in instrument better, or most responses would be discarded",
    )
    AGE_GROUPED = "age-grouped", "ages in years were grouped into the instrument's age groups"
    ITEMS_UNPLACED = (
        "items-unplaced",
        "item columns were found but could not be matched to the instrument",
    )
    COLUMN_UNUSED = "column-unused", "a column was not used"
    VALUE_OUT_OF_RANGE = "value-out-of-range", "a numeric answer lies outside the item's scale"
    UNKNOWN_LABEL = "unknown-label", "a text answer is not a known response label"
    RESPONSE_INCOMPLETE = (
        "response-incomplete",
        "the survey tool marks the response as not finished",
    )
    RESPONSE_DISCARDED = (
        "response-discarded",
        "a response has too many missing items and is not scored",
    )
    # partner surveys
    ORG_NEAR_DUPLICATE = (
        "org-near-duplicate",
        "organisation names differ only in punctuation or spacing",
    )
    # the project register
    COLUMN_MISSING = "column-missing", "a required column of the project register is absent"
    COLUMN_AMBIGUOUS = (
        "column-ambiguous",
        "two columns of the project register mean the same field",
    )
    VALUE_MISSING = "value-missing", "a required value of the project register is empty"
    NUMBER_INVALID = "number-invalid", "a number in the project register cannot be read"
    PROJECT_DUPLICATE = (
        "project-duplicate",
        "a project code occurs twice, or is already registered",
    )
    # ESF+ participant records
    STATUS_INCONSISTENT = (
        "status-inconsistent",
        "a participant's labour-market statuses contradict each other",
    )
    STATUS_MISSING = "status-missing", "a participant who has left has no status on leaving"
    PARTICIPANT_DUPLICATE = (
        "participant-duplicate",
        "the same participant occurs twice in one project",
    )

    @classmethod
    def of(cls, code: str) -> IssueCode:
        """The member for ``code`` (a member or its text); raises ValueError if unknown."""
        try:
            return cls(code)
        except ValueError:
            raise ValueError(f"unknown issue code {code!r}") from None


#: Issue codes and their meaning (documentation and tests use these names); read-only.
CODES = MappingProxyType({code.value: code.meaning for code in IssueCode})

#: The fields of an issue record (:meth:`Issue.to_record`), in order.
RECORD_FIELDS = ("code", "severity", "message", "file", "sheet", "row", "column", "header", "value")


@dataclass(frozen=True)
class Issue:
    """One problem, with its position in the user's file.

    ``code`` is an :class:`IssueCode` (its text is accepted and converted); an unknown code or
    severity raises ValueError, so a typo cannot create a new code.
    """

    code: IssueCode
    severity: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, IssueCode):
            object.__setattr__(self, "code", IssueCode.of(self.code))
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; one of {SEVERITIES}")

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

    def to_record(self) -> dict:
        """The issue as plain data: a dict of :data:`RECORD_FIELDS` (``code`` as its text).

        The one shape in which issues are written out: the JSON report, the report's
        DataFrame and the warnings stored with an import.
        """
        return {
            "code": self.code.value,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
        }


@dataclass
class ValidationReport:
    """An ordered collection of issues for one import (possibly several files)."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, code: IssueCode | str, severity: str, message: str, **where) -> Issue:
        """Add an issue; ``code`` is an :class:`IssueCode` or its text (ValueError if
        unknown), ``where`` any of file, sheet, row, column, header, value."""
        issue = Issue(code=code, severity=severity, message=message, **where)
        self.issues.append(issue)
        return issue

    def error(self, code: IssueCode | str, message: str, **where) -> Issue:
        return self.add(code, ERROR, message, **where)

    def warning(self, code: IssueCode | str, message: str, **where) -> Issue:
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
        return not any(i.severity == ERROR for i in self.issues)

    def to_frame(self) -> pd.DataFrame:
        """Issues as a DataFrame with columns code, severity, file, sheet, row, column,
        header, value, message."""
        import pandas as pd

        cols = ["code", "severity", "file", "sheet", "row", "column", "header", "value", "message"]
        return pd.DataFrame([i.to_record() for i in self.issues], columns=cols)

    def to_json(self) -> str:
        return json.dumps(
            {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "issues": [i.to_record() for i in self.issues],
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

"""What a layout yields: the survey table of one sheet and what each column's header says.

A :class:`SurveyTable` holds one row per respondent, the spreadsheet row number the user sees
for each of them (so validation can point at it), and per column a :class:`ColumnInfo`.
:class:`LayoutError` is raised when a layout cannot be recognised or does not fit a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.read import RawTable
from evaltool.text import column_letter, header_key

_NUMBER_PREFIX = re.compile(
    r"^\s*(?:(?:[A-Za-zÅÄÖåäö]{1,3}\s?)?\d{1,3}[a-z]?\s*[.):]\s*|\d{1,3}\s+(?=\D))"
)
_TEMPLATE_CODE = re.compile(r"\(([A-Za-z_][A-Za-z0-9_.:=-]*)\)\s*$")
_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")


def strip_number(text: str) -> str:
    """Header text without a question number prefix (``1. ``, ``Q5. ``, ``K3) ``)."""
    return _NUMBER_PREFIX.sub("", str(text), count=1).strip()


def template_code(header: str) -> str | None:
    """The code in parentheses that ends a template header (``Sukupuoli (gender)``)."""
    m = _TEMPLATE_CODE.search(str(header))
    return m.group(1) if m else None


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
            for joined in (
                f"{self.stem} [{self.sub}]",
                f"{self.stem} - {self.sub}",
                f"{self.stem}:{self.sub}",
            ):
                if joined not in out:
                    out.append(joined)
        return out


@dataclass
class SurveyTable:
    """The responses of one sheet, one row per respondent, metadata separated.

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

    def column_by_header(self, name: str) -> int | None:
        """Position of the column called ``name``: its header, tool code, question label,
        sub-label or template code ``(name)`` (case and spacing ignored), or a column letter
        (``C``); None when there is none."""
        target = header_key(name)
        for pos, header in self.headers.items():
            if header_key(header) == target:
                return pos
        for pos, info in self.columns.items():
            if any(header_key(n) == target for n in info.names()):
                return pos
            code = template_code(info.header)
            if code is not None and code.casefold() == target:
                return pos
        if _COLUMN_LETTERS.fullmatch(name.strip()):
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

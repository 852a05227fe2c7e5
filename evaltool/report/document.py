"""The report as data: chapters of sections of blocks (paragraphs, tables, figures, lists).

Builders (:mod:`evaltool.report.build`) make a :class:`Document`; the HTML renderer and the
Excel workbook both read it, so every table shown is also written to the workbook. A
:class:`Table` keeps raw values (numbers stay numbers in Excel) and a column spec saying how
each column is formatted; rows marked ``suppressed`` show ``–`` in every statistic column, and
``cells`` withholds single cells (a small count and the share computed from it, see
:mod:`evaltool.report.privacy`). A column may be shown only in the HTML report (a confidence
interval as one ``12,3…15,6`` column) or only in the workbook (its two numeric limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from markupsafe import Markup

from evaltool.report.i18n import DASH, fmt_date, fmt_num, fmt_p, fmt_pct

#: Column kinds → (HTML formatter, Excel number format).
KINDS = {
    "text": None,
    "int": "0",
    "num1": "0.0",
    "num2": "0.00",
    "num3": "0.000",
    "signed0": "+0;-0;0",
    "signed1": "+0.0;-0.0;0.0",
    "signed2": "+0.00;-0.00;0.00",
    "num2i": "0.##",
    "signed2i": "+0.##;-0.##;0",
    "p": "0.000",
    "pct": "0%",
    "pct1": "0.0%",
    "date": None,
    "eur": "#,##0",
}
"""``num2i`` / ``signed2i``: whole numbers without decimals, others with two (a table mixing
counts and ratios, such as the network figures)."""


@dataclass
class Column:
    """One column of a :class:`Table`: source column, header, kind, and whether it is a
    statistic (shown as ``–`` in suppressed rows)."""

    key: str
    header: str
    kind: str = "text"
    stat: bool = True
    where: str = "both"  # "both", "html" (report only) or "excel" (workbook only)
    repeat: bool = True  # False: the report shows the value once per run of equal rows


@dataclass
class Table:
    key: str
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    suppressed: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    cells: dict[str, np.ndarray] = field(default_factory=dict)
    #: Column key → per row the linear form (atom → coefficient) of the count or sum the
    #: cell reveals, for the release check (:mod:`evaltool.report.release`).
    ledger: dict[str, list] = field(default_factory=dict)
    #: Further forms the table reveals outside its cells (a total in its title).
    ledger_facts: list = field(default_factory=list)
    #: Written to the workbook only (long tables a funder does not read in the report).
    excel_only: bool = False

    def __post_init__(self) -> None:
        self.frame = self.frame.reset_index(drop=True)
        if self.suppressed is None:
            if "suppressed" in self.frame.columns:
                self.suppressed = self.frame["suppressed"].fillna(False).astype(bool).to_numpy()
            else:
                self.suppressed = np.zeros(len(self.frame), dtype=bool)
        self.suppressed = np.asarray(self.suppressed, dtype=bool)
        self.cells = {k: np.asarray(v, dtype=bool) for k, v in self.cells.items()}

    def withheld(self, column: Column) -> np.ndarray:
        """Rows whose cell in ``column`` shows ``–``."""
        mask = self.suppressed if column.stat else np.zeros(len(self.frame), dtype=bool)
        extra = self.cells.get(column.key)
        return mask | extra if extra is not None else mask

    @property
    def has_suppressed(self) -> bool:
        return any(self.withheld(c).any() for c in self.columns)

    def html_columns(self) -> list[Column]:
        return [c for c in self.columns if c.where != "excel"]

    def excel_columns(self) -> list[Column]:
        return [c for c in self.columns if c.where != "html"]

    def _cell(self, value, kind: str, lang: str) -> str:
        if value is None or value is pd.NA:
            return ""
        if kind == "text":
            if isinstance(value, float) and np.isnan(value):
                return ""
            return str(value)
        if kind == "date":
            return fmt_date(value, lang)
        if kind == "int":
            return fmt_num(value, lang, 0)
        if kind in ("num1", "num2", "num3"):
            return fmt_num(value, lang, int(kind[-1]))
        if kind in ("signed0", "signed1", "signed2"):
            return fmt_num(value, lang, int(kind[-1]), sign=True)
        if kind in ("num2i", "signed2i"):
            v = float(value)
            digits = 0 if np.isfinite(v) and v == round(v) else 2
            return fmt_num(v, lang, digits, sign=kind == "signed2i")
        if kind == "p":
            return fmt_p(value, lang)
        if kind in ("pct", "pct1"):
            return fmt_pct(value, lang, 1 if kind == "pct1" else 0)
        if kind == "eur":
            return fmt_num(value, lang, 0)
        return str(value)

    def html_rows(self, lang: str) -> list[list[tuple[str, str]]]:
        """Rows of (text, css class) cells: ``num`` for numbers, ``dash`` for withheld."""
        out = []
        cols = [(c, self.frame[c.key].tolist(), self.withheld(c)) for c in self.html_columns()]
        # grouping columns (repeat=False): a value is shown where it, or a grouping value
        # to its left, changes
        keys = []
        prefix: list = []
        for c, values, _ in cols:
            if not c.repeat:
                prefix = prefix + [values]
            keys.append(list(zip(*prefix, strict=True)) if not c.repeat else None)
        for i in range(len(self.frame)):
            row = []
            for (c, values, dashed), key in zip(cols, keys, strict=True):
                css = "" if c.kind == "text" else "num"
                if key is not None and i and key[i] == key[i - 1]:
                    row.append(("", css))
                elif dashed[i]:
                    row.append((DASH, "num dash"))
                else:
                    row.append((self._cell(values[i], c.kind, lang), css))
            out.append(row)
        return out

    def excel_frame(self) -> pd.DataFrame:
        """Headers as shown, raw values (numbers stay numbers), ``–`` in withheld statistic
        cells, empty cells for missing values."""
        data = {}
        cols = self.excel_columns()
        for c in cols:
            arr = self.frame[c.key].to_numpy(dtype=object, na_value=None)
            dashed = self.withheld(c)
            if dashed.any():
                arr = arr.copy()
                arr[dashed] = DASH
            data[c.header] = arr
        return pd.DataFrame(data, columns=[c.header for c in cols], dtype=object)

    def number_formats(self) -> dict[str, str]:
        return {c.header: KINDS[c.kind] for c in self.excel_columns() if KINDS.get(c.kind)}


@dataclass
class Figure:
    """A plotly figure (as a dict), rendered with a fixed div id."""

    key: str
    title: str
    figure: dict
    note: str = ""


@dataclass
class Paragraph:
    text: str
    css: str = ""


@dataclass
class AnswerList:
    """Open answers: verbatim texts with counts (rendered escaped)."""

    title: str
    answers: list[tuple[str, int]]
    note: str = ""


@dataclass
class Facts:
    """A short definition list (label → value)."""

    items: list[tuple[str, str]]


@dataclass
class EvaluatorText:
    """The evaluator's own text of one section (Markdown, :mod:`evaltool.report.texts`),
    or, when ``filled`` is False, the mark that it is still missing (``missing``)."""

    section: str
    markdown: str
    filled: bool
    missing: str = ""

    def html(self) -> Markup:
        """The text as HTML (raw HTML in it escaped; ``##`` as ``<h3>``)."""
        from evaltool.report.texts import markdown_html

        return Markup(markdown_html(self.markdown))


Block = Table | Figure | Paragraph | AnswerList | Facts | EvaluatorText


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)
    anchor: str = ""


@dataclass
class Chapter:
    anchor: str
    title: str
    sections: list[Section] = field(default_factory=list)
    intro: list = field(default_factory=list)

    def empty(self) -> bool:
        return not self.intro and not any(s.blocks for s in self.sections)


@dataclass
class Document:
    """One report: title lines, chapters, language, threshold and output names."""

    kind: str  # "project" | "programme"
    title: str
    subtitle: str
    lang: str
    created: str
    min_n: int
    chapters: list[Chapter]
    facts: list[tuple[str, str]] = field(default_factory=list)

    def tables(self) -> list[Table]:
        out = []
        for ch in self.chapters:
            for block in ch.intro + [b for s in ch.sections for b in s.blocks]:
                if isinstance(block, Table):
                    out.append(block)
        return out

    def numbered_tables(self) -> list[tuple[int, Table]]:
        """(number, table): the report's tables in order, then those written to the
        workbook only, numbered on after them."""
        tables = self.tables()
        shown = [tb for tb in tables if not tb.excel_only]
        rest = [tb for tb in tables if tb.excel_only]
        return list(enumerate(shown + rest, start=1))

    def figures(self) -> list[Figure]:
        return [
            b
            for ch in self.chapters
            for s in ch.sections
            for b in s.blocks
            if isinstance(b, Figure)
        ]

    @property
    def has_suppressed(self) -> bool:
        return any(t.has_suppressed for t in self.tables())


@dataclass
class IndexPage:
    """The index of a batch of reports: its words and one row per project report (key,
    name, href, organisation, instruments, clients)."""

    lang: str
    words: dict[str, str]
    projects: list[dict[str, str]]

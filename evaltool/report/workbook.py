"""The Excel workbook written beside each report (``P.html`` → ``P.xlsx``).

The first sheet lists the tables (number, full title, notes); then one sheet per table, named
by its number and title (Excel keeps 31 characters), with the report's headers, raw numbers
in the report's number formats, ``–`` where a statistic is withheld, and a bold frozen header
row (:func:`evaltool.output.write_xlsx`, fast engine). The file is reproducible: its zip
entries are dated with the report date, so the same workspace gives the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from evaltool.output import write_xlsx
from evaltool.report.document import Document
from evaltool.report.i18n import t


def workbook_tables(doc: Document) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, str]]]:
    """Sheets (name → frame) and their number formats, contents sheet first."""
    lang = doc.lang
    numbered = doc.numbered_tables()
    tables = [tb for _, tb in numbered]
    contents = pd.DataFrame(
        {
            t("word_table", lang): [k for k, _ in numbered],
            t("col_name", lang): [tb.title for tb in tables],
            t("ch_appendix", lang): [
                " ".join(
                    tb.notes
                    + ([t("min_n_note", lang, min_n=doc.min_n)] if tb.has_suppressed else [])
                )
                for tb in tables
            ],
        }
    )
    sheets = {t("contents", lang): contents}
    formats: dict[str, dict[str, str]] = {t("contents", lang): {t("word_table", lang): "0"}}
    for k, tb in numbered:
        name = f"{k} {tb.title.split(': ', 1)[-1]}"
        sheets[name] = tb.excel_frame()
        formats[name] = tb.number_formats()
    return sheets, formats


def write_workbook(doc: Document, path: str | Path, stamp: date) -> Path:
    """Write the document's tables to ``path``; zip entries dated ``stamp``."""
    path = Path(path)
    sheets, formats = workbook_tables(doc)
    write_xlsx(
        sheets,
        path,
        sheet_number_formats=formats,
        engine="fast",
        timestamp=datetime(max(stamp.year, 1980), stamp.month, stamp.day),
    )
    return path

"""The Excel workbook written beside each report (``P.html`` → ``P.xlsx``).

The first sheet lists the tables (number, full title, notes); then one sheet per table, named
by its number and title (Excel keeps 31 characters), with the report's headers, raw numbers
in the report's number formats, ``–`` where a statistic is withheld, and a bold frozen header
row (:func:`evaltool.output.write_xlsx`). The file is reproducible: zip entry times and
document properties are set to the report date, so the same workspace gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from ..output import write_xlsx
from .document import Document
from .i18n import t

_STAMP_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def workbook_tables(doc: Document) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, str]]]:
    """Sheets (name → frame) and their number formats, contents sheet first."""
    lang = doc.lang
    tables = doc.tables()
    contents = pd.DataFrame({
        t("word_table", lang): list(range(1, len(tables) + 1)),
        t("col_name", lang): [tb.title for tb in tables],
        t("ch_appendix", lang): [
            " ".join(tb.notes + ([t("min_n_note", lang, min_n=doc.min_n)]
                                 if tb.has_suppressed else [])) for tb in tables],
    })
    sheets = {t("contents", lang): contents}
    formats: dict[str, dict[str, str]] = {}
    for k, tb in enumerate(tables, start=1):
        name = f"{k} {tb.title.split(': ', 1)[-1]}"
        sheets[name] = tb.excel_frame()
        formats[name] = tb.number_formats()
    return sheets, formats


def write_workbook(doc: Document, path: str | Path, stamp: date) -> Path:
    """Write the document's tables to ``path`` with fixed timestamps (``stamp``)."""
    path = Path(path)
    sheets, formats = workbook_tables(doc)
    buf = io.BytesIO()
    write_xlsx(sheets, buf, sheet_number_formats=formats)
    path.write_bytes(_reproducible(buf.getvalue(), stamp))
    return path


def _reproducible(data: bytes, stamp: date) -> bytes:
    """The xlsx zip with every entry dated ``stamp`` and the document properties too."""
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    iso = f"{stamp.isoformat()}T00:00:00Z".encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP_RE.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            zi = zipfile.ZipInfo(info.filename, date_time=when)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, content)
    return out.getvalue()

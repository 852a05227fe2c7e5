"""Byte-for-byte reproducible xlsx, delimited-text and SPSS files.

openpyxl stamps the save time into an xlsx package (zip entry dates and the document
properties) and pyreadstat the creation time into a ``.sav`` header; both are replaced by a
fixed stamp, so writing the same rows twice gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

#: Timestamp written into file containers (xlsx zip entries and properties, SPSS header).
FIXED_STAMP = datetime(2014, 1, 31, 12, 0, 0)

#: Texts openpyxl would store as a formula or an error value unless told they are text.
_NOT_TEXT = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def xlsx_cells(ws, values: Iterable[object], *, empty_cells: bool = False) -> list:
    """Cells for ``ws.append`` of a write-only sheet: every text stays text (never a formula
    or an error value) and numpy scalars become Python numbers.

    Parameters
    ----------
    ws
        The openpyxl write-only worksheet.
    values
        One row of values.
    empty_cells
        Write ``""`` as an empty text cell (default: no cell, as for ``None``).

    Returns
    -------
    list
        Values and ``WriteOnlyCell`` objects for ``ws.append``.
    """
    from openpyxl.cell import WriteOnlyCell

    out: list = []
    for v in values:
        if isinstance(v, str):
            if v.startswith("=") or v in _NOT_TEXT:
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"
                v = cell
            elif not v and not empty_cells:
                v = None
        elif isinstance(v, (np.integer, np.floating)):
            v = v.item()
        out.append(v)
    return out


def save_xlsx(wb, path: Path, stamp: datetime = FIXED_STAMP) -> None:
    """Save a workbook byte-for-byte reproducibly.

    Parameters
    ----------
    wb
        An openpyxl workbook.
    path
        The file to write.
    stamp
        The time written as the document's creation and modification dates and as every zip
        entry's date (openpyxl writes the save time into both).
    """
    zip_stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    iso_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + iso_stamp + rb"\g<2>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=zip_stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    sheet: str = "Sheet1",
    merges: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
    empty_cells: bool = False,
    stamp: datetime = FIXED_STAMP,
) -> None:
    """Write rows to a one-sheet xlsx file, reproducibly (see :func:`save_xlsx`).

    Parameters
    ----------
    path
        The file to write.
    rows
        The sheet's rows from the top; ``None`` (and ``""`` unless ``empty_cells``) leaves a
        cell empty, text is always text (see :func:`xlsx_cells`).
    sheet
        The sheet's name.
    merges
        Cell ranges to merge (``"C4:J4"``).
    properties
        Document properties (openpyxl ``DocumentProperties`` names: ``title``, ``subject``,
        ``creator``, ``description``); the dates are always ``stamp``.
    empty_cells
        Write ``""`` as an empty text cell.
    stamp
        The fixed time of the file (document dates and zip entries).
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, value in (properties or {}).items():
        setattr(wb.properties, name, value)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    ws = wb.create_sheet(sheet)
    for cell_range in merges:
        ws.merged_cells.add(cell_range)
    for row in rows:
        ws.append(xlsx_cells(ws, row, empty_cells=empty_cells))
    save_xlsx(wb, path, stamp)


def write_csv(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    errors: str = "strict",
    quoting: int = csv.QUOTE_MINIMAL,
    lineterminator: str = "\r\n",
    trailer: str = "",
) -> None:
    """Write rows as a delimited text file.

    Parameters
    ----------
    path
        The file to write.
    rows
        The rows from the top (values written with ``str``).
    delimiter, quoting, lineterminator
        The dialect (:mod:`csv` names).
    encoding, errors
        The file's encoding and what happens to characters it cannot hold (``"replace"``
        writes ``?``, as Excel does when it saves a CSV in cp1252).
    trailer
        Text after the last row (``"\\r\\n"``: a blank last line).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    writer.writerows(rows)
    path.write_bytes((buf.getvalue() + trailer).encode(encoding, errors=errors))


def write_sav(df: pd.DataFrame, path: Path, stamp: datetime = FIXED_STAMP, **kwargs) -> None:
    """``pyreadstat.write_sav`` with a fixed creation date and time in the file header.

    Parameters
    ----------
    df
        The data (one column per variable).
    path
        The file to write.
    stamp
        The creation time written into the header.
    **kwargs
        Passed to ``pyreadstat.write_sav`` (``column_labels``, ``variable_value_labels``,
        ``missing_ranges``, ``file_label``).
    """
    import pyreadstat

    pyreadstat.write_sav(df, str(path), **kwargs)
    with open(path, "r+b") as fh:
        head = fh.read(109)
        if not head.startswith(b"$FL2"):
            raise RuntimeError(f"{path}: unexpected SPSS header")
        fh.seek(92)
        fh.write(stamp.strftime("%d %b %y").encode("ascii"))
        fh.write(stamp.strftime("%H:%M:%S").encode("ascii"))

"""Readers: a file's bytes → a table of raw cells, before any header is interpreted.

The format is decided from the file's leading bytes, never from its extension
(:mod:`evaltool.read.sniff`); each format has its reader:

=========================  ===============================================================
module                     reads
=========================  ===============================================================
:mod:`.delimited`          csv / tsv / txt: encoding, delimiter, ragged rows, decimal mark
:mod:`.spreadsheet`        xlsx / xlsm, xls, ods with python-calamine: sheet choice, extent
:mod:`.xlsx_parts`         an xlsx's XML streamed before the engine parses it: damaged
                           members, document type declarations, stray cells far away
:mod:`.spss`               sav / zsav with pyreadstat in a child process: value labels,
                           declared missing values, dates of any year
:mod:`.dates`              dates as survey tools and people write them → ISO
=========================  ===============================================================

Every cell comes back as text (``""`` for empty) so that no reader guesses types: the
layouts and instruments decide what a value means. Row ``i`` of :attr:`RawTable.cells` is
spreadsheet row ``i + 1 + RawTable.row_offset``.
"""

from __future__ import annotations

from pathlib import Path

from evaltool.read.cells import RawTable, ReadError
from evaltool.read.delimited import (
    DELIMITERS,
    MAX_CELL_CHARS,
    decode_text,
    read_text,
    sniff_delimiter,
)
from evaltool.read.sniff import file_digest, sniff_file, sniff_format
from evaltool.read.spreadsheet import read_spreadsheet
from evaltool.read.spss import read_sav

__all__ = [
    "DELIMITERS",
    "MAX_CELL_CHARS",
    "RawTable",
    "ReadError",
    "decode_text",
    "file_digest",
    "read_raw",
    "sniff_delimiter",
    "sniff_format",
]


def read_raw(
    path: str | Path,
    sheet: str | int | None = None,
    encoding: str | None = None,
    *,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> RawTable:
    """Read one sheet (spreadsheets) or the whole file (text, SPSS) as raw text cells.

    Parameters
    ----------
    path
        The file. Its format is sniffed from its leading bytes
        (:func:`~evaltool.read.sniff.sniff_file`), whatever its name says.
    sheet
        Spreadsheets: a sheet by name or 0-based position; by default the first visible
        worksheet holding a table.
    encoding
        Text and SPSS files: overrides the detected text encoding.
    max_cell_chars
        Text files: the longest cell accepted (default :data:`MAX_CELL_CHARS`); a longer
        one is an error naming its row and column.

    Returns
    -------
    RawTable
        Text cells (``""`` for empty) and what the reader learnt about the file: sheet,
        encoding, delimiter, decimal mark, SPSS labels and missing codes.

    Raises
    ------
    ReadError
        A :class:`~evaltool.errors.UserError` with a plain message and an issue ``code``
        when the file cannot be read.
    """
    path = Path(path)
    file_format = sniff_file(path)
    if file_format == "sav":
        return read_sav(path, encoding)
    if file_format == "text":
        return read_text(path, encoding, max_cell_chars)
    return read_spreadsheet(path, file_format, sheet)

"""Readers: a file's bytes → a table of raw cells, before any header is interpreted.

The format is decided from the file's leading bytes, never from its extension:

======================  ==============================================
signature               format
======================  ==============================================
``PK\\x03\\x04``          zip container: xlsx / xlsm (``xl/``) or ods (``content.xml``)
``D0 CF 11 E0``           OLE2: legacy Excel ``.xls``
``$FL2`` / ``$FL3``       SPSS ``.sav`` / ``.zsav``
``<html``, ``<?xml`` …    a web page or Excel 2003 XML saved under a spreadsheet or CSV
                        name: an error saying so (also PDF, images, RTF)
anything else           delimited text (csv / tsv / txt)
======================  ==============================================

Spreadsheets are read with python-calamine (about 6× faster than openpyxl on large sheets);
SPSS files with pyreadstat (value labels and declared missing values kept). Text files are
decoded by the chain BOM → strict UTF-8 → cp1252 (what Finnish Excel writes) → charset
detector, and the delimiter is chosen among ``;`` ``,`` and TAB by consistent field counts over
the first records, respecting quotes; an Excel ``sep=;`` first line is honoured. A quote left
open (which would swallow the rest of the file into one answer) is an error naming its row,
and each row's field count is kept so that rows whose values moved columns can be told.

Without ``sheet``, the first visible worksheet holding a table is read (an instructions sheet
of text lines, empty and hidden sheets are passed over) and the other sheets that may hold
data are listed in :attr:`RawTable.other_sheets`. Before a sheet is parsed, zip members are
checked against a size and compression-ratio budget (zip bombs) and the sheet's extent
against :data:`MAX_SHEET_CELLS` (a stray value at ``XFD1048576`` would make the engine
allocate the whole rectangle and abort the process); password-protected workbooks are named.

Every cell comes back as text (``""`` for empty) so that no reader guesses types: the
layouts and instruments decide what a value means. Row ``i`` of :attr:`RawTable.cells` is
spreadsheet row ``i + 1 + RawTable.row_offset``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError

#: Refuse files larger than this before parsing (bytes).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Refuse zip containers whose members expand to more than this (zip-bomb guard).
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200
#: Refuse a sheet whose cells span more than this many cells (rows × columns): a stray
#: value far from the table (``XFD1048576``) would make the spreadsheet engine allocate
#: the whole rectangle and crash the process.
MAX_SHEET_CELLS = 20_000_000

SPREADSHEET_FORMATS = ("xlsx", "xls", "ods")
DELIMITERS = (";", ",", "\t")


class ReadError(UserError):
    """The file cannot be read; ``code`` is a validation issue code."""

    def __init__(self, message: str, code: str = "file-unreadable", sheet: str | None = None):
        super().__init__(message)
        self.code = code
        self.sheet = sheet


@dataclass
class RawTable:
    """Raw cells of one sheet or text file.

    ``cells`` has integer column labels 0..k-1 and holds only ``str`` ('' for empty).
    ``value_labels`` and ``missing_codes`` are filled for SPSS files (keyed by column
    position); SPSS variable names and labels become the first two rows of ``cells``
    (``header_rows_hint`` = 1 means only the names row is a header, labels are in
    ``column_labels``).
    """

    path: Path
    file_format: str
    cells: pd.DataFrame
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    row_offset: int = 0
    column_labels: dict[int, str] = field(default_factory=dict)
    value_labels: dict[int, dict[str, str]] = field(default_factory=dict)
    missing_codes: dict[int, set[str]] = field(default_factory=dict)
    #: Merged cell ranges of a spreadsheet as ``((row0, col0), (row1, col1))``, 0-based and
    #: inclusive, in the coordinates of ``cells``.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    #: Rows of ``cells`` with at least one non-empty cell (computed while reading; None when
    #: not known).
    row_filled: np.ndarray | None = None
    #: Other sheets of the workbook that may hold data (not read; ``--sheet`` chooses one).
    other_sheets: list[str] = field(default_factory=list)
    #: Delimited text: the number of fields each row of ``cells`` has in the file (rows are
    #: padded to the widest one in ``cells``); None for other formats.
    field_counts: np.ndarray | None = None

    @property
    def name(self) -> str:
        return self.path.name


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size in bytes of a file."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sniff_format(head: bytes, path: Path | None = None) -> str:
    """Format from leading bytes: 'xlsx', 'ods', 'xls', 'sav' or 'text'."""
    if head.startswith(b"PK\x03\x04"):
        if path is not None:
            try:
                with zipfile.ZipFile(path) as zf:
                    names = set(zf.namelist())
            except zipfile.BadZipFile as exc:
                raise ReadError(f"{path.name}: damaged zip container ({exc})", "file-corrupt")
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if "content.xml" in names:
                return "ods"
            raise ReadError(
                f"{path.name}: a zip file that is neither an Excel workbook nor an "
                "OpenDocument spreadsheet",
                "file-corrupt",
            )
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"$FL2", b"$FL3")):
        return "sav"
    return "text"


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO and (
                info.file_size > 50 * 1024 * 1024
            ):
                raise ReadError(f"{path.name}: member {info.filename} expands suspiciously "
                                "(possible zip bomb); refusing to read it", "file-corrupt")
        if total > MAX_UNZIPPED_BYTES:
            raise ReadError(f"{path.name}: expands to {total} bytes; refusing to read it",
                            "file-corrupt")


#: Leading bytes of files that are neither spreadsheets nor text tables.
_DOCUMENT_SIGNATURES = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"{\\rtf", "an RTF document"),
)


def _document_kind(head: bytes) -> str | None:
    """'a PDF document', 'a PNG image', … from a file's leading bytes, or None."""
    return next((what for sig, what in _DOCUMENT_SIGNATURES if head.startswith(sig)), None)


def _markup_kind(path: Path) -> str | None:
    """What a markup file is ('a web page (HTML)', 'an Excel 2003 XML spreadsheet', …), or
    None when the file does not start like markup."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be",
                               errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n").casefold()
    if text.startswith(("<!doctype html", "<html", "<table", "<head", "<meta", "<body")):
        return "a web page (HTML)"
    if text.startswith("mime-version:") and "multipart/related" in text:
        return "a saved web page (MHTML)"
    if text.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text or "excel.sheet" in text:
            return "an Excel 2003 XML spreadsheet"
        if "<html" in text:
            return "a web page (XHTML)"
        return "an XML file"
    return None


def read_raw(path: str | Path, sheet: str | int | None = None,
             encoding: str | None = None) -> RawTable:
    """Read one sheet (spreadsheets) or the whole file (text, SPSS) as raw text cells.

    ``sheet`` chooses a sheet by name or 0-based position; by default the first non-empty
    sheet is used. ``encoding`` overrides the detected text encoding (text and SPSS files).
    Raises :class:`ReadError` (a :class:`UserError`) with a plain message when
    the file cannot be read.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(f"{path.name}: the file is empty", "file-empty")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"{path.name}: {size} bytes is larger than the {MAX_FILE_BYTES} limit")
    with open(path, "rb") as fh:
        head = fh.read(8)
    fmt = sniff_format(head, path)
    ext = path.suffix.lower().lstrip(".")
    if fmt in ("xlsx", "ods"):
        _check_zip(path)
    if fmt == "text":
        markup = _markup_kind(path) or _document_kind(head)
        if markup is not None:
            raise ReadError(
                f"{path.name}: this is {markup}, not "
                + (f"an .{ext} file" if ext in ("xlsx", "xlsm", "xls", "ods", "sav", "zsav")
                   else "a spreadsheet or CSV file")
                + (" (web tools often save such files under an Excel name); open it in "
                   "Excel and save it as an Excel workbook (.xlsx) or CSV, then import that "
                   "file" if "web page" in markup or "XML" in markup else
                   "; export the survey's answers again as an Excel workbook (.xlsx) or CSV"),
                "file-corrupt")
    if fmt == "text" and ext in ("xlsx", "xlsm", "xls", "ods", "sav", "zsav"):
        raise ReadError(
            f"{path.name}: the name says .{ext} but the content is not a {ext} file "
            "(it looks like plain text; rename it or export it again)",
            "file-corrupt",
        )
    if fmt == "sav":
        return _read_sav(path, encoding)
    if fmt == "text":
        return _read_text(path, encoding)
    return _read_spreadsheet(path, fmt, sheet)


# --------------------------------------------------------------------------- spreadsheets


def _cell_text(value) -> str:
    """Text of a calamine cell value as a user would read it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_spreadsheet(path: Path, fmt: str, sheet: str | int | None) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        if _encrypted(path, exc):
            raise ReadError(
                f"{path.name}: the workbook is password-protected (encrypted); open it in "
                "Excel, remove the password (File → Info → Protect Workbook → Encrypt with "
                "Password, clear it), save it and import it again", "file-corrupt")
        raise ReadError(f"{path.name}: cannot open the workbook: it is damaged or not really "
                        f"an Excel file ({exc}); open it in Excel and save it again as an Excel "
                        "workbook (.xlsx), or export it again", "file-corrupt")
    names = list(wb.sheet_names)
    if not names:
        raise ReadError(f"{path.name}: the workbook has no sheets", "file-empty")
    if sheet is not None:
        if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()
                                      and sheet not in names):
            idx = int(sheet)
            if not 0 <= idx < len(names):
                raise ReadError(f"{path.name}: there is no sheet number {idx}; sheets: "
                                + ", ".join(names), "sheet-missing")
            chosen = [names[idx]]
        elif sheet in names:
            chosen = [sheet]
        else:
            raise ReadError(f"{path.name}: there is no sheet {sheet!r}; sheets: "
                            + ", ".join(repr(n) for n in names), "sheet-missing", sheet=sheet)
    else:
        # Visible worksheets first, in order; hidden sheets (drop-down lists) last.
        chosen = ([n for n in names if _sheet_visible(wb, n)]
                  + [n for n in names if not _sheet_visible(wb, n)])
    parts = _xlsx_sheet_parts(path) if fmt == "xlsx" else {}
    empty = {n for n, (_, dim) in parts.items() if not _may_hold_table(dim)}
    empty |= {n for n in names if not _sheet_visible(wb, n)}
    fallback: RawTable | None = None
    for name in chosen:
        if name in parts:
            _check_extent(path, name, *parts[name])
        try:
            sh = wb.get_sheet_by_name(name)
            rows = sh.to_python(skip_empty_area=False)
            merged = list(sh.merged_cell_ranges or [])
        except MemoryError:
            raise ReadError(f"{path.name}: sheet {name!r} is too large to read",
                            "file-corrupt", sheet=name)
        except Exception as exc:
            raise ReadError(f"{path.name}: sheet {name!r} cannot be read ({exc})",
                            "file-corrupt", sheet=name)
        except BaseException as exc:  # a panic inside the Rust engine (pyo3 PanicException)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise ReadError(f"{path.name}: sheet {name!r} cannot be read ({exc})",
                            "file-corrupt", sheet=name)
        cells, row_filled = _rows_to_frame(rows)
        del rows
        if not cells.size:
            empty.add(name)
            continue
        table = RawTable(path=path, file_format=fmt, cells=cells, sheet=name, sheets=names,
                         merged=[((int(a[0]), int(a[1])), (int(b[0]), int(b[1])))
                                 for a, b in merged], row_filled=row_filled)
        if sheet is not None or _looks_like_table(cells, row_filled):
            fallback = table
            break
        if fallback is None:
            fallback = table
    if fallback is None:
        raise ReadError(f"{path.name}: all sheets are empty", "file-empty", sheet=chosen[0])
    if sheet is None:
        fallback.other_sheets = [n for n in names if n != fallback.sheet and n not in empty]
    return fallback


def _looks_like_table(cells: pd.DataFrame, row_filled: np.ndarray | None = None) -> bool:
    """Does a sheet hold a table: one of its top rows with two or more filled cells? (An
    instructions sheet of text lines in one column, or one note, does not.)"""
    if cells.shape[1] < 2:
        return False
    top = cells.iloc[:30].to_numpy(dtype=object) != ""
    return bool(len(top)) and int(top.sum(axis=1).max()) >= 2


def _sheet_visible(wb, name: str) -> bool:
    """Is a sheet a visible worksheet (not hidden, not a chart sheet)?"""
    try:
        meta = {m.name: m for m in wb.sheets_metadata}[name]
    except (AttributeError, KeyError):
        return True
    return (str(meta.visible).rsplit(".", 1)[-1] == "Visible"
            and str(meta.typ).rsplit(".", 1)[-1] == "WorkSheet")


def _may_hold_table(dimension: str | None) -> bool:
    """Can a sheet with this ``<dimension ref>`` hold a table (two rows and two columns)?
    None (no dimension written) → perhaps."""
    if dimension is None:
        return True
    ends = [_cell_ref(x) for x in dimension.split(":")]
    if len(ends) != 2 or None in ends:
        return False
    (r1, c1), (r2, c2) = ends
    return r2 > r1 and c2 > c1


def _encrypted(path: Path, exc: Exception) -> bool:
    """Is an unreadable workbook password-protected? (An encrypted xlsx is an OLE2 file
    holding an ``EncryptedPackage`` stream; calamine names a protected .xls.)"""
    if "password" in str(exc).casefold() or "encrypt" in str(exc).casefold():
        return True
    try:
        with open(path, "rb") as fh:
            data = fh.read(64 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data


_XML_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')


def _xlsx_sheet_parts(path: Path) -> dict[str, tuple[str, str | None]]:
    """Sheet name → (zip member of its worksheet XML, its ``<dimension ref>`` or None),
    read from the workbook's small index parts without parsing any sheet. Empty when the
    workbook does not follow the usual structure (calamine then reports any problem)."""
    import html

    try:
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
            rels_xml = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
            targets = {}
            for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels_xml):
                attrs = dict(_XML_ATTR.findall(m.group(1)))
                if "Id" in attrs and "Target" in attrs:
                    targets[attrs["Id"]] = attrs["Target"]
            members = set(zf.namelist())
            out: dict[str, tuple[str, str | None]] = {}
            for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", book):
                attrs = dict(_XML_ATTR.findall(m.group(1)))
                rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
                name = attrs.get("name")
                target = targets.get(rid or "")
                if name is None or target is None:
                    continue
                member = (target.lstrip("/") if target.startswith("/")
                          else "xl/" + target.removeprefix("./"))
                if member not in members:
                    continue
                with zf.open(member) as fh:
                    head = fh.read(64 * 1024).decode("utf-8", errors="replace")
                dim = re.search(r'<(?:\w+:)?dimension\s+ref="([^"]+)"', head)
                out[html.unescape(name)] = (member, dim.group(1) if dim else None)
            return out
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return {}


def _cell_ref(ref: str) -> tuple[int, int] | None:
    """``XFD1048576`` → (row 1048576, column 16384), 1-based; None when not a reference."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


#: A cell holding a value (``<c r="AB12" t="s">``; formatting-only cells are self-closing).
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>/]*>')
_VALUE_COL = re.compile(rb'<c r="([A-Z]{1,3})\d{1,7}"[^>/]*>')


def _col_number(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def _sheet_chunks(path: Path, member: str):
    """The worksheet XML in overlapping chunks (a tag cut by a chunk edge is whole in the
    next one)."""
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        carry = b""
        while chunk := fh.read(16 * 1024 * 1024):
            yield carry + chunk
            carry = chunk[-1024:]


def _check_extent(path: Path, name: str, member: str, dimension: str | None) -> None:
    """Refuse a sheet whose cells would span more than :data:`MAX_SHEET_CELLS`.

    The sheet's ``<dimension>`` (written by Excel, LibreOffice and most tools) is trusted
    when it is small. It also counts formatted empty cells (a whole column formatted in
    Excel reaches row 1048576), so a large one is checked against the cells that hold a
    value, and a value far from the table is named so the user can delete it. A sheet
    without a dimension (written by a script) is not scanned: that would cost a pass over
    its XML on every import. (A crafted file can lie about its dimension, as a zip bomb
    can about its sizes: run untrusted files in a separate process if that matters.)
    """
    if dimension is None:
        return
    end = _cell_ref(dimension.split(":")[-1])
    if end is not None and end[0] * end[1] <= MAX_SHEET_CELLS:
        return
    max_row = max_col = 0
    row_ref = col_ref = ""
    for buf in _sheet_chunks(path, member):
        widest = max(set(_VALUE_COL.findall(buf)), key=lambda c: (len(c), c), default=b"")
        if widest and _col_number(widest.decode()) > max_col:
            max_col = _col_number(widest.decode())
            m = re.search(rb'<c r="' + widest + rb'(\d{1,7})"[^>/]*>', buf)
            col_ref = widest.decode() + (m.group(1).decode() if m else "")
        pos = len(buf)
        while (pos := buf.rfind(b'<c r="', 0, pos)) >= 0:
            m = _VALUE_CELL.match(buf, pos)
            if m:
                if int(m.group(2)) > max_row:
                    max_row, row_ref = int(m.group(2)), (m.group(1) + m.group(2)).decode()
                break
    if max_row * max_col > MAX_SHEET_CELLS:
        far = ", ".join(dict.fromkeys(r for r in (row_ref, col_ref) if r))
        raise ReadError(
            f"{path.name}: sheet {name!r} has values as far as row {max_row} and column "
            f"{_column_letters(max_col)} ({max_row * max_col:,} cells; at most "
            f"{MAX_SHEET_CELLS:,} are read); delete the stray cell(s) far from the table "
            f"(e.g. {far}; Ctrl+End in Excel goes to the last one) or copy the table to a "
            "new workbook", "file-corrupt", sheet=name)


def _column_letters(col: int) -> str:
    """1-based column number → letters (1 → A, 16384 → XFD)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _rows_to_frame(rows: list[list]) -> tuple[pd.DataFrame, np.ndarray]:
    """Calamine rows → text cells (object columns) trimmed of empty margins, and the mask of
    non-empty rows."""
    if not rows:
        return pd.DataFrame(dtype=object), np.zeros(0, dtype=bool)
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [r if len(r) == width else list(r) + [""] * (width - len(r)) for r in rows]
    arr = np.empty((len(rows), width), dtype=object)
    arr[:] = rows
    return _text_frame([arr[:, j] for j in range(width)], _cell_text)


def _column_text(col: np.ndarray, to_text) -> tuple[np.ndarray, np.ndarray]:
    """Text of a column's cells and the mask of non-empty ones: the column is factorised
    once (``pd.factorize`` hashes in C) and only its distinct values are turned into text."""
    codes, uniques = pd.factorize(col)  # missing cells (None, NaN) get code -1
    texts = np.array([to_text(v) for v in uniques] + [""], dtype=object)
    filled = np.array([bool(t) and not t.isspace() for t in texts], dtype=bool)
    texts[~filled] = ""
    return texts[codes], filled[codes]


def _text_frame(columns: list[np.ndarray], to_text) -> tuple[pd.DataFrame, np.ndarray]:
    """Columns of cell values → a trimmed DataFrame of text (object dtype) and the mask of
    its rows that hold at least one non-empty cell.

    Each column's distinct values are turned into text once (:func:`_column_text`), so the
    cost grows with the number of distinct answers, not cells. Text is kept exactly as
    written (surrounding spaces included); whitespace-only cells become ``""``. Trailing
    empty rows and columns are dropped.
    """
    out: dict[int, np.ndarray] = {}
    last_col = -1
    any_row = np.zeros(len(columns[0]) if columns else 0, dtype=bool)
    for j, col in enumerate(columns):
        out[j], filled = _column_text(col, to_text)
        if filled.any():
            last_col = j
            any_row |= filled
    if last_col < 0:
        return pd.DataFrame(dtype=object), np.zeros(0, dtype=bool)
    n = int(np.flatnonzero(any_row)[-1]) + 1
    frame = pd.DataFrame({j: (out[j] if len(out[j]) == n else out[j][:n])
                          for j in range(last_col + 1)}, dtype=object, copy=False)
    return frame, any_row[:n]


def _trim(cells: pd.DataFrame) -> pd.DataFrame:
    """Text cells with whitespace-only cells emptied and empty margins dropped."""
    if cells.empty:
        return cells
    return _text_frame([cells[c].to_numpy(dtype=object) for c in cells.columns],
                       _plain_text)[0]


def _plain_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


# --------------------------------------------------------------------------- text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes by BOM → strict UTF-8 → cp1252 → detector; returns (text, encoding)."""
    for bom, codec, name in ((b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
                             (b"\xff\xfe", "utf-16", "utf-16"),
                             (b"\xfe\xff", "utf-16", "utf-16")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec if codec == "utf-8" else (
                    "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")), name
            except UnicodeDecodeError as exc:
                line = data[: len(bom) + exc.start].count(b"\n" if codec == "utf-8"
                                                          else "\n".encode("utf-16-le")) + 1
                raise ReadError(
                    f"the file starts with a {codec.upper()} byte-order mark but line {line} "
                    f"is not valid {codec.upper()} (byte {exc.start + len(bom)}); save it "
                    "again as UTF-8", "file-corrupt") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        # cp1252 leaves 5 bytes undefined; a decode success means it is plausible.
        return text, "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("the file is not text in any encoding evaltool knows", "file-corrupt")
    return str(best), best.encoding


def sniff_delimiter(text: str) -> str:
    """Choose ``;``, ``,`` or TAB: the one giving the most consistent multi-field rows.

    Records are split with the csv module (quotes respected) over the first 50 lines; the
    score is the share of records with the modal field count, weighted by that count.
    """
    sample_lines = text.splitlines()[:50]
    sample = "\n".join(sample_lines)
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)]
        if len(records) > 1:
            records = records[:-1]  # the last sampled record may be cut mid-way
        if not records:
            continue
        counts = pd.Series([len(r) for r in records])
        mode = int(counts.mode().iloc[0])
        if mode < 2:
            continue
        score = (counts == mode).mean() * math.log(mode + 1)
        if score > best_score:
            best, best_score = delim, score
    return best


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte of the head is NUL (no BOM)."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _read_text(path: Path, encoding: str | None = None) -> RawTable:
    data = path.read_bytes()
    if encoding is None and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = _utf16_without_bom(data)
        if encoding is None and b"\x00" in data[:4096]:
            raise ReadError(f"{path.name}: binary content that is not a spreadsheet, SPSS or "
                            "text file", "file-corrupt")
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReadError(f"{path.name}: cannot be read as {encoding} ({exc})",
                            "file-unreadable")
        text = text.removeprefix("\ufeff")
    else:
        text, encoding = decode_text(data)
    row_offset = 0
    first_line, _, rest = text.partition("\n")
    delimiter = None
    # Long open answers: the csv module's default limit is 131 072 characters per field.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]
        text = rest
        row_offset = 1
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    try:
        cells = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            na_filter=False, engine="c", skip_blank_lines=False, quotechar='"',
        )
        counts = _field_counts(text, delimiter)
    except pd.errors.ParserError as exc:
        m = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if m:
            raise _open_quote_error(path, int(m.group(1)) + 1 + row_offset) from exc
        cells, counts = _read_ragged(text, delimiter, path, row_offset)
    except pd.errors.EmptyDataError:
        raise ReadError(f"{path.name}: the file is empty", "file-empty")
    if counts is not None and len(counts) != len(cells):  # records split differently
        counts = None
    cells.columns = range(cells.shape[1])
    cells = _trim(cells.fillna(""))
    if cells.empty:
        raise ReadError(f"{path.name}: the file holds no data", "file-empty")
    decimal = _decimal_mark(cells, delimiter)
    return RawTable(path=path, file_format="text", cells=cells, encoding=encoding,
                    delimiter=delimiter, decimal=decimal, row_offset=row_offset,
                    field_counts=None if counts is None else counts[:len(cells)])


def _field_counts(text: str, delimiter: str) -> np.ndarray | None:
    """The number of fields of each record (quotes respected), or None when the csv module
    cannot split the text. Without any quote character a record is a line."""
    if '"' not in text:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return np.array([line.count(delimiter) + 1 if line.strip("\r") else 0
                         for line in lines], dtype=np.int64)
    try:
        return np.array([len(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)],
                        dtype=np.int64)
    except csv.Error:
        return None


def _open_quote_error(path: Path, row: int) -> ReadError:
    return ReadError(
        f"{path.name}: row {row}: a field starts with a quote (\") that is never closed, so "
        "everything after it would be read as one answer and the respondents below it "
        "would be lost; correct the quote in the file (inside a quoted field a quote is "
        "written twice: \"\") and save it again", "file-corrupt")


def _read_ragged(text: str, delimiter: str, path: Path, row_offset: int = 0
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows with differing field counts (title rows, footers) through the csv module, and
    each row's field count; a quote left open at the end of the file is an error, not one
    long answer."""
    # A sentinel line after the text: it comes back as a row of its own unless a quote
    # left open swallowed it (the csv module itself reads to the end without complaint).
    sentinel = "\x1e"
    body = text if text.endswith(("\n", "\r")) or not text else text + "\n"
    rows = list(csv.reader(io.StringIO(body + sentinel), delimiter=delimiter))
    if not rows or rows[-1] != [sentinel]:
        raise _open_quote_error(path, len(rows) + row_offset)
    rows.pop()
    width = max((len(r) for r in rows), default=0)
    return (pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object),
            np.array([len(r) for r in rows], dtype=np.int64))


def _decimal_mark(cells: pd.DataFrame, delimiter: str) -> str:
    """',' when the file uses decimal commas (``3,5``) and ',' is not the delimiter."""
    if delimiter == ",":
        return "."
    sample = cells.iloc[:200]
    stacked = pd.Series(sample.to_numpy().ravel())
    comma = stacked.str.fullmatch(r"-?\d+,\d+").sum()
    point = stacked.str.fullmatch(r"-?\d+\.\d+").sum()
    return "," if comma > point else "."


# --------------------------------------------------------------------------- SPSS


def _read_sav(path: Path, encoding: str | None = None) -> RawTable:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                       dates_as_pandas_datetime=True, encoding=encoding)
    except Exception as exc:
        raise ReadError(f"{path.name}: cannot read the SPSS file ({exc})", "file-corrupt")
    names = list(df.columns)
    header = pd.DataFrame([names], columns=range(len(names)), dtype=object)
    body = {}
    for j, name in enumerate(names):
        col = df[name]
        if pd.api.types.is_numeric_dtype(col):
            vals = col.to_numpy(dtype=float, na_value=np.nan)
            integral = np.isfinite(vals) & (np.floor(vals) == vals)
            out = np.full(len(vals), "", dtype=object)
            out[integral] = vals[integral].astype(np.int64).astype(str)
            frac = np.isfinite(vals) & ~integral
            out[frac] = [repr(float(v)) for v in vals[frac]]
            body[j] = out
        elif pd.api.types.is_datetime64_any_dtype(col):
            body[j] = col.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").str.replace(
                " 00:00:00", "", regex=False).to_numpy(dtype=object)
        else:
            body[j] = col.fillna("").astype(str).to_numpy(dtype=object)
    cells = pd.concat([header, pd.DataFrame(body)], ignore_index=True)
    labels = {j: meta.column_names_to_labels.get(n) or "" for j, n in enumerate(names)}
    value_labels = {}
    for j, n in enumerate(names):
        vl = meta.variable_value_labels.get(n)
        if vl:
            value_labels[j] = {_code_text(k): str(v) for k, v in vl.items()}
    missing = {}
    for j, n in enumerate(names):
        codes: set[str] = set()
        for rng in (meta.missing_ranges or {}).get(n, []):
            lo, hi = rng.get("lo"), rng.get("hi")
            if lo is None:
                continue
            if lo == hi:
                codes.add(_code_text(lo))
            elif isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                if hi - lo <= 1000:
                    codes.update(_code_text(v) for v in range(int(math.ceil(lo)),
                                                               int(math.floor(hi)) + 1))
        if codes:
            missing[j] = codes
    for j, n in enumerate(names):
        if (meta.missing_user_values or {}).get(n):
            missing.setdefault(j, set()).update(_code_text(v) for v in meta.missing_user_values[n])
    # Row numbers of an SPSS file are case numbers (the variable-name row is not a case).
    return RawTable(path=path, file_format="sav", row_offset=-1, cells=_trim(cells.fillna("")),
                    encoding=getattr(meta, "file_encoding", None), column_labels=labels,
                    value_labels=value_labels, missing_codes=missing)


def _code_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)

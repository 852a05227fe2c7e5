"""The XML parts of an xlsx workbook, checked before the spreadsheet engine parses them.

python-calamine is fast but trusts what it reads: a value at ``XFD1048576`` makes it
allocate the whole rectangle up to that cell (512 GB, and the process aborts), and a value
far below the table becomes a respondent. So before a sheet is handed to it, its XML is
streamed once here:

* **damaged members** (a corrupt deflate stream, a CRC mismatch) are a :class:`ReadError`
  naming the file and the zip member;
* **document type declarations** (``<!DOCTYPE``, ``<!ENTITY``: "billion laughs") are refused in
  every XML part — no spreadsheet program writes one;
* **the extent of the cells that hold a value** is measured: a sheet spanning more than
  ``max_cells`` cells, or holding a value far below or right of its table (more empty rows
  than :data:`FAR_ROWS` and than the table has rows; more empty columns than
  :data:`FAR_COLUMNS`), is an error naming the cell to delete.

The sheet is scanned in two passes when needed. The first, on every import, looks only at
the ``<row>`` tags and the last cell of each row (a regular expression in C, one Python step
per row: about a fifth of the engine's own time); only a sheet that looks suspicious in it
(a gap between rows, a three-letter column, a cell numbered beyond its row, a large extent)
gets the second pass, which follows every cell as the engine would (a cell holding a value,
not one that is only formatted).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from evaltool.read.cells import ReadError
from evaltool.text import column_index, column_letter

#: A value more than this many empty rows below the table (and more than the table has
#: rows) is a stray cell, not a respondent.
FAR_ROWS = 1000
#: A value more than this many empty columns right of the table is a stray cell.
FAR_COLUMNS = 1000
#: The last row and column of a worksheet (Excel's grid).
LAST_ROW = 1_048_576
LAST_COLUMN = 16_384
#: Bytes of decompressed XML handled at a time.
CHUNK_BYTES = 16 * 1024 * 1024
#: Exceptions a damaged zip member raises while it is read.
MEMBER_ERRORS = (zlib.error, zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError)

_DTD_MARKS = tuple(
    mark.encode(enc)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
)
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_R_NUMBER = re.compile(rb"""\br\s*=\s*["']\s*(\d+)""")
_R_CELL = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]{1,4})(\d+)""")
#: The same with the quote and no spaces, as every program writes them (fast to search).
_QUICK_R = {
    q: (re.compile(rb"r=" + q + rb"(\d+)"), re.compile(rb"r=" + q + rb"([A-Za-z]{1,4})(\d+)"))
    for q in (b'"', b"'")
}
_TAG_END = (b" ", b">", b"/", b"\t", b"\n", b"\r")
_TOKEN = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_TAG_PREFIX = re.compile(rb"<(?:\w+:)?")
_VALUE_AFTER = re.compile(rb"\s*<(?:\w+:)?(?:v\b[^>]*>[^<]|is\b|f\b)")


def member_error(path: Path, member: str, exc: BaseException) -> ReadError:
    """The error for a zip member that cannot be decompressed."""
    return ReadError(
        f"{path.name}: the workbook is damaged: its part {member} cannot be read ({exc}); "
        "open it in Excel and save it again, or export it again",
        "file-corrupt",
    )


def read_member(zf: zipfile.ZipFile, path: Path, member: str) -> bytes:
    """A zip member's bytes.

    Parameters
    ----------
    zf, path, member
        The open workbook, its file (for the message) and the member's name.

    Returns
    -------
    bytes
        The decompressed member.

    Raises
    ------
    KeyError
        No such member.
    ReadError
        The member cannot be decompressed (its name and the file named).
    """
    try:
        return zf.read(member)
    except KeyError:
        raise
    except MEMBER_ERRORS as exc:
        raise member_error(path, member, exc) from exc


def _chunks(zf: zipfile.ZipFile, path: Path, member: str) -> Iterator[bytes]:
    """A member's decompressed bytes in chunks of :data:`CHUNK_BYTES`."""
    try:
        with zf.open(member) as fh:
            while chunk := fh.read(CHUNK_BYTES):
                yield chunk
    except MEMBER_ERRORS as exc:
        raise member_error(path, member, exc) from exc


def _refuse_dtd(path: Path, member: str, buf: bytes) -> None:
    """A :class:`ReadError` when ``buf`` holds a document type or entity declaration (in
    UTF-8 or UTF-16)."""
    wide = b"\x00" in buf[:4] or buf[:2] in (b"\xff\xfe", b"\xfe\xff")
    if (b"<!" in buf or (wide and (b"<\x00!" in buf or b"\x00<\x00!" in buf))) and any(
        mark in buf for mark in _DTD_MARKS
    ):
        raise ReadError(
            f"{path.name}: the workbook part {member} declares a document type (<!DOCTYPE> or "
            "<!ENTITY>), which no spreadsheet program writes and which can make a reader "
            "expand text without end; the file is refused — export it again or save it "
            "again in Excel",
            "file-corrupt",
        )


def check_parts(path: Path, skip: set[str] | frozenset[str] = frozenset()) -> None:
    """Stream every XML part of an xlsx workbook (except ``skip``, the worksheets that
    :func:`check_sheet` scans when they are read): damaged members and document type
    declarations are a :class:`ReadError`.

    Parameters
    ----------
    path
        The workbook.
    skip
        Zip members not checked here.
    """
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if name in skip or not name.endswith((".xml", ".rels", ".vml")):
                continue
            tail = b""
            for chunk in _chunks(zf, path, name):
                _refuse_dtd(path, name, tail + chunk)
                tail = chunk[-32:]


@dataclass
class _FirstPass:
    """What the ``<row>`` tags of a sheet say: row numbers, the widest last cell, flags.

    Every pattern starts with literal text (the tags' namespace prefix included), which the
    regular-expression engine searches for quickly."""

    prefix: bytes = b""
    quote: bytes = b'"'
    rows: list[int] = field(default_factory=list)
    max_col: int = 0
    suspicious: bool = False
    _prev: int = 0

    def feed(self, buf: bytes, end: int) -> None:
        """The whole rows in ``buf[:end]``."""
        tag = re.compile(rb"<" + re.escape(self.prefix) + rb"row\b([^>]*)>")
        cell = b"<" + self.prefix + b"c"
        quote = self.quote
        row_r, cell_r = _QUICK_R[quote]
        letters, col = b"", 0
        tags = list(tag.finditer(buf, 0, end))
        for i, m in enumerate(tags):
            attrs = m.group(1)
            r = row_r.search(attrs)
            row = int(r.group(1)) if r else self._prev + 1
            self._prev = row
            if row > LAST_ROW:
                self.suspicious = True
                continue
            if attrs.endswith(b"/"):
                continue
            self.rows.append(row)
            stop = tags[i + 1].start() if i + 1 < len(tags) else end
            last = buf.rfind(cell, m.end(), stop)
            while last >= 0 and buf[last + len(cell) : last + len(cell) + 1] not in _TAG_END:
                last = buf.rfind(cell, m.end(), last)
            if last >= 0:
                ref = cell_r.search(buf, last, min(stop, last + 200))
                if ref:
                    if ref.group(1) != letters:
                        letters = ref.group(1)
                        col = column_index(letters.decode()) + 1
                    self.max_col = max(self.max_col, col)
                    if int(ref.group(2)) > 10 * row + FAR_ROWS:
                        self.suspicious = True
        if self.rows:
            digits = len(str(max(self.rows)))
            beyond = re.compile(rb"r=" + quote + rb"[A-Za-z]{1,3}\d{%d}" % (digits + 1))
            if beyond.search(buf, 0, end):
                self.suspicious = True
        three = re.compile(rb"r=" + quote + rb"[A-Za-z]{3}\d")
        other = b"r='" if quote == b'"' else b'r="'
        if three.search(buf, 0, end) or any(
            buf.find(odd, 0, end) >= 0 for odd in (other, b"r =", b"r= ")
        ):  # a three-letter column, or attributes written unlike the rest (crafted)
            self.suspicious = True

    def needs_cells(self, max_cells: int) -> bool:
        """Does the sheet need the cell-by-cell pass?"""
        if self.suspicious or not self.rows:  # no rows seen: the cell pass costs nothing
            return True
        rows = np.unique(np.asarray(self.rows, dtype=np.int64))
        if int(rows[-1]) * max(self.max_col, 1) > max_cells:
            return True
        return _row_gap(rows) is not None


def _tag_prefix(head: bytes) -> tuple[bytes, bytes]:
    """The namespace prefix of a worksheet's tags (``b""`` or ``b"x:"``) and the quote its
    attributes are written with."""
    m = re.search(rb"<(\w+:)?(?:worksheet|sheetData)\b", head)
    prefix = (m.group(1) or b"") if m else b""
    q = re.search(rb"<" + re.escape(prefix) + rb"(?:row|c)\b[^>]*?\br\s*=\s*([\"'])", head)
    return prefix, q.group(1) if q else b'"'


def _row_gap(rows: np.ndarray) -> int | None:
    """Index in sorted ``rows`` of the first row after a gap of more than FAR_ROWS empty
    rows and more empty rows than lie above it, or None."""
    if len(rows) < 2:
        return None
    gaps = np.diff(rows) - 1
    above = rows[:-1] - rows[0] + 1
    far = np.flatnonzero((gaps > FAR_ROWS) & (gaps > above))
    return int(far[0]) + 1 if len(far) else None


@dataclass
class _Cells:
    """The cells holding a value, as the engine places them."""

    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    #: A value cell outside the worksheet grid (its reference), if any.
    outside: str | None = None
    _row: int = 0
    _col: int = 0

    def feed(self, buf: bytes, end: int) -> None:
        for m in _TOKEN.finditer(buf, 0, end):
            attrs = m.group(2)
            if m.group(1) == b"row":
                r = _R_NUMBER.search(attrs)
                self._row = int(r.group(1)) if r else self._row + 1
                self._col = 0
                continue
            ref = _R_CELL.search(attrs)
            if ref:
                self._col = column_index(ref.group(1).decode()) + 1
                row = int(ref.group(2))
            else:
                self._col += 1
                row = self._row
            if not attrs.endswith(b"/") and _VALUE_AFTER.match(buf, m.end()):
                if row > LAST_ROW or self._col > LAST_COLUMN:
                    self.outside = (ref.group(1) + ref.group(2)).decode() if ref else f"row {row}"
                    continue
                self.rows.append(row)
                self.cols.append(self._col)


def _last_row_tag(buf: bytes) -> int:
    """Offset of the last ``<row`` (or ``<x:row``) tag in ``buf``, or -1."""
    pos = len(buf)
    while (pos := buf.rfind(b"row", 0, pos)) > 0:
        start = buf.rfind(b"<", max(0, pos - 40), pos)
        if start >= 0 and _TAG_PREFIX.fullmatch(buf, start, pos):
            return start
    return -1


def _pieces(zf: zipfile.ZipFile, path: Path, member: str) -> Iterator[tuple[bytes, int]]:
    """The sheet XML as (buffer, end): ``buf[:end]`` holds whole rows (cut before the last
    ``<row`` tag of a chunk; the rest is carried into the next one)."""
    carry = b""
    for chunk in _chunks(zf, path, member):
        buf = carry + chunk
        _refuse_dtd(path, member, buf)
        cut = _last_row_tag(buf)
        if cut <= 0:
            carry = buf
            continue
        yield buf, cut
        carry = buf[cut:]
    if carry:
        yield carry, len(carry)


def check_sheet(path: Path, sheet: str, member: str, max_cells: int) -> None:
    """Refuse a worksheet the engine must not parse: a damaged member, a document type
    declaration, cells spanning more than ``max_cells``, or a value far from the table.

    Parameters
    ----------
    path
        The workbook.
    sheet
        The sheet's name (for the messages).
    member
        The zip member of its XML.
    max_cells
        The largest rectangle (rows × columns up to the last value) read.

    Raises
    ------
    ReadError
        Code ``file-corrupt``, naming the sheet and, for a stray value, its cell.
    """
    first = _FirstPass()
    with zipfile.ZipFile(path) as zf:
        for buf, end in _pieces(zf, path, member):
            if not first.rows:
                first.prefix, first.quote = _tag_prefix(buf[:65536])
            first.feed(buf, end)
        if not first.needs_cells(max_cells):
            return
        cells = _Cells()
        for buf, end in _pieces(zf, path, member):
            cells.feed(buf, end)
    if cells.outside is not None:
        raise ReadError(
            f"{path.name}: sheet {sheet!r} has a cell outside a worksheet's grid "
            f"({cells.outside[:40]}; the last cell is XFD1048576): the workbook is damaged; "
            "export it again or save it again in Excel",
            "file-corrupt",
            sheet=sheet,
        )
    if cells.rows:
        _check_cells(
            path,
            sheet,
            np.asarray(cells.rows, dtype=np.int64),
            np.asarray(cells.cols, dtype=np.int64),
            max_cells,
        )


def _check_cells(
    path: Path, sheet: str, rows: np.ndarray, cols: np.ndarray, max_cells: int
) -> None:
    """The errors for stray values and for too large an extent, from the value cells."""
    where = f"{path.name}: sheet {sheet!r}"
    urows = np.unique(rows)
    gap = _row_gap(urows)
    if gap is not None:
        row = int(urows[gap])
        col = int(cols[rows == row].min())
        raise ReadError(
            f"{where} has a cell at {column_letter(col - 1)}{row} far below the data (which "
            f"ends at row {int(urows[gap - 1])}); delete it (Ctrl+End in Excel goes to the "
            "last cell) and save the workbook again",
            "file-corrupt",
            sheet=sheet,
        )
    ucols = np.unique(cols)
    if len(ucols) > 1:
        far = np.flatnonzero(np.diff(ucols) - 1 > FAR_COLUMNS)
        if len(far):
            col = int(ucols[far[0] + 1])
            row = int(rows[cols == col].min())
            raise ReadError(
                f"{where} has a cell at {column_letter(col - 1)}{row} far right of the data "
                f"(which ends at column {column_letter(int(ucols[far[0]]) - 1)}); delete it "
                "and save the workbook again",
                "file-corrupt",
                sheet=sheet,
            )
    max_row, max_col = int(rows.max()), int(cols.max())
    if max_row * max_col > max_cells:
        row_ref = f"{column_letter(int(cols[rows == max_row].max()) - 1)}{max_row}"
        col_ref = f"{column_letter(max_col - 1)}{int(rows[cols == max_col].max())}"
        far_refs = ", ".join(dict.fromkeys((row_ref, col_ref)))
        raise ReadError(
            f"{where} has values as far as row {max_row} and column "
            f"{column_letter(max_col - 1)} ({max_row * max_col:,} cells; at most "
            f"{max_cells:,} are read); delete the stray cell(s) far from the table "
            f"(e.g. {far_refs}; Ctrl+End in Excel goes to the last one) or copy the table to a "
            "new workbook",
            "file-corrupt",
            sheet=sheet,
        )

"""Delimited text files (csv / tsv / txt) → raw text cells.

Text files are decoded by the chain BOM → strict UTF-8 → cp1252 (what Finnish Excel writes)
→ charset detector, and the delimiter is chosen among ``;`` ``,`` and TAB by consistent field
counts over the first records, respecting quotes; an Excel ``sep=;`` first line is honoured.
A quote left open (which would swallow the rest of the file into one answer) is an error
naming its row, and each row's field count is kept so that rows whose values moved columns
can be told. The decimal mark (``3,5`` or ``3.5``) is taken from the cells.

Line ends are CR LF, LF or a lone CR (old Mac files), and CR CR LF (what a CSV gets when a
Windows tool writes CR LF through a text-mode stream) is one line end. A cell
longer than ``max_cell_chars`` (:data:`MAX_CELL_CHARS` by default) is an error naming its row
and column, found before the table is parsed, so a stray megabytes-long field costs no more
memory than the file's own text.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.read.cells import RawTable, ReadError, plain_text, text_frame_blocks, trim_cells
from evaltool.text import column_letter

DELIMITERS = (";", ",", "\t")
#: Characters from the start of a text file in which its delimiter is sniffed.
SNIFF_CHARS = 1_000_000
#: The longest cell read from a text file (characters); an import may pass another limit.
MAX_CELL_CHARS = 1_000_000
_LINE_END = re.compile(r"\r\n|\r|\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes by BOM → strict UTF-8 → cp1252 → detector.

    Parameters
    ----------
    data
        The file's bytes.

    Returns
    -------
    tuple of (str, str)
        The text (without its byte-order mark) and the encoding's name (``"utf-8-sig"``,
        ``"utf-16"``, ``"utf-8"``, ``"cp1252"`` or the detector's).

    Notes
    -----
    cp1252 leaves only five bytes undefined, so almost any bytes decode; a file that is not
    UTF-8 is taken for what Finnish Excel writes, and the detector (charset-normalizer) is
    asked only when even cp1252 fails. A byte-order mark followed by invalid text is an
    error naming the line.
    """
    for bom, codec, name in (
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"\xff\xfe", "utf-16", "utf-16"),
        (b"\xfe\xff", "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(
                    codec
                    if codec == "utf-8"
                    else ("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
                ), name
            except UnicodeDecodeError as exc:
                line = (
                    data[: len(bom) + exc.start].count(
                        b"\n" if codec == "utf-8" else "\n".encode("utf-16-le")
                    )
                    + 1
                )
                raise ReadError(
                    f"the file starts with a {codec.upper()} byte-order mark but line {line} "
                    f"is not valid {codec.upper()} (byte {exc.start + len(bom)}); save it "
                    "again as UTF-8",
                    "file-corrupt",
                ) from exc
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

    Parameters
    ----------
    text
        The file's text (only its first 50 lines, within its first :data:`SNIFF_CHARS`
        characters, are looked at).

    Returns
    -------
    str
        One of :data:`DELIMITERS`; ``","`` when none gives rows of two or more fields.

    Notes
    -----
    Records are split with the csv module (quotes respected) over the first 50 lines; blank
    records are dropped, and the last one too when there are several (it may be cut
    mid-way). With m the modal field count (m ≥ 2), a delimiter scores::

        score = (records with m fields / records) × ln(m + 1)

    The highest score wins; ties go to the earlier delimiter.
    """
    # the first 50 lines, from at most SNIFF_CHARS characters: a huge file (or one huge
    # cell) is not split whole to find them; a line cut at the end is dropped below
    sample_lines = text[:SNIFF_CHARS].splitlines()[:50]
    sample = "\n".join(sample_lines)
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        try:
            with _field_limit(len(sample) + 1):
                records = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delim))
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


def read_text(
    path: Path, encoding: str | None = None, max_cell_chars: int = MAX_CELL_CHARS
) -> RawTable:
    """Read a delimited text file as raw text cells.

    Parameters
    ----------
    path
        The file.
    encoding
        The text encoding; None detects it (:func:`decode_text`, or UTF-16 without a BOM).
    max_cell_chars
        The longest cell accepted (characters).

    Returns
    -------
    RawTable
        With ``encoding``, ``delimiter``, ``decimal`` and ``field_counts`` set; after an
        Excel ``sep=`` line ``row_offset`` is 1.
    """
    text, encoding = _decoded_text(path, encoding)
    if "\r\r\n" in text:
        text = text.replace("\r\r\n", "\r\n")
    row_offset = 0
    first_line = text[: text.find("\n")] if "\n" in text[:4096] else text[:4096]
    delimiter = None
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]
        text = text[len(first_line) + 1 :]
        row_offset = 1
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    counts = field_counts(text, delimiter, max_cell_chars, path=path, row_offset=row_offset)
    try:
        cells, records = _parse_blocks(text, delimiter)
    except pd.errors.ParserError as exc:
        m = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if m:
            raise _open_quote_error(path, int(m.group(1)) + 1 + row_offset) from exc
        cells, counts = _read_ragged(text, delimiter, path, row_offset)
        records = len(cells)
        cells.columns = range(cells.shape[1])
        cells = trim_cells(cells.fillna(""))
    except pd.errors.EmptyDataError:
        raise ReadError(f"{path.name}: the file is empty", "file-empty")
    if counts is not None and len(counts) != records:  # records split differently
        counts = None
    if cells.empty:
        raise ReadError(f"{path.name}: the file holds no data", "file-empty")
    decimal = _decimal_mark(cells, delimiter)
    return RawTable(
        path=path,
        file_format="text",
        cells=cells,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        row_offset=row_offset,
        field_counts=None if counts is None else counts[: len(cells)],
    )


#: Records parsed at a time: each block's cells become text (equal cells one string
#: object) before the next block is parsed, so a large file's parsed cells never sit in
#: memory all at once.
BLOCK_ROWS = 100_000


def _parse_blocks(text: str, delimiter: str) -> tuple[pd.DataFrame, int]:
    """The trimmed text cells of delimited ``text`` (pandas' C parser, block by block; see
    :func:`evaltool.read.cells.text_frame_blocks`) and the number of records parsed.
    pandas' ``ParserError`` (a record wider than the first) and ``EmptyDataError`` pass
    through."""
    records = 0

    def blocks():
        nonlocal records
        reader = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="c",
            skip_blank_lines=False,
            quotechar='"',
            chunksize=BLOCK_ROWS,
        )
        with reader:
            for block in reader:
                records += len(block)
                yield [block[c].to_numpy(dtype=object) for c in block.columns]

    cells, _ = text_frame_blocks(blocks(), plain_text)
    return cells, records


def _decoded_text(path: Path, encoding: str | None) -> tuple[str, str]:
    """The file's text and its encoding: ``encoding`` when given, else UTF-16 without a BOM
    or :func:`decode_text`; other binary content is an error."""
    data = path.read_bytes()
    if encoding is None and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = _utf16_without_bom(data)
        if encoding is None and b"\x00" in data[:4096]:
            raise ReadError(
                f"{path.name}: binary content that is not a spreadsheet, SPSS or text file",
                "file-corrupt",
            )
    if encoding is None:
        return decode_text(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"{path.name}: cannot be read as {encoding} ({exc})", "file-unreadable")
    return text.removeprefix("\ufeff"), encoding


def field_counts(
    text: str,
    delimiter: str,
    max_cell_chars: int | None = None,
    *,
    path: Path | None = None,
    row_offset: int = 0,
) -> np.ndarray | None:
    """The number of fields of each record of delimited text, quotes respected.

    Parameters
    ----------
    text
        The text (after any ``sep=`` line).
    delimiter
        The field delimiter.
    max_cell_chars
        The longest cell accepted; None accepts any.
    path, row_offset
        The file and its rows above ``text``, for the error naming a cell that is too long.

    Returns
    -------
    numpy.ndarray or None
        One int64 count per record, as the csv module counts them (an empty line has 0
        fields); None when the csv module cannot split the text. Without any quote
        character a record is a line, and the count is taken without the csv module.

    Raises
    ------
    ReadError
        A cell is longer than ``max_cell_chars`` (its row and column named).
    """
    limit = max_cell_chars if max_cell_chars is not None else len(text) + 1
    if '"' not in text:
        lines = _LINE_END.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        if len(text) > limit:
            for i, line in enumerate(lines):
                if len(line) > limit:
                    for j, cell in enumerate(line.split(delimiter)):
                        if len(cell) > limit:
                            raise _long_cell_error(path, i + 1 + row_offset, j, limit)
        return np.array(
            [line.count(delimiter) + 1 if line else 0 for line in lines], dtype=np.int64
        )
    lines = _Lines(text)
    counts: list[int] = []
    try:
        with _field_limit(max(limit, 1)):
            for r in csv.reader(lines, delimiter=delimiter):
                counts.append(len(r))
                lines.record_start = lines.consumed
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            return None
        col = _long_field(text, lines.record_start, delimiter, limit)
        raise _long_cell_error(path, len(counts) + 1 + row_offset, col, limit) from None
    return np.array(counts, dtype=np.int64)


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """The csv module's longest field (a process-wide setting) set for a block."""
    old = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


class _Lines:
    """The lines of a text, with their line ends, counting the characters handed out (so
    the start of the record the csv module is reading is known)."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.consumed = 0
        self.record_start = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += len(line)
        return line


def _long_field(text: str, start: int, delimiter: str, limit: int) -> int:
    """0-based column of the first field longer than ``limit`` in the record starting at
    ``start`` (quotes respected)."""
    col, length, quoted, i = 0, 0, False, start
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"':
                if text.startswith('"', i + 1):
                    i += 1
                else:
                    quoted = False
            length += 1
        elif ch == '"':
            quoted = True
        elif ch == delimiter:
            col, length = col + 1, 0
        elif ch in "\r\n":
            break
        else:
            length += 1
        if length > limit:
            return col
        i += 1
    return col


def _long_cell_error(path: Path | None, row: int, col: int, limit: int) -> ReadError:
    name = path.name if path is not None else "the file"
    return ReadError(
        f"{name}: row {row}, column {column_letter(col)}: the cell holds more than {limit:,} "
        "characters, more than any answer; the file is probably damaged (a quote left open "
        "or a file pasted into a cell); correct that cell and save the file again",
        "file-corrupt",
    )


def _open_quote_error(path: Path, row: int) -> ReadError:
    return ReadError(
        f'{path.name}: row {row}: a field starts with a quote (") that is never closed, so '
        "everything after it would be read as one answer and the respondents below it "
        "would be lost; correct the quote in the file (inside a quoted field a quote is "
        'written twice: "") and save it again',
        "file-corrupt",
    )


def _read_ragged(
    text: str, delimiter: str, path: Path, row_offset: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows with differing field counts (title rows, footers) through the csv module, and
    each row's field count; a quote left open at the end of the file is an error, not one
    long answer."""
    # A sentinel line after the text: it comes back as a row of its own unless a quote
    # left open swallowed it (the csv module itself reads to the end without complaint).
    sentinel = "\x1e"
    body = text if text.endswith(("\n", "\r")) or not text else text + "\n"
    try:
        with _field_limit(len(body) + 2):
            rows = list(csv.reader(io.StringIO(body + sentinel, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(
            f"{path.name}: the file cannot be split into rows and fields ({exc})", "file-corrupt"
        ) from None
    if not rows or rows[-1] != [sentinel]:
        raise _open_quote_error(path, len(rows) + row_offset)
    rows.pop()
    width = max((len(r) for r in rows), default=0)
    return (
        pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object),
        np.array([len(r) for r in rows], dtype=np.int64),
    )


def _decimal_mark(cells: pd.DataFrame, delimiter: str) -> str:
    """',' when the file uses decimal commas (``3,5``) and ',' is not the delimiter."""
    if delimiter == ",":
        return "."
    sample = cells.iloc[:200]
    stacked = pd.Series(sample.to_numpy().ravel())
    comma = stacked.str.fullmatch(r"-?\d+,\d+").sum()
    point = stacked.str.fullmatch(r"-?\d+\.\d+").sum()
    return "," if comma > point else "."

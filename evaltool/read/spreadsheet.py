"""Spreadsheets (xlsx / xlsm, xls, ods) → raw text cells, read with python-calamine.

python-calamine is about 6× faster than openpyxl on large sheets. Without ``sheet``, the
first visible worksheet holding a table is read (an instructions sheet of text lines, empty
and hidden sheets are passed over) and the other sheets that may hold data are listed in
:attr:`RawTable.other_sheets`. Before an xlsx sheet is parsed its extent is checked against
:data:`MAX_SHEET_CELLS` from the workbook's XML parts (a stray value at ``XFD1048576`` would
make the engine allocate the whole rectangle and abort the process); password-protected
workbooks are named.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.read.cells import RawTable, ReadError, text_frame
from evaltool.read.xlsx_parts import (
    MEMBER_ERRORS,
    check_parts,
    check_sheet,
    member_error,
    read_member,
)
from evaltool.text import column_index

#: Refuse a sheet whose cells span more than this many cells (rows × columns): a stray
#: value far from the table (``XFD1048576``) would make the spreadsheet engine allocate
#: the whole rectangle and crash the process.
MAX_SHEET_CELLS = 20_000_000


def read_spreadsheet(path: Path, file_format: str, sheet: str | int | None) -> RawTable:
    """Read one sheet of a workbook as raw text cells.

    Parameters
    ----------
    path
        The workbook.
    file_format
        ``"xlsx"``, ``"xls"`` or ``"ods"`` (from :func:`evaltool.read.sniff.sniff_format`).
    sheet
        A sheet name or 0-based position (an all-digit name that is not a sheet's name is a
        position). None reads the first visible worksheet that holds a table, or else the
        first non-empty one.

    Returns
    -------
    RawTable
        With ``sheet``, ``sheets`` (all sheet names), ``merged`` and ``row_filled`` set and,
        without ``sheet``, ``other_sheets``: the sheets not read that may hold data.
    """
    parts = _xlsx_sheet_parts(path) if file_format == "xlsx" else {}
    if file_format == "xlsx":
        check_parts(path, skip={member for member, _ in parts.values()})
    workbook = _open_workbook(path)
    names = list(workbook.sheet_names)
    if not names:
        raise ReadError(f"{path.name}: the workbook has no sheets", "file-empty")
    visible = {n for n in names if _sheet_visible(workbook, n)}
    if sheet is not None:
        chosen = [_named_sheet(path, names, sheet)]
    else:
        # Visible worksheets first, in order; hidden sheets (drop-down lists) last.
        chosen = [n for n in names if n in visible] + [n for n in names if n not in visible]
    empty = {n for n, (_, dim) in parts.items() if not _may_hold_table(dim)}
    empty |= set(names) - visible
    table: RawTable | None = None
    for name in chosen:
        if file_format == "xlsx":
            _check_sheet_xml(path, name, parts)
        cells, row_filled, merged = _sheet_cells(path, workbook, name)
        if not cells.size:
            empty.add(name)
            continue
        candidate = RawTable(
            path=path,
            file_format=file_format,
            cells=cells,
            sheet=name,
            sheets=names,
            merged=merged,
            row_filled=row_filled,
        )
        if sheet is not None or _looks_like_table(cells, row_filled):
            table = candidate
            break
        if table is None:
            table = candidate
    if table is None:
        raise ReadError(f"{path.name}: all sheets are empty", "file-empty", sheet=chosen[0])
    if sheet is None:
        table.other_sheets = [n for n in names if n != table.sheet and n not in empty]
    return table


def _open_workbook(path: Path):
    """The calamine workbook; a password-protected or damaged file is a :class:`ReadError`."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        if _encrypted(path, exc):
            raise ReadError(
                f"{path.name}: the workbook is password-protected (encrypted); open it in "
                "Excel, remove the password (File → Info → Protect Workbook → Encrypt with "
                "Password, clear it), save it and import it again",
                "file-corrupt",
            )
        raise ReadError(
            f"{path.name}: cannot open the workbook: it is damaged or not really "
            f"an Excel file ({exc}); open it in Excel and save it again as an Excel "
            "workbook (.xlsx), or export it again",
            "file-corrupt",
        )


def _named_sheet(path: Path, names: list[str], sheet: str | int) -> str:
    """The sheet chosen by name or 0-based position (an all-digit text that is not a sheet's
    name is a position)."""
    if isinstance(sheet, int) or (
        isinstance(sheet, str) and sheet.isdigit() and sheet not in names
    ):
        idx = int(sheet)
        if not 0 <= idx < len(names):
            raise ReadError(
                f"{path.name}: there is no sheet number {idx}; sheets: " + ", ".join(names),
                "sheet-missing",
            )
        return names[idx]
    if sheet in names:
        return sheet
    raise ReadError(
        f"{path.name}: there is no sheet {sheet!r}; sheets: " + ", ".join(repr(n) for n in names),
        "sheet-missing",
        sheet=sheet,
    )


def _sheet_cells(
    path: Path, workbook, name: str
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A sheet's text cells, the mask of its filled rows and its merged ranges; any failure
    of the engine (a Rust panic included) is a :class:`ReadError` naming the sheet."""
    try:
        sh = workbook.get_sheet_by_name(name)
        rows = sh.to_python(skip_empty_area=False)
        merged = list(sh.merged_cell_ranges or [])
    except MemoryError:
        raise ReadError(
            f"{path.name}: sheet {name!r} is too large to read", "file-corrupt", sheet=name
        )
    except Exception as exc:
        raise ReadError(
            f"{path.name}: sheet {name!r} cannot be read ({exc})", "file-corrupt", sheet=name
        )
    except BaseException as exc:  # a panic inside the Rust engine (pyo3 PanicException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise ReadError(
            f"{path.name}: sheet {name!r} cannot be read ({exc})", "file-corrupt", sheet=name
        )
    cells, row_filled = _rows_to_frame(rows)
    return cells, row_filled, [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in merged]


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
    return text_frame([arr[:, j] for j in range(width)], _cell_text)


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
    return (
        str(meta.visible).rsplit(".", 1)[-1] == "Visible"
        and str(meta.typ).rsplit(".", 1)[-1] == "WorkSheet"
    )


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
            book = read_member(zf, path, "xl/workbook.xml").decode("utf-8", errors="replace")
            rels_xml = read_member(zf, path, "xl/_rels/workbook.xml.rels").decode(
                "utf-8", errors="replace"
            )
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
                member = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else "xl/" + target.removeprefix("./")
                )
                if member not in members:
                    continue
                head = _member_head(zf, path, member)
                dim = re.search(r'<(?:\w+:)?dimension\s+ref="([^"]+)"', head)
                out[html.unescape(name)] = (member, dim.group(1) if dim else None)
            return out
    except (KeyError, OSError, zipfile.BadZipFile, ValueError):
        return {}


def _member_head(zf: zipfile.ZipFile, path: Path, member: str) -> str:
    """The first 64 KiB of a zip member as text; a damaged member is a :class:`ReadError`."""
    try:
        with zf.open(member) as fh:
            return fh.read(64 * 1024).decode("utf-8", errors="replace")
    except MEMBER_ERRORS as exc:
        raise member_error(path, member, exc) from exc


def _cell_ref(ref: str) -> tuple[int, int] | None:
    """``XFD1048576`` → (row 1048576, column 16384), 1-based; None when not a reference."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", ref.strip())
    if not m:
        return None
    return int(m.group(2)), column_index(m.group(1)) + 1


def _check_sheet_xml(path: Path, name: str, parts: dict[str, tuple[str, str | None]]) -> None:
    """Scan a sheet's XML before the engine parses it (:func:`.xlsx_parts.check_sheet`);
    when the workbook's index does not name the sheet's part, every worksheet part."""
    if name in parts:
        members = [parts[name][0]]
    else:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
    for member in members:
        check_sheet(path, name, member, MAX_SHEET_CELLS)

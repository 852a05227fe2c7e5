"""Writing tables: terminal text, CSV, JSON and Excel, safe to open in a spreadsheet.

Text cells that start with ``=``, ``+``, ``-``, ``@``, TAB or CR are formula triggers in
spreadsheet programs (CWE-1236). CSV output prefixes such cells with ``'``; Excel output writes
them as plain text cells (never formulas). Numbers are left alone.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

FORMATS = ("table", "csv", "json", "xlsx")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escape_formula(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            text = s.astype(object)
            mask = text.map(lambda v: isinstance(v, str) and v.startswith(_TRIGGERS))
            if mask.any():
                out[col] = text.where(~mask, "'" + text.astype(str))
    return out


def _jsonable(value):
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (NaN → null, numpy scalars → Python)."""
    cols = list(frame.columns)
    return [{c: _jsonable(v) for c, v in zip(cols, row, strict=True)}
            for row in frame.itertuples(index=False, name=None)]


def to_text(tables: Mapping[str, pd.DataFrame], fmt: str) -> str:
    """Tables as terminal text, CSV (sections separated by a title line) or JSON."""
    if fmt == "json":
        return json.dumps({k: records(v) for k, v in tables.items()}, ensure_ascii=False,
                          indent=2)
    buf = io.StringIO()
    for i, (name, frame) in enumerate(tables.items()):
        if len(tables) > 1:
            if i:
                buf.write("\n")
            buf.write(f"# {name}\n")
        if fmt == "csv":
            _escape_formula(frame).to_csv(buf, index=False, lineterminator="\n")
        else:
            if frame.empty:
                buf.write("(no rows)\n")
            else:
                with pd.option_context("display.width", 200, "display.max_columns", 50,
                                       "display.max_rows", 500,
                                       "display.float_format", lambda x: f"{x:.3f}"):
                    buf.write(frame.to_string(index=False) + "\n")
    return buf.getvalue()


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path,
               number_formats: Mapping[str, str] | None = None,
               sheet_number_formats: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """One sheet per table: bold header, frozen header row, column widths, number formats;
    text starting with a formula trigger stays text.

    ``number_formats`` maps a column name to an Excel number format for every sheet;
    ``sheet_number_formats`` maps a table name to such a mapping for that sheet only (it
    wins). ``path`` may also be a binary file object."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, frame in tables.items():
        title = _sheet_title(name, used)
        ws = wb.create_sheet(title)
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xlsx_value(v) for v in row])
        for col_cells in ws.iter_cols(min_row=2):
            for cell in col_cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for j, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(j)
            fmt = ((sheet_number_formats or {}).get(name) or {}).get(str(col)) or (
                number_formats or {}).get(str(col))
            if fmt is None and pd.api.types.is_float_dtype(frame[col]):
                fmt = "0.000"
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
            ws.column_dimensions[letter].width = min(60, max(8, width + 2))
        ws.freeze_panes = "A2"
    if not tables:
        wb.create_sheet("empty")
    wb.save(path)


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in str(name) if ch not in '[]:*?/\\')[:31] or "table"
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(title.lower())
    return title


def _xlsx_value(v):
    v = _jsonable(v)
    if isinstance(v, str):
        return "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)
    return v


def emit(tables: Mapping[str, pd.DataFrame], fmt: str, output: str | Path | None) -> str | None:
    """Write tables to ``output`` (or return the text for stdout when ``output`` is None).
    ``xlsx`` needs an output file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    if fmt == "xlsx":
        if output is None:
            from .errors import UserError

            raise UserError("--format xlsx needs an output file: -o FILE.xlsx")
        write_xlsx(tables, output)
        return None
    text = to_text(tables, fmt)
    if output is None:
        return text
    Path(output).write_text(text, encoding="utf-8")
    return None

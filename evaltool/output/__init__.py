"""Writing tables: terminal text, CSV, JSON and Excel, safe to open in a spreadsheet.

Text cells that start with ``=``, ``+``, ``-``, ``@``, TAB or CR are formula triggers in
spreadsheet programs (CWE-1236). CSV output prefixes such cells with ``'``; Excel output writes
them as plain text cells (never formulas). Numbers are left alone.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from evaltool.text import column_letter, terminal_safe

if TYPE_CHECKING:  # numpy and pandas are imported where used: a command start stays light
    import numpy as np
    import pandas as pd

FORMATS = ("table", "csv", "json", "xlsx")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escape_formula(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            text = s.astype(object)
            # .str on an object column yields NaN for non-strings, hence fillna(False).
            mask = text.str.startswith(_TRIGGERS).fillna(False).astype(bool)
            if mask.any():
                out[col] = text.where(~mask, "'" + text.astype(str))
    return out


def _jsonable(value):
    import numpy as np
    import pandas as pd

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
    return [
        {c: _jsonable(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


#: Tables at most this many cells are written by the standard library's JSON encoder (with
#: indentation); larger ones by pandas' C encoder, one line per table.
JSON_INDENT_CELLS = 50_000


def tables_json(tables: Mapping[str, pd.DataFrame]) -> str:
    """Tables as one JSON object: table name → list of row objects (NaN, NA, ±inf → null;
    timestamps as ISO text). Small output is indented for reading; large output (more than
    :data:`JSON_INDENT_CELLS` cells) is written by pandas' C encoder, ten times faster than
    the standard library's indenting one."""
    import numpy as np

    if sum(v.size for v in tables.values()) <= JSON_INDENT_CELLS:
        return json.dumps({k: records(v) for k, v in tables.items()}, ensure_ascii=False, indent=2)
    parts = []
    for name, frame in tables.items():
        finite = frame.replace([np.inf, -np.inf], np.nan) if len(frame) else frame
        body = finite.to_json(
            orient="records", force_ascii=False, date_format="iso", double_precision=15
        )
        parts.append(f"{json.dumps(name, ensure_ascii=False)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}"


def to_text(tables: Mapping[str, pd.DataFrame], fmt: str) -> str:
    """Tables as terminal text, CSV (sections separated by a title line) or JSON."""
    import pandas as pd

    if fmt == "json":
        return tables_json(tables)
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
                with pd.option_context(
                    "display.width",
                    200,
                    "display.max_columns",
                    50,
                    "display.max_rows",
                    500,
                    "display.float_format",
                    lambda x: f"{x:.3f}",
                ):
                    # Missing values print as blanks (nullable integers need object dtype).
                    shown = frame.copy()
                    for col in shown.columns:
                        c = shown[col]
                        if not pd.api.types.is_float_dtype(c) and c.isna().any():
                            shown[col] = c.astype(object).where(c.notna(), "")
                    buf.write(shown.to_string(index=False, na_rep="") + "\n")
    return buf.getvalue()


def write_xlsx(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    number_formats: Mapping[str, str] | None = None,
    sheet_number_formats: Mapping[str, Mapping[str, str]] | None = None,
    engine: str = "openpyxl",
    timestamp: datetime | None = None,
) -> None:
    """One sheet per table: bold header, frozen header row, column widths, number formats;
    text starting with a formula trigger stays text.

    ``number_formats`` maps a column name to an Excel number format for every sheet;
    ``sheet_number_formats`` maps a table name to such a mapping for that sheet only (it
    wins). ``path`` may also be a binary file object. ``engine="fast"`` writes the same
    workbook with :func:`xlsx_bytes` (about 20× faster than openpyxl, for batches of
    reports); its zip entries carry ``timestamp`` (default 1980-01-01), so equal tables give
    equal bytes."""
    if engine == "fast":
        data = xlsx_bytes(tables, number_formats, sheet_number_formats, timestamp)
        if hasattr(path, "write"):
            path.write(data)
        else:
            from evaltool.output.paths import replacing

            with replacing(path) as tmp:
                tmp.write_bytes(data)
        return
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
            fmt = _column_format(frame, col, name, number_formats, sheet_number_formats)
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
            ws.column_dimensions[letter].width = min(60, max(8, width + 2))
        ws.freeze_panes = "A2"
    if not tables:
        wb.create_sheet("empty")
    wb.save(path)


def _column_format(
    frame: pd.DataFrame, col, name: str, number_formats, sheet_number_formats
) -> str | None:
    import pandas as pd

    fmt = ((sheet_number_formats or {}).get(name) or {}).get(str(col)) or (
        number_formats or {}
    ).get(str(col))
    if fmt is None and pd.api.types.is_float_dtype(frame.dtypes[col]):
        fmt = "0.000"
    return fmt


def _xml_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _cell_xml(ref: str, value, style: int) -> str:
    """One SpreadsheetML cell: numbers as values, text always as an inline string (never a
    formula), empty cells left out."""
    v = _xlsx_value(value)
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int):
        return f'<c r="{ref}" s="{style}"><v>{v}</v></c>'
    if isinstance(v, float):
        return f'<c r="{ref}" s="{style}"><v>{v!r}</v></c>'
    st = f' s="{style}"' if style == 1 else ""
    return (
        f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(v))}'
        f"</t></is></c>"
    )


def _column_cells(values: np.ndarray, letter: str, style: int) -> list[str]:
    """The cells of one column from row 2 on (same rules as :func:`_cell_xml`, with the
    common types handled inline: a report writes a million cells)."""
    import numpy as np

    out = []
    for i, v in enumerate(values, start=2):
        tv = type(v)
        if tv is float or tv is np.float64:
            if v != v or v in (math.inf, -math.inf):
                out.append("")
            else:
                out.append(f'<c r="{letter}{i}" s="{style}"><v>{float(v)!r}</v></c>')
        elif tv is int or tv is np.int64:
            out.append(f'<c r="{letter}{i}" s="{style}"><v>{int(v)}</v></c>')
        elif tv is str:
            t = v if v.isprintable() else "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)
            out.append(
                f'<c r="{letter}{i}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(t)}</t></is></c>"
            )
        elif v is None:
            out.append("")
        else:
            out.append(_cell_xml(f"{letter}{i}", v, style))
    return out


def xlsx_bytes(
    tables: Mapping[str, pd.DataFrame],
    number_formats: Mapping[str, str] | None = None,
    sheet_number_formats: Mapping[str, Mapping[str, str]] | None = None,
    timestamp: datetime | None = None,
) -> bytes:
    """The workbook of :func:`write_xlsx` as xlsx bytes, written directly as SpreadsheetML:
    one sheet per table, bold frozen header row, column widths, number formats, text as
    inline strings (a cell starting with ``=`` stays text)."""
    import pandas as pd

    fmt_ids: dict[str, int] = {}
    sheets: list[tuple[str, str]] = []
    used: set[str] = set()
    items = list(tables.items()) or [("empty", pd.DataFrame())]
    for name, frame in items:
        title = _sheet_title(name, used)
        letters = [column_letter(j) for j in range(len(frame.columns))]
        widths, columns = [], []
        for (col, series), letter in zip(frame.items(), letters, strict=True):
            fmt = _column_format(frame, col, name, number_formats, sheet_number_formats)
            style = 2 + fmt_ids.setdefault(fmt, len(fmt_ids)) if fmt else 0
            values = series.to_numpy(dtype=object)
            width = max([len(str(col))] + [len(str(v)) for v in values[:200]])
            widths.append(min(60, max(8, width + 2)))
            columns.append(_column_cells(values, letter, style))
        rows = [
            '<row r="1">'
            + "".join(
                _cell_xml(f"{lt}1", str(c), 1) for lt, c in zip(letters, frame.columns, strict=True)
            )
            + "</row>"
        ]
        for i, cells in enumerate(zip(*columns, strict=True), start=2):
            rows.append(f'<row r="{i}">{"".join(cells)}</row>')
        cols = "".join(
            f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>'
            for j, w in enumerate(widths, start=1)
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
        )
        sheets.append((title, xml))
    num_fmts = "".join(
        f'<numFmt numFmtId="{164 + k}" formatCode="{_xml_text(f)}"/>' for f, k in fmt_ids.items()
    )
    xfs = (
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        + "".join(
            f'<xf numFmtId="{164 + k}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            for k in range(len(fmt_ids))
        )
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}">'
        + (f'<numFmts count="{len(fmt_ids)}">{num_fmts}</numFmts>' if fmt_ids else "")
        + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{2 + len(fmt_ids)}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" '
        f'xmlns:r="{rel}"><sheets>'
        + "".join(
            f'<sheet name="{_xml_text(t)}" sheetId="{k}" r:id="rId{k}"/>'
            for k, (t, _) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        '"http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{k}" Type="{rel}/worksheet" Target="worksheets/sheet{k}.xml"/>'
            for k in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
        '"http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for k in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        '"http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    when = (timestamp or datetime(1980, 1, 1)).timetuple()[:6]
    parts = [
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/styles.xml", styles_xml),
    ]
    parts += [(f"xl/worksheets/sheet{k}.xml", xml) for k, (_, xml) in enumerate(sheets, start=1)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "table"
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
    """Write tables to ``output`` (or return the text for stdout when ``output`` is None,
    control characters escaped with :func:`evaltool.text.terminal_safe`). ``xlsx`` needs an
    output file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    if fmt == "xlsx":
        if output is None:
            from evaltool.errors import UserError

            raise UserError("--format xlsx needs an output file: -o FILE.xlsx")
        write_xlsx(tables, output)
        return None
    text = to_text(tables, fmt)
    if output is None:
        # printed on a terminal: data cannot carry escape sequences to it
        return terminal_safe(text)
    Path(output).write_text(text, encoding="utf-8")
    return None

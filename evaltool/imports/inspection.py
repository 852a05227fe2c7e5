"""What the importer sees in a file, without importing it.

:func:`inspect_file` reads a file exactly as ``evaltool import clients`` does (reader →
layout → placement on an instrument's items and fields) and returns plain data:

``file``, ``file_format``, ``sheet``, ``sheets``
    the file and the sheet read
``layout``, ``layout_scores``
    the recognised (or forced) layout and every layout's confidence 0–1
``encoding``, ``delimiter``, ``decimal``
    text files: the encoding chosen (BOM → UTF-8 → cp1252 → detector), the delimiter and the
    decimal mark
``header_rows``, ``header_row``, ``first_data_row``
    how many header rows, the spreadsheet row of the first one, the first data row
``n_respondents``, ``dropped_rows``, ``incomplete_rows``
    respondents, rows that are not respondents (row, reason) and responses the tool marks
    unfinished (rows)
``instrument``, ``instrument_guessed``
    the instrument the columns were placed on (the best-fitting built-in one when none was
    given)
``metadata``
    metadata role → column letter (direct identifiers are recognised and never stored)
``items``, ``missing_items``, ``fields``, ``unplaced``, ``item_like``
    item code → column letter; instrument items without a column; field → column letters;
    columns with answers nothing claimed; those of them whose values look like answers
``columns``
    one entry per column: ``column`` (letter), ``position``, ``header``, ``stem``, ``sub``,
    ``code``, ``role`` (``metadata``, ``item``, ``field``, ``option``, ``skipped``,
    ``unplaced`` or ``empty``), ``metadata_role``, ``stored``, ``maps_to`` (as a mapping file
    writes it: ``p1``, ``gender``, ``goals:work``, ``skip``), ``matched_by``, ``n_values``,
    ``n_distinct`` and ``values`` (value → count, most frequent first; hidden for identifiers)
``notes``, ``problems``, ``other_sheets``, ``row_problems``
    remarks of the layout, mapping-file problems, other sheets of a workbook that may
    hold data (not read; ``--sheet`` chooses one) and rows of a text file whose values
    moved columns (``row``, ``column``, ``message``; an import stops on them)

:func:`format_inspection` renders it for the terminal; :func:`mapping_toml` /
:func:`write_mapping` write a mapping file to start from.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool import layouts
from evaltool import read as readers
from evaltool.imports.clients import background_patterns
from evaltool.instruments import Instrument, InstrumentError, builtin_names, load_instrument
from evaltool.issues import ValidationReport
from evaltool.layouts.table import SurveyTable
from evaltool.mapping import summary
from evaltool.mapping.columns import ColumnMap, map_columns
from evaltool.mapping.mapping_file import load_mapping
from evaltool.text import column_index, column_letter, mask_personal
from evaltool.validate.rows import check_row_widths

#: Client instruments tried when ``inspect_file`` is given none.
GUESS_INSTRUMENTS = ("kevat-client", "whoqol-bref", "eurohis-qol-8")
#: At most this many distinct values per column are listed.
MAX_VALUES = 12
#: Metadata roles whose values are never shown.
HIDDEN_ROLES = set(layouts.DIRECT_IDENTIFIERS) | {"respondent_id", "response_id"}


def _load(instrument: str | Path | Instrument | None) -> Instrument | None:
    if instrument is None or isinstance(instrument, Instrument):
        return instrument
    return load_instrument(instrument)


def _guess(
    tidy: SurveyTable, mapping: dict[str, str] | None
) -> tuple[Instrument | None, ColumnMap | None]:
    """The built-in client instrument with the most placed items (ties: fewer unplaced)."""
    best: tuple[tuple[int, int], Instrument, ColumnMap] | None = None
    for name in GUESS_INSTRUMENTS:
        if name not in builtin_names():
            continue
        try:
            inst = load_instrument(name)
        except InstrumentError:
            continue
        pl = map_columns(tidy, inst, mapping, patterns=background_patterns(inst))
        key = (len(pl.items), -len(pl.item_like))
        if best is None or key > best[0]:
            best = (key, inst, pl)
    if best is None or best[0][0] == 0:
        return None, None
    return best[1], best[2]


def _value_counts(values: pd.Series, limit: int = MAX_VALUES) -> tuple[dict[str, int], int, int]:
    """The most frequent non-empty values (ties in order of appearance), the number of
    distinct ones and of non-empty cells."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    keep = np.array([str(u) != "" for u in uniques], dtype=bool)
    order = [k for k in np.argsort(-counts, kind="stable") if keep[k]]
    shown: dict[str, int] = {}
    for k in order[:limit]:
        value, n = uniques[k], counts[k]
        text = mask_personal(value)
        if len(text) > 60:
            text = text[:57] + "…"
        shown[text] = shown.get(text, 0) + int(n)
    return shown, len(order), int(counts[keep].sum())


def inspect_file(
    path: str | Path,
    sheet: str | int | None = None,
    layout: str | None = None,
    instrument: str | Path | Instrument | None = None,
    mapping: str | Path | dict[str, str] | None = None,
    encoding: str | None = None,
) -> dict:
    """What the importer sees in ``path`` (see the module docstring for the keys).

    ``layout`` forces a layout (as ``--layout``); ``instrument`` is a built-in name or a
    TOML path (default: the best-fitting built-in client instrument); ``mapping`` a mapping
    file path or a header → target dict. Raises :class:`evaltool.errors.UserError` (exit 2)
    when the file cannot be read or its layout is ambiguous.
    """
    path = Path(path)
    options: dict[str, str] = {}
    if isinstance(mapping, (str, Path)):
        loaded = load_mapping(mapping)
        columns_map: dict[str, str] | None = loaded.columns
        options = loaded.options
    else:
        columns_map = mapping
    raw = readers.read_raw(path, sheet=sheet, encoding=encoding)
    tidy = layouts.recognise(raw, layout or options.get("layout"))
    inst = _load(instrument)
    guessed = False
    if inst is None:
        inst, placement = _guess(tidy, columns_map)
        guessed = inst is not None
    else:
        placement = map_columns(tidy, inst, columns_map, patterns=background_patterns(inst))
    id_name = options.get("id_column")
    id_pos = tidy.column_by_header(id_name) if id_name else tidy.metadata.get("respondent_id")
    date_name = options.get("date_column")
    date_pos = (
        tidy.column_by_header(date_name)
        if date_name
        else tidy.metadata.get("date", tidy.metadata.get("timestamp"))
    )
    columns = []
    for pos, info in tidy.columns.items():
        values = tidy.data[pos] if pos in tidy.data.columns else pd.Series(dtype=object)
        role_meta = tidy.meta_columns.get(pos)
        entry: dict = {
            "column": column_letter(pos),
            "position": pos,
            "header": info.header,
            "stem": info.stem,
            "sub": info.sub,
            "code": info.code,
            "role": "unplaced",
            "metadata_role": role_meta,
            "stored": False,
            "maps_to": None,
            "matched_by": None,
        }
        if placement is not None and placement.target(pos) is not None:
            entry["maps_to"] = placement.target(pos)
            entry["matched_by"] = placement.how.get(pos)
            entry["role"] = (
                "item"
                if pos in placement.items
                else "field"
                if pos in placement.fields
                else "option"
                if pos in placement.options
                else "skipped"
            )
            entry["stored"] = entry["role"] != "skipped"
        elif role_meta is not None or pos == id_pos:
            entry["role"] = "metadata"
            entry["metadata_role"] = role_meta or "respondent_id"
            entry["stored"] = pos in (id_pos, date_pos)
        shown, n_distinct, n_values = _value_counts(values)
        if not n_values:
            entry["role"] = "empty" if entry["role"] == "unplaced" else entry["role"]
        entry["n_values"] = n_values
        entry["n_distinct"] = n_distinct
        hidden = entry["metadata_role"] in HIDDEN_ROLES
        entry["values"] = None if hidden else shown
        if hidden:
            entry["values_hidden"] = (
                "direct identifier: never stored"
                if entry["metadata_role"] in layouts.DIRECT_IDENTIFIERS
                else "identifier"
            )
        columns.append(entry)
    letters = {p: column_letter(p) for p in tidy.columns}
    out: dict = {
        "file": path.name,
        "file_format": raw.file_format,
        "sheet": raw.sheet,
        "sheets": list(raw.sheets),
        "layout": tidy.layout,
        "layout_scores": {k: round(v, 3) for k, v in tidy.layout_scores.items()},
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "decimal": raw.decimal,
        "header_rows": tidy.header_rows,
        "header_row": tidy.header_row,
        "first_data_row": tidy.header_row + tidy.header_rows,
        "n_respondents": tidy.n_respondents,
        "dropped_rows": [{"row": r, "reason": why} for r, why in tidy.dropped],
        "incomplete_rows": (
            [int(tidy.rows[i]) for i, flag in enumerate(tidy.incomplete) if flag]
            if tidy.incomplete is not None
            else []
        ),
        "instrument": inst.name if inst else None,
        "instrument_guessed": guessed,
        "metadata": {role: letters[pos] for role, pos in tidy.metadata.items()},
        "id_column": letters.get(id_pos) if id_pos is not None else None,
        "items": {},
        "missing_items": [],
        "fields": {},
        "unplaced": [],
        "item_like": [],
        "columns": columns,
        "notes": list(tidy.notes),
        "problems": [],
        "other_sheets": list(raw.other_sheets),
        "row_problems": [],
    }
    rows_report = ValidationReport()
    check_row_widths(tidy, rows_report, {"file": path.name})
    out["row_problems"] = [
        {"row": i.row, "column": i.column, "message": i.message} for i in rows_report.errors
    ]
    if raw.other_sheets:
        out["notes"].append(
            f"sheet {raw.sheet!r} was read; the workbook also has sheet(s) "
            + ", ".join(repr(n) for n in raw.other_sheets)
            + " (choose one with --sheet)"
        )
    if placement is not None:
        out["items"] = {
            code: letters[pos]
            for pos, code in sorted(placement.items.items(), key=lambda kv: kv[0])
        }
        out["missing_items"] = list(placement.missing_items)
        fields: dict[str, list[str]] = {}
        for pos, name in sorted(placement.fields.items()):
            fields.setdefault(name, []).append(letters[pos])
        for pos, (name, _) in sorted(placement.options.items()):
            fields.setdefault(name, []).append(letters[pos])
        out["fields"] = fields
        out["unplaced"] = [letters[p] for p in placement.unplaced]
        out["item_like"] = [letters[p] for p in placement.item_like]
        out["problems"] = list(placement.problems) + list(placement.warnings)
    return out


def _runs(letters: list[str], width: int = 120) -> str:
    """Column letters with consecutive runs shortened (``AB–XFD``), cut to ``width``."""
    text = summary.column_runs(column_index(x) for x in letters)
    if len(text) > width:
        text = text[:width].rsplit(", ", 1)[0] + f" … ({len(letters)} columns)"
    return text


def _short(text: str | None, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_inspection(info: dict, max_values: int = 6) -> str:
    """Human-readable text of :func:`inspect_file`'s result."""
    lines = _summary_lines(info)
    lines.append("")
    lines.append(f"{'col':4} {'header':44} {'→ maps to':18} {'by':9} values")
    lines += [_column_line(c, max_values) for c in info["columns"]]
    lines += _remark_lines(info)
    return "\n".join(lines) + "\n"


def _summary_lines(info: dict) -> list[str]:
    """File, layout, header, respondents, instrument and id column."""
    what = [info["file_format"]]
    if info.get("sheet"):
        what.append(f"sheet {info['sheet']!r}")
    if info.get("encoding"):
        what.append(f"encoding {info['encoding']}")
    if info.get("delimiter"):
        what.append("delimiter " + {"\t": "TAB"}.get(info["delimiter"], repr(info["delimiter"])))
    if info.get("file_format") == "text":
        what.append("decimal comma" if info.get("decimal") == "," else "decimal point")
    lines = [f"File:        {info['file']} ({', '.join(what)})"]
    scores = list(info["layout_scores"].items())
    runner_up = next(((n, s) for n, s in scores if n != info["layout"]), None)
    conf = info["layout_scores"].get(info["layout"], 0.0)
    lines.append(
        f"Layout:      {info['layout']} (confidence {conf:.2f}"
        + (f"; next {runner_up[0]} {runner_up[1]:.2f}" if runner_up else "")
        + ")"
    )
    hr = info["header_rows"]
    lines.append(
        f"Header:      {hr} row{'s' if hr != 1 else ''} from row {info['header_row']};"
        f" data from row {info['first_data_row']}"
    )
    lines.append(f"Respondents: {info['n_respondents']}")
    for d in info["dropped_rows"]:
        lines.append(f"  dropped row {d['row']}: {d['reason']}")
    if info["incomplete_rows"]:
        lines.append(
            "  unfinished (imported with a flag, or dropped with --complete-only): rows "
            + ", ".join(str(r) for r in info["incomplete_rows"])
        )
    if info["instrument"]:
        n_items = len(info["items"]) + len(info["missing_items"])
        lines.append(
            f"Instrument:  {info['instrument']}"
            + (
                " (best fit of the built-in ones; choose with --instrument)"
                if info.get("instrument_guessed")
                else ""
            )
            + f" — {len(info['items'])} of {n_items} items placed"
        )
    else:
        lines.append("Instrument:  none fits (no column matches a built-in instrument's items)")
    if info.get("id_column"):
        lines.append(f"Respondent id: column {info['id_column']}")
    return lines


def _column_line(c: dict, max_values: int) -> str:
    """One column: letter, header, what it maps to, by which evidence, its values."""
    if c["role"] == "metadata":
        target = f"[{c['metadata_role']}]"
        by = "" if c["stored"] else "not kept"
    elif c["role"] == "empty":
        target, by = "(empty)", ""
    elif c["maps_to"] is None:
        target, by = "?", "unplaced"
    else:
        target, by = c["maps_to"], c["matched_by"] or ""
    if c["values"] is None:
        vals = f"({c.get('values_hidden', 'hidden')}; {c['n_distinct']} distinct)"
    else:
        items = list(c["values"].items())
        vals = ", ".join(f"{_short(v, 24)} ({n})" for v, n in items[:max_values])
        if c["n_distinct"] > max_values:
            vals += f", … {c['n_distinct']} distinct"
        vals = _short(vals, 90)
    return f"{c['column']:4} {_short(c['header'], 44):44} {_short(target, 18):18} {by:9} {vals}"


def _remark_lines(info: dict) -> list[str]:
    """Items without a column, unplaced answer columns, mapping and row problems, notes."""
    lines = []
    if info["missing_items"]:
        lines.append("")
        lines.append(
            "Items without a column (counted as missing): " + ", ".join(info["missing_items"])
        )
    if info["item_like"]:
        lines.append(
            "Columns with answers that could not be placed: "
            + _runs(info["item_like"])
            + " — name them in a mapping file (--write-mapping FILE, then --mapping)"
        )
    for p in info.get("problems", []):
        lines.append(f"Mapping: {p}")
    for p in info.get("row_problems", []):
        lines.append(f"Row {p['row']}: {p['message']} (an import stops here)")
    for n in info.get("notes", []):
        lines.append(f"Note: {n}")
    return lines


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(str(text), ensure_ascii=False)


def mapping_toml(info: dict) -> str:
    """A mapping file (TOML) to start from: the layout and id column found, every placed
    column with its target and evidence, and unplaced columns commented out to fill in."""
    heads = pd.Series([c["header"] for c in info["columns"]], dtype=object)
    dup = set(heads[heads.duplicated()])
    lines = [
        f"# evaltool mapping for {info['file']}"
        + (f" (instrument {info['instrument']})" if info.get("instrument") else ""),
        "# Written by 'evaltool inspect --write-mapping'; edit it and import with --mapping.",
        '# [columns]: "column header" (or a column letter) = item code (p1), a field (gender),',
        '# "field:option" for one column of a multi-select (goals:work), or "skip".',
        "",
        "[options]",
        f"layout = {_toml_str(info['layout'])}",
    ]
    id_col = info.get("id_column")
    if id_col:
        col = next(c for c in info["columns"] if c["column"] == id_col)
        name = col["header"] if col["header"] not in dup else id_col
        lines.append(f"id_column = {_toml_str(name)}")
    date_col = next(
        (c for c in info["columns"] if c["metadata_role"] in ("date", "timestamp")), None
    )
    if date_col is not None:
        lines.append(f"date_column = {_toml_str(date_col['header'])}")
    lines += [
        "",
        '# Extra answers that mean "don\'t know" (missing, never a score):',
        '# dont_know = ["Ei kantaa"]',
        "",
        "[columns]",
    ]
    for c in info["columns"]:
        if c["role"] in ("metadata", "empty"):
            continue
        key = _toml_str(c["header"] if c["header"] not in dup else c["column"])
        if c["maps_to"] is not None:
            lines.append(
                f"{key} = {_toml_str(c['maps_to'])}  # {c['column']}, by {c['matched_by']}"
            )
        else:
            sample = ", ".join(list((c["values"] or {}).keys())[:3])
            lines.append(
                f'# {key} = ""  # {c["column"]}: could not place'
                + (f"; values: {sample}" if sample else "")
            )
    return "\n".join(lines) + "\n"


def write_mapping(info: dict, path: str | Path) -> Path:
    """Write :func:`mapping_toml` of ``info`` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(mapping_toml(info), encoding="utf-8")
    return path


def inspection_json(info: dict) -> str:
    """``info`` as one JSON object (UTF-8 text, indented)."""
    return json.dumps(info, ensure_ascii=False, indent=2)

"""What was found in a file, for the import result and the terminal.

:func:`found` describes a survey table and its column map as plain data, and
:func:`describe_found` says it in one line; :func:`column_runs` writes column positions as
spreadsheet letters with runs shortened.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaltool.layouts.table import SurveyTable
from evaltool.text import column_letter

#: How a delimiter is named in the one-line summary.
_DELIMITER_NAMES = {";": "';'", ",": "','", "\t": "TAB"}
#: The unplaced columns are listed up to about this many characters.
_RUNS_WIDTH = 60


def column_runs(positions: Iterable[int]) -> str:
    """Column letters, consecutive runs shortened (``C–J, M``)."""
    pos = sorted(set(positions))
    parts: list[str] = []
    i = 0
    while i < len(pos):
        j = i
        while j + 1 < len(pos) and pos[j + 1] == pos[j] + 1:
            j += 1
        a, b = column_letter(pos[i]), column_letter(pos[j])
        parts.append(a if i == j else (f"{a}, {b}" if j == i + 1 else f"{a}–{b}"))
        i = j + 1
    return ", ".join(parts)


def found(tidy: SurveyTable, placement=None) -> dict:
    """What the importer found in a file, as plain data.

    Parameters
    ----------
    tidy
        The survey table.
    placement
        Its :class:`~evaltool.mapping.columns.ColumnMap`, if the columns were mapped.

    Returns
    -------
    dict
        ``layout``, ``file_format``, ``encoding``, ``delimiter``, ``decimal``, ``sheet``,
        ``header_rows``, ``n_respondents``; with a column map also ``item_columns`` (item
        code → column letter), ``fields`` (field → column letters), ``unplaced`` (letters),
        ``unplaced_runs`` (:func:`column_runs`) and ``how`` (the evidence that placed the
        items).
    """
    raw = tidy.raw
    out: dict = {
        "layout": tidy.layout,
        "file_format": raw.file_format,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "decimal": raw.decimal,
        "sheet": raw.sheet,
        "header_rows": tidy.header_rows,
        "n_respondents": tidy.n_respondents,
    }
    if placement is not None:
        out["item_columns"] = {
            code: column_letter(pos)
            for pos, code in sorted(placement.items.items(), key=lambda kv: kv[0])
        }
        flds: dict[str, list[str]] = {}
        for pos, name in placement.fields.items():
            flds.setdefault(name, []).append(column_letter(pos))
        for pos, (name, _) in placement.options.items():
            flds.setdefault(name, []).append(column_letter(pos))
        out["fields"] = flds
        out["unplaced"] = [column_letter(p) for p in placement.unplaced]
        out["unplaced_runs"] = column_runs(placement.unplaced)
        out["how"] = sorted(set(placement.how[p] for p in placement.items))
    return out


def _plural(n: int, word: str) -> str:
    return f"{word}{'s' if n != 1 else ''}"


def describe_found(info: dict) -> str:
    """One line for the terminal from :func:`found`'s dict."""
    delim = _DELIMITER_NAMES.get(info.get("delimiter") or "", None)
    parts = [f"layout {info['layout']}"]
    if info.get("encoding"):
        parts.append(f"encoding {info['encoding']}")
    if delim:
        parts.append(f"delimiter {delim}")
    if info.get("decimal") == ",":
        parts.append("decimal comma")
    if info.get("sheet"):
        parts.append(f"sheet {info['sheet']!r}")
    parts.append(f"{info['header_rows']} {_plural(info['header_rows'], 'header row')}")
    items = info.get("item_columns")
    if items is not None:
        letters = sorted(items.values(), key=lambda x: (len(x), x))
        parts.append(
            f"{len(items)} item columns ({letters[0]}–{letters[-1]})"
            if items
            else "no item columns"
        )
    if info.get("fields"):
        parts.append("fields " + ", ".join(sorted(info["fields"])))
    if info.get("unplaced"):
        runs = info.get("unplaced_runs") or ", ".join(info["unplaced"])
        if len(runs) > _RUNS_WIDTH:
            runs = runs[:_RUNS_WIDTH].rsplit(", ", 1)[0] + " …"
        n = len(info["unplaced"])
        parts.append(f"{n} unplaced {_plural(n, 'column')} ({runs})")
    return "; ".join(parts)

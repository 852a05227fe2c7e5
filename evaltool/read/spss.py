"""SPSS files (``.sav`` / ``.zsav``) → raw text cells, read with pyreadstat.

The variable names become the first row of cells (the header), their labels
:attr:`RawTable.column_labels`; value labels and declared missing values (discrete values and
ranges) are kept per column so that the instruments can decode answers the file labels.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.read.cells import RawTable, ReadError, trim_cells


def read_sav(path: Path, encoding: str | None = None) -> RawTable:
    """Read an SPSS file as raw text cells.

    Parameters
    ----------
    path
        The ``.sav`` or ``.zsav`` file.
    encoding
        The encoding of its texts; None takes the one the file declares.

    Returns
    -------
    RawTable
        Row 0 of ``cells`` holds the variable names; ``row_offset`` is -1 so that row numbers
        are case numbers. ``column_labels``, ``value_labels`` (code text → label) and
        ``missing_codes`` (code texts declared missing) are keyed by column position.

    Notes
    -----
    Whole numbers are written without a decimal part (``3.0`` → ``"3"``), dates as
    ``YYYY-MM-DD`` (with `` HH:MM:SS`` when not midnight). A declared missing range is
    expanded to its whole numbers when it spans at most 1 000 of them.
    """
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(
            str(path), user_missing=True, dates_as_pandas_datetime=True, encoding=encoding
        )
    except Exception as exc:
        raise ReadError(f"{path.name}: cannot read the SPSS file ({exc})", "file-corrupt")
    names = list(df.columns)
    header = pd.DataFrame([names], columns=range(len(names)), dtype=object)
    body = {j: _column_texts(df[name]) for j, name in enumerate(names)}
    cells = pd.concat([header, pd.DataFrame(body)], ignore_index=True)
    labels = {j: meta.column_names_to_labels.get(n) or "" for j, n in enumerate(names)}
    value_labels = {}
    for j, n in enumerate(names):
        vl = meta.variable_value_labels.get(n)
        if vl:
            value_labels[j] = {_code_text(k): str(v) for k, v in vl.items()}
    # Row numbers of an SPSS file are case numbers (the variable-name row is not a case).
    return RawTable(
        path=path,
        file_format="sav",
        row_offset=-1,
        cells=trim_cells(cells.fillna("")),
        encoding=getattr(meta, "file_encoding", None),
        column_labels=labels,
        value_labels=value_labels,
        missing_codes=_declared_missing(meta, names),
    )


def _column_texts(column: pd.Series) -> np.ndarray:
    """A variable's values as text: numbers without a needless ``.0``, dates as ISO text."""
    if pd.api.types.is_numeric_dtype(column):
        vals = column.to_numpy(dtype=float, na_value=np.nan)
        integral = np.isfinite(vals) & (np.floor(vals) == vals)
        out = np.full(len(vals), "", dtype=object)
        out[integral] = vals[integral].astype(np.int64).astype(str)
        frac = np.isfinite(vals) & ~integral
        out[frac] = [repr(float(v)) for v in vals[frac]]
        return out
    if pd.api.types.is_datetime64_any_dtype(column):
        return (
            column.dt.strftime("%Y-%m-%d %H:%M:%S")
            .fillna("")
            .str.replace(" 00:00:00", "", regex=False)
            .to_numpy(dtype=object)
        )
    return column.fillna("").astype(str).to_numpy(dtype=object)


def _declared_missing(meta, names: list[str]) -> dict[int, set[str]]:
    """Column position → code texts the file declares missing (ranges, then values)."""
    missing = {}
    for j, n in enumerate(names):
        codes: set[str] = set()
        for rng in (meta.missing_ranges or {}).get(n, []):
            codes |= _range_codes(rng.get("lo"), rng.get("hi"))
        if codes:
            missing[j] = codes
    for j, n in enumerate(names):
        if (meta.missing_user_values or {}).get(n):
            missing.setdefault(j, set()).update(_code_text(v) for v in meta.missing_user_values[n])
    return missing


def _range_codes(lo, hi) -> set[str]:
    """The code texts of a declared missing range: its one value, or its whole numbers when
    it spans at most 1 000 of them."""
    if lo is None:
        return set()
    if lo == hi:
        return {_code_text(lo)}
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and hi - lo <= 1000:
        return {_code_text(v) for v in range(int(math.ceil(lo)), int(math.floor(hi)) + 1)}
    return set()


def _code_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)

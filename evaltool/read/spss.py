"""SPSS files (``.sav`` / ``.zsav``) → raw text cells, read with pyreadstat.

The variable names become the first row of cells (the header), their labels
:attr:`RawTable.column_labels`; value labels and declared missing values (discrete values and
ranges) are kept per column so that the instruments can decode answers the file labels.

The native reader (ReadStat, under pyreadstat) can crash the process on a damaged file — one
changed byte is enough for a segmentation fault — so the file is parsed in a child process
(:mod:`multiprocessing` ``forkserver``, started once per process with pyreadstat already
imported, about 10 ms a file after the first): a child that dies is a :class:`ReadError`
naming the file, and the caller's process, with its open workspace, is untouched.

Dates are converted here, not by pyreadstat: SPSS stores seconds since 1582-10-14, and a date
beyond the range of pandas' nanosecond timestamps (1677–2262) made pyreadstat fail on the
whole file. Every date of years 1583–9999 is read; one outside that range is kept as
``+YYYYYY-MM-DD`` text, which the import's date check then reports with its case and
variable.
"""

from __future__ import annotations

import math
import multiprocessing
import re
import sys
import types
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

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
    df, meta = _parse(path, encoding)
    names = list(df.columns)
    header = pd.DataFrame([names], columns=range(len(names)), dtype=object)
    formats = meta.original_variable_types or {}
    body = {j: _column_texts(df[name], formats.get(name)) for j, name in enumerate(names)}
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


#: Run the native reader in a child process (see the module notes).
ISOLATE = True
#: Seconds a child may take on one file, plus this many per MB of the file.
PARSE_TIMEOUT = 120.0
PARSE_TIMEOUT_PER_MB = 2.0
#: The metadata kept from pyreadstat (what crosses back from the child).
_META_FIELDS = (
    "column_names_to_labels",
    "variable_value_labels",
    "missing_ranges",
    "missing_user_values",
    "file_encoding",
    "original_variable_types",
)
#: SPSS formats (pyreadstat's lists) of dates, date-times and times.
_FORMAT_NAME = re.compile(r"^([A-Z][A-Z0-9]+[A-Z])(\d+)?")
_DATE_FORMATS = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE"}
_DATETIME_FORMATS = {"DATETIME", "YMDHMS"}
_TIME_FORMATS = {"TIME", "DTIME"}
#: Seconds from 1582-10-14 (the SPSS origin) to 1583-01-01 and to 10000-01-01.
_SPSS_ORIGIN = np.datetime64("1582-10-14T00:00:00", "s")
_FIRST_SECOND = int((np.datetime64("1583-01-01T00:00:00", "s") - _SPSS_ORIGIN).astype(np.int64))
_LAST_SECOND = int((np.datetime64("10000-01-01T00:00:00", "s") - _SPSS_ORIGIN).astype(np.int64))

_pool: ProcessPoolExecutor | None = None


def parse_in_process(path: str, encoding: str | None) -> tuple[pd.DataFrame, dict]:
    """pyreadstat's reading of a ``.sav`` file without date conversion (run in the child).

    Parameters
    ----------
    path
        The file.
    encoding
        The encoding of its texts, or None for the one it declares.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The data (dates as SPSS seconds) and the metadata of :data:`_META_FIELDS` as a plain
        dict, so that it crosses a process boundary.
    """
    import pyreadstat

    df, meta = pyreadstat.read_sav(
        path, user_missing=True, disable_datetime_conversion=True, encoding=encoding
    )
    return df, {k: getattr(meta, k, None) for k in _META_FIELDS}


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["evaltool.read.spss"])
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
    return _pool


@contextmanager
def _plain_main():
    """Hide the host's ``__main__`` while the child starts: multiprocessing would import it
    again in the child (a script, a notebook or standard input, which cannot be)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _discard_pool() -> None:
    """Stop the child (after a crash or a timeout); the next file starts a new one."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _parse(path: Path, encoding: str | None) -> tuple[pd.DataFrame, SimpleNamespace]:
    """The file's data and metadata, parsed in the child process (or here when
    :data:`ISOLATE` is off); any failure is a :class:`ReadError` naming the file."""
    damaged = (
        f"{path.name}: the SPSS file is damaged or is not a complete .sav file; the reader "
        "stopped on it"
    )
    hint = "; save it again from SPSS or PSPP, or export it again"
    try:
        if not ISOLATE:
            df, meta = parse_in_process(str(path), encoding)
        else:
            timeout = PARSE_TIMEOUT + PARSE_TIMEOUT_PER_MB * path.stat().st_size / 1e6
            with _plain_main():
                future = _executor().submit(parse_in_process, str(path), encoding)
            df, meta = future.result(timeout=timeout)
    except BrokenProcessPool:
        _discard_pool()
        raise ReadError(f"{damaged} (it crashed){hint}", "file-corrupt") from None
    except FutureTimeout:
        _discard_pool()
        raise ReadError(f"{damaged} (no result in {timeout:.0f} s){hint}", "file-corrupt")
    except MemoryError:
        raise ReadError(f"{damaged} (it asked for more memory than there is){hint}", "file-corrupt")
    except Exception as exc:  # pyreadstat.ReadstatError and what a damaged file raises
        raise ReadError(f"{path.name}: cannot read the SPSS file ({exc}){hint}", "file-corrupt")
    return df, SimpleNamespace(**meta)


def _date_kind(fmt: str | None) -> str | None:
    """``"date"``, ``"datetime"``, ``"time"`` or None from an SPSS format (``DATETIME20``)."""
    m = _FORMAT_NAME.match(fmt or "")
    if not m:
        return None
    name = m.group(1)
    if name in _DATE_FORMATS:
        return "date"
    if name in _DATETIME_FORMATS:
        return "datetime"
    if name in _TIME_FORMATS:
        return "time"
    return None


def _date_texts(secs: np.ndarray, kind: str) -> np.ndarray:
    """Seconds since 1582-10-14 → ``YYYY-MM-DD`` (`` HH:MM:SS`` unless midnight or a date
    format); times → ``HH:MM:SS``. A value outside years 1583–9999 is written with its
    signed year (``+287396-10-12``), which no date check accepts."""
    out = np.full(len(secs), "", dtype=object)
    finite = np.isfinite(secs)
    whole = np.zeros(len(secs), dtype=np.int64)
    safe = finite & (np.abs(secs) < 2.0**62)
    whole[safe] = np.floor(secs[safe]).astype(np.int64)
    if kind == "time":
        for i in np.flatnonzero(safe):
            h, rest = divmod(int(whole[i]), 3600)
            out[i] = f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"
        return out
    inside = safe & (whole >= _FIRST_SECOND) & (whole < _LAST_SECOND)
    stamps = _SPSS_ORIGIN + whole[inside].astype("timedelta64[s]")
    texts = [t.replace("T", " ") for t in np.datetime_as_string(stamps, unit="s").tolist()]
    if kind == "date":
        out[inside] = [t[:10] for t in texts]
    else:
        out[inside] = [t.removesuffix(" 00:00:00") for t in texts]
    outside = finite & ~inside
    for i in np.flatnonzero(outside):
        days = math.floor(secs[i] / 86400)
        year = 1582 + days / 365.2425
        out[i] = f"{'+' if year >= 0 else '-'}{abs(int(year)):06d}-01-01 (not a date)"
    return out


def _column_texts(column: pd.Series, fmt: str | None = None) -> np.ndarray:
    """A variable's values as text: numbers without a needless ``.0``, dates as ISO text."""
    kind = _date_kind(fmt)
    if kind is not None and pd.api.types.is_numeric_dtype(column):
        return _date_texts(column.to_numpy(dtype=float, na_value=np.nan), kind)
    if pd.api.types.is_numeric_dtype(column):
        vals = column.to_numpy(dtype=float, na_value=np.nan)
        integral = np.isfinite(vals) & (np.floor(vals) == vals) & (np.abs(vals) < 2.0**53)
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

"""Dates as survey tools and people write them → ISO ``YYYY-MM-DD``.

Accepted (each distinct text is parsed once, vectorised over the distinct texts):

==============================================  ===========================================
form                                            written by
==============================================  ===========================================
``16.3.2024``, ``16.3.2024 10:31``,              Webropol, Finnish Excel, Google Sheets (fi),
``14.3.2024 10.22.05``, ``16.3.2024 klo 10.31``, hand-typed sheets
``16.3.24``
``2024-03-17``, ``2024-03-17 13:05:56``,         Qualtrics, LimeSurvey, ISO, xlsx date cells
``2024-03-17T13:05:56+02:00``
``2024/03/13 06:40:04 PM GMT+2``                 Google Forms CSV (the zone is ignored: the
                                                 local date is kept)
``03/13/2024 12:29:16 PM``, ``9/11/2022 17:54``  SurveyMonkey, MS Forms, Excel re-saved CSV
``9/11/22 17:54``                                (month first unless a first part > 12 shows
                                                 the column is day first)
``45367``, ``45367.5``                           Excel serial day numbers (1900 date system)
==============================================  ===========================================
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: (pattern, kind): groups are (a, b, c) of the date part; the rest of the text (a time,
#: AM/PM, a zone) is not used.
_PATTERNS: list[tuple[str, str]] = [
    (r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$", "ymd"),
    (r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s.*)?$", "ymd"),
    (r"^(\d{4})\.(\d{1,2})\.(\d{1,2})\.?(?:\s.*)?$", "ymd"),
    (r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?(?:\s.*)?$", "dmy"),
    (r"^(\d{1,2})\.(\d{1,2})\.(\d{2})(?:\s.*)?$", "dmy2"),
    (r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$", "slash"),
    (r"^(\d{1,2})/(\d{1,2})/(\d{2})(?:\s.*)?$", "slash2"),
    (r"^(\d{1,2})-(\d{1,2})-(\d{4})(?:\s.*)?$", "dmy"),
]
_SLASH_FIRST = re.compile(r"^(\d{1,2})/\d{1,2}/\d{2,4}(?:\s|$)")


def parse_dates(values: pd.Series, slash_order: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column: returns (ISO date text or None, mask of non-empty unparseable cells).

    When ``slash_order`` is None, ``a/b/yyyy`` is read month-first (``mdy``) unless some
    value has a first part above 12 (then day-first, ``dmy``, for the whole column).
    """
    s = pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object)
    s = s.fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=False)
    u = pd.Series(uniques, dtype=object).astype(str)
    if slash_order is None:
        firsts = u.str.extract(_SLASH_FIRST)[0].dropna()
        slash_order = "dmy" if (firsts.astype(int) > 12).any() else "mdy"
    year = np.full(len(u), np.nan)
    month = np.full(len(u), np.nan)
    day = np.full(len(u), np.nan)
    for pattern, kind in _PATTERNS:
        todo = np.isnan(year)
        if not todo.any():
            break
        ex = u[todo].str.extract(pattern)
        hit = ex[0].notna().to_numpy()
        if not hit.any():
            continue
        a, b, c = (ex[k].to_numpy(dtype=object)[hit].astype(float) for k in range(3))
        if kind == "ymd":
            y, m, d = a, b, c
        elif kind == "dmy":
            y, m, d = c, b, a
        elif kind == "dmy2":
            y, m, d = 2000 + c, b, a
        else:
            y = c if kind == "slash" else 2000 + c
            m, d = (a, b) if slash_order == "mdy" else (b, a)
        idx = np.flatnonzero(todo)[hit]
        year[idx], month[idx], day[idx] = y, m, d
    built = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    )
    # Excel serial day numbers.
    serial = pd.to_numeric(u.where(u.str.fullmatch(r"\d{4,5}(?:\.\d+)?")), errors="coerce")
    ok_serial = (serial > 20000) & (serial < 80000) & built.isna()
    if ok_serial.any():
        built = built.where(
            ~ok_serial,
            _EXCEL_EPOCH + pd.to_timedelta(np.floor(serial.where(ok_serial, 0)), unit="D"),
        )
    iso_u = built.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    iso_u = np.where(pd.isna(built).to_numpy(), None, iso_u)
    iso = pd.Series(iso_u[codes], index=values.index, dtype=object)
    bad = (s != "") & iso.isna()
    return iso, bad


def parse_date(text: str, slash_order: str = "mdy") -> date | None:
    """One date; None when the text is not a date. ``slash_order`` decides ``1/2/2024``."""
    iso, _ = parse_dates(pd.Series([text], dtype=object), slash_order)
    value = iso.iloc[0]
    return date.fromisoformat(value) if value else None

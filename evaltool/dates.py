"""Dates as survey tools and people write them → ISO ``YYYY-MM-DD``.

Accepted (each distinct text is parsed once):

- Finnish / European day-first ``16.3.2024``, ``16.3.2024 10:31``, ``14.3.2024 10.22.05``
- ISO ``2024-03-17``, ``2024-03-17 13:05:56``, ``2024-03-17T13:05:56``
- Google Forms ``2024/03/13 06:40:04 PM GMT+2`` (zone text ignored: the local date is kept)
- US month-first with AM/PM ``03/13/2024 12:29:16 PM`` (SurveyMonkey, MS Forms)
- Excel serial day numbers (``45367`` or ``45367.5``, 1900 date system)
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pandas as pd

_EXCEL_EPOCH = date(1899, 12, 30)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s.*)?$"), "ymd"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s.*)?$"), "dmy"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})(?:\s.*)?$"), "dmy2"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$"), "slash"),
]


def parse_date(text: str, slash_order: str = "mdy") -> date | None:
    """One date; None when the text is not a date. ``slash_order`` decides ``1/2/2024``."""
    t = str(text).strip()
    if not t:
        return None
    if re.fullmatch(r"\d{4,5}(?:\.\d+)?", t):
        serial = float(t)
        if 20000 < serial < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(serial))
        return None
    for pattern, kind in _PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        try:
            if kind == "ymd":
                return date(a, b, c)
            if kind == "dmy":
                return date(c, b, a)
            if kind == "dmy2":
                return date(2000 + c, b, a)
            if slash_order == "mdy" and a <= 12:
                return date(c, a, b)
            return date(c, b, a)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(t).date()
    except ValueError:
        return None


def parse_dates(values: pd.Series, slash_order: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column: returns (ISO date text or None, mask of non-empty unparseable cells).

    When ``slash_order`` is None, ``a/b/yyyy`` is read month-first unless some value has a
    first part above 12 (then day-first for the whole column).
    """
    s = values.astype(str).str.strip()
    uniq = pd.unique(s)
    if slash_order is None:
        firsts = [int(m.group(1)) for u in uniq if (m := re.match(r"^(\d{1,2})/\d{1,2}/\d{4}", u))]
        slash_order = "dmy" if any(f > 12 for f in firsts) else "mdy"
    parsed = {}
    for u in uniq:
        d = parse_date(u, slash_order)
        parsed[u] = d.isoformat() if d else None
    iso = s.map(parsed)
    bad = (s != "") & iso.isna()
    return iso.astype(object).where(iso.notna(), None), bad

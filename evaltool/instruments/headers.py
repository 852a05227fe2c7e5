"""Item numbers written in column headers (``q1``, ``Q01``, ``1.``, ``k12``, ``26. Text``)."""

from __future__ import annotations

import re

_NUMBERED = re.compile(
    r"^(?:q|k|kys|kysymys|item|fråga|f|question|v)?\s*[_#-]?\s*0*(\d{1,3})\s*(?:[.):]|\s|$)",
    re.IGNORECASE,
)


def item_number(header: str) -> int | None:
    """Item number in headers such as ``q1``, ``Q01``, ``1.``, ``1)``, ``k1``, ``1. Text``.

    Parameters
    ----------
    header
        A column header.

    Returns
    -------
    int or None
        The number (leading zeros dropped; at most three digits), or None when the header
        does not start with an optional prefix (``q``, ``k``, ``kys``, ``kysymys``,
        ``item``, ``fråga``, ``f``, ``question``, ``v``) and a number ending the header or
        followed by ``.``, ``)``, ``:`` or a space.
    """
    m = _NUMBERED.match(str(header).strip())
    return int(m.group(1)) if m else None

"""Partner-survey rounds in time order, read from their labels ("syksy 2012", "kevät 2013",
"höst 2013", "spring 2014", "2015")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from evaltool.text import name_key

#: Season words of round labels (fi, sv, en) → their order within a year.
SEASONS: dict[str, int] = {
    "talvi": 0,
    "vinter": 0,
    "winter": 0,
    "kevät": 1,
    "kevat": 1,
    "vår": 1,
    "var": 1,
    "spring": 1,
    "kesä": 2,
    "kesa": 2,
    "sommar": 2,
    "summer": 2,
    "syksy": 3,
    "höst": 3,
    "host": 3,
    "autumn": 3,
    "fall": 3,
}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def round_time(label: object) -> tuple[int, int] | None:
    """(year, season) of a round label, or None when the label names no year.

    Parameters
    ----------
    label : object
        A round label such as ``"syksy 2013"``, ``"höst 2013"``, ``"2014"`` or
        ``"2013 autumn"``.

    Returns
    -------
    tuple of int or None
        The year and the season's order within it (0 winter, 1 spring, 2 summer,
        3 autumn; 1 when the label has no season word).

    Examples
    --------
    >>> round_time("syksy 2012"), round_time("Kevät 2013"), round_time("Round 2")
    ((2012, 3), (2013, 1), None)
    """
    text = str(label)
    year = _YEAR.search(text)
    if year is None:
        return None
    words = name_key(text).split()
    season = next((SEASONS[w] for w in words if w in SEASONS), 1)
    return int(year.group(1)), season


def chronological(rounds: Sequence) -> list:
    """``rounds`` in time order when every label names a year (:func:`round_time`; labels
    of the same time keep their order), else unchanged.

    Examples
    --------
    >>> chronological(["syksy 2013", "kevät 2013", "syksy 2012"])
    ['syksy 2012', 'kevät 2013', 'syksy 2013']
    >>> chronological(["B", "A"])
    ['B', 'A']
    """
    times = [round_time(r) for r in rounds]
    if any(t is None for t in times):
        return list(rounds)
    order = sorted(range(len(rounds)), key=lambda i: times[i])
    return [rounds[i] for i in order]

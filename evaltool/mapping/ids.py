"""Respondent ids: the keys by which respondents are linked across files and waves, and the
keys of unlinked responses of surveys without ids.

An id that is a whole number is compared as that number (``007``, ``7``, ``1001.0`` and
``1001,00`` are one client), any other id exactly as written (surrounding spaces dropped).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A respondent id that is a whole number, possibly with leading zeros or a zero decimal
#: part as spreadsheets and their CSV exports write it: ``007``, ``1001.0``, ``1001,00``.
WHOLE_NUMBER_ID = re.compile(r"\+?0*(\d+)(?:[.,]0+)?")
#: The first characters a whole-number id can start with.
_ID_FIRST = frozenset("+0123456789")
#: A long numeric id that Excel shows (and exports) in scientific notation: ``1.23457E+11``.
ROUNDED_ID = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")


def normalise_ids(ids: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The keys by which respondents are linked across files and waves.

    Parameters
    ----------
    ids
        The respondent ids as text, one per response.

    Returns
    -------
    keys : pandas.Series
        One key per id (same index as ``ids``, object dtype).
    changed : numpy.ndarray
        Boolean mask of the ids whose key differs from the id as written.

    Notes
    -----
    Surrounding spaces are dropped; an id that is a whole number is compared as that
    number, without leading zeros or a zero decimal part: ``1001``, ``1001.0``, ``1001,00``
    and ``001001`` are one client (Excel turns ``007`` into 7 and CSV exports of number
    cells write ``1001.0``). Any other id — with letters, signs, separators or a non-zero
    decimal part (``A007``, ``1001.5``, ``1 001``) — is compared exactly as written. Each
    distinct id is normalised once (``pd.factorize``).
    """
    codes, uniques = pd.factorize(ids.to_numpy(dtype=object), use_na_sentinel=False)
    uniques = np.array([str(u).strip() for u in uniques], dtype=object)
    # Only an id starting with a digit or '+' can be a number (most client codes are not).
    keys = np.array(
        [
            (m.group(1) if u[:1] in _ID_FIRST and (m := WHOLE_NUMBER_ID.fullmatch(u)) else u)
            for u in uniques
        ],
        dtype=object,
    )
    changed = keys != uniques
    return (
        pd.Series(
            keys[codes] if len(codes) else np.array([], dtype=object), index=ids.index, dtype=object
        ),
        changed[codes] if len(codes) else np.zeros(0, dtype=bool),
    )


def anonymous_ids(sha256: str, frame: pd.DataFrame) -> pd.Series:
    """The keys of unlinked responses (``evaltool import clients --anonymous``).

    Parameters
    ----------
    sha256 : str
        The file's SHA-256.
    frame : pandas.DataFrame
        The file's responses: columns wave and source_row.

    Returns
    -------
    pandas.Series
        One key per response built from the file's digest, the wave and the row, so that no
        two responses — in this file, another wave or another file — share one, and
        importing the same file again gives the same keys.
    """
    return (
        "\x1eanonymous\x1f"
        + sha256
        + "\x1f"
        + frame["wave"].astype(str)
        + "\x1f"
        + frame["source_row"].astype(str)
    )


def rounded_ids(ids: pd.Series) -> np.ndarray:
    """Boolean mask of the ids (text) written in scientific notation (:data:`ROUNDED_ID`):
    numbers Excel has rounded, so different clients may share one."""
    return ids.str.fullmatch(ROUNDED_ID.pattern).to_numpy(dtype=bool)

"""Text keys for matching headers, labels and names; spreadsheet column letters; decoding each
distinct value once.

Every comparison of user-written text in evaltool goes through one of these keys, so two
modules cannot disagree about whether ``"Elämänlaatu "`` and ``"elämänlaatu"`` are the same
header. The keys differ on purpose and are named after what they match:

======================  =====================================================================
:func:`fold`            NFC, no-break spaces as spaces, casefolded, whitespace collapsed
:func:`header_key`      :func:`fold`, then `` :.?*`` stripped at the ends (question headers)
:func:`label_key`       :func:`header_key` with typographic dashes unified and spaces around a
                        dash between digits removed (``"1 – 5"`` matches ``"1-5"``)
:func:`name_key`        organisation names: typographic apostrophes and dashes made plain
:func:`squash`          letters and digits only (near-duplicate detection)
======================  =====================================================================
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[‐-―−]")
_DIGIT_DASH = re.compile(r"\d\s*-\s*\d")
_SPACED_DASH = re.compile(r"\s*-\s*")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: object) -> str:
    """Casefolded text with whitespace collapsed and NFC-normalised."""
    return _fold(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()
    return _SPACES.sub(" ", text).strip()


def header_key(text: object) -> str:
    """Matching form of a column header: :func:`fold`, ends stripped of `` :.?*``."""
    return _fold(str(text)).strip(" :.?*")


def label_key(text: object) -> str:
    """Matching form of a question or answer label: :func:`header_key` with dashes unified."""
    return _label_key(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _label_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").casefold()
    text = _DASHES.sub("-", text)
    if _DIGIT_DASH.search(text):
        text = _SPACED_DASH.sub("-", text)
    return _SPACES.sub(" ", text).strip().strip(" :.?*")


def name_key(text: object) -> str:
    """Key for matching organisation names: NFC, casefolded, whitespace collapsed,
    typographic apostrophes and dashes made plain."""
    s = unicodedata.normalize("NFC", str(text))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(s.split()).casefold()


def squash(text: object) -> str:
    """Letters and digits of :func:`name_key` only (``"TE-toimisto"`` → ``"tetoimisto"``)."""
    return _NOT_WORD.sub("", name_key(text))


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 → A, 26 → AA, 16383 → XFD)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based column index of spreadsheet column letters (A → 0, AA → 26)."""
    index = 0
    for ch in letters.strip().upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def map_distinct(
    values: pd.Series | np.ndarray, func: Callable[[object], object], missing: object = None
) -> np.ndarray:
    """``func`` applied to each distinct value once, spread back to every position.

    Survey columns repeat a handful of answers over thousands of rows; decoding the distinct
    values (``pd.factorize``) and indexing back costs one call per distinct value instead of
    one per cell. Missing values (None, NaN) get ``missing`` without calling ``func``.

    Returns an object array as long as ``values``.
    """
    codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[: len(uniques)] = [func(u) for u in uniques]
    mapped[-1] = missing
    return mapped[codes]

"""Text keys for matching headers, labels and names; spreadsheet column letters; decoding each
distinct value once; text from data made safe to show (personal data masked, control
characters escaped).

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

:func:`mask_personal` replaces e-mail addresses, phone numbers and Finnish personal identity
codes (henkilötunnus) in a text shown to the user; :func:`terminal_safe` escapes the control
characters a terminal would act on (``ESC ] 0 ; … BEL`` sets the window title, ``ESC [``
moves the cursor).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a command start stays light
    import numpy as np
    import pandas as pd

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[‐-―−]")
_DIGIT_DASH = re.compile(r"\d\s*-\s*\d")
_SPACED_DASH = re.compile(r"\s*-\s*")
_NOT_WORD = re.compile(r"[\W_]+")
#: An e-mail address.
EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
#: A phone number: international (``+358 40 123 4567``, ``00358…``) or a Finnish number
#: starting with 0 (``040-1234567``, ``09 123 4567``); at least 7 digits.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}"
    r"|0\d{1,3}[ -]?\d{3,4}[ -]?\d{2,4})(?![\w]|[.,]\d)"
)
#: A Finnish personal identity code (henkilötunnus): ``DDMMYY``, century sign, ``NNN`` and
#: a check character (``131052-308T``).
HETU = re.compile(r"(?<!\w)[0-3]\d[01]\d\d\d[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?!\w)", re.I)
#: A web address (``https://…``, ``www.…``).
WEB = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: The masks of :func:`mask_personal`, in the order they are applied.
PERSONAL_MASKS = ((EMAIL, "<e-mail>"), (HETU, "<henkilötunnus>"), (PHONE, "<phone>"))
#: Control characters a terminal acts on: C0 but TAB and LF, DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[: len(uniques)] = [func(u) for u in uniques]
    mapped[-1] = missing
    return mapped[codes]


def mask_personal(text: object, mask: str | None = None, web: bool = False) -> str:
    """``text`` with e-mail addresses, Finnish personal identity codes and phone numbers
    replaced by ``<e-mail>``, ``<henkilötunnus>`` and ``<phone>`` (:data:`PERSONAL_MASKS`).

    Parameters
    ----------
    text : object
        The text (any value is shown as text).
    mask : str, optional
        One replacement for every kind (reports use ``[…]``); default: the kind's name.
    web : bool
        Also mask web addresses (open answers in reports).

    Returns
    -------
    str

    Notes
    -----
    For values shown to the user from answers (``inspect``, a mapping file written by
    ``--write-mapping``, open answers in reports) and file names in listings: only headers
    are checked for identifier columns, so an address typed into an answer would otherwise
    be printed. Names cannot be recognised reliably and are not masked.
    """
    out = str(text)
    if web:
        out = WEB.sub(mask or "<web address>", out)
    if not any(ch.isdigit() or ch == "@" for ch in out):
        return out
    for pattern, name in PERSONAL_MASKS:
        out = pattern.sub(mask or name, out)
    return out


def terminal_safe(text: str) -> str:
    """``text`` with every control character but TAB and newline written as an escape
    (``\\x1b``), so that data printed to a terminal cannot move the cursor, set the
    window title or clear the screen. A carriage return is escaped too (it would let a
    value overwrite what is printed before it on the line)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_typo_apart(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` differ by one letter after the first: one replaced, inserted,
    deleted, or two neighbours swapped (``Polku`` / ``Plku`` / ``Ploku``)? Digits never count
    as a typo (``Hanke 2023`` and ``Hanke 2024`` are two projects), nor does the first letter
    (``A-talo`` and ``B-talo``), nor do texts under four letters."""
    if a == b or min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1 or a[0] != b[0]:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diff) == 1:
            return a[diff[0]].isalpha() and b[diff[0]].isalpha()
        k = diff[0]
        return len(diff) == 2 and diff[1] == k + 1 and a[k] == b[k + 1] and a[k + 1] == b[k]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    k = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return long[k].isalpha() and short[k:] == long[k + 1 :]


def close_name(name: str, names: Iterable[str]) -> str | None:
    """The first of ``names`` that ``name`` differs from only in case, spacing or
    punctuation (:func:`squash`) or by one letter (:func:`one_typo_apart` on :func:`fold`),
    or None (an exact match is not close: it is the same name)."""
    key, folded = squash(name), fold(name)
    for other in names:
        if other == name:
            continue
        if squash(other) == key or one_typo_apart(folded, fold(other)):
            return other
    return None

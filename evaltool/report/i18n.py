"""Report language: Finnish (default), Swedish and English strings, numbers and dates.

The strings are data: ``reports/strings.toml`` (shipped in the wheel as
``evaltool/_data/reports``) holds one table per key with its ``fi``, ``sv`` and ``en`` text,
read once on first use; further files beside it named ``strings-<part>.toml`` (the web
workspace's, a chapter's) are merged in, and a key defined in two files is an error.
Finnish and Swedish reports write numbers with a decimal comma and a
narrow no-break space between thousands (``1 234,5``), percentages as ``45 %`` and dates as
``16.3.2024``; English reports write ``1,234.5``, ``45%`` and ``16 March 2024``. Negative
numbers use the minus sign ``−``. Missing values are an empty string; suppressed values are
``–`` (:data:`DASH`).
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from evaltool.resources import data_file

LANGS = ("fi", "sv", "en")
#: What a suppressed (withheld) statistic shows.
DASH = "–"
#: The file of the report's strings among the built-in report files.
STRINGS_FILE = "strings.toml"
_NNBSP = "\u202f"
_NBSP = "\u00a0"

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The report's strings, read once from ``strings.toml`` and its ``strings-*.toml``.

    Returns
    -------
    dict
        Key → {``fi``, ``sv``, ``en``: text}; ``{name}`` in a text is a placeholder.

    Raises
    ------
    UserError
        When the built-in file is missing (a broken installation).
    """
    import tomllib

    path = data_file("reports", STRINGS_FILE)
    if path is None:
        from evaltool.errors import UserError

        raise UserError(
            f"report strings not found ({STRINGS_FILE} in evaltool/_data/reports or reports/); "
            "reinstall evaltool"
        )
    merged: dict[str, dict[str, str]] = {}
    for part in [path, *sorted(path.parent.glob("strings-*.toml"))]:
        with part.open("rb") as f:
            table = tomllib.load(f)
        twice = sorted(set(table) & set(merged))
        if twice:
            raise ValueError(f"{part.name}: string keys defined in another file too: {twice}")
        merged.update(table)
    return merged


def t(key: str, lang: str, **kwargs) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled in.

    Parameters
    ----------
    key : str
        A key of ``strings.toml``.
    lang : str
        ``fi``, ``sv`` or ``en``.
    **kwargs
        Values of the string's placeholders.

    Returns
    -------
    str

    Examples
    --------
    >>> t("min_n_note", "en", min_n=5)[:32]
    '– = not shown because it would r'
    """
    text = strings()[key][lang]
    return text.format(**kwargs) if kwargs else text


def has_string(key: str) -> bool:
    """Whether ``strings.toml`` has the key ``key``."""
    return key in strings()


def check_lang(lang: str | None) -> str:
    """``lang`` when it is a report language (:data:`LANGS`).

    Raises
    ------
    UserError
        For any other value.
    """
    from evaltool.errors import UserError

    if lang not in LANGS:
        raise UserError(f"report language must be fi, sv or en, not {lang!r}")
    return lang


def _finite(x) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def fmt_num(x, lang: str, digits: int = 1, sign: bool = False) -> str:
    """``x`` with ``digits`` decimals in the language's style.

    Parameters
    ----------
    x : number or None
        The value; None, NaN, infinities and non-numbers count as missing.
    lang : str
        ``fi``, ``sv`` (``1 234,5``) or ``en`` (``1,234.5``).
    digits : int
        Decimals.
    sign : bool
        Write ``+`` before positive values.

    Returns
    -------
    str
        The number, ``−`` (minus sign) before negative values and no sign on a value that
        rounds to zero; ``""`` for missing values.

    Examples
    --------
    >>> fmt_num(-1234.56, "fi")
    '−1\u202f234,6'
    >>> fmt_num(0.04, "en", 1, sign=True)
    '0.0'
    """
    v = _finite(x)
    if v is None:
        return ""
    if round(v, digits) == 0:
        v = 0.0
    text = f"{abs(v):,.{digits}f}"
    if lang == "en":
        body = text
    else:
        body = text.replace(",", _NNBSP).replace(".", ",")
    if v < 0:
        return "\u2212" + body
    return ("+" + body) if sign and v > 0 else body


def fmt_int(x, lang: str) -> str:
    """``x`` rounded to a whole number in the language's style (:func:`fmt_num`)."""
    return fmt_num(x, lang, 0)


def fmt_pct(share, lang: str, digits: int = 0) -> str:
    """A share 0–1 as a percentage: ``45 %`` (fi, sv, with a no-break space) or ``45%``
    (en); ``""`` for missing values."""
    v = _finite(share)
    if v is None:
        return ""
    body = fmt_num(v * 100, lang, digits)
    return body + ("%" if lang == "en" else _NBSP + "%")


def fmt_p(p, lang: str) -> str:
    """A p-value: three decimals, ``< 0,001`` (``< 0.001``) below that; ``""`` for missing
    values."""
    v = _finite(p)
    if v is None:
        return ""
    if v < 0.001:
        return "<" + _NBSP + fmt_num(0.001, lang, 3)
    return fmt_num(v, lang, 3)


def fmt_p_text(p, lang: str) -> str:
    """A p-value inside a sentence: ``p = 0,017`` or ``p < 0,001`` (never ``p = < 0,001``);
    ``""`` for missing values.

    Examples
    --------
    >>> fmt_p_text(0.0312, "en")
    'p = 0.031'
    """
    v = _finite(p)
    if v is None:
        return ""
    if v < 0.001:
        return "p " + fmt_p(v, lang)
    return "p = " + fmt_p(v, lang)


def word_list(words, lang: str) -> str:
    """``a, b ja c`` (fi), ``a, b och c`` (sv), ``a, b and c`` (en)."""
    words = [str(w) for w in words]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + t("word_and", lang) + words[-1]


def fmt_date(value, lang: str) -> str:
    """An ISO date (text or ``date``) as ``16.3.2024`` (fi, sv) or ``16 March 2024`` (en).

    Returns
    -------
    str
        ``""`` for None, ``""`` and NaN; text that is no ISO date is returned as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if lang == "en":
        return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.day}.{d.month}.{d.year}"


def fmt_range_pct(low, high, lang: str, digits: int = 1) -> str:
    """A confidence interval of a share: ``3,5…20,7 %`` (fi, sv) or ``3.5 to 20.7%`` (en);
    ``""`` when a limit is missing."""
    lo, hi = _finite(low), _finite(high)
    if lo is None or hi is None:
        return ""
    a, b = fmt_num(lo * 100, lang, digits), fmt_num(hi * 100, lang, digits)
    unit = "%" if lang == "en" else _NBSP + "%"
    return f"{a}…{b}{unit}" if lang != "en" else f"{a} to {b}{unit}"


def fmt_range(low, high, lang: str, digits: int = 1) -> str:
    """A confidence interval ``12,3…15,6`` (fi, sv) or ``12.3 to 15.6`` (en); ``""`` when a
    limit is missing."""
    a, b = fmt_num(low, lang, digits), fmt_num(high, lang, digits)
    if not a or not b:
        return ""
    return f"{a}…{b}" if lang != "en" else f"{a} to {b}"


def label(labels: dict[str, str] | None, lang: str, fallback: str) -> str:
    """A label in ``lang`` from a {lang: text} mapping, else English, Finnish, ``fallback``."""
    labels = labels or {}
    return labels.get(lang) or labels.get("en") or labels.get("fi") or fallback


def wave_label(wave, lang: str) -> str:
    """The name of wave ``wave`` (``2. mittaus``, ``Mätning 2``, ``Wave 2``)."""
    return t("wave_n", lang, n=int(wave))

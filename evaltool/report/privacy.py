"""Small-cell protection of report tables and masking of identifiers in open answers.

The statistics modules withhold a *statistic* resting on fewer than ``min_n`` clients. A
report also shows *counts*: how many clients gave an answer, have a background, named a
goal, changed reliably, answered a pattern of waves. What the reports protect:

- **Cells.** A count of 1 … ``min_n`` − 1 clients in a category (background, goal, answer
  category, reliable-change class, wave pattern, subgroup, good quality of life, clients
  lost to follow-up) shows ``–``, and so does every figure computed from it (its share, a
  bar segment). Zero is shown: it describes nobody.
- **Complementary cells.** Where a table also shows the total of a set of categories (the
  n of a background question, of a Likert item, of a reliable-change row), one withheld
  cell could be recovered by subtraction; the smallest further cells are then withheld too,
  until at least two cells holding together at least ``min_n`` clients are withheld.
- **Both sides of a yes/no count.** A goal named by all but two clients shows the two who
  did not name it; such a count is withheld when either side is 1 … ``min_n`` − 1.
- **Bases are shown.** The number of clients a statistic rests on (a project's respondents
  per wave, the clients followed up, a model's n) is shown even when small, so that the
  reader sees why a statistic is withheld; data-processing counts of responses and answers
  (stored, discarded, skipped) are shown as such.
- **Partner organisations** are not personal data, so network positions (ties named and
  received) are shown; the trust and value an organisation received are ratings by other
  organisations' staff and are withheld when fewer than ``min_n`` organisations rated it.
- **Open answers** are listed only when at least ``min_n`` clients of the project answered
  the question; e-mail addresses, phone numbers, Finnish personal identity codes and web
  addresses in them (and in the names of imported files) are replaced by ``[…]``
  (:func:`mask_identifiers`).

Counts that are differences of shown bases (e.g. clients at wave 1 minus clients followed
up) are not hidden: hiding them would mean hiding the analysis' n.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd


def small(counts, min_n: int) -> np.ndarray:
    """Cells of 1 … ``min_n`` − 1 (missing counts are not small)."""
    c = np.asarray(pd.to_numeric(pd.Series(counts), errors="coerce"), dtype=float)
    return (c >= 1) & (c < min_n)


def protect(counts, min_n: int, groups=None, complementary: bool = True,
            priority=None) -> np.ndarray:
    """Cells to withhold among ``counts``: small cells and, with ``complementary``, within
    each group (rows with equal ``groups``; one group when None) further non-zero cells
    until at least two withheld cells hold at least ``min_n`` together (or every non-zero
    cell is withheld). Further cells are taken smallest first, or by ``priority`` (lowest
    first; e.g. to keep the share of improved clients and withhold the unchanged)."""
    c = np.asarray(pd.to_numeric(pd.Series(counts), errors="coerce"), dtype=float)
    prio = c if priority is None else np.asarray(priority, dtype=float)
    out = small(c, min_n)
    if not complementary or not out.any():
        return out
    if groups is None:
        idx_groups = [np.arange(len(c))]
    else:
        keys = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups)
        keys = keys.astype(object).where(keys.notna(), "\x00")
        idx_groups = list(keys.groupby(keys, sort=False).indices.values())
    for idx in idx_groups:
        sup = out[idx]
        if not sup.any():
            continue
        vals = np.nan_to_num(c[idx], nan=0.0)
        order = prio[idx]
        while sup.sum() < 2 or vals[sup].sum() < min_n:
            free = np.flatnonzero(~sup & (vals > 0))
            if not len(free):
                break
            sup[free[np.lexsort((vals[free], order[free]))[0]]] = True
        out[idx] = sup
    return out


def protect_binary(count, total, min_n: int) -> np.ndarray:
    """Yes/no counts out of ``total``: withheld when either side is 1 … ``min_n`` − 1."""
    c = np.asarray(pd.to_numeric(pd.Series(count), errors="coerce"), dtype=float)
    n = np.asarray(pd.to_numeric(pd.Series(total), errors="coerce"), dtype=float)
    return small(c, min_n) | small(n - c, min_n)


_IDENTIFIERS = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),                             # e-mail
    re.compile(r"\b\d{6}[-+A-FUVWXY]\d{3}[0-9A-Y]\b", re.IGNORECASE),        # henkilötunnus
    re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE),                   # web address
    re.compile(r"(?<![\w+])(?:\+358|00358|0)[\s-]?\d{1,3}(?:[\s-]?\d){5,8}\b"),  # phone
]
MASK = "[…]"


def mask_identifiers(text: str) -> str:
    """``text`` with e-mail addresses, Finnish personal identity codes, web addresses and
    phone numbers replaced by ``[…]``. Names cannot be recognised reliably and are not
    masked: open answers are shown as given otherwise."""
    for rx in _IDENTIFIERS:
        text = rx.sub(MASK, text)
    return text

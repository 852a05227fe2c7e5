"""Privacy in reports: the small-number rule for report cells and masking of identifiers in
open answers.

The rule itself — which statistics and which counts are withheld below ``min_n``, and why
bases stay visible — is written once, in :mod:`evaltool.indicators.suppression`; its cell
rules :func:`small`, :func:`protect` and :func:`protect_binary` are importable from here too.

**Open answers** are listed only when at least ``min_n`` clients of the project answered the
question; e-mail addresses, phone numbers, Finnish personal identity codes and web addresses
in them (and in the names of imported files) are replaced by ``[…]``
(:func:`mask_identifiers`).
"""

from __future__ import annotations

import re

from evaltool.indicators.suppression import protect, protect_binary, small

__all__ = ["MASK", "mask_identifiers", "protect", "protect_binary", "small"]

_IDENTIFIERS = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(r"\b\d{6}[-+A-FUVWXY]\d{3}[0-9A-Y]\b", re.IGNORECASE),  # henkilötunnus
    re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE),  # web address
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

"""Instruments: what a questionnaire is — its items, domains, missing-data rules and fields.

=========================  ===============================================================
module                     holds
=========================  ===============================================================
:mod:`.model`              :class:`Instrument`, :class:`Item`, :class:`Domain`,
                           :class:`Rule`, :class:`Field`; missing-reason codes, don't-know
                           answers
:mod:`.load`               the built-in definitions and TOML parsing
:mod:`.headers`            item numbers in column headers
=========================  ===============================================================

Decoding answers into codes lives in :mod:`evaltool.mapping.decode` and scoring in
:mod:`evaltool.scoring.rules`; their names are importable from here too. They are loaded on
first use: both modules import :mod:`evaltool.instruments.model`, so importing them here
eagerly would make ``import evaltool.scoring`` circular.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from evaltool.instruments.headers import item_number
from evaltool.instruments.load import (
    builtin_names,
    builtin_path,
    load_instrument,
    parse_instrument,
)
from evaltool.instruments.model import (
    ANSWERED,
    DECLARED_MISSING,
    DONT_KNOW,
    DONT_KNOW_CODE,
    LANGS,
    NOT_IN_FILE,
    REASON_LETTERS,
    REASON_NAMES,
    SKIPPED,
    Domain,
    Field,
    Instrument,
    InstrumentError,
    Item,
    Rule,
)
from evaltool.text import fold as norm_text

if TYPE_CHECKING:
    from evaltool.mapping.decode import Decoded, Problem, decode_items, parse_number
    from evaltool.scoring.rules import reversed_values, score

__all__ = [
    "ANSWERED",
    "DECLARED_MISSING",
    "DONT_KNOW",
    "DONT_KNOW_CODE",
    "LANGS",
    "NOT_IN_FILE",
    "REASON_LETTERS",
    "REASON_NAMES",
    "SKIPPED",
    "Decoded",
    "Domain",
    "Field",
    "Instrument",
    "InstrumentError",
    "Item",
    "Problem",
    "Rule",
    "builtin_names",
    "builtin_path",
    "decode_items",
    "item_number",
    "load_instrument",
    "norm_text",
    "parse_instrument",
    "parse_number",
    "reversed_values",
    "score",
]

#: Names re-exported from the modules that import this package: name → module.
_LATER = {
    "Decoded": "evaltool.mapping.decode",
    "Problem": "evaltool.mapping.decode",
    "decode_items": "evaltool.mapping.decode",
    "parse_number": "evaltool.mapping.decode",
    "reversed_values": "evaltool.scoring.rules",
    "score": "evaltool.scoring.rules",
}


def __getattr__(name: str) -> object:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LATER[name]), name)
    globals()[name] = value
    return value

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

The partner survey's definition is :mod:`.partner_survey`. Decoding answers into codes is
the next stage (:mod:`evaltool.mapping.decode`); the scoring rules are
:mod:`evaltool.scoring.rules`.
"""

from __future__ import annotations

from evaltool.instruments.headers import item_number
from evaltool.instruments.load import (
    builtin_names,
    builtin_path,
    is_builtin,
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

__all__ = [
    "is_builtin",
    "ANSWERED",
    "DECLARED_MISSING",
    "DONT_KNOW",
    "DONT_KNOW_CODE",
    "LANGS",
    "NOT_IN_FILE",
    "REASON_LETTERS",
    "REASON_NAMES",
    "SKIPPED",
    "Domain",
    "Field",
    "Instrument",
    "InstrumentError",
    "Item",
    "Rule",
    "builtin_names",
    "builtin_path",
    "item_number",
    "load_instrument",
    "parse_instrument",
]

"""What a questionnaire is: items, domains, missing-data rules, background fields and the
codes of missing answers.

An :class:`Instrument` is built from its TOML definition by
:func:`evaltool.instruments.load.parse_instrument`; it knows its items' answer labels in
every language (:meth:`Instrument.label_map`) and its score columns
(:meth:`Instrument.score_columns`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaltool.errors import UserError
from evaltool.text import fold

LANGS = ("fi", "sv", "en")

#: Answers that mean "don't know": missing, never a score (case and spacing ignored).
DONT_KNOW = (
    "en osaa sanoa", "eos", "e.o.s.", "e.o.s", "ei osaa sanoa", "en tiedä", "vet ej",
    "kan inte säga", "vet inte", "don't know", "dont know", "do not know", "don’t know", "dk",
    "cannot say", "can't say", "not sure",
)  # fmt: skip

#: Missing reasons stored per item value.
ANSWERED, SKIPPED, DONT_KNOW_CODE, DECLARED_MISSING, NOT_IN_FILE = 0, 1, 2, 3, 4
REASON_NAMES = {
    ANSWERED: "answered",
    SKIPPED: "skipped",
    DONT_KNOW_CODE: "dont_know",
    DECLARED_MISSING: "missing_code",
    NOT_IN_FILE: "not_in_file",
}
#: One-letter codes used when missing reasons are stored as text (one letter per item).
REASON_LETTERS = {
    ANSWERED: ".",
    SKIPPED: "s",
    DONT_KNOW_CODE: "d",
    DECLARED_MISSING: "m",
    NOT_IN_FILE: "x",
}


class InstrumentError(UserError):
    """An instrument definition cannot be found or is invalid."""


@dataclass(frozen=True)
class Item:
    """A scored question: its code, its label per language and its response set."""

    code: str
    labels: dict[str, str]
    response_set: str | None = None
    reversed: bool = False
    block: str | None = None


@dataclass(frozen=True)
class Domain:
    """Items scored together: raw = mean × ``multiplier``; 0–100 over the raw range
    ``score_min``–``score_max``; ``sum_column`` adds mean × number of items."""

    name: str
    items: tuple[str, ...]
    multiplier: float = 1.0
    score_min: float = 1.0
    score_max: float = 5.0
    labels: dict[str, str] = field(default_factory=dict)
    sum_column: bool = False


@dataclass(frozen=True)
class Rule:
    """Missing-data rule: minimum answered items per domain and per response."""

    name: str
    domain_min_answered: dict[str, int]
    response_min_answered: int
    description: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Field:
    """A non-scored question: background choice, multi-select or open answer."""

    name: str
    kind: str  # "choice", "multi", "text", "number"
    labels: dict[str, str]
    options: tuple[tuple[str, dict[str, str]], ...] = ()
    role: str | None = None


@dataclass
class Instrument:
    """A questionnaire: its scale, items, domains, missing-data rules and other fields."""

    name: str
    title: dict[str, str]
    scale_min: float
    scale_max: float
    items: list[Item]
    domains: list[Domain]
    rules: dict[str, Rule]
    default_rule: str
    response_sets: dict[str, dict[str, list[str]]]
    aliases: dict[str, dict[str, float]]
    missing_codes: tuple[float, ...] = ()
    singles: tuple[str, ...] = ()
    #: Numeric codes that mean "don't know" (e.g. 6 when a tool numbers EOS after a 1–5
    #: scale); missing, with the reason ``dont_know``.
    dont_know_codes: tuple[float, ...] = ()
    fields: list[Field] = field(default_factory=list)
    good_threshold: float | None = None
    #: A bibliographic citation of the questionnaire (the same in every language).
    reference: str = ""
    #: A short description per language (fi, sv, en), shown in that language only.
    description: dict[str, str] = field(default_factory=dict)
    version: str = ""
    source_text: str = ""

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]

    def item(self, code: str) -> Item:
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(code)

    def rule(self, name: str | None) -> Rule:
        name = name or self.default_rule
        if name not in self.rules:
            raise InstrumentError(
                f"instrument {self.name} has no missing-data rule {name!r}; rules: "
                + ", ".join(sorted(self.rules))
            )
        return self.rules[name]

    def label_map(self, item: Item) -> dict[str, float]:
        """Answer label (:func:`~evaltool.text.fold`) → code for an item, over all
        languages and the response set's aliases; the first label to claim a text wins."""
        out: dict[str, float] = {}
        if item.response_set is None:
            return out
        sets = self.response_sets.get(item.response_set, {})
        for lang in LANGS:
            for k, label in enumerate(sets.get(lang, [])):
                out.setdefault(fold(label), float(self.scale_min + k))
        for label, code in self.aliases.get(item.response_set, {}).items():
            out.setdefault(fold(label), float(code))
        return out

    def score_columns(self) -> list[str]:
        """Score columns in output order: per domain ``<d>_raw``, ``<d>`` (and ``<d>_sum``)."""
        cols = list(self.singles)
        for d in self.domains:
            cols += [f"{d.name}_raw", d.name] + ([f"{d.name}_sum"] if d.sum_column else [])
        return cols

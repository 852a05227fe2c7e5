"""The partner survey: its definition (scales, statement blocks, roster measures, sectors),
loaded from TOML, and the shape of its answers as tidy tables.

A partner survey is asked in *rounds* (e.g. once a year) of the organisations around a
project. It has two parts (see ``surveys/partner-survey.toml``):

* **statements** — Likert blocks; each block is scored as an index, the mean of the answered
  items rescaled to 0–100: ``(mean − min) / (max − min) × 100``;
* **roster** — every respondent rates every listed organisation on contact frequency (0–4),
  collaboration level (Levels of Collaboration Scale, 0–5; Frey et al. 2006), trust (1–4) and
  value (1–4) (the PARTNER tool's dimensions; Varda et al.).

The answers are three tables (:data:`TIE_COLUMNS`, :data:`ORG_COLUMNS`,
:data:`STATEMENT_COLUMNS`), described in :mod:`evaltool.indicators.cooperation`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.instruments.toml_text import parse_toml
from evaltool.resources import data_file
from evaltool.text import name_key

#: The roster measures, in the order of the ``ties`` columns.
MEASURES: tuple[str, ...] = ("contact_frequency", "collaboration_level", "trust", "value")
TIE_COLUMNS: list[str] = ["round", "respondent_org", "partner_org", *MEASURES]
ORG_COLUMNS: list[str] = ["round", "org", "sector", "responded"]
STATEMENT_COLUMNS: list[str] = ["round", "respondent_org", "sector", "item", "value"]
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
BUILTIN_SURVEY = "partner-survey"

__all__ = [
    "BUILTIN_SURVEY",
    "LANGUAGES",
    "MEASURES",
    "ORG_COLUMNS",
    "STATEMENT_COLUMNS",
    "TIE_COLUMNS",
    "AnswerDecodeError",
    "Block",
    "Item",
    "PartnerSurvey",
    "RosterMeasure",
    "Scale",
    "Sector",
    "display_text",
    "is_blank",
    "load_partner_survey",
    "parse_partner_survey",
    "sorted_rounds",
]


def is_blank(cell: object) -> bool:
    """True for None, NA, NaN, NaT and text of spaces only."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def display_text(text: object) -> str:
    """``text`` as shown: NFC-normalised, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def sorted_rounds(values: Iterable) -> list:
    """The distinct round labels of ``values`` (missing dropped) in order; as text when
    numbers and texts are mixed."""
    rounds = pd.unique(pd.Series(list(values), dtype=object).dropna())
    try:
        return sorted(rounds)
    except TypeError:
        return sorted(rounds, key=str)


class AnswerDecodeError(ValueError):
    """An answer that is not on its scale; ``code`` is the issue code (``unknown-label`` or
    ``value-out-of-range``)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Scale:
    """A response scale: whole-number values with labels per language.

    ``labels[lang]`` lists the labels in the order of ``values``; ``missing[lang]`` lists the
    answers read as missing ("En osaa sanoa" / "Vet ej" / "Don't know"); ``aliases`` maps
    further accepted labels to values.
    """

    code: str
    values: tuple[int, ...]
    labels: dict[str, tuple[str, ...]]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)

    @property
    def min(self) -> int:
        return self.values[0]

    @property
    def max(self) -> int:
        return self.values[-1]

    def label(self, value: float, lang: str = "fi") -> str | None:
        """The label of ``value`` in ``lang`` (None when it is not a scale value)."""
        try:
            return self.labels[lang][self.values.index(int(value))]
        except (KeyError, ValueError, IndexError, TypeError):
            return None

    @cached_property
    def _lookup(self) -> dict[str, float]:
        table: dict[str, float] = {}
        for labels in self.labels.values():
            for value, label in zip(self.values, labels, strict=True):
                table[name_key(label)] = float(value)
        for label, value in self.aliases.items():
            table[name_key(label)] = float(value)
        for labels in self.missing.values():
            for label in labels:
                table[name_key(label)] = math.nan
        return table

    def decode(self, cell: object) -> float:
        """A numeric value from a code or a label in any language; NaN for blank or missing.

        Accepts ``4``, ``"4"``, ``"4,0"``, ``"Jokseenkin samaa mieltä"``, ``"4 = Somewhat
        agree"``. Raises ``ValueError`` for an unknown label or a value outside the scale.
        """
        if is_blank(cell):
            return math.nan
        if isinstance(cell, bool):
            raise AnswerDecodeError(
                "unknown-label", f"{cell!r} is not an answer on scale {self.code}"
            )
        if isinstance(cell, int | float | np.integer | np.floating):
            value = float(cell)
        else:
            text = name_key(cell)
            if text in self._lookup:
                return self._lookup[text]
            m = re.fullmatch(r"([+-]?\d+(?:[.,]0*)?)(?:\s*[=:.)\-]?\s*(.+))?", text)
            if not m:
                raise AnswerDecodeError(
                    "unknown-label", f"{display_text(cell)!r} is not a label of scale {self.code}"
                )
            value = float(m.group(1).replace(",", "."))
            rest = m.group(2)
            if rest is not None and self._lookup.get(rest.strip(), None) != value:
                raise AnswerDecodeError(
                    "unknown-label",
                    f"{display_text(cell)!r}: code and label disagree on scale {self.code}",
                )
        if value not in self.values:
            raise AnswerDecodeError(
                "value-out-of-range",
                f"{value:g} is outside scale {self.code} ({self.min}–{self.max})",
            )
        return value


@dataclass(frozen=True)
class Item:
    """A statement item: code, short label per language, reversed or not."""

    code: str
    label: dict[str, str]
    reversed: bool = False


@dataclass(frozen=True)
class Block:
    """A statement block scored as a 0–100 index.

    A respondent's index is computed when at least ``min_answered`` items are answered.
    """

    code: str
    label: dict[str, str]
    scale: Scale
    items: tuple[Item, ...]
    min_answered: int


@dataclass(frozen=True)
class RosterMeasure:
    """A roster question asked about every listed organisation."""

    code: str
    label: dict[str, str]
    scale: Scale
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sector:
    """An organisation sector: code and label per language."""

    code: str
    label: dict[str, str]


@dataclass(frozen=True)
class PartnerSurvey:
    """A partner survey definition (see the comment header of
    ``surveys/partner-survey.toml`` for the file structure)."""

    code: str
    name: dict[str, str]
    scales: dict[str, Scale]
    blocks: tuple[Block, ...]
    roster: dict[str, RosterMeasure]
    sectors: tuple[Sector, ...]
    organisation_headers: tuple[str, ...] = ()
    sector_headers: tuple[str, ...] = ()
    version: str = ""
    reference: str = ""
    source: str = ""

    @property
    def items(self) -> list[Item]:
        return [item for block in self.blocks for item in block.items]

    def block(self, code: str) -> Block:
        for block in self.blocks:
            if block.code == code:
                return block
        raise KeyError(code)

    def items_frame(self) -> pd.DataFrame:
        """One row per item: ``item, index, min, max, reversed, min_answered``."""
        rows = [
            {
                "item": item.code,
                "index": block.code,
                "min": float(block.scale.min),
                "max": float(block.scale.max),
                "reversed": item.reversed,
                "min_answered": block.min_answered,
            }
            for block in self.blocks
            for item in block.items
        ]
        return pd.DataFrame(
            rows, columns=["item", "index", "min", "max", "reversed", "min_answered"]
        )

    def sector_code(self, text: object) -> str | None:
        """The sector code for a code or a label in any language (None when unknown)."""
        if is_blank(text):
            return None
        key = name_key(text)
        for sector in self.sectors:
            if key == name_key(sector.code) or key in {name_key(v) for v in sector.label.values()}:
                return sector.code
        return None


def _lang_map(value: object, where: str, *, lists: bool = False) -> dict:
    if not isinstance(value, dict):
        raise UserError(f"{where}: expected a table of languages (fi, sv, en)")
    out = {}
    for lang, text in value.items():
        if lists:
            if isinstance(text, str):
                text = [text]
            if not isinstance(text, list) or not all(isinstance(t, str) for t in text):
                raise UserError(f"{where}.{lang}: expected a list of texts")
            out[lang] = tuple(text)
        else:
            if not isinstance(text, str):
                raise UserError(f"{where}.{lang}: expected a text")
            out[lang] = text
    return out


def _need(table: dict, key: str, where: str, source: str):
    if key not in table:
        raise UserError(f"{source}: {where} has no {key!r}")
    return table[key]


def _scale(code: str, spec: dict, source: str) -> Scale:
    where = f"{source}: [scales.{code}]"
    values = _need(spec, "values", f"[scales.{code}]", source)
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, int) for v in values)
        or sorted(set(values)) != values
    ):
        raise UserError(f"{where}: values must be ascending whole numbers")
    labels = {}
    for lang, texts in spec.items():
        if lang in ("values", "missing", "aliases"):
            continue
        if not isinstance(texts, list) or len(texts) != len(values):
            raise UserError(f"{where}: {lang} must list {len(values)} labels, one per value")
        labels[lang] = tuple(texts)
    aliases = spec.get("aliases", {})
    bad = {k: v for k, v in aliases.items() if v not in values}
    if bad:
        raise UserError(f"{where}: aliases point outside the scale: {bad}")
    scale = Scale(
        code=code,
        values=tuple(values),
        labels=labels,
        missing=_lang_map(spec.get("missing", {}), where + ".missing", lists=True),
        aliases=dict(aliases),
    )
    seen: dict[str, float] = {}
    for lang, texts in labels.items():
        for value, text in zip(values, texts, strict=True):
            key = name_key(text)
            if key in seen and seen[key] != value:
                raise UserError(f"{where}: label {text!r} ({lang}) names two values")
            seen[key] = value
    return scale


def _scale_of(spec: dict, where: str, scales: dict[str, Scale], source: str) -> Scale:
    name = _need(spec, "scale", where, source)
    if name not in scales:
        raise UserError(f"{source}: {where} uses unknown scale {name!r}")
    return scales[name]


def _roster(data: dict, scales: dict[str, Scale], source: str) -> dict[str, RosterMeasure]:
    roster = {}
    for code, spec in data.get("roster", {}).items():
        if code not in MEASURES:
            raise UserError(
                f"{source}: [roster.{code}] is not a roster measure ({', '.join(MEASURES)})"
            )
        headers = _lang_map(spec.get("headers", {}), f"[roster.{code}].headers", lists=True)
        roster[code] = RosterMeasure(
            code=code,
            label=_lang_map(spec.get("label", {}), f"[roster.{code}].label"),
            scale=_scale_of(spec, f"[roster.{code}]", scales, source),
            headers=tuple(h for texts in headers.values() for h in texts),
        )
    return roster


def _block(
    i: int, spec: dict, scales: dict[str, Scale], item_codes: set[str], source: str
) -> Block:
    code = _need(spec, "code", f"[[blocks]] #{i + 1}", source)
    where = f"[[blocks]] {code}"
    items = []
    for j, ispec in enumerate(_need(spec, "items", where, source)):
        icode = _need(ispec, "code", f"{where} item #{j + 1}", source)
        if icode in item_codes:
            raise UserError(f"{source}: item code {icode!r} is used twice")
        item_codes.add(icode)
        items.append(
            Item(
                code=icode,
                label=_lang_map(ispec.get("label", {}), f"{where} item {icode}"),
                reversed=bool(ispec.get("reversed", False)),
            )
        )
    if not items:
        raise UserError(f"{source}: {where} has no items")
    min_answered = spec.get("min_answered", math.ceil(len(items) / 2))
    if not isinstance(min_answered, int) or not 1 <= min_answered <= len(items):
        raise UserError(f"{source}: {where}: min_answered must be 1..{len(items)}")
    return Block(
        code=code,
        label=_lang_map(spec.get("label", {}), where + ".label"),
        scale=_scale_of(spec, where, scales, source),
        items=tuple(items),
        min_answered=min_answered,
    )


def _survey_from_dict(data: dict, source: str) -> PartnerSurvey:
    head = data.get("survey", {})
    scales = {code: _scale(code, spec, source) for code, spec in data.get("scales", {}).items()}
    roster = _roster(data, scales, source)
    item_codes: set[str] = set()
    blocks = [
        _block(i, spec, scales, item_codes, source) for i, spec in enumerate(data.get("blocks", []))
    ]
    if len({b.code for b in blocks}) != len(blocks):
        raise UserError(f"{source}: block codes must be unique")
    sectors = tuple(
        Sector(
            code=_need(s, "code", "[[sectors]]", source),
            label=_lang_map(s.get("label", {}), "[[sectors]].label"),
        )
        for s in data.get("sectors", [])
    )
    respondent = data.get("respondent", {})
    org_headers = _lang_map(respondent.get("organisation", {}), "[respondent]", lists=True)
    sector_headers = _lang_map(respondent.get("sector", {}), "[respondent]", lists=True)
    return PartnerSurvey(
        code=head.get("code", Path(source).stem),
        name=_lang_map(head.get("name", {}), "[survey].name"),
        scales=scales,
        blocks=tuple(blocks),
        roster=roster,
        sectors=sectors,
        organisation_headers=tuple(h for v in org_headers.values() for h in v),
        sector_headers=tuple(h for v in sector_headers.values() for h in v),
        version=str(head.get("version", "")),
        reference=str(head.get("reference", "")),
        source=source,
    )


def _builtin_survey_path(name: str) -> Path | None:
    return data_file("surveys", f"{name}.toml")


def load_partner_survey(path_or_name: str | Path = BUILTIN_SURVEY) -> PartnerSurvey:
    """Load a partner survey definition from a TOML file or by built-in name.

    ``path_or_name`` is a path to a ``.toml`` file or the name of a built-in definition
    (``"partner-survey"``), looked up in the installed package (``evaltool/_data/surveys``)
    and then in the source tree (``surveys/``). Raises :class:`~evaltool.errors.UserError`
    when the file is missing or its structure is invalid.
    """
    path = Path(path_or_name)
    if not path.is_file():
        if isinstance(path_or_name, str) and not path_or_name.endswith(".toml"):
            found = _builtin_survey_path(path_or_name)
            if found is None:
                raise UserError(f"no built-in survey definition named {path_or_name!r}")
            path = found
        else:
            raise UserError(f"survey definition {str(path_or_name)!r} not found")
    return parse_partner_survey(path.read_text(encoding="utf-8"), str(path))


def parse_partner_survey(text: str, source: str = "<text>") -> PartnerSurvey:
    """A partner survey definition from TOML text (as stored in a workspace)."""
    data = parse_toml(text, source)
    try:
        return _survey_from_dict(data, source)
    except UserError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"{source}: invalid definition ({type(exc).__name__}: {exc})") from None

"""The ESF common indicators for participants as data: ``reports/esf-indicators.toml``.

Each indicator has a code (``EECO01`` … for 2021–2027, Regulation (EU) 2021/1057 Annex I;
``CO01`` … for 2014–2020, Regulation (EU) No 1304/2013 Annex I), a programme period, a kind
(``output``: participants entering; ``result``: upon leaving; ``longer_term``: six months
after leaving), a rule saying which participants count (an expression over the flags of
:data:`evaltool.indicators.esf.compute.FLAGS`), for results the output indicator(s) its
success rate divides by, whether it rests on special categories of personal data, and its
name in Finnish, Swedish and English.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from evaltool.errors import UserError
from evaltool.resources import data_file

#: The indicator file among the built-in report files.
INDICATORS_FILE = "esf-indicators.toml"
#: The programme periods of the project register, oldest first.
PERIODS = ("2007-2013", "2014-2020", "2021-2027")
#: Programme periods with common participant indicators (2007–2013 has the project card).
INDICATOR_PERIODS = ("2014-2020", "2021-2027")
#: Indicator kinds, in report order.
KINDS = ("output", "result", "longer_term")
_FLAG = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Indicator:
    """One common indicator: see the module's docstring and the TOML file's header."""

    code: str
    period: str
    kind: str
    rule: str
    base: tuple[str, ...]
    sensitive: bool
    labels: dict[str, str]
    definition: str

    def label(self, lang: str) -> str:
        """The indicator's name in ``lang`` (English when missing)."""
        return self.labels.get(lang) or self.labels["en"]

    @property
    def flags(self) -> list[str]:
        """The participant flags its rule uses."""
        return _FLAG.findall(self.rule)


def _parse(entry: dict, known_flags: frozenset[str]) -> Indicator:
    code = str(entry["code"])
    ind = Indicator(
        code=code,
        period=str(entry["period"]),
        kind=str(entry["kind"]),
        rule=str(entry["rule"]),
        base=tuple(b for b in str(entry.get("base", "")).split("+") if b),
        sensitive=bool(entry.get("sensitive", False)),
        labels={lang: str(entry[lang]) for lang in ("fi", "sv", "en")},
        definition=str(entry.get("definition", "")),
    )
    if ind.period not in INDICATOR_PERIODS or ind.kind not in KINDS:
        raise ValueError(f"{INDICATORS_FILE}: {code}: unknown period or kind")
    unknown = [f for f in ind.flags if f not in known_flags]
    if unknown:
        raise ValueError(f"{INDICATORS_FILE}: {code}: unknown flag(s) {unknown}")
    if ind.kind != "output" and not ind.base:
        raise ValueError(f"{INDICATORS_FILE}: {code}: a result indicator needs a base")
    return ind


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    """Every common indicator of :data:`INDICATORS_FILE`, in file order.

    Returns
    -------
    tuple of Indicator

    Raises
    ------
    UserError
        When the built-in file is missing (a broken installation).
    """
    from evaltool.indicators.esf.compute import FLAGS

    path = data_file("reports", INDICATORS_FILE)
    if path is None:
        raise UserError(f"{INDICATORS_FILE} not found among the report files; reinstall evaltool")
    with path.open("rb") as f:
        entries = tomllib.load(f)["indicator"]
    out = tuple(_parse(e, frozenset(FLAGS)) for e in entries)
    codes = [i.code for i in out]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{INDICATORS_FILE}: an indicator code occurs twice")
    for ind in out:
        missing = [b for b in ind.base if b not in codes]
        if missing:
            raise ValueError(f"{INDICATORS_FILE}: {ind.code}: base {missing} is not defined")
    return out


def indicator(code: str) -> Indicator:
    """The indicator ``code`` (case ignored); UserError when there is none."""
    for ind in indicators():
        if ind.code.casefold() == str(code).strip().casefold():
            return ind
    raise UserError(f"unknown ESF indicator {code!r}; known: " + ", ".join(codes()))


def codes(period: str | None = None) -> list[str]:
    """The indicator codes (of one programme period), in file order."""
    return [i.code for i in indicators() if period is None or i.period == period]


def normalise_period(text: object) -> str | None:
    """A programme period as written (``2021–2027``, ``2021-27``, ``ESR+ 2021–2027``,
    ``2014/2020``) → one of :data:`PERIODS`; None when it is none of them."""
    years = re.findall(r"(?<!\d)(\d{4}|\d{2})(?!\d)", str(text))
    if not years:
        return None
    first = int(years[0]) if len(years[0]) == 4 else 2000 + int(years[0])
    for period in PERIODS:
        if int(period[:4]) == first:
            return period
    return None

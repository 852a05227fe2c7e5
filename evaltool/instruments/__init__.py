"""Instruments: definitions (TOML), column → item mapping, label decoding and scoring.

An instrument file (see ``surveys/whoqol-bref.toml`` for the annotated structure) lists items
with their response set and reversal, domains with their items and scoring, missing-data rule
sets, and background / open-answer fields. Built-in instruments: ``whoqol-bref``,
``eurohis-qol-8`` and the ``kevat-client`` client-experience survey.

Scoring (vectorised over all responses at once)::

    x'        = (scale_min + scale_max) − x           for reversed items
    raw_d     = mean(answered items of d) × multiplier  if answered_d ≥ min_answered_d
    score_d   = (raw_d − score_min) × 100 / (score_max − score_min)      (0–100)
    discarded = answered items of the response < response_min_answered

For WHOQOL-BREF this is the WHO scoring syntax (``MEAN.n(...)*4``; 0–100 = (raw − 4) × 100/16;
Harper & Power for the WHOQOL Group); both the syntax's and the manual's missing-data rules are
available (``who-syntax``, ``manual``). Tested against R (``tests/r/scoring.R``).
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.resources import data_dirs, data_file

LANGS = ("fi", "sv", "en")

#: Answers that mean "don't know": missing, never a score (case and spacing ignored).
DONT_KNOW = (
    "en osaa sanoa", "eos", "e.o.s.", "e.o.s", "ei osaa sanoa", "en tiedä", "vet ej",
    "kan inte säga", "vet inte", "don't know", "dont know", "do not know", "don’t know", "dk",
    "cannot say", "can't say", "not sure",
)

#: Missing reasons stored per item value.
ANSWERED, SKIPPED, DONT_KNOW_CODE, DECLARED_MISSING, NOT_IN_FILE = 0, 1, 2, 3, 4
REASON_NAMES = {ANSWERED: "answered", SKIPPED: "skipped", DONT_KNOW_CODE: "dont_know",
                DECLARED_MISSING: "missing_code", NOT_IN_FILE: "not_in_file"}
#: One-letter codes used when missing reasons are stored as text (one letter per item).
REASON_LETTERS = {ANSWERED: ".", SKIPPED: "s", DONT_KNOW_CODE: "d", DECLARED_MISSING: "m",
                  NOT_IN_FILE: "x"}


class InstrumentError(UserError):
    """An instrument definition cannot be found or is invalid."""


def norm_text(text: str) -> str:
    """Casefolded text with whitespace collapsed and NFC-normalised (for label matching)."""
    text = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").casefold()
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Item:
    code: str
    labels: dict[str, str]
    response_set: str | None = None
    reversed: bool = False
    block: str | None = None


@dataclass(frozen=True)
class Domain:
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
    reference: str = ""
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
                + ", ".join(sorted(self.rules)))
        return self.rules[name]

    def label_map(self, item: Item) -> dict[str, float]:
        """Normalised label text → code for an item (all languages and aliases)."""
        out: dict[str, float] = {}
        if item.response_set is None:
            return out
        sets = self.response_sets.get(item.response_set, {})
        for lang in LANGS:
            for k, label in enumerate(sets.get(lang, [])):
                out.setdefault(norm_text(label), float(self.scale_min + k))
        for label, code in self.aliases.get(item.response_set, {}).items():
            out.setdefault(norm_text(label), float(code))
        return out

    def score_columns(self) -> list[str]:
        """Score columns in output order: per domain ``<d>_raw``, ``<d>`` (and ``<d>_sum``)."""
        cols = list(self.singles)
        for d in self.domains:
            cols += [f"{d.name}_raw", d.name] + ([f"{d.name}_sum"] if d.sum_column else [])
        return cols


# --------------------------------------------------------------------------- loading


def builtin_names() -> list[str]:
    """Names of the built-in instrument and survey definitions."""
    names: set[str] = set()
    for d in data_dirs("surveys"):
        names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names)


def builtin_path(name: str) -> Path | None:
    """The built-in definition file called ``name``, or None."""
    return data_file("surveys", f"{name}.toml")


def load_instrument(name_or_path: str | Path) -> Instrument:
    """Load a built-in instrument by name or a user's TOML file by path."""
    text_name = str(name_or_path)
    path = builtin_path(text_name) if not text_name.endswith(".toml") else None
    if path is None:
        path = Path(name_or_path)
        if not path.is_file():
            raise InstrumentError(
                f"no instrument {text_name!r}: not a built-in ({', '.join(builtin_names())}) "
                "and no such .toml file")
    text = path.read_text(encoding="utf-8")
    return parse_instrument(text, source=str(path))


def parse_instrument(text: str, source: str = "<text>") -> Instrument:
    """Parse instrument TOML text; raises :class:`InstrumentError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{source}: not valid TOML ({exc})")
    try:
        meta = data["instrument"]
        smin, smax = float(meta["scale_min"]), float(meta["scale_max"])
        response_sets: dict[str, dict[str, list[str]]] = {}
        aliases: dict[str, dict[str, float]] = {}
        for name, rs in data.get("response_sets", {}).items():
            response_sets[name] = {lang: list(rs.get(lang, [])) for lang in LANGS}
            aliases[name] = {k: float(v) for k, v in rs.get("aliases", {}).items()}
        items = [
            Item(code=str(it["code"]), labels=dict(it.get("label", {})),
                 response_set=it.get("response_set"), reversed=bool(it.get("reversed", False)),
                 block=it.get("block"))
            for it in data.get("items", [])
        ]
        codes = [i.code for i in items]
        if len(set(codes)) != len(codes):
            raise InstrumentError(f"{source}: item codes are not unique")
        for it in items:
            if it.response_set and it.response_set not in response_sets:
                raise InstrumentError(f"{source}: item {it.code} uses unknown response set "
                                      f"{it.response_set!r}")
        domains = []
        for d in data.get("domains", []):
            missing = [c for c in d["items"] if c not in codes]
            if missing:
                raise InstrumentError(f"{source}: domain {d['name']} lists unknown items "
                                      + ", ".join(missing))
            domains.append(Domain(
                name=str(d["name"]), items=tuple(d["items"]),
                multiplier=float(d.get("multiplier", 1)),
                score_min=float(d.get("score_min", smin * float(d.get("multiplier", 1)))),
                score_max=float(d.get("score_max", smax * float(d.get("multiplier", 1)))),
                labels=dict(d.get("label", {})), sum_column=bool(d.get("sum_column", False))))
        rules = {}
        for rname, r in data.get("rules", {}).items():
            dmin = {}
            for d in domains:
                if d.name in r.get("domain_min_answered", {}):
                    dmin[d.name] = int(r["domain_min_answered"][d.name])
                elif d.name in r.get("domain_max_missing", {}):
                    dmin[d.name] = len(d.items) - int(r["domain_max_missing"][d.name])
                else:
                    dmin[d.name] = 1
            if "response_min_answered" in r:
                rmin = int(r["response_min_answered"])
            elif "response_max_missing_share" in r:
                # "more than p of items missing → discard": keep missing ≤ floor(p × k).
                rmin = len(items) - int(math.floor(float(r["response_max_missing_share"])
                                                   * len(items) + 1e-9))
            else:
                rmin = 0
            rules[rname] = Rule(rname, dmin, rmin, dict(r.get("description", {})))
        if not rules:
            rules["default"] = Rule("default", {d.name: 1 for d in domains}, 0)
        default_rule = meta.get("default_rule", next(iter(rules)))
        fields = []
        for f in data.get("fields", []):
            opts = tuple((str(o["code"]), dict(o.get("label", {}))) for o in f.get("options", []))
            fields.append(Field(name=str(f["name"]), kind=str(f.get("kind", "choice")),
                                labels=dict(f.get("label", {})), options=opts,
                                role=f.get("role")))
    except KeyError as exc:
        raise InstrumentError(f"{source}: required key {exc} is missing")
    except (TypeError, ValueError) as exc:
        raise InstrumentError(f"{source}: invalid value ({exc})")
    return Instrument(
        name=str(meta["name"]), title=dict(meta.get("title", {})), scale_min=smin,
        scale_max=smax, items=items, domains=domains, rules=rules, default_rule=default_rule,
        response_sets=response_sets, aliases=aliases,
        missing_codes=tuple(float(v) for v in meta.get("missing_codes", [])),
        dont_know_codes=tuple(float(v) for v in meta.get("dont_know_codes", [])),
        singles=tuple(meta.get("singles", [])), fields=fields,
        good_threshold=meta.get("good_threshold"), reference=str(meta.get("reference", "")),
        version=str(meta.get("version", "")), source_text=text)


# --------------------------------------------------------------------------- column mapping

_NUMBERED = re.compile(
    r"^(?:q|k|kys|kysymys|item|fråga|f|question|v)?\s*[_#-]?\s*0*(\d{1,3})\s*(?:[.):]|\s|$)",
    re.IGNORECASE)


def item_number(header: str) -> int | None:
    """Item number in headers such as ``q1``, ``Q01``, ``1.``, ``1)``, ``k1``, ``1. Text``."""
    m = _NUMBERED.match(str(header).strip())
    return int(m.group(1)) if m else None


def match_columns(headers: dict[int, str], instrument: Instrument,
                  mapping: dict[str, str] | None = None,
                  exclude: set[int] | frozenset[int] = frozenset()) -> dict[int, str]:
    """Column position → item code.

    Order of evidence: an explicit mapping (header text → item code), the item code itself
    (``q1``), a numbered header (``1.``, ``k1``, ``Q1 Text``) whose number is an item's
    ordinal position, then a header equal to an item label in any language.
    Each item is taken once; the first matching column wins.
    """
    codes = instrument.item_codes
    code_norm = {norm_text(c): c for c in codes}
    label_norm = {norm_text(lbl): it.code for it in instrument.items
                  for lbl in it.labels.values()}
    mapping_norm = {norm_text(k): v for k, v in (mapping or {}).items()}
    out: dict[int, str] = {}
    taken: set[str] = set()

    def take(pos: int, code: str | None) -> None:
        if code and code not in taken and pos not in out:
            out[pos] = code
            taken.add(code)

    for pos, header in headers.items():
        if pos in exclude:
            continue
        h = norm_text(header)
        if h in mapping_norm:
            take(pos, mapping_norm[h])
    for pos, header in headers.items():
        if pos in exclude:
            continue
        take(pos, code_norm.get(norm_text(header)))
    for pos, header in headers.items():
        if pos in exclude:
            continue
        n = item_number(header)
        if n is not None and 1 <= n <= len(codes):
            take(pos, codes[n - 1])
    for pos, header in headers.items():
        if pos in exclude:
            continue
        take(pos, label_norm.get(norm_text(header)))
    return out


# --------------------------------------------------------------------------- decoding

_LEADING_CODE = re.compile(r"^\s*(-?\d+)\s*(?:[=:.)\-–]\s*|\s+)\D")
_TRAILING_CODE = re.compile(r"\((-?\d+)\)\s*$")
#: Survey-tool answer codes numbered from the scale's start (LimeSurvey ``A1``, ``AO01``).
_TOOL_CODE = re.compile(r"^(?:A|AO|SQ)0*(\d{1,3})$", re.IGNORECASE)


def parse_number(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Numbers written as text (``3``, `` 3 ``, ``3,0``, ``3.0``) → float; others NaN."""
    s = values.astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    s = s.str.replace(",", ".", regex=False)
    return pd.to_numeric(s.where(s.str.fullmatch(r"[-+]?\d+(?:\.\d+)?")), errors="coerce")


@dataclass
class Problem:
    """A value that cannot be decoded: row index in the data, column position, value, code."""

    index: int
    column: int
    value: str
    code: str
    message: str


@dataclass
class Decoded:
    values: np.ndarray  # n × items float, NaN = missing
    reasons: np.ndarray  # n × items int8 (ANSWERED, SKIPPED, …)
    problems: list[Problem]


def decode_items(data: pd.DataFrame, columns: dict[int, str], instrument: Instrument,
                 value_labels: dict[int, dict[str, str]] | None = None,
                 missing_codes: dict[int, set[str]] | None = None,
                 dont_know: tuple[str, ...] | list[str] = ()) -> Decoded:
    """Decode the mapped item columns of ``data`` (text cells) into codes.

    Each column's distinct values are decoded once and broadcast back (``pd.factorize``), so
    the cost grows with the number of distinct answers, not rows. Labels are matched in fi,
    sv and en (case and spacing ignored); ``"3 = Hyvä"`` style labels use the leading code;
    don't-know answers and the instrument's (or the SPSS file's) declared missing codes
    become missing with their reason kept; anything else is a problem (unknown label, out of
    range).
    """
    n = len(data)
    codes = instrument.item_codes
    values = np.full((n, len(codes)), np.nan)
    reasons = np.full((n, len(codes)), NOT_IN_FILE, dtype=np.int8)
    problems: list[Problem] = []
    dk = {norm_text(x) for x in DONT_KNOW} | {norm_text(x) for x in dont_know}
    dk_codes = set(instrument.dont_know_codes)
    lo, hi = instrument.scale_min, instrument.scale_max
    for pos, code in columns.items():
        j = codes.index(code)
        item = instrument.item(code)
        labels = instrument.label_map(item)
        spss_labels = {k: norm_text(v) for k, v in (value_labels or {}).get(pos, {}).items()}
        spss_missing = (missing_codes or {}).get(pos, set())
        # Factorising the object array directly is faster than through pandas' str dtype;
        # a missing cell (None / NaN, code -1) is an empty answer.
        uniq_codes, uniques = pd.factorize(data[pos].to_numpy(dtype=object), sort=False)
        uniques = pd.Series([str(v) for v in uniques] + [""], dtype=object)
        nums = parse_number(uniques).to_numpy()
        u_val = np.full(len(uniques), np.nan)
        u_reason = np.full(len(uniques), ANSWERED, dtype=np.int8)
        bad: dict[int, tuple[str, str]] = {}
        for k, raw in enumerate(uniques):
            text = raw.strip()
            if text in ("", "-", "–", "—"):  # a lone dash marks an unanswered question
                u_reason[k] = SKIPPED
                continue
            t = norm_text(text)
            num = nums[k]
            if not math.isnan(num):
                # A don't-know code is don't know unless the file's own value label says
                # it is some other kind of missing value.
                label = spss_labels.get(text)
                if label in dk or (num in dk_codes and label is None):
                    u_reason[k] = DONT_KNOW_CODE
                elif text in spss_missing or num in instrument.missing_codes:
                    u_reason[k] = DECLARED_MISSING
                elif num in dk_codes:
                    u_reason[k] = DONT_KNOW_CODE
                elif lo <= num <= hi and float(num).is_integer():
                    u_val[k] = num
                else:
                    what = ("is outside" if not lo <= num <= hi
                            else "is not a whole-number answer on")
                    bad[k] = ("value-out-of-range", f"{text} {what} the {code} scale "
                              f"{lo:g}–{hi:g}")
            elif t in dk:
                u_reason[k] = DONT_KNOW_CODE
            elif t in labels:
                u_val[k] = labels[t]
            elif (m := _LEADING_CODE.match(text) or _TRAILING_CODE.search(text)) and (
                    lo <= float(m.group(1)) <= hi):
                u_val[k] = float(m.group(1))
            elif (m := _TOOL_CODE.match(text)) and lo <= lo + int(m.group(1)) - 1 <= hi:
                u_val[k] = lo + int(m.group(1)) - 1
            else:
                examples = ", ".join(instrument.response_sets.get(item.response_set or "", {})
                                     .get("fi", []))
                bad[k] = ("unknown-label", f"{text!r} is not a known answer for {code}"
                          + (f" (expected one of: {examples}; or a number)" if examples else ""))
        for k in bad:
            u_reason[k] = SKIPPED
        values[:, j] = u_val[uniq_codes]
        reasons[:, j] = u_reason[uniq_codes]
        for k, (pcode, message) in bad.items():
            for row in np.flatnonzero(uniq_codes == k):
                problems.append(Problem(int(row), pos, uniques.iloc[k], pcode, message))
    return Decoded(values=values, reasons=reasons, problems=problems)


# --------------------------------------------------------------------------- scoring


def score(values: np.ndarray, instrument: Instrument, rule: str | None = None) -> pd.DataFrame:
    """Score responses. ``values`` is n × len(items) (codes as given, NaN = missing).

    Returns a DataFrame with columns ``n_missing``, ``discarded`` and, per domain ``d``,
    ``d_raw`` (mean × multiplier, instrument scale), ``d`` (0–100) and, where the domain
    asks for it, ``d_sum`` (mean × number of items, prorated); single items (e.g. WHOQOL-BREF
    q1, q2) as their own columns. Discarded responses have NaN scores.
    """
    r = instrument.rule(rule)
    values = np.asarray(values, dtype=float)
    codes = instrument.item_codes
    x = values.copy()
    rev = [j for j, it in enumerate(instrument.items) if it.reversed]
    if rev:
        x[:, rev] = (instrument.scale_min + instrument.scale_max) - x[:, rev]
    answered = ~np.isnan(x)
    n_answered = answered.sum(axis=1)
    discarded = n_answered < r.response_min_answered
    out: dict[str, np.ndarray] = {
        "n_missing": (len(codes) - n_answered).astype(np.int64),
        "discarded": discarded,
    }
    for s in instrument.singles:
        col = x[:, codes.index(s)].copy()
        col[discarded] = np.nan
        out[s] = col
    for d in instrument.domains:
        idx = [codes.index(c) for c in d.items]
        sub = x[:, idx]
        cnt = answered[:, idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(cnt > 0, np.nansum(sub, axis=1) / np.maximum(cnt, 1), np.nan)
        ok = (cnt >= r.domain_min_answered[d.name]) & ~discarded & (cnt > 0)
        raw = np.where(ok, mean * d.multiplier, np.nan)
        out[f"{d.name}_raw"] = raw
        out[d.name] = (raw - d.score_min) * 100.0 / (d.score_max - d.score_min)
        if d.sum_column:
            out[f"{d.name}_sum"] = np.where(ok, mean * len(idx), np.nan)
    return pd.DataFrame(out)


def reversed_values(values: np.ndarray, instrument: Instrument) -> np.ndarray:
    """Item values with reversed items recoded (for reliability analysis)."""
    x = np.asarray(values, dtype=float).copy()
    rev = [j for j, it in enumerate(instrument.items) if it.reversed]
    if rev:
        x[:, rev] = (instrument.scale_min + instrument.scale_max) - x[:, rev]
    return x

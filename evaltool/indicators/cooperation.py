"""Partner cooperation: statement indices, partner networks and change between rounds.

A partner survey is asked in *rounds* (e.g. once a year) of the organisations around a
project. It has two parts (see ``surveys/partner-survey.toml``):

* **statements** — Likert blocks; each block is scored as an index, the mean of the answered
  items rescaled to 0–100: ``(mean − min) / (max − min) × 100``;
* **roster** — every respondent rates every listed organisation on contact frequency (0–4),
  collaboration level (Levels of Collaboration Scale, 0–5; Frey et al. 2006), trust (1–4) and
  value (1–4) (the PARTNER tool's dimensions; Varda et al.).

Every function here is pure: it takes tidy DataFrames and returns tidy DataFrames.

Input tables
------------
``ties``
    ``round, respondent_org, partner_org, contact_frequency, collaboration_level, trust,
    value`` — one row per rating of a partner (NaN allowed). Rows rating one's own
    organisation are ignored. When one organisation answered more than once in a round (two
    respondents), its ratings of the same partner are averaged measure by measure.
``orgs``
    ``round, org, sector, responded`` — the roster plus the respondents. Every organisation
    here is a node of the round's network, also when nobody named it and when it did not
    answer. Organisations that appear in ``ties`` but not here are added as nodes.
``statements``
    ``round, respondent_org, sector, item, value`` — one row per answer, ``value`` numeric on
    the item's scale, NaN for "Don't know" or blank. The unit of analysis is the responding
    organisation: several answers of one organisation to one item are averaged first.

Network conventions
-------------------
The network of a round is directed: respondent → partner. A *tie* is a collaboration level of
at least ``min_level`` (default 1, "networking"). Graph algorithms come from networkx; the
figures are tested against R igraph (tests/r/cooperation.R).

References
----------
Frey, Lohmeier, Lee & Tollefson (2006). Measuring collaboration among grant partners.
American Journal of Evaluation 27(3):383–392.
Varda, Chandra, Stern & Lurie (2008). Core dimensions of connectivity in public health
collaboratives. J Public Health Manag Pract 14(5):E1–E7 (PARTNER trust and value).
Freeman (1979). Centrality in social networks: conceptual clarification. Social Networks
1:215–239.
Wasserman & Faust (1994). Social Network Analysis. Cambridge University Press.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.stats import grouped_mean_ci, paired_t_test, welch_t_test
from evaltool.issues import ValidationReport
from evaltool.resources import data_file

#: The roster measures, in the order of the ``ties`` columns.
MEASURES: tuple[str, ...] = ("contact_frequency", "collaboration_level", "trust", "value")
TIE_COLUMNS: list[str] = ["round", "respondent_org", "partner_org", *MEASURES]
ORG_COLUMNS: list[str] = ["round", "org", "sector", "responded"]
STATEMENT_COLUMNS: list[str] = ["round", "respondent_org", "sector", "item", "value"]
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
BUILTIN_SURVEY = "partner-survey"

#: Network measures reported by :func:`network_table` and compared by :func:`compare_rounds`.
NETWORK_MEASURES: list[str] = [
    "n_orgs",
    "n_respondents",
    "n_nonrespondents",
    "n_ties",
    "density",
    "reciprocity",
    "degree_centralization",
    "n_isolates",
    "mean_level",
    "mean_frequency",
    "mean_trust",
    "mean_value",
]


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------


def normalise_name(text: object) -> str:
    """Key for matching names and labels: Unicode NFC, casefolded, whitespace collapsed,
    typographic apostrophes and dashes made plain."""
    s = unicodedata.normalize("NFC", str(text))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(s.split()).casefold()


def _squash(text: str) -> str:
    """Key for near-duplicate detection: letters and digits only."""
    return re.sub(r"[\W_]+", "", normalise_name(text))


def _header_key(text: object) -> str:
    """Header key: like :func:`normalise_name`, also dropping question marks, colons and
    required-answer asterisks at the ends."""
    return normalise_name(text).strip(" ?*:.")


def _blank(cell: object) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def _display(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


# --------------------------------------------------------------------------------------------
# Survey definition
# --------------------------------------------------------------------------------------------


class _DecodeError(ValueError):
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
                table[normalise_name(label)] = float(value)
        for label, value in self.aliases.items():
            table[normalise_name(label)] = float(value)
        for labels in self.missing.values():
            for label in labels:
                table[normalise_name(label)] = math.nan
        return table

    def decode(self, cell: object) -> float:
        """A numeric value from a code or a label in any language; NaN for blank or missing.

        Accepts ``4``, ``"4"``, ``"4,0"``, ``"Jokseenkin samaa mieltä"``, ``"4 = Somewhat
        agree"``. Raises ``ValueError`` for an unknown label or a value outside the scale.
        """
        if _blank(cell):
            return math.nan
        if isinstance(cell, bool):
            raise _DecodeError("unknown-label", f"{cell!r} is not an answer on scale {self.code}")
        if isinstance(cell, int | float | np.integer | np.floating):
            value = float(cell)
        else:
            text = normalise_name(cell)
            if text in self._lookup:
                return self._lookup[text]
            m = re.fullmatch(r"([+-]?\d+(?:[.,]0*)?)(?:\s*[=:.)\-]?\s*(.+))?", text)
            if not m:
                raise _DecodeError(
                    "unknown-label", f"{_display(cell)!r} is not a label of scale {self.code}"
                )
            value = float(m.group(1).replace(",", "."))
            rest = m.group(2)
            if rest is not None and self._lookup.get(rest.strip(), None) != value:
                raise _DecodeError(
                    "unknown-label",
                    f"{_display(cell)!r}: code and label disagree on scale {self.code}",
                )
        if value not in self.values:
            raise _DecodeError(
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
        if _blank(text):
            return None
        key = normalise_name(text)
        for sector in self.sectors:
            if key == normalise_name(sector.code) or key in {
                normalise_name(v) for v in sector.label.values()
            }:
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


def _survey_from_dict(data: dict, source: str) -> PartnerSurvey:
    def need(table: dict, key: str, where: str):
        if key not in table:
            raise UserError(f"{source}: {where} has no {key!r}")
        return table[key]

    head = data.get("survey", {})
    scales: dict[str, Scale] = {}
    for code, spec in data.get("scales", {}).items():
        where = f"{source}: [scales.{code}]"
        values = need(spec, "values", f"[scales.{code}]")
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
        scales[code] = Scale(
            code=code,
            values=tuple(values),
            labels=labels,
            missing=_lang_map(spec.get("missing", {}), where + ".missing", lists=True),
            aliases=dict(aliases),
        )
        seen: dict[str, float] = {}
        for lang, texts in labels.items():
            for value, text in zip(values, texts, strict=True):
                key = normalise_name(text)
                if key in seen and seen[key] != value:
                    raise UserError(f"{where}: label {text!r} ({lang}) names two values")
                seen[key] = value

    def scale_of(spec: dict, where: str) -> Scale:
        name = need(spec, "scale", where)
        if name not in scales:
            raise UserError(f"{source}: {where} uses unknown scale {name!r}")
        return scales[name]

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
            scale=scale_of(spec, f"[roster.{code}]"),
            headers=tuple(h for texts in headers.values() for h in texts),
        )

    blocks = []
    item_codes: set[str] = set()
    for i, spec in enumerate(data.get("blocks", [])):
        code = need(spec, "code", f"[[blocks]] #{i + 1}")
        where = f"[[blocks]] {code}"
        items = []
        for j, ispec in enumerate(need(spec, "items", where)):
            icode = need(ispec, "code", f"{where} item #{j + 1}")
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
        blocks.append(
            Block(
                code=code,
                label=_lang_map(spec.get("label", {}), where + ".label"),
                scale=scale_of(spec, where),
                items=tuple(items),
                min_answered=min_answered,
            )
        )
    if len({b.code for b in blocks}) != len(blocks):
        raise UserError(f"{source}: block codes must be unique")

    sectors = tuple(
        Sector(
            code=need(s, "code", "[[sectors]]"),
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{source}: not valid TOML: {exc}") from exc
    return _survey_from_dict(data, source)


# --------------------------------------------------------------------------------------------
# Preparing ties and nodes
# --------------------------------------------------------------------------------------------


def _sorted_rounds(values: Iterable) -> list:
    rounds = pd.unique(pd.Series(list(values), dtype=object).dropna())
    try:
        return sorted(rounds)
    except TypeError:
        return sorted(rounds, key=str)


def _dyads(ties: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, respondent_org, partner_org): measures averaged over duplicate
    ratings, self-ratings and rows without both organisations dropped."""
    t = ties.copy()
    for col in TIE_COLUMNS:
        if col not in t.columns:
            if col in MEASURES:
                t[col] = np.nan
            else:
                raise ValueError(f"ties: column {col!r} is missing")
    t = t[TIE_COLUMNS].dropna(subset=["round", "respondent_org", "partner_org"])
    t = t[t["respondent_org"] != t["partner_org"]]
    for col in MEASURES:
        t[col] = pd.to_numeric(t[col], errors="raise").astype(float)
    keys = ["round", "respondent_org", "partner_org"]
    return t.groupby(keys, sort=True)[list(MEASURES)].mean().reset_index()


def _nodes(orgs: pd.DataFrame, dyads: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, org): the roster plus every organisation in the ties."""
    o = orgs.copy()
    if "sector" not in o.columns:
        o["sector"] = np.nan
    if "responded" not in o.columns:
        o["responded"] = False
    o = o[ORG_COLUMNS].dropna(subset=["round", "org"])
    o["responded"] = o["responded"].map(_as_bool)
    senders = dyads[["round", "respondent_org"]].rename(columns={"respondent_org": "org"})
    senders = senders.assign(sector=np.nan, responded=True)
    receivers = dyads[["round", "partner_org"]].rename(columns={"partner_org": "org"})
    receivers = receivers.assign(sector=np.nan, responded=False)
    frames = [f for f in (o, senders, receivers) if len(f)]
    if not frames:
        return pd.DataFrame(columns=ORG_COLUMNS)
    allnodes = pd.concat(frames, ignore_index=True)
    allnodes["sector"] = allnodes["sector"].astype(object)
    return (
        allnodes.groupby(["round", "org"], sort=True)
        .agg(sector=("sector", "first"), responded=("responded", "any"))
        .reset_index()
    )


_TRUE = {"true", "1", "1.0", "yes", "kyllä", "ja", "x"}
_FALSE = {"false", "0", "0.0", "no", "ei", "nej", ""}


def _as_bool(value: object) -> bool:
    """``responded`` as a bool: booleans, 0/1 and yes/no words (fi, sv, en); blank = False."""
    if _blank(value):
        return False
    if isinstance(value, bool | np.bool_ | int | np.integer | float | np.floating):
        return bool(value)
    key = normalise_name(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"orgs: responded must be true or false, not {value!r}")


def _graph(nodes: Iterable, dyads: pd.DataFrame, min_level: float) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    e = dyads[dyads["collaboration_level"] >= min_level]
    g.add_edges_from(zip(e["respondent_org"], e["partner_org"], strict=True))
    return g


def _freeman_degree_centralization(g: nx.DiGraph) -> float:
    """Freeman degree centralization of the undirected simple graph (reciprocal ties
    collapsed): Σ(max − deg_i) / ((n − 1)(n − 2))."""
    u = g.to_undirected(as_view=False)
    n = u.number_of_nodes()
    if n < 3:
        return math.nan
    deg = np.fromiter((d for _, d in u.degree()), dtype=float, count=n)
    return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))


def _network_measures(nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float) -> dict:
    g = _graph(nodes["org"], dyads, min_level)
    n = g.number_of_nodes()
    m = g.number_of_edges()
    tie_rows = dyads[dyads["collaboration_level"] >= min_level]
    return {
        "n_orgs": n,
        "n_respondents": int(nodes["responded"].sum()),
        "n_nonrespondents": int((~nodes["responded"]).sum()),
        "n_ties": m,
        "density": nx.density(g) if n > 1 else math.nan,
        "reciprocity": nx.overall_reciprocity(g) if m > 0 else math.nan,
        "degree_centralization": _freeman_degree_centralization(g),
        "n_isolates": nx.number_of_isolates(g),
        "mean_level": tie_rows["collaboration_level"].mean(),
        "mean_frequency": tie_rows["contact_frequency"].mean(),
        "mean_trust": dyads["trust"].mean(),
        "mean_value": dyads["value"].mean(),
    }


def _split_rounds(ties: pd.DataFrame, orgs: pd.DataFrame):
    dyads = _dyads(ties)
    nodes = _nodes(orgs, dyads)
    rounds = _sorted_rounds(list(nodes["round"]) + list(dyads["round"]))
    for r in rounds:
        yield r, nodes[nodes["round"] == r], dyads[dyads["round"] == r]


# --------------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------------


def network_table(ties: pd.DataFrame, orgs: pd.DataFrame, min_level: float = 1) -> pd.DataFrame:
    """Whole-network figures per round of a directed partner network.

    A tie i → j exists when respondent i rates partner j's collaboration level at least
    ``min_level`` (Levels of Collaboration Scale: 1 networking … 5 collaboration). Nodes are
    all organisations of the round (``orgs`` plus any organisation in ``ties``); n nodes,
    m ties.

    Returns one row per round with columns:

    - ``round``; ``n_orgs`` (n), ``n_respondents``, ``n_nonrespondents``; ``n_ties`` (m);
    - ``density`` = m / (n(n − 1)) (igraph ``edge_density``);
    - ``reciprocity`` = share of ties whose reverse tie also exists (igraph
      ``reciprocity(g, mode = "default")``; NaN without ties);
    - ``degree_centralization`` = Freeman's Σ(max − deg_i) / ((n − 1)(n − 2)) on the
      undirected simple graph, reciprocal ties counted once (igraph
      ``centr_degree(as.undirected(g, "collapse"), loops = FALSE)$centralization``; NaN
      for n < 3);
    - ``n_isolates`` = organisations with no tie in or out;
    - ``mean_level``, ``mean_frequency`` = mean collaboration level and contact frequency
      over the ties;
    - ``mean_trust``, ``mean_value`` = mean of all trust and value ratings of the round
      (ties or not; PARTNER's network trust % is ``mean_trust / 4 × 100``).

    References: Freeman (1979); Wasserman & Faust (1994) ch. 4–5; Frey et al. (2006).
    Tested against R igraph (tests/r/cooperation.R).
    """
    rows = [
        {"round": r, **_network_measures(nodes, dyads, min_level)}
        for r, nodes, dyads in _split_rounds(ties, orgs)
    ]
    return pd.DataFrame(rows, columns=["round", *NETWORK_MEASURES])


ORGANISATION_COLUMNS: list[str] = [
    "round",
    "org",
    "sector",
    "responded",
    "in_degree",
    "out_degree",
    "degree",
    "betweenness",
    "mean_trust_received",
    "mean_value_received",
]


def _organisation_rows(nodes: pd.DataFrame, dyads: pd.DataFrame, min_level: float):
    g = _graph(nodes["org"], dyads, min_level)
    out = nodes[["round", "org", "sector", "responded"]].copy()
    out["in_degree"] = out["org"].map(dict(g.in_degree())).astype(int)
    out["out_degree"] = out["org"].map(dict(g.out_degree())).astype(int)
    out["degree"] = out["in_degree"] + out["out_degree"]
    out["betweenness"] = out["org"].map(nx.betweenness_centrality(g, normalized=False))
    received = dyads.groupby("partner_org")[["trust", "value"]].mean()
    out["mean_trust_received"] = out["org"].map(received["trust"]).astype(float)
    out["mean_value_received"] = out["org"].map(received["value"]).astype(float)
    return out


def organisation_table(
    ties: pd.DataFrame, orgs: pd.DataFrame, min_level: float = 1
) -> pd.DataFrame:
    """Per-organisation network position per round.

    Ties as in :func:`network_table`. Returns one row per organisation and round with columns
    ``round, org, sector, responded``;

    - ``in_degree`` (ties received), ``out_degree`` (ties sent), ``degree`` = in + out
      (igraph ``degree(g, mode = "all")``);
    - ``betweenness`` = Σ_{s≠v≠t} σ_st(v) / σ_st over ordered pairs on directed shortest paths,
      **directed and unnormalised**, as igraph ``betweenness(g, directed = TRUE)`` (networkx
      ``betweenness_centrality(g, normalized=False)``); divide by (n − 1)(n − 2) to normalise;
    - ``mean_trust_received``, ``mean_value_received`` = mean of the trust and value ratings
      the organisation received from the others (PARTNER; 1–4, NaN when nobody rated it).

    References: Freeman (1977, 1979); Brandes (2001) for the algorithm.
    Tested against R igraph (tests/r/cooperation.R).
    """
    frames = [
        _organisation_rows(nodes, dyads, min_level) for _, nodes, dyads in _split_rounds(ties, orgs)
    ]
    if not frames:
        return pd.DataFrame(columns=ORGANISATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ORGANISATION_COLUMNS]


def asymmetric_dyads(ties: pd.DataFrame, min_difference: float = 2) -> pd.DataFrame:
    """Pairs of organisations whose two sides rate their collaboration level differently.

    For every round and every pair {a, b} where a rated b and b rated a, the pair is listed when
    |level(a → b) − level(b → a)| ≥ ``min_difference`` (Frey et al. 2006 flag asymmetric dyads
    for discussion). Returns columns ``round, org_a, org_b, level_a_to_b, level_b_to_a,
    difference`` (org_a sorts before org_b). Tested against R (tests/r/cooperation.R).
    """
    d = _dyads(ties).dropna(subset=["collaboration_level"])
    d = d[["round", "respondent_org", "partner_org", "collaboration_level"]]
    back = d.rename(
        columns={
            "respondent_org": "partner_org",
            "partner_org": "respondent_org",
            "collaboration_level": "level_b_to_a",
        }
    )
    m = d.merge(back, on=["round", "respondent_org", "partner_org"])
    m = m[m["respondent_org"].astype(str) < m["partner_org"].astype(str)]
    m = m.rename(
        columns={
            "respondent_org": "org_a",
            "partner_org": "org_b",
            "collaboration_level": "level_a_to_b",
        }
    )
    m["difference"] = (m["level_a_to_b"] - m["level_b_to_a"]).abs()
    m = m[m["difference"] >= min_difference]
    cols = ["round", "org_a", "org_b", "level_a_to_b", "level_b_to_a", "difference"]
    return m[cols].sort_values(["round", "org_a", "org_b"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Statement indices
# --------------------------------------------------------------------------------------------


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _statements_with_items(statements: pd.DataFrame, survey: PartnerSurvey) -> pd.DataFrame:
    missing = [c for c in ("round", "respondent_org", "item", "value") if c not in statements]
    if missing:
        raise ValueError(f"statements: columns missing: {missing}")
    s = statements.copy()
    if "sector" not in s.columns:
        s["sector"] = np.nan
    if s["respondent_org"].isna().any():
        raise ValueError("statements: every answer needs a respondent_org")
    items = survey.items_frame()
    unknown = sorted(set(s["item"].astype(str)) - set(items["item"]))
    if unknown:
        raise ValueError(f"statements: items not in survey {survey.code!r}: {unknown}")
    s["value"] = pd.to_numeric(s["value"], errors="raise").astype(float)
    s = s.merge(items, on="item", how="left")
    bad = s["value"].notna() & ((s["value"] < s["min"]) | (s["value"] > s["max"]))
    if bad.any():
        row = s[bad].iloc[0]
        raise ValueError(f"statements: value {row['value']:g} outside the scale of {row['item']}")
    return s


def _org_attributes(s: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """First non-missing value of ``columns`` per (round, respondent_org)."""
    keys = ["round", "respondent_org"]
    if not columns:
        return s[keys].drop_duplicates()
    return s.groupby(keys, sort=False)[columns].first().reset_index()


def index_scores(
    statements: pd.DataFrame, survey: PartnerSurvey, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Per-organisation index scores (0–100) per round.

    For each responding organisation and block: answers of the organisation to each item are
    averaged (when it answered more than once), reversed items become min + max − x, and the
    index is ``(mean of answered items − min) / (max − min) × 100``. The index is computed
    only when at least the block's ``min_answered`` items are answered (default: half of the
    items, rounded up; "Don't know" = unanswered); otherwise ``score`` is NaN.

    Returns columns ``round, respondent_org, sector`` (plus any ``by`` columns), ``index,
    n_answered, score``. The scores behind :func:`index_table` are recomputed independently in
    R and tested against it (tests/r/cooperation.R).
    """
    s = _statements_with_items(statements, survey)
    extra = [c for c in ["sector", *_by_list(by)] if c != "sector"]
    attributes = _org_attributes(s, ["sector", *extra])
    s["value"] = np.where(s["reversed"], s["min"] + s["max"] - s["value"], s["value"])
    keys = ["round", "respondent_org", "index"]
    per_item = s.groupby([*keys, "item"], sort=False)["value"].mean().reset_index()
    per_block = (
        per_item.groupby(keys, sort=False)["value"]
        .agg(n_answered="count", mean="mean")
        .reset_index()
    )
    blocks = s[["index", "min", "max", "min_answered"]].drop_duplicates("index")
    per_block = per_block.merge(blocks, on="index", how="left")
    ok = per_block["n_answered"] >= per_block["min_answered"]
    rescaled = (per_block["mean"] - per_block["min"]) / (per_block["max"] - per_block["min"])
    per_block["score"] = np.where(ok, rescaled * 100, np.nan)
    out = per_block.merge(attributes, on=["round", "respondent_org"], how="left")
    order = {b.code: i for i, b in enumerate(survey.blocks)}
    out = out.assign(_o=out["index"].map(order)).sort_values(["round", "_o", "respondent_org"])
    cols = ["round", "respondent_org", "sector", *extra, "index", "n_answered", "score"]
    return out[cols].reset_index(drop=True)


def _suppress(d: pd.DataFrame, min_n: int, columns: list[str]) -> pd.DataFrame:
    d["suppressed"] = d["n"] < min_n
    d.loc[d["suppressed"], columns] = np.nan
    return d


def index_table(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    min_n: int = 5,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cooperation indices (0–100) per round, optionally by sector or another column.

    Per-organisation scores as in :func:`index_scores`. For each round (and ``by`` group) and
    index: n organisations with a score, mean, sd (n − 1), and the t-based 95 % CI
    mean ± t(0.975, n − 1) · sd / √n (as R's ``t.test(x)$conf.int``). When n < ``min_n`` the
    statistics are not shown (NaN) and ``suppressed`` is True; n stays.

    Returns columns ``round`` (``by`` columns), ``index, n, mean, sd, ci_low, ci_high,
    suppressed``. Tested against R's t.test (tests/r/cooperation.R).
    """
    by_cols = _by_list(by)
    scores = index_scores(statements, survey, by=by_cols)
    keys = ["round", *by_cols, "index"]
    d = grouped_mean_ci(scores.groupby(keys, sort=False, dropna=False)["score"])
    d = _suppress(d, min_n, ["mean", "sd", "ci_low", "ci_high"])
    order = {b.code: i for i, b in enumerate(survey.blocks)}
    d = d.assign(_o=d["index"].map(order)).sort_values(["round", *by_cols, "_o"])
    cols = [*keys, "n", "mean", "sd", "ci_low", "ci_high", "suppressed"]
    return d[cols].reset_index(drop=True)


def item_distribution(
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    min_n: int = 5,
    by: str | Sequence[str] | None = None,
    lang: str = "fi",
) -> pd.DataFrame:
    """Answer distribution of every statement item per round (optionally by group).

    Counts answers as given (one row of ``statements`` per answer; reversed items are not
    flipped). For every scale value: ``count`` and ``share`` = count / n, where n is the number
    of answers on the scale and ``n_missing`` the answers left blank or "Don't know". When
    n < ``min_n``, count and share are NaN and ``suppressed`` is True.

    Returns columns ``round`` (``by`` columns), ``index, item, value, label, count, share, n,
    n_missing, suppressed``; ``label`` is the value's label in ``lang``. Plain counting, tested
    on hand-counted data (tests/test_cooperation.py).
    """
    by_cols = _by_list(by)
    s = _statements_with_items(statements, survey)
    keys = ["round", *by_cols, "index", "item"]
    totals = s.groupby(keys, sort=False, dropna=False)["value"].agg(n="count", rows="size")
    totals = totals.reset_index()
    totals["n_missing"] = totals["rows"] - totals["n"]
    scale_rows = [
        {"item": item.code, "value": float(v), "label": block.scale.label(v, lang), "_o": k}
        for k, (block, item) in enumerate((b, i) for b in survey.blocks for i in b.items)
        for v in block.scale.values
    ]
    grid = totals.merge(pd.DataFrame(scale_rows), on="item", how="left")
    counts = (
        s.dropna(subset=["value"])
        .groupby([*keys, "value"], sort=False, dropna=False)
        .size()
        .rename("count")
        .reset_index()
    )
    d = grid.merge(counts, on=[*keys, "value"], how="left")
    d["count"] = d["count"].fillna(0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d["share"] = d["count"] / d["n"]
    d = _suppress(d, min_n, ["count", "share"])
    d = d.sort_values(["round", *by_cols, "_o", "value"])
    cols = [*keys, "value", "label", "count", "share", "n", "n_missing", "suppressed"]
    return d[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Comparing rounds
# --------------------------------------------------------------------------------------------

COMPARE_COLUMNS: list[str] = [
    "test",
    "n1",
    "n2",
    "mean1",
    "mean2",
    "diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "suppressed",
]


def compare_values(
    x1: pd.Series, x2: pd.Series, min_n: int = 5, paired: bool | None = None
) -> dict:
    """Compare one measure between two rounds; ``x1``, ``x2`` are indexed by organisation.

    Organisation-paired when ``paired`` is True, or when it is None and at least
    max(``min_n``, 2) organisations have a value in both rounds: then only those organisations
    are used and the paired t-test of x2 − x1 is reported (R ``t.test(x2, x1, paired =
    TRUE)``). Otherwise Welch's two-sample t-test on all values (R ``t.test(x2, x1)``).
    ``diff`` = mean2 − mean1 with its 95 % CI, ``t``, ``df``, two-sided ``p``. When the smaller
    n is below ``min_n`` only n1, n2 and the test are shown (``suppressed``). When the
    differences (paired) or both samples (Welch) are constant — also when they differ only by
    floating-point rounding — t, df, p and the CI are NaN (R's t.test stops with "data are
    essentially constant"). The tests are :func:`evaltool.stats.paired_t_test` and
    :func:`evaltool.stats.welch_t_test`.

    Reference: Welch (1947), Biometrika 34:28–35. Tested against R's t.test
    (tests/r/cooperation.R).
    """
    a_all = pd.Series(x1, dtype=float).dropna()
    b_all = pd.Series(x2, dtype=float).dropna()
    common = a_all.index.intersection(b_all.index)
    use_paired = len(common) >= max(min_n, 2) if paired is None else paired
    if use_paired:
        common = common.sort_values()
        a, b = a_all.loc[common], b_all.loc[common]
    else:
        a, b = a_all, b_all
    out = dict.fromkeys(COMPARE_COLUMNS, math.nan)
    out.update(test="paired" if use_paired else "welch", n1=len(a), n2=len(b))
    out["suppressed"] = min(len(a), len(b)) < min_n
    if out["suppressed"]:
        return out
    out.update(mean1=a.mean(), mean2=b.mean(), diff=b.mean() - a.mean())
    if use_paired:
        res = paired_t_test(a.to_numpy(), b.to_numpy())
    else:
        res = welch_t_test(b.to_numpy(), a.to_numpy())
    if not math.isfinite(res.t):
        return out
    out.update(ci_low=res.ci_low, ci_high=res.ci_high, t=res.t, df=res.df, p=res.p)
    return out


def _compare_scores(
    wide1: pd.DataFrame, wide2: pd.DataFrame, columns: list, min_n: int, paired: bool | None
) -> list[dict]:
    rows = []
    for col in columns:
        x1 = wide1[col] if col in wide1 else pd.Series(dtype=float)
        x2 = wide2[col] if col in wide2 else pd.Series(dtype=float)
        rows.append(compare_values(x1, x2, min_n=min_n, paired=paired))
    return rows


def _wide(long: pd.DataFrame, r, columns: str, values: str) -> pd.DataFrame:
    """Round ``r`` of a long table as organisations × ``columns`` (mean of ``values``)."""
    part = long[long["round"] == r]
    return part.groupby(["respondent_org", columns])[values].mean().unstack()


def _tie_set(dyads: pd.DataFrame, min_level: float, keep: set | None = None) -> set:
    e = dyads[dyads["collaboration_level"] >= min_level]
    pairs = set(zip(e["respondent_org"], e["partner_org"], strict=True))
    if keep is not None:
        pairs = {p for p in pairs if p[0] in keep and p[1] in keep}
    return pairs


def compare_rounds(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    statements: pd.DataFrame | None,
    survey: PartnerSurvey,
    r1: int | str,
    r2: int | str,
    min_n: int = 5,
    min_level: float = 1,
    paired: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """Compare two rounds of the partner survey: indices, statements and the network.

    Returns a dict of DataFrames:

    ``indices``
        per index: ``round1, round2, index, test, n1, n2, mean1, mean2, diff, ci_low,
        ci_high, t, df, p, suppressed`` — see :func:`compare_values`: organisation-paired
        t-test on the organisations with a score in both rounds when there are at least
        max(min_n, 2) of them (``test = 'paired'``), else Welch's t-test on all scores
        (``'welch'``); ``paired`` forces either.
    ``items``
        the same per statement item on its answer scale (``index, item`` columns).
    ``network``
        ``basis, measure, value1, value2, change`` for every :data:`NETWORK_MEASURES` entry;
        basis ``all`` = each round's whole network, ``respondents_both`` = the network among
        the organisations that answered in both rounds (the longitudinal PARTNER practice of
        comparing only organisations responding at both time points).
    ``ties``
        ``basis, n_ties1, n_ties2, kept, new, lost, jaccard`` with Jaccard overlap
        |T1 ∩ T2| / |T1 ∪ T2| of the directed tie sets (NaN when both are empty).
    ``orgs_joined_left``
        ``org, status ('joined' | 'left'), sector, responded``: organisations that are nodes
        in only one of the rounds.
    ``org_change``
        per organisation in either round: ``org, sector, present1, present2, responded1,
        responded2, in_degree1, in_degree2, in_degree_change, degree1, degree2,
        degree_change, mean_trust_received1, mean_trust_received2, trust_change,
        mean_value_received1, mean_value_received2, value_change``.
    ``asymmetric_dyads``
        :func:`asymmetric_dyads` (difference ≥ 2) for the two rounds.
    ``comparison``
        one flat row (JSON-friendly): network figures of both rounds and their change, tie
        turnover, organisations joined/left, counts of asymmetric dyads and each index's
        ``<index>_mean1, <index>_mean2, <index>_diff, <index>_p, <index>_test``.

    Tested against R igraph and t.test (tests/r/cooperation.R).
    """
    dyads = _dyads(ties)
    nodes = _nodes(orgs, dyads)
    n1, n2 = nodes[nodes["round"] == r1], nodes[nodes["round"] == r2]
    d1, d2 = dyads[dyads["round"] == r1], dyads[dyads["round"] == r2]

    # Statements: indices and items.
    if statements is None:
        statements = pd.DataFrame(columns=STATEMENT_COLUMNS)
    pair = statements[statements["round"].isin([r1, r2])]
    scores = index_scores(pair, survey)
    w1, w2 = (_wide(scores, r, "index", "score") for r in (r1, r2))
    codes = [b.code for b in survey.blocks]
    index_rows = _compare_scores(w1, w2, codes, min_n, paired)
    indices = pd.DataFrame(index_rows, columns=COMPARE_COLUMNS)
    indices.insert(0, "index", codes)
    indices.insert(0, "round2", r2)
    indices.insert(0, "round1", r1)

    s = _statements_with_items(pair, survey)
    i1, i2 = (_wide(s, r, "item", "value") for r in (r1, r2))
    item_codes = [i.code for i in survey.items]
    items = pd.DataFrame(
        _compare_scores(i1, i2, item_codes, min_n, paired), columns=COMPARE_COLUMNS
    )
    items.insert(0, "item", item_codes)
    items.insert(0, "index", [b.code for b in survey.blocks for _ in b.items])
    items.insert(0, "round2", r2)
    items.insert(0, "round1", r1)

    # Network.
    both = set(n1.loc[n1["responded"], "org"]) & set(n2.loc[n2["responded"], "org"])

    def subset(n: pd.DataFrame, d: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        keep = d["respondent_org"].isin(both) & d["partner_org"].isin(both)
        return n[n["org"].isin(both)], d[keep]

    net_rows = []
    for basis, (a, b) in {
        "all": ((n1, d1), (n2, d2)),
        "respondents_both": (subset(n1, d1), subset(n2, d2)),
    }.items():
        m1 = _network_measures(*a, min_level)
        m2 = _network_measures(*b, min_level)
        for measure in NETWORK_MEASURES:
            net_rows.append(
                {
                    "basis": basis,
                    "measure": measure,
                    "value1": float(m1[measure]),
                    "value2": float(m2[measure]),
                    "change": float(m2[measure]) - float(m1[measure]),
                }
            )
    network = pd.DataFrame(net_rows, columns=["basis", "measure", "value1", "value2", "change"])

    tie_rows = []
    for basis, keep in (("all", None), ("respondents_both", both)):
        t1, t2 = _tie_set(d1, min_level, keep), _tie_set(d2, min_level, keep)
        union = len(t1 | t2)
        tie_rows.append(
            {
                "basis": basis,
                "n_ties1": len(t1),
                "n_ties2": len(t2),
                "kept": len(t1 & t2),
                "new": len(t2 - t1),
                "lost": len(t1 - t2),
                "jaccard": len(t1 & t2) / union if union else math.nan,
            }
        )
    tie_table = pd.DataFrame(tie_rows)

    # Organisations.
    joined = n2[~n2["org"].isin(set(n1["org"]))].assign(status="joined")
    left = n1[~n1["org"].isin(set(n2["org"]))].assign(status="left")
    joined_left = pd.concat([joined, left], ignore_index=True)[
        ["org", "status", "sector", "responded"]
    ]

    o1 = _organisation_rows(n1, d1, min_level)
    o2 = _organisation_rows(n2, d2, min_level)
    keep_cols = [
        "org",
        "sector",
        "responded",
        "in_degree",
        "degree",
        "mean_trust_received",
        "mean_value_received",
    ]
    oc = o1[keep_cols].merge(o2[keep_cols], on="org", how="outer", suffixes=("1", "2"))
    oc["sector"] = oc["sector2"].astype(object).fillna(oc["sector1"].astype(object))
    oc["present1"] = oc["org"].isin(set(o1["org"]))
    oc["present2"] = oc["org"].isin(set(o2["org"]))
    oc["in_degree_change"] = oc["in_degree2"] - oc["in_degree1"]
    oc["degree_change"] = oc["degree2"] - oc["degree1"]
    oc["trust_change"] = oc["mean_trust_received2"] - oc["mean_trust_received1"]
    oc["value_change"] = oc["mean_value_received2"] - oc["mean_value_received1"]
    org_change = oc[
        [
            "org",
            "sector",
            "present1",
            "present2",
            "responded1",
            "responded2",
            "in_degree1",
            "in_degree2",
            "in_degree_change",
            "degree1",
            "degree2",
            "degree_change",
            "mean_trust_received1",
            "mean_trust_received2",
            "trust_change",
            "mean_value_received1",
            "mean_value_received2",
            "value_change",
        ]
    ].sort_values("org", ignore_index=True)

    asym = asymmetric_dyads(ties[ties["round"].isin([r1, r2])], min_difference=2)

    # Flat row.
    flat: dict = {"round1": r1, "round2": r2}
    net_all = network[network["basis"] == "all"].set_index("measure")
    for measure in NETWORK_MEASURES:
        flat[f"{measure}1"] = net_all.at[measure, "value1"]
        flat[f"{measure}2"] = net_all.at[measure, "value2"]
        flat[f"{measure}_change"] = net_all.at[measure, "change"]
    all_ties = tie_rows[0]
    flat.update(
        ties_kept=all_ties["kept"],
        ties_new=all_ties["new"],
        ties_lost=all_ties["lost"],
        ties_jaccard=all_ties["jaccard"],
        orgs_joined=len(joined),
        orgs_left=len(left),
        respondents_both=len(both),
        asymmetric_dyads1=int((asym["round"] == r1).sum()),
        asymmetric_dyads2=int((asym["round"] == r2).sum()),
    )
    for row in indices.to_dict("records"):
        for key in ("mean1", "mean2", "diff", "p", "test"):
            flat[f"{row['index']}_{key}"] = row[key]
    comparison = pd.DataFrame([flat])

    return {
        "indices": indices,
        "items": items,
        "network": network,
        "ties": tie_table,
        "orgs_joined_left": joined_left.sort_values(["status", "org"], ignore_index=True),
        "org_change": org_change,
        "asymmetric_dyads": asym,
        "comparison": comparison,
    }


def comparison_table(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    statements: pd.DataFrame,
    survey: PartnerSurvey,
    pairs: Sequence[tuple] | None = None,
    min_n: int = 5,
    min_level: float = 1,
) -> pd.DataFrame:
    """The flat ``comparison`` rows of :func:`compare_rounds` for several pairs of rounds
    (default: each round with the next), one row per pair (columns as described there).
    Tested against R igraph and t.test through :func:`compare_rounds`
    (tests/r/cooperation.R)."""
    if pairs is None:
        rounds = _sorted_rounds(
            list(orgs["round"]) + list(ties["round"]) + list(statements["round"])
        )
        pairs = list(zip(rounds, rounds[1:], strict=False))
    frames = [
        compare_rounds(ties, orgs, statements, survey, a, b, min_n=min_n, min_level=min_level)[
            "comparison"
        ]
        for a, b in pairs
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------------------------
# From web-survey exports
# --------------------------------------------------------------------------------------------


@dataclass
class CooperationData:
    """Tables made from one survey export: ``ties``, ``statements``, ``orgs`` (columns as in
    the module docstring) and the :class:`~evaltool.validation.ValidationReport` of what was
    found (unknown labels are errors; near-duplicate organisation names, unused columns and
    unknown sectors are warnings)."""

    ties: pd.DataFrame
    statements: pd.DataFrame
    orgs: pd.DataFrame
    report: ValidationReport

    @property
    def warnings(self) -> list[str]:
        """Warnings as text (e.g. near-duplicate organisation names)."""
        return [issue.format() for issue in self.report.warnings]


class _OrgNames:
    """Organisation names matched case- and whitespace-insensitively, with aliases.

    The first spelling met (the roster's, when given) is the one kept.
    """

    def __init__(self, aliases: Mapping[str, str] | None):
        self._alias = {normalise_name(k): _display(v) for k, v in (aliases or {}).items()}
        self._display: dict[str, str] = {}

    def resolve(self, name: object) -> str | None:
        if _blank(name):
            return None
        text = _display(name)
        key = normalise_name(text)
        seen: set[str] = set()
        while key in self._alias and key not in seen:
            seen.add(key)
            text = self._alias[key]
            key = normalise_name(text)
        return self._display.setdefault(key, text)

    def near_duplicates(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for name in self._display.values():
            groups.setdefault(_squash(name), []).append(name)
        return [sorted(names) for names in groups.values() if len(names) > 1]


def _warn_near_duplicates(names: _OrgNames, report: ValidationReport) -> None:
    for group in names.near_duplicates():
        shown = ", ".join(repr(n) for n in group)
        report.warning(
            "org-near-duplicate",
            f"organisation names {shown} differ only in punctuation or spacing; "
            "if they are one organisation, merge them with an alias",
            value=group[0],
        )


def _measure_lookup(survey: PartnerSurvey) -> dict[str, str]:
    table = {}
    for measure in survey.roster.values():
        for text in [measure.code, *measure.label.values(), *measure.headers]:
            table[_header_key(text)] = measure.code
    return table


def _item_lookup(survey: PartnerSurvey) -> dict[str, str]:
    table = {}
    for item in survey.items:
        for text in [item.code, *item.label.values()]:
            table[_header_key(text)] = item.code
    return table


_SPLITS = (
    re.compile(r"^(?P<a>.+?)\s*\[(?P<b>[^\[\]]+)\]$"),
    re.compile(r"^(?P<a>.+?)\s*:\s*(?P<b>.+)$"),
    re.compile(r"^(?P<a>.+?)\s+[-\u2013\u2014]\s+(?P<b>.+)$"),
)


def _header_parts(header: str) -> list[tuple[str, str]]:
    text = _display(header)
    return [(m["a"], m["b"]) for rx in _SPLITS if (m := rx.match(text))]


def _find_column(df: pd.DataFrame, wanted: Iterable[str]) -> object | None:
    keys = {_header_key(w) for w in wanted}
    for col in df.columns:
        if _header_key(col) in keys:
            return col
    return None


def _decode_cell(scale: Scale, cell, report: ValidationReport, header: str, org: str) -> float:
    try:
        return scale.decode(cell)
    except _DecodeError as exc:
        report.error(exc.code, f"{exc} (answer of {org})", header=header, value=_display(cell))
        return math.nan


def _sector_of(
    survey: PartnerSurvey, text: object, report: ValidationReport, header: str,
    row: int | None = None,
) -> str | None:
    if _blank(text):
        return None
    code = survey.sector_code(text)
    if code is None:
        report.warning(
            "unknown-label",
            "unknown sector; use a sector code or label of the survey definition",
            header=header,
            value=_display(text),
            row=row,
        )
    return code


def _assemble(
    tie_rows: list[dict],
    statement_rows: list[dict],
    roster: Iterable[str],
    respondents: Mapping[tuple, str | None],
    sectors: Mapping[str, str | None],
    rounds: Iterable,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Build the three tables; ``respondents`` maps (round, org) to the answered sector."""
    ties = pd.DataFrame(tie_rows, columns=TIE_COLUMNS)
    for col in MEASURES:
        ties[col] = ties[col].astype(float)
    ties = ties.sort_values(["round", "respondent_org", "partner_org"], kind="stable")
    statements = pd.DataFrame(statement_rows, columns=STATEMENT_COLUMNS)
    statements["value"] = statements["value"].astype(float)
    statements["sector"] = statements["sector"].astype(object)
    statements = statements.sort_values(["round", "respondent_org"], kind="stable")
    org_rows = []
    for r in _sorted_rounds(rounds):
        names = set(roster) | {org for (rr, org) in respondents if rr == r}
        for t in tie_rows:
            if t["round"] == r:
                names |= {t["respondent_org"], t["partner_org"]}
        for org in sorted(names):
            org_rows.append(
                {
                    "round": r,
                    "org": org,
                    "sector": respondents.get((r, org)) or sectors.get(org),
                    "responded": (r, org) in respondents,
                }
            )
    orgs = pd.DataFrame(org_rows, columns=ORG_COLUMNS)
    orgs["sector"] = orgs["sector"].astype(object)
    orgs["responded"] = orgs["responded"].astype(bool)
    return ties.reset_index(drop=True), statements.reset_index(drop=True), orgs


def _resolve_sectors(
    survey: PartnerSurvey,
    names: _OrgNames,
    sectors: Mapping[str, str] | None,
    report: ValidationReport,
) -> dict[str, str | None]:
    out = {}
    for org, text in (sectors or {}).items():
        name = names.resolve(org)
        if name is not None:
            out[name] = _sector_of(survey, text, report, "sectors")
    return out


def ties_from_matrix(
    df: pd.DataFrame,
    survey: PartnerSurvey | None = None,
    roster_orgs: Sequence[str] | None = None,
    respondent_org_column: str | None = None,
    *,
    round: int | str = 1,
    sector_column: str | None = None,
    sectors: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    item_columns: Mapping[str, str] | None = None,
    rows: Sequence[int] | None = None,
) -> CooperationData:
    """Read a web-survey export with one row per responding organisation.

    ``df`` holds the export's header texts as columns and its cells as strings (or numbers).

    - The respondent's organisation is in ``respondent_org_column`` (default: a column headed
      like the survey's ``[respondent] organisation`` texts, e.g. "Organisaatio"); its sector
      in ``sector_column`` (default: a column headed like ``[respondent] sector``), answered
      as a sector code or a label in any language.
    - Roster questions are one column per organisation per measure, headed
      ``<measure> [<organisation>]``, ``<measure> - <organisation>`` or
      ``<measure>: <organisation>`` (either order), where ``<measure>`` is a roster label or
      header text of the survey (e.g. "Yhteistyön taso", "Contact frequency", "Luottamus").
    - Statement columns are headed by an item's code or label in any language (optionally
      after a "<block>: " prefix), or mapped explicitly with ``item_columns`` (header → item).
    - Answers are codes or labels in fi/sv/en; "En osaa sanoa"/"Vet ej"/"Don't know" and blank
      cells are missing.

    Organisation names are matched case- and whitespace-insensitively; the roster's spelling
    (``roster_orgs``, else the first met) is kept. ``aliases`` (name → name) merges names;
    names that differ only in punctuation, spaces or hyphens ("TE-toimisto" / "TE toimisto")
    are reported as ``org-near-duplicate`` warnings. ``sectors`` (organisation → sector) gives
    sectors of organisations that did not answer. An organisation's rating of itself is
    dropped. All rows get round ``round``. ``rows`` gives each row's spreadsheet row number,
    used in the validation report. Each column's distinct answers are decoded once.

    Returns :class:`CooperationData` with ``ties`` (a row per respondent and rated
    organisation with at least one answer), ``statements`` (a row per respondent and item),
    ``orgs`` (roster, header organisations and respondents) and the validation report.
    Tested by rebuilding the R test tables (tests/r/cooperation_*.csv) from a generated
    export, and against :func:`ties_from_list` on the same answers.
    """
    survey = survey or load_partner_survey()
    report = ValidationReport()
    names = _OrgNames(aliases)
    roster = [n for n in (names.resolve(o) for o in roster_orgs or []) if n is not None]
    roster_set = set(roster)

    org_col = respondent_org_column
    if org_col is None:
        org_col = _find_column(df, survey.organisation_headers)
    if org_col is None or org_col not in df.columns:
        report.error(
            "id-column-missing",
            "no column names the respondent's organisation; pass respondent_org_column",
            header=None if org_col is None else str(org_col),
        )
        return CooperationData(*_assemble([], [], roster, {}, {}, [round]), report=report)
    sec_col = sector_column
    if sec_col is None:
        sec_col = _find_column(df, survey.sector_headers)
    elif sec_col not in df.columns:
        report.error("column-unused", "sector column not found", header=str(sec_col))
        sec_col = None

    measures = _measure_lookup(survey)
    item_keys = _item_lookup(survey)
    explicit = {_header_key(k): v for k, v in (item_columns or {}).items()}
    known_items = {i.code for i in survey.items}
    roster_cols: list[tuple[object, str, str]] = []  # (column, measure, organisation)
    header_orgs: set[str] = set()
    item_cols: list[tuple[object, str]] = []
    for col in df.columns:
        if col in (org_col, sec_col):
            continue
        header = str(col)
        key = _header_key(header)
        if key in explicit:
            if explicit[key] not in known_items:
                raise UserError(f"item_columns: {explicit[key]!r} is not an item of the survey")
            item_cols.append((col, explicit[key]))
            continue
        placed = False
        for a, b in _header_parts(header):
            for measure_text, org_text in ((a, b), (b, a)):
                if _header_key(measure_text) in measures:
                    org = names.resolve(org_text)
                    if roster_set and org not in roster_set:
                        report.warning(
                            "items-unplaced",
                            f"organisation {org!r} is not on the roster; it is added",
                            header=header,
                        )
                    header_orgs.add(org)
                    roster_cols.append((col, measures[_header_key(measure_text)], org))
                    placed = True
                    break
            if placed:
                break
        if placed:
            continue
        candidates = [key] + [_header_key(b) for _, b in _header_parts(header)]
        hit = next((item_keys[c] for c in candidates if c in item_keys), None)
        if hit is not None:
            item_cols.append((col, hit))
        else:
            report.warning(
                "column-unused", "column is not part of the partner survey", header=header
            )
    if not roster_cols and not item_cols:
        report.error("no-items", "no roster or statement column was recognised")

    item_scale = {i.code: b.scale for b in survey.blocks for i in b.items}
    n = len(df)
    row_no = list(rows) if rows is not None else [None] * n
    # Organisation names are resolved in row order (the first spelling met is kept).
    orgs = [names.resolve(v) for v in df[org_col].tolist()]
    valid = np.array([o is not None for o in orgs], dtype=bool)
    for i in np.flatnonzero(~valid):
        report.error("id-missing", "a response has no organisation", header=str(org_col),
                     row=row_no[i])
    row_sector: list[str | None] = [None] * n
    if sec_col is not None:
        codes, uniques = pd.factorize(df[sec_col].astype(object), use_na_sentinel=False)
        first = {k: int(np.argmax(codes == k)) for k in range(len(uniques))}
        decoded = [_sector_of(survey, u, report, str(sec_col), row_no[first[k]])
                   for k, u in enumerate(uniques)]
        row_sector = [decoded[k] for k in codes]
    respondents: dict[tuple, str | None] = {}
    for i in np.flatnonzero(valid):
        org = orgs[i]
        if (round, org) in respondents:
            report.warning(
                "duplicate-respondent",
                f"{org!r} answered more than once; its ratings are averaged",
                header=str(org_col), value=org, row=row_no[i],
            )
        respondents[round, org] = respondents.get((round, org)) or row_sector[i]

    def decode_column(scale: Scale, col) -> np.ndarray:
        """A column's answers decoded once per distinct value; bad cells reported."""
        codes, uniques = pd.factorize(df[col].astype(object), use_na_sentinel=False)
        values = np.full(len(uniques), math.nan)
        for k, cell in enumerate(uniques):
            try:
                values[k] = scale.decode(cell)
            except _DecodeError as exc:
                for i in np.flatnonzero((codes == k) & valid):
                    report.error(exc.code, f"{exc} (answer of {orgs[i]})", header=str(col),
                                 value=_display(cell), row=row_no[i])
        return values[codes]

    # Ties: one row per respondent row and rated organisation with at least one answer,
    # in row order and, within a row, in the order the organisations first appear.
    partners = list(dict.fromkeys(p for _, _, p in roster_cols))
    ratings = np.full((n, len(partners), len(MEASURES)), math.nan)
    for col, measure, partner in roster_cols:
        ratings[:, partners.index(partner), MEASURES.index(measure)] = decode_column(
            survey.roster[measure].scale, col)
    org_arr = np.array(orgs, dtype=object)
    partner_arr = np.array(partners, dtype=object)
    keep = (valid[:, None] & ~np.isnan(ratings).all(axis=2)
            & (org_arr[:, None] != partner_arr[None, :]))
    ri, pi = np.nonzero(keep)
    tie_frame = pd.DataFrame({"round": [round] * len(ri), "respondent_org": org_arr[ri],
                              "partner_org": partner_arr[pi]})
    for m, measure in enumerate(MEASURES):
        tie_frame[measure] = ratings[ri, pi, m]
    tie_rows = tie_frame.to_dict("records")
    # Statements: every item for every responding row (missing answers as NaN).
    items = [item for _, item in item_cols]
    answers = np.full((n, len(items)), math.nan)
    for j, (col, item) in enumerate(item_cols):
        answers[:, j] = decode_column(item_scale[item], col)
    vi = np.flatnonzero(valid)
    statement_rows = pd.DataFrame({
        "round": [round] * (len(vi) * len(items)),
        "respondent_org": np.repeat(org_arr[vi], len(items)),
        "sector": None,
        "item": np.tile(np.array(items, dtype=object), len(vi)),
        "value": answers[vi].ravel(),
    }).to_dict("records")
    for rec in statement_rows:
        rec["sector"] = respondents.get((round, rec["respondent_org"]))
    sector_map = _resolve_sectors(survey, names, sectors, report)
    _warn_near_duplicates(names, report)
    tables = _assemble(
        tie_rows, statement_rows, roster_set | header_orgs, respondents, sector_map, [round]
    )
    return CooperationData(*tables, report=report)


_LIST_COLUMNS = {
    "respondent_org": ("respondent_org", "respondent", "respondent organisation"),
    "partner_org": ("partner_org", "partner", "partner organisation", "kumppani"),
    "round": ("round", "kierros", "omgång"),
}


def ties_from_list(
    df: pd.DataFrame,
    survey: PartnerSurvey | None = None,
    *,
    round: int | str = 1,
    roster_orgs: Sequence[str] | None = None,
    respondents: Iterable[str] | None = None,
    sectors: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    default_level: float | None = None,
    rows: Sequence[int] | None = None,
) -> CooperationData:
    """Read a tie list: one row per respondent–partner pair.

    Columns: ``respondent_org``, ``partner_org`` and any of ``contact_frequency,
    collaboration_level, trust, value`` (or their survey labels, e.g. "Yhteistyön taso"),
    optionally ``round`` (else every row gets ``round``) and ``sector`` (the respondent's
    sector; or a column headed like the survey's sector question). Answers are codes or labels
    in fi/sv/en. A row with a respondent but no partner records an organisation that answered
    without naming partners; ``respondents`` lists further such organisations. Rows with no
    answer at all and self-ratings are dropped. ``default_level`` is given to listed pairs
    without a collaboration level (e.g. 1 for a plain "who do you work with" list).
    ``rows`` gives each row's spreadsheet row number for the validation report; each
    column's distinct answers are decoded once.

    Names, ``aliases``, ``sectors`` and the result as in :func:`ties_from_matrix`;
    ``statements`` is empty. Tested against :func:`ties_from_matrix` on the same answers
    (tests/test_cooperation.py).
    """
    survey = survey or load_partner_survey()
    report = ValidationReport()
    names = _OrgNames(aliases)
    roster = [n for n in (names.resolve(o) for o in roster_orgs or []) if n is not None]

    cols: dict[str, object] = {}
    for target, wanted in _LIST_COLUMNS.items():
        found = _find_column(df, wanted)
        if found is not None:
            cols[target] = found
    sector_col = _find_column(df, ["sector", *survey.sector_headers])
    measures = _measure_lookup(survey)
    measure_cols: dict[str, object] = {}
    for col in df.columns:
        m = measures.get(_header_key(col))
        if m is not None and m not in measure_cols:
            measure_cols[m] = col
    for needed in ("respondent_org", "partner_org"):
        if needed not in cols:
            report.error("id-column-missing", f"the tie list has no {needed} column")
    if report.errors:
        return CooperationData(*_assemble([], [], roster, {}, {}, [round]), report=report)

    n = len(df)
    row_no = list(rows) if rows is not None else [None] * n
    resp_vals = df[cols["respondent_org"]].tolist()
    partner_vals = df[cols["partner_org"]].tolist()
    # Names are resolved in reading order (respondent, then partner, row by row) so that the
    # first spelling met is the one kept.
    orgs: list[str | None] = []
    partners: list[str | None] = []
    for rv, pv in zip(resp_vals, partner_vals, strict=True):
        org = names.resolve(rv)
        orgs.append(org)
        partners.append(names.resolve(pv) if org is not None else None)
    valid = np.array([o is not None for o in orgs], dtype=bool)
    for i in np.flatnonzero(~valid):
        report.error("id-missing", "a tie has no respondent organisation",
                     header=str(cols["respondent_org"]), row=row_no[i])
    row_round = df[cols["round"]].tolist() if "round" in cols else [round] * n
    rounds = {row_round[i] for i in np.flatnonzero(valid)} if "round" in cols else {round}
    row_sector: list[str | None] = [None] * n
    if sector_col is not None:
        codes, uniques = pd.factorize(df[sector_col].astype(object), use_na_sentinel=False)
        first = {k: int(np.argmax((codes == k) & valid)) for k in range(len(uniques))
                 if ((codes == k) & valid).any()}
        decoded = {k: _sector_of(survey, uniques[k], report, str(sector_col), row_no[i])
                   for k, i in first.items()}
        row_sector = [decoded.get(k) for k in codes]
    responded: dict[tuple, str | None] = {}
    for i in np.flatnonzero(valid):
        key = (row_round[i], orgs[i])
        responded[key] = responded.get(key) or row_sector[i]
    is_tie = valid & np.array([p is not None and p != o for o, p in zip(orgs, partners,
                                                                         strict=True)])
    values = np.full((n, len(MEASURES)), math.nan)
    for measure, col in measure_cols.items():
        scale = survey.roster[measure].scale
        codes, uniques = pd.factorize(df[col].astype(object), use_na_sentinel=False)
        decoded_values = np.full(len(uniques), math.nan)
        for k, cell in enumerate(uniques):
            try:
                decoded_values[k] = scale.decode(cell)
            except _DecodeError as exc:
                for i in np.flatnonzero((codes == k) & is_tie):
                    report.error(exc.code, f"{exc} (answer of {orgs[i]})", header=str(col),
                                 value=_display(cell), row=row_no[i])
        values[:, MEASURES.index(measure)] = decoded_values[codes]
    if default_level is not None:
        level = values[:, MEASURES.index("collaboration_level")]
        level[np.isnan(level)] = float(default_level)
    keep = np.flatnonzero(is_tie & ~np.isnan(values).all(axis=1))
    tie_frame = pd.DataFrame({
        "round": [row_round[i] for i in keep],
        "respondent_org": [orgs[i] for i in keep],
        "partner_org": [partners[i] for i in keep],
    })
    for m, measure in enumerate(MEASURES):
        tie_frame[measure] = values[keep, m]
    tie_rows = tie_frame.to_dict("records")
    for org in respondents or []:
        name = names.resolve(org)
        for r in rounds:
            if name is not None:
                responded.setdefault((r, name), None)
    sector_map = _resolve_sectors(survey, names, sectors, report)
    _warn_near_duplicates(names, report)
    tables = _assemble(tie_rows, [], roster, responded, sector_map, rounds)
    return CooperationData(*tables, report=report)

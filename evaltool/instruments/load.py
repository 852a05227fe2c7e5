"""Instrument definitions: the built-in TOML files and a user's, parsed into an
:class:`~evaltool.instruments.model.Instrument`.

An instrument file (see ``surveys/whoqol-bref.toml`` for the annotated structure) lists items
with their response set and reversal, domains with their items and scoring, missing-data rule
sets, and background / open-answer fields. Built-in instruments: ``whoqol-bref``,
``eurohis-qol-8`` and the ``kevat-client`` client-experience survey.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from evaltool.instruments.model import (
    LANGS,
    Domain,
    Field,
    Instrument,
    InstrumentError,
    Item,
    Rule,
)
from evaltool.resources import data_dirs, data_file


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
    """Load a built-in instrument by name or a user's TOML file by path.

    Parameters
    ----------
    name_or_path
        A built-in name (:func:`builtin_names`) or the path of a ``.toml`` file.

    Returns
    -------
    Instrument
        Parsed by :func:`parse_instrument`; ``source_text`` holds the file's text.
    """
    text_name = str(name_or_path)
    path = builtin_path(text_name) if not text_name.endswith(".toml") else None
    if path is None:
        path = Path(name_or_path)
        if not path.is_file():
            raise InstrumentError(
                f"no instrument {text_name!r}: not a built-in ({', '.join(builtin_names())}) "
                "and no such .toml file"
            )
    text = path.read_text(encoding="utf-8")
    return parse_instrument(text, source=str(path))


def parse_instrument(text: str, source: str = "<text>") -> Instrument:
    """Parse instrument TOML text.

    Parameters
    ----------
    text
        The definition (see ``surveys/whoqol-bref.toml`` for the annotated structure).
    source
        The file named in error messages.

    Returns
    -------
    Instrument
        With ``source_text`` = ``text``.

    Raises
    ------
    InstrumentError
        Naming what is wrong: invalid TOML, a required key missing, an invalid value,
        duplicate item codes, an unknown response set or domain item.

    Notes
    -----
    A domain's ``score_min`` and ``score_max`` default to the scale's ends times its
    multiplier. A rule gives per domain ``domain_min_answered`` or ``domain_max_missing``
    (min answered = k − max missing; default 1), and per response ``response_min_answered``
    or ``response_max_missing_share`` p: a response with more than p of its k items missing
    is discarded, so min answered = k − ⌊p × k⌋. Without rules, one rule ``default`` asks
    for one answered item per domain.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{source}: not valid TOML ({exc})")
    try:
        meta = data["instrument"]
        smin, smax = float(meta["scale_min"]), float(meta["scale_max"])
        response_sets, aliases = _response_sets(data)
        items = _items(data, response_sets, source)
        domains = _domains(data, [i.code for i in items], smin, smax, source)
        rules = _rules(data, domains, len(items))
        default_rule = meta.get("default_rule", next(iter(rules)))
        fields = _fields(data)
    except KeyError as exc:
        raise InstrumentError(f"{source}: required key {exc} is missing")
    except (TypeError, ValueError) as exc:
        raise InstrumentError(f"{source}: invalid value ({exc})")
    return Instrument(
        name=str(meta["name"]),
        title=dict(meta.get("title", {})),
        scale_min=smin,
        scale_max=smax,
        items=items,
        domains=domains,
        rules=rules,
        default_rule=default_rule,
        response_sets=response_sets,
        aliases=aliases,
        missing_codes=tuple(float(v) for v in meta.get("missing_codes", [])),
        dont_know_codes=tuple(float(v) for v in meta.get("dont_know_codes", [])),
        singles=tuple(meta.get("singles", [])),
        fields=fields,
        good_threshold=meta.get("good_threshold"),
        reference=str(meta.get("reference", "")),
        version=str(meta.get("version", "")),
        source_text=text,
    )


def _response_sets(
    data: dict,
) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, float]]]:
    """Response set name → labels per language, and → alias label → code."""
    response_sets: dict[str, dict[str, list[str]]] = {}
    aliases: dict[str, dict[str, float]] = {}
    for name, rs in data.get("response_sets", {}).items():
        response_sets[name] = {lang: list(rs.get(lang, [])) for lang in LANGS}
        aliases[name] = {k: float(v) for k, v in rs.get("aliases", {}).items()}
    return response_sets, aliases


def _items(data: dict, response_sets: dict, source: str) -> list[Item]:
    items = [
        Item(
            code=str(it["code"]),
            labels=dict(it.get("label", {})),
            response_set=it.get("response_set"),
            reversed=bool(it.get("reversed", False)),
            block=it.get("block"),
        )
        for it in data.get("items", [])
    ]
    codes = [i.code for i in items]
    if len(set(codes)) != len(codes):
        raise InstrumentError(f"{source}: item codes are not unique")
    for it in items:
        if it.response_set and it.response_set not in response_sets:
            raise InstrumentError(
                f"{source}: item {it.code} uses unknown response set {it.response_set!r}"
            )
    return items


def _domains(data: dict, codes: list[str], smin: float, smax: float, source: str) -> list[Domain]:
    domains = []
    for d in data.get("domains", []):
        missing = [c for c in d["items"] if c not in codes]
        if missing:
            raise InstrumentError(
                f"{source}: domain {d['name']} lists unknown items " + ", ".join(missing)
            )
        multiplier = float(d.get("multiplier", 1))
        domains.append(
            Domain(
                name=str(d["name"]),
                items=tuple(d["items"]),
                multiplier=multiplier,
                score_min=float(d.get("score_min", smin * multiplier)),
                score_max=float(d.get("score_max", smax * multiplier)),
                labels=dict(d.get("label", {})),
                sum_column=bool(d.get("sum_column", False)),
            )
        )
    return domains


def _rules(data: dict, domains: list[Domain], n_items: int) -> dict[str, Rule]:
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
            rmin = n_items - int(
                math.floor(float(r["response_max_missing_share"]) * n_items + 1e-9)
            )
        else:
            rmin = 0
        rules[rname] = Rule(rname, dmin, rmin, dict(r.get("description", {})))
    if not rules:
        rules["default"] = Rule("default", {d.name: 1 for d in domains}, 0)
    return rules


def _fields(data: dict) -> list[Field]:
    fields = []
    for f in data.get("fields", []):
        opts = tuple((str(o["code"]), dict(o.get("label", {}))) for o in f.get("options", []))
        fields.append(
            Field(
                name=str(f["name"]),
                kind=str(f.get("kind", "choice")),
                labels=dict(f.get("label", {})),
                options=opts,
                role=f.get("role"),
            )
        )
    return fields

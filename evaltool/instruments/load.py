"""Instrument definitions: the built-in TOML files and a user's, parsed into an
:class:`~evaltool.instruments.model.Instrument`.

An instrument file (see ``surveys/whoqol-bref.toml`` for the annotated structure) lists items
with their response set and reversal, domains with their items and scoring, missing-data rule
sets, and background / open-answer fields. Built-in instruments: ``whoqol-bref``,
``eurohis-qol-8`` and the ``kevat-client`` client-experience survey.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaltool.instruments.model import (
    LANGS,
    Domain,
    Field,
    Instrument,
    InstrumentError,
    Item,
    Rule,
)
from evaltool.instruments.toml_text import number_list, parse_toml, table, text_list
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


def is_builtin(instrument: Instrument) -> bool:
    """Is ``instrument`` a built-in definition as shipped (same name and text)?"""
    path = builtin_path(instrument.name)
    if path is None:
        return False
    return path.read_text(encoding="utf-8") == instrument.source_text


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
    data = parse_toml(text, source, InstrumentError)
    meta = _part(source, "[instrument]", lambda: table(data, "instrument", source, InstrumentError))
    smin = _part(source, "instrument.scale_min", lambda: float(meta["scale_min"]))
    smax = _part(source, "instrument.scale_max", lambda: float(meta["scale_max"]))
    response_sets, aliases = _part(source, "[response_sets]", lambda: _response_sets(data))
    items = _part(source, "[[items]]", lambda: _items(data, response_sets, source))
    domains = _part(
        source, "[[domains]]", lambda: _domains(data, [i.code for i in items], smin, smax, source)
    )
    rules = _part(source, "[rules]", lambda: _rules(data, domains, len(items)))
    fields = _part(source, "[[fields]]", lambda: _fields(data))
    lists = {
        key: _part(
            source, f"instrument.{key}", lambda k=key: number_list(meta, k, source, InstrumentError)
        )
        for key in ("missing_codes", "dont_know_codes")
    }
    return Instrument(
        name=_part(source, "instrument.name", lambda: _text(meta["name"])),
        title=_part(source, "instrument.title", lambda: dict(table(meta, "title", source))),
        scale_min=smin,
        scale_max=smax,
        items=items,
        domains=domains,
        rules=rules,
        default_rule=str(meta.get("default_rule", next(iter(rules)))),
        response_sets=response_sets,
        aliases=aliases,
        missing_codes=tuple(lists["missing_codes"]),
        dont_know_codes=tuple(lists["dont_know_codes"]),
        singles=tuple(text_list(meta, "singles", source, InstrumentError)),
        fields=fields,
        good_threshold=_part(
            source, "instrument.good_threshold", lambda: _number(meta.get("good_threshold"))
        ),
        reference=str(meta.get("reference", "")),
        description=_part(
            source,
            "instrument.description",
            lambda: {k: _text(v) for k, v in table(meta, "description", source).items()},
        ),
        version=str(meta.get("version", "")),
        source_text=text,
    )


def _part(source: str, key: str, build: Callable[[], Any]) -> Any:
    """``build()``, with a missing key or a value of the wrong type reported as an
    :class:`InstrumentError` naming the file and ``key``."""
    try:
        return build()
    except InstrumentError:
        raise
    except KeyError as exc:
        raise InstrumentError(f"{source}: {key}: required key {exc} is missing") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise InstrumentError(f"{source}: {key}: invalid value ({exc})") from None


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty text, not {value!r}")
    return value


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, not {value!r}")
    return float(value)


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

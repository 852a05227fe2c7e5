"""The report speaks its own language: no paragraph of another language (an instrument's
description only in the report's language), no capital after a colon in Finnish running
text, and p-values written ``p < 0,001``, never ``p = < 0,001``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_report import EPOCH, build_small_cells, build_workspace, html
from test_report_bases import paragraphs

from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.instruments import load_instrument, parse_instrument
from evaltool.report import write_programme_report, write_project_report
from evaltool.report.chapters.methods import instrument_texts
from evaltool.report.i18n import fmt_p_text
from evaltool.resources import data_file
from evaltool.store.workspace import Workspace

#: Words that mark a sentence as English (none is a Finnish or Swedish word).
ENGLISH = re.compile(r"\b(the|and|of|for|with|after|is|are|written)\b")
#: A word starting with a capital and going on in lower case right after a colon.
CAPITAL_AFTER_COLON = re.compile(r":\s+([A-ZÅÄÖ][a-zåäö][\w-]*)")
#: Proper nouns that keep their capital anywhere (the population of the norms file).
PROPER_NOUNS = {"Suomen"}
DESCRIPTION = {
    "fi": "Asiakaskysely palvelun aikana: tavoitteet, osallistuminen ja koetut vaikutukset.",
    "en": "A client survey during the service: goals, participation and perceived effects.",
}


def _write_reports(ws_dir: Path, out: Path, jobs: dict) -> dict[str, Path]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        with Workspace.open(ws_dir) as ws:
            return {
                name: (
                    write_programme_report(ws, out, lang)
                    if project is None
                    else write_project_report(ws, project, out, lang)
                )
                for name, (project, lang) in jobs.items()
            }
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The report tests' workspace (S10246 in three languages, the programme in Finnish)
    and the small-cells workspace (merged background categories, EUROHIS-QOL 8 norms)."""
    root = tmp_path_factory.mktemp("language")
    paths = _write_reports(
        build_workspace(root / "a"),
        root / "out-a",
        {
            "fi": ("S10246", "fi"),
            "sv": ("S10246", "sv"),
            "en": ("S10246", "en"),
            "ahjo": ("Työpaja Ahjo", "fi"),
            "programme": (None, "fi"),
            "programme_sv": (None, "sv"),
        },
    )
    (root / "b").mkdir()
    small = _write_reports(
        build_small_cells(root / "b"),
        root / "out-b",
        {"small": ("S50005", "fi"), "small_eurohis": ("S60006", "fi"), "small_prog": (None, "fi")},
    )
    return {**paths, **small}


# ------------------------------------------------------------------ one language


def _plain_paragraphs(path: Path) -> list[str]:
    """Paragraphs other than bibliographic references (a citation keeps its language)."""
    text = re.sub(r'<p class="reference">.*?</p>', "", html(path), flags=re.S)
    return [re.sub(r"\([^)]*\)", "", p) for p in paragraphs(text)]


@pytest.mark.parametrize("which", ["fi", "sv", "programme", "programme_sv", "small"])
def test_no_english_paragraph_in_finnish_and_swedish_reports(reports, which):
    english = [p for p in _plain_paragraphs(reports[which]) if len(ENGLISH.findall(p)) >= 2]
    assert english == []
    assert "Client-experience questionnaire" not in html(reports[which])


def _without_description(source: str) -> str:
    """An instrument's TOML without its ``[instrument.description]`` table."""
    return re.sub(r"\[instrument\.description\]\n(?:\w+ = .*\n)+\n?", "", source)


def test_a_description_is_shown_in_its_own_language_only(tmp_path):
    """An instrument with ``[instrument.description]`` in fi and en: the Finnish report
    shows the Finnish text, the English report the English one, the Swedish report none."""
    source = data_file("surveys", "kevat-client.toml").read_text(encoding="utf-8")
    table = "\n".join(
        ["[instrument.description]", *(f'{k} = "{v}"' for k, v in DESCRIPTION.items())]
    )
    source = _without_description(source)  # the shipped texts, replaced by these
    text = source.replace("[instrument.title]", f"{table}\n\n[instrument.title]", 1)
    text = text.replace('name = "kevat-client"', 'name = "kevat-described"', 1)
    definition = tmp_path / "kevat-described.toml"
    definition.write_text(text, encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws")
    rng = np.random.default_rng(3)
    answers = pd.DataFrame(
        rng.integers(1, 6, (8, 16)),
        columns=[f"p{i}" for i in range(1, 9)] + [f"e{i}" for i in range(1, 9)],
    )
    answers.insert(0, "id", [f"K{i}" for i in range(8)])
    f = tmp_path / "kevat.csv"
    answers.to_csv(f, index=False, sep=";")
    import_clients(ws, [f], ClientImportOptions(instrument=definition, project="P1", wave=1))
    ws.close()
    out = _write_reports(
        tmp_path / "ws", tmp_path / "out", {lang: ("P1", lang) for lang in ("fi", "sv", "en")}
    )
    fi, sv, en = (paragraphs(html(out[lang])) for lang in ("fi", "sv", "en"))
    assert DESCRIPTION["fi"] in fi and DESCRIPTION["en"] not in " ".join(fi)
    assert DESCRIPTION["en"] in en and DESCRIPTION["fi"] not in " ".join(en)
    assert not {DESCRIPTION["fi"], DESCRIPTION["en"]} & set(sv)


def test_a_reference_is_printed_when_it_cites_a_source():
    whoqol = load_instrument("whoqol-bref")
    assert instrument_texts(whoqol) == ({}, whoqol.reference)
    kevat = load_instrument("kevat-client")
    assert set(kevat.description) == {"fi", "sv", "en"}
    assert instrument_texts(kevat) == (kevat.description, "")  # reference: none to cite
    text = _without_description(kevat.source_text).replace(
        "[instrument.title]",
        '[instrument.description]\nsv = "En klientenkät."\n\n[instrument.title]',
    )
    assert instrument_texts(parse_instrument(text))[0] == {"sv": "En klientenkät."}


# ------------------------------------------------------------------ Finnish typography


@pytest.mark.parametrize(
    "which", ["fi", "ahjo", "programme", "small", "small_eurohis", "small_prog"]
)
def test_running_text_after_a_colon_starts_in_lower_case(reports, which):
    found = [
        (m.group(1), p[: m.end() + 20])
        for p in paragraphs(html(reports[which]))
        for m in CAPITAL_AFTER_COLON.finditer(p)
        if m.group(1) not in PROPER_NOUNS
    ]
    assert found == []


def test_the_rules_merged_categories_and_indices_read_in_lower_case(reports):
    fi = " ".join(paragraphs(html(reports["fi"])))
    assert "Puuttuvien tietojen sääntö: osa-alue pisteytetään" in fi
    assert "Puuttuvien tietojen sääntö: WHO:n pisteytysohjelma" in fi  # an acronym stays
    assert "luottamusväli): yhteiset tavoitteet +" in fi
    small = " ".join(paragraphs(html(reports["small"])))
    # the merged categories are named in quotes, not listed after a colon
    assert re.search(
        r"on yhdistetty luokat ”[^”]+”(, ”[^”]+”)* ja ”Korkeakoulututkinto”, joissa", small
    )


# ------------------------------------------------------------------ p-values


def test_p_in_a_sentence_is_equal_to_a_value_or_below_the_limit():
    assert fmt_p_text(0.0312, "fi") == "p = 0,031"
    assert fmt_p_text(0.0004, "fi") == "p <\u00a00,001"
    assert fmt_p_text(0.0004, "en") == "p <\u00a00.001"
    assert fmt_p_text(float("nan"), "sv") == ""


@pytest.mark.parametrize("which", ["fi", "sv", "en", "programme", "small_eurohis"])
def test_no_report_writes_p_equals_less_than(reports, which):
    text = html(reports[which])
    assert not re.search(r"p\s*=\s*(<|&lt;)", text)


def test_a_p_below_the_limit_reads_p_less_than(reports):
    # S10246's physical domain is below the programme with p < 0.001
    for which, word in (("fi", "pistettä"), ("sv", "poäng"), ("en", "points")):
        summary = " ".join(paragraphs(html(reports[which])))
        assert re.search(rf"{word}, p <\u00a00[,.]001\)", summary), which

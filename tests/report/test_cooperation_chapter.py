"""The cooperation chapter: non-respondents said plainly and drawn apart, ties compared only
where observable in both rounds, sectors coloured, labels apart, rounds and betweenness in
Finnish and Swedish as an evaluator writes them."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from evaltool.indicators.cooperation import BUILTIN_SURVEY, load_partner_survey
from evaltool.report.chapters.common import Builder
from evaltool.report.chapters.cooperation import (
    cooperation_chapter,
    index_change_paragraphs,
    org_degree_paragraphs,
    round_at,
    rounds_between,
)
from evaltool.report.collect import ProjectInfo
from evaltool.report.cooperation_data import cooperation_data
from evaltool.report.document import Figure, Paragraph, Table
from evaltool.report.network_chart import _CHAR, _LINE, _SIDES, _label_box, place_labels
from evaltool.resources import data_file
from evaltool.store.partners import STATEMENT_COLUMNS, TIE_COLUMNS

ORGS = [f"Organisaatio {c}" for c in "ABCDEFG"]
SECTORS = ["municipality", "association", "school", "company", "te_office", "kela", "other"]
MINE = ORGS[0]


def _store_round(ws, k: int, label: str, answered: list[str]) -> None:
    survey = load_partner_survey()
    items = [i.code for blk in survey.blocks for i in blk.items]
    definition = data_file("surveys", f"{BUILTIN_SURVEY}.toml").read_text(encoding="utf-8")
    rng = np.random.default_rng(k)
    ties = [(o, p, 3.0, 3.0, 3.0, 3.0) for o in answered for p in ORGS if p != o]
    statements = [(o, "other", it, float(rng.integers(1 + k, 6))) for o in answered for it in items]
    with ws.transaction():
        iid = ws.add_import(
            {
                "kind": "partners",
                "source_name": f"k{k}.csv",
                "sha256": f"{k:064d}",
                "size": 1,
                "round": label,
                "scope": f"partners;round={label}",
                "rows_read": len(answered),
                "rows_stored": len(answered),
                "rows_rejected": 0,
            }
        )
        ws.store_partner_round(
            iid,
            label,
            definition,
            pd.DataFrame(
                {"org": ORGS, "sector": SECTORS, "responded": [o in answered for o in ORGS]}
            ),
            pd.DataFrame(statements, columns=STATEMENT_COLUMNS[1:]),
            pd.DataFrame(ties, columns=TIE_COLUMNS[1:]),
        )


@pytest.fixture
def coop(ws):
    # imported out of time order; the project's organisation did not answer the later round
    _store_round(ws, 1, "syksy 2013", ORGS[1:])
    _store_round(ws, 0, "syksy 2012", ORGS)
    return cooperation_data(ws, min_n=5)


def builder(coop, lang: str) -> Builder:
    return Builder(SimpleNamespace(lang=lang, cooperation=coop, min_n=5))


PROJECT = ProjectInfo("S1", "Hanke", [], {"organisation": MINE})


def texts(chapter) -> list[str]:
    out = [p.text for p in chapter.intro if isinstance(p, Paragraph)]
    for sec in chapter.sections:
        for block in sec.blocks:
            if isinstance(block, Table):
                out += [block.title, *block.notes, *(c.header for c in block.columns)]
            elif isinstance(block, Figure):
                out += [block.title, block.note]
    return out


def test_rounds_are_in_time_order_and_read_as_finnish(coop):
    assert coop.rounds == ["syksy 2012", "syksy 2013"]
    b = builder(coop, "fi")
    assert round_at(b, "syksy 2013") == "syksyn 2013 kierroksella"
    assert round_at(b, "Kierros 3") == "kierroksella Kierros 3"
    assert rounds_between(b, "syksy 2012", "syksy 2013") == (
        "syksyn 2012 ja syksyn 2013 kierrosten välillä"
    )
    assert round_at(builder(coop, "sv"), "höst 2013") == "i omgången hösten 2013"
    (para,), _ = index_change_paragraphs(b, None)
    assert "syksyn 2012 ja syksyn 2013 kierrosten välillä" in para.text
    assert "kierrosten syksy" not in para.text


def test_a_non_respondent_is_said_not_to_have_answered_not_to_have_lost_ties(coop):
    (para,) = org_degree_paragraphs(builder(coop, "fi"), PROJECT)
    text = para.text
    assert "ei vastannut kumppanikyselyyn syksyn 2013 kierroksella" in text
    # the raw counts fall from 12 to 6; the ties observable in both rounds do not change
    assert "syksyn 2012 kierroksella 12 ja syksyn 2013 kierroksella 6" in text
    assert "syksyn 2012 kierroksella 6 ja syksyn 2013 kierroksella 6 (muutos 0)" in text
    assert "kierroksella syksy" not in text
    change = coop.comparisons[-1]["org_change"].set_index("org").loc[MINE]
    assert change["degree_change"] == -6 and change["observed_degree_change"] == 0


def test_the_chapter_shows_who_answered_and_the_observable_change(coop):
    b = builder(coop, "fi")
    chapter = cooperation_chapter(b, PROJECT)
    shown = texts(chapter)
    assert "Välittäjyys" in shown and "Välillisyys" not in shown
    assert any("(n − 1)(n − 2), tässä verkostossa 30, kun organisaatioita on 7" in t for t in shown)
    tables = [blk for sec in chapter.sections for blk in sec.blocks if isinstance(blk, Table)]
    position = next(t for t in tables if "responded_label" in t.frame)
    assert position.frame["responded_label"].tolist() == ["kyllä", "ei"]
    change = next(t for t in tables if "observed_degree_change" in [c.key for c in t.columns])
    assert change.frame["observed_degree_change"].tolist() == [0]


def test_swedish_speaks_of_collaborative_ties_not_band(coop):
    chapter = cooperation_chapter(builder(coop, "sv"), PROJECT)
    shown = " ".join(texts(chapter))
    assert "samarbetsrelationer" in shown and "Mellanhandsposition" in shown
    assert " band" not in shown and "Band " not in shown


def test_the_network_map_rings_non_respondents_and_colours_sectors(coop):
    chapter = cooperation_chapter(builder(coop, "fi"), PROJECT)
    figures = [
        blk
        for sec in chapter.sections
        for blk in sec.blocks
        if isinstance(blk, Figure) and blk.title.startswith("Kumppaniverkosto")
    ]
    assert [f.title for f in figures] == [
        "Kumppaniverkosto syksyn 2012 kierroksella",
        "Kumppaniverkosto syksyn 2013 kierroksella",
    ]
    later = figures[1].figure["data"]
    markers = [t for t in later if t.get("mode", "").startswith("markers") and t["x"] != [None]]
    symbols = {
        name: sym
        for t in markers
        for name, sym in zip(t["text"], t["marker"]["symbol"], strict=True)
    }
    assert symbols[MINE] == "circle-open"
    assert {s for n, s in symbols.items() if n != MINE} == {"circle"}
    legend = [t["name"] for t in later if t.get("showlegend", True) and t.get("name")]
    assert {"Yhdistys", "Oppilaitos", "Yritys", "Kela"} <= set(legend)
    assert "ei vastannut tällä kierroksella" in legend
    colours = {t["marker"]["color"] for t in markers if t.get("showlegend")}
    assert len(colours) == len([t for t in markers if t.get("showlegend")])
    assert "Pisteen väri kertoo sektorin ja koko" in figures[1].note
    assert "pienimmillään" in figures[1].note and "Rengas" in figures[1].note


def test_labels_of_nearby_nodes_are_placed_apart():
    # a tight cluster: every label "top center" would cover its neighbours'
    positions = {f"Org {i}": (0.02 * (i % 3), 0.02 * (i // 3)) for i in range(6)}
    positions["far"] = (1.0, 1.0)
    sizes = dict.fromkeys(positions, 8.0)
    sides = place_labels(positions, list(positions), sizes, 500)
    assert len(set(sides.values())) > 1
    # boxes as the placer sees them: fewer overlaps than all on top
    spread = {side: (hx, vy) for side, hx, vy in _SIDES}
    sx, sy = 760.0, 500.0

    def boxes(choice):
        return [
            _label_box(x * sx, y * sy, len(n) * _CHAR, _LINE, 4.0, *spread[choice[n]])
            for n, (x, y) in positions.items()
        ]

    def overlaps(bs):
        return sum(
            1
            for a, b in itertools.combinations(bs, 2)
            if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
        )

    assert overlaps(boxes(sides)) < overlaps(boxes(dict.fromkeys(positions, "top center")))

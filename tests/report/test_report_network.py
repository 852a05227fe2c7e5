"""The partner-network map: the roster's sector codes become named, coloured sectors, and
the project's own organisation is marked in a colour no sector has."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltool.imports.partners import import_partners
from evaltool.report.chapters.cooperation import round_network_map
from evaltool.report.charts import HIGHLIGHT
from evaltool.report.cooperation_data import cooperation_data
from evaltool.report.network_chart import NO_SECTOR, SECTOR_PALETTE, sector_colours

#: Roster: organisation → sector code as an evaluator's roster file gives it.
ROSTER = {
    "Valtiokonttori": "state",
    "Ammattiopisto": "education",
    "Hyvinvointialue": "health",
    "Työttömien yhdistys": "ngo",
    "Vuokratalot Oy": "housing",
    "Yrittäjät": "business",
    "Kunta": "municipality",
}
#: The sectors' Finnish names in the built-in partner survey.
SECTOR_NAMES = {
    "state": "Valtio",
    "education": "Koulutus",
    "health": "Sosiaali- ja terveyspalvelut",
    "ngo": "Järjestö",
    "housing": "Asuminen",
    "business": "Elinkeinoelämä",
    "municipality": "Kunta",
}
MINE = "Työttömien yhdistys"
ROUND = "syksy 2024"


@pytest.fixture
def coop(ws, tmp_path):
    roster = tmp_path / "roster.csv"
    pd.DataFrame({"org": list(ROSTER), "sector": list(ROSTER.values())}).to_csv(
        roster, index=False, sep=";"
    )
    orgs = list(ROSTER)
    ties = pd.DataFrame(
        [
            {"respondent_org": a, "partner_org": b, "collaboration_level": 3, "trust": 3}
            for i, a in enumerate(orgs)
            for b in orgs[i + 1 : i + 4]
        ]
    )
    path = tmp_path / "ties.csv"
    ties.to_csv(path, index=False, sep=";")
    import_partners(ws, path, ROUND, roster=roster)
    return cooperation_data(ws, min_n=5)


def _markers(chart: dict) -> list[dict]:
    """The traces drawing nodes (not the legend-only entries)."""
    return [
        t for t in chart["data"] if t.get("mode", "").startswith("markers") and t["x"] != [None]
    ]


def test_roster_sector_codes_are_mapped_to_the_surveys_sectors(coop):
    orgs = coop.organisations.set_index("org")["sector"].to_dict()
    assert orgs == ROSTER
    labels = {o: coop.sector_label(code, "fi") for o, code in orgs.items()}
    assert labels == {o: SECTOR_NAMES[code] for o, code in ROSTER.items()}


def test_every_sector_of_the_roster_has_a_colour_and_a_legend_entry(coop):
    chart, _ = round_network_map(coop, ROUND, "fi", labels=True)
    sectors = [t for t in _markers(chart) if t.get("showlegend")]
    assert {t["name"] for t in sectors} == set(SECTOR_NAMES.values())
    colours = [t["marker"]["color"] for t in sectors]
    assert NO_SECTOR not in colours and len(set(colours)) == len(colours)
    named = {n for t in sectors for n in t["text"]}
    assert named == set(ROSTER)


def test_the_highlighted_organisation_has_a_colour_no_sector_has(coop):
    chart, note = round_network_map(coop, ROUND, "fi", highlight=MINE, labels=True)
    sector_traces = [t for t in _markers(chart) if t.get("showlegend")]
    used = {t["marker"]["color"] for t in sector_traces}
    used |= {c for t in sector_traces for c in t["marker"]["line"]["color"]}
    rings = chart["layout"]["shapes"]
    assert len(rings) == 1 and rings[0]["line"]["color"] == HIGHLIGHT
    assert HIGHLIGHT not in used
    # the organisation keeps its sector's colour; the legend names the ring
    mine = next(t for t in _markers(chart) if MINE in t["text"])
    legend = [t for t in chart["data"] if t["x"] == [None]]
    # its sector has no other organisation: the legend still names it, in the same colour
    ngo = next(t for t in legend if t["name"] == "Järjestö")
    assert mine["marker"]["color"] == ngo["marker"]["color"] != HIGHLIGHT
    assert ngo["marker"]["color"] not in used
    assert any(
        t["name"] == "tämän hankkeen organisaatio" and t["marker"]["color"] == HIGHLIGHT
        for t in legend
    )
    assert "punaoranssilla renkaalla" in note


def test_sector_colours_never_take_the_highlight_colour():
    labels = [f"Sektori {k}" for k in range(len(SECTOR_PALETTE))]
    colours = sector_colours(labels)
    assert HIGHLIGHT not in colours.values()
    assert len({colours[s] for s in labels}) == len(labels)
    assert colours[""] == NO_SECTOR

"""Helpers shared by the report chapters, and the index page's assembly."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd

from evaltool.report.build import index_page
from evaltool.report.chapters.appendix import _link_label
from evaltool.report.chapters.common import Builder, lower_first, project_rows, rci_cells
from evaltool.report.collect import ProjectInfo


def builder(lang: str = "en") -> Builder:
    return Builder(SimpleNamespace(lang=lang))


def test_project_rows_takes_one_project_or_the_programme():
    frame = pd.DataFrame({"project": ["A", None, "B", "A"], "n": [1, 2, 3, 4]})
    assert project_rows(frame, "A")["n"].tolist() == [1, 4]
    assert project_rows(frame, None)["n"].tolist() == [2]
    assert project_rows(frame, "A") is project_rows(frame, "A")
    missing = project_rows(frame, "C")
    assert missing.empty and list(missing.columns) == ["project", "n"]


def test_project_rows_of_a_table_without_projects_is_empty():
    assert project_rows(None, "A").empty
    assert project_rows(pd.DataFrame({"n": [1]}), "A").empty


def test_lower_first_keeps_acronyms():
    assert lower_first("Psyykkinen") == "psyykkinen"
    assert lower_first("WHO-5") == "WHO-5"
    assert lower_first("") == ""


def test_reliable_change_cells_withhold_a_small_class_and_its_complement():
    frame = pd.DataFrame({"improved": [10, 10], "unchanged": [10, 2], "deteriorated": [10, 9]})
    hide = rci_cells(frame, 5)
    assert not hide["improved"][0] and not hide["unchanged"][0]
    assert hide["unchanged"][1]
    # one more count of the row goes so the small one cannot be worked out from n
    assert hide["improved"][1] or hide["deteriorated"][1]
    assert (hide["improved_share"] == hide["improved"]).all()


def test_reliable_change_cells_of_a_table_without_counts_withhold_nothing():
    hide = rci_cells(pd.DataFrame({"n": [3, 4]}), 5)
    assert not np.any(hide["improved"]) and len(hide["unchanged"]) == 2


def test_builder_numbers_tables_and_figures_in_order():
    b = builder()
    frame = pd.DataFrame({"x": [1]})
    assert [b.table("a", frame, []).key, b.table("b", frame, []).key] == ["T1", "T2"]
    assert b.figure("c", {}).key == "fig-1"


def test_confidence_interval_is_one_text_column_in_the_report_and_two_in_the_workbook():
    b = builder("fi")
    frame = b.with_ci(pd.DataFrame({"ci_low": [1.25, np.nan], "ci_high": [3.5, 2.0]}))
    assert frame["ci_low__range"].tolist() == ["1,2…3,5", ""]
    cols = b.ci_cols()
    assert [(c.key, c.where) for c in cols] == [
        ("ci_low__range", "html"),
        ("ci_low", "excel"),
        ("ci_high", "excel"),
    ]
    assert builder("en").with_ci(frame)["ci_low__range"].iloc[0] == "1.2 to 3.5"


def test_wave_patterns_are_described_in_words():
    b = builder("en")
    row = SimpleNamespace
    assert _link_label(b, row(kind="wave", wave=2), [1, 2, 3]) == "Answered wave 2"
    assert (
        _link_label(b, row(kind="link", from_wave=1, to_wave=3), [1, 2, 3])
        == "Answered both wave 1 and wave 3"
    )
    assert _link_label(b, row(kind="pattern", pattern="1 only"), [1, 2, 3]) == (
        "Answered wave 1 only"
    )
    assert _link_label(b, row(kind="pattern", pattern="1-2 only"), [1, 2, 3]) == (
        "Answered waves 1 and 2 only"
    )
    assert _link_label(b, row(kind="pattern", pattern="1-2-3"), [1, 2, 3]) == (
        "Answered all waves (1, 2 and 3)"
    )
    assert _link_label(builder("fi"), row(kind="pattern", pattern="1-2"), [1, 2]) == (
        "Vastasi kaikkiin mittauksiin (1. ja 2.)"
    )


def test_index_page_lists_every_project_with_its_clients():
    data = SimpleNamespace(
        lang="en",
        created=date(2024, 3, 16),
        respondents=pd.DataFrame({"project": ["A", None], "n": [12, 12]}),
        projects={
            "A": ProjectInfo("A", "Alpha", ["A"], {"organisation": "Org A"}),
            "B": ProjectInfo("B", "Beta", [], None),
        },
        instruments=[
            SimpleNamespace(n_respondents={"A": 12, None: 12}, short_title=lambda lang: "WHO")
        ],
    )
    page = index_page(data, {"A": "A.html", "B": "B.html"})
    assert page.lang == "en"
    assert page.words["intro"].startswith("The reports were created on 16 March 2024.")
    assert page.projects == [
        {
            "key": "A",
            "name": "Alpha",
            "href": "A.html",
            "organisation": "Org A",
            "instruments": "WHO",
            "clients": "12",
        },
        {
            "key": "B",
            "name": "Beta",
            "href": "B.html",
            "organisation": "",
            "instruments": "",
            "clients": "no client data",
        },
    ]

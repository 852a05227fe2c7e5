"""The layout registry: every survey tool is a module registered in a fixed order, and a
layout registered from outside is recognised like a built-in one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evaltool import layouts
from evaltool.layouts.generic import normalise_sheet
from evaltool.read import RawTable


def raw(rows: list[list[str]]) -> RawTable:
    return RawTable(Path("test.csv"), "text", pd.DataFrame(rows))


def test_built_in_layouts_are_registered_in_tie_breaking_order():
    assert list(layouts.LAYOUTS) == [
        "qualtrics",
        "surveymonkey",
        "limesurvey",
        "ms_forms",
        "google_forms",
        "webropol",
        "zef",
        "spss",
        "plain",
    ]
    for tool in layouts.BUILT_IN_LAYOUTS:
        entry = layouts.LAYOUTS[tool.NAME]
        assert (entry.detect, entry.normalise) == (tool.detect, tool.normalise)


def test_registered_layout_is_detected_and_forced(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(layouts, "LAYOUTS", dict(layouts.LAYOUTS))
    layouts.register(
        "acme",
        lambda r: 0.99 if r.cells.iloc[0, 0] == "ACME id" else 0.0,
        lambda r: normalise_sheet(r, "acme"),
    )
    sheet = raw([["ACME id", "q1"], ["1", "3"], ["2", "4"]])
    table = layouts.recognise(sheet)
    assert table.layout == "acme" and next(iter(table.layout_scores)) == "acme"
    assert table.n_respondents == 2
    assert layouts.recognise(raw([["x", "q1"], ["1", "3"]]), "acme").notes[-1] == (
        "layout acme forced"
    )


def test_unknown_forced_layout_names_the_known_ones():
    with pytest.raises(layouts.LayoutError, match="known layouts: qualtrics, surveymonkey"):
        layouts.recognise(raw([["a", "b"], ["1", "2"]]), "nope")


@pytest.mark.parametrize(
    "module", ["evaltool.mapping.columns", "evaltool.mapping.fields", "evaltool.mapping.summary"]
)
def test_mapping_modules_import_before_the_layouts(module: str):
    code = (
        f"import {module}; from evaltool import layouts; "
        "from evaltool.mapping.columns import ColumnMap, map_columns"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""The reports of one workspace as one release: no withheld cell follows from everything the
project reports, the programme report and their workbooks show — on the demo region and on
a workspace built to tempt subtraction (one project with 2 men among many)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.report.build import programme_document, project_document
from evaltool.report.check import check_workspace_release
from evaltool.report.collect import collect
from evaltool.report.release import release_check
from evaltool.store.workspace import Workspace

#: project → (men, women): project C has 2 men among many women
TEMPT = {"A": (20, 10), "B": (15, 15), "C": (2, 28)}


def build_tempting(root: Path) -> Path:
    rng = np.random.default_rng(3)
    ws = Workspace.init(root / "ws")
    (root / "data").mkdir()
    for code, (men, women) in TEMPT.items():
        n = men + women
        level = rng.normal(0, 1, n)
        for wave in (1, 2):
            vals = np.clip(np.rint(3 + 0.8 * level[:, None] + rng.normal(0, 0.8, (n, 26))), 1, 5)
            df = pd.DataFrame(vals.astype(int), columns=[f"q{i}" for i in range(1, 27)])
            df.insert(0, "id", [f"{code}{i:03d}" for i in range(n)])
            df["Sukupuoli"] = ["Mies"] * men + ["Nainen"] * women
            f = root / "data" / f"{code}-{wave}.csv"
            df.to_csv(f, index=False, sep=";")
            import_clients(ws, [f], ClientImportOptions(project=code, wave=wave))
    ws.close()
    return root / "ws"


@pytest.fixture(scope="module")
def tempting(tmp_path_factory) -> Path:
    return build_tempting(tmp_path_factory.mktemp("tempt"))


def _documents(ws_dir: Path):
    with Workspace.open(ws_dir) as ws:
        data = collect(ws)
    return [programme_document(data)] + [
        project_document(data, info) for info in data.projects.values()
    ]


def prog_value(table, label: str) -> float:
    return table.frame.set_index("value_label").loc[label, "count"]


def _gender_table(doc):
    return next(tb for tb in doc.tables() if tb.title.startswith("Sukupuoli"))


def test_tempting_workspace_leaks_nothing(tempting):
    with Workspace.open(tempting) as ws:
        assert check_workspace_release(ws) == []


def test_programme_counts_only_the_men_the_project_reports_show(tempting):
    docs = _documents(tempting)
    prog = _gender_table(docs[0]).frame.set_index("value_label")
    # 20 + 15 men shown by A and B; C's 2 men (and so its women) are merged in its report
    assert prog.loc["Mies", "count"] == 35
    assert prog.loc["Muut / ei tietoa", "count"] == 30
    c = _gender_table(next(d for d in docs if d.title == "C")).frame
    assert c["value_label"].tolist() == ["Muut / ei tietoa"] and c["count"].iloc[0] == 30


def test_the_check_catches_a_programme_that_counts_every_project(tempting):
    docs = _documents(tempting)
    table = _gender_table(docs[0])
    men = table.frame["value_label"].tolist().index("Mies")
    # the programme as it was: every project's men in one count (21 − 14 − 5 = 2)
    table.ledger["count"][men] = {("bg", "gender", p, "male"): 1.0 for p in TEMPT}
    assert prog_value(table, "Mies") == 35
    c_doc = next(d for d in docs if d.title == "C")
    c_table = _gender_table(c_doc)
    c_table.frame = pd.DataFrame(
        {"value_label": ["Mies", "Nainen"], "count": [2.0, 28.0], "share": [2 / 30, 28 / 30]}
    )
    c_table.cells = {"count": np.array([True, True]), "share": np.array([True, True])}
    c_table.suppressed = np.zeros(2, dtype=bool)
    c_table.ledger = {
        "count": [{("bg", "gender", "C", "male"): 1.0}, {("bg", "gender", "C", "female"): 1.0}]
    }
    found = release_check(docs)
    assert any(w.startswith("C / Sukupuoli") for w in found), found


def test_demo_reports_leak_nothing(tmp_path):
    from evaltool.demo import build_demo

    build_demo(tmp_path / "demo", progress=False)
    with Workspace.open(tmp_path / "demo") as ws:
        assert check_workspace_release(ws) == []

"""The synthetic demo region: deterministic files, recognised layouts, a filled workspace."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from evaltool import demo, layouts
from evaltool import read as readers
from evaltool.errors import UserError
from evaltool.store.workspace import Workspace


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One full demo build shared by the tests of this module: (folder, index.html)."""
    root = tmp_path_factory.mktemp("demo") / "evaltool-demo"
    index = demo.build_demo(root, progress=False)
    return root, index


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoData:
    """The data files alone (no import), in a folder of their own."""
    return demo.generate_data(tmp_path_factory.mktemp("data-only"))


def test_data_files_are_byte_identical_across_runs(tmp_path: Path, manifest: demo.DemoData):
    again = demo.generate_data(tmp_path / "again")
    first = {p.relative_to(manifest.root): p.read_bytes() for p in manifest.files}
    second = {p.relative_to(again.root): p.read_bytes() for p in again.files}
    assert first.keys() == second.keys()
    different = [str(k) for k in first if first[k] != second[k]]
    assert different == []
    kinds = Counter(p.suffix for p in first)
    assert kinds[".xlsx"] >= 8 and kinds[".csv"] >= 10 and kinds[".sav"] == 6


def test_xlsx_and_sav_carry_fixed_timestamps(manifest: demo.DemoData):
    import pyreadstat

    xlsx = next(p for p in manifest.files if p.suffix == ".xlsx")
    with zipfile.ZipFile(xlsx) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2014, 1, 31, 12, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert core.count("2014-01-31T12:00:00Z") == 2
    assert demo.DEMO_LABEL in core
    sav = next(p for p in manifest.files if p.suffix == ".sav")
    _, meta = pyreadstat.read_sav(str(sav), metadataonly=True)
    assert str(meta.creation_time) == "2014-01-31 12:00:00"
    assert meta.file_label.startswith("Synteettinen esimerkkialue")


def test_every_file_is_labelled_synthetic(manifest: demo.DemoData):
    for path in manifest.files:
        assert path.name.startswith(demo.FILE_TAG) or path.name == demo.MARKER
    assert demo.DEMO_LABEL.upper() in (manifest.root / demo.MARKER).read_text("utf-8")
    raw = readers.read_raw(manifest.register)
    assert (raw.cells.iloc[1:, -1] == demo.DEMO_LABEL).all()


def test_region_shape(manifest: demo.DemoData):
    clients = manifest.clients
    assert len({c.project for c in clients}) == len(demo.PROJECTS) == 12
    assert {c.wave for c in clients} == {1, 2, 3}
    assert {c.instrument for c in clients} == {"whoqol-bref", "eurohis-qol-8"}
    assert len({c.tool for c in clients}) == 8
    # Attrition of 20-35 % per wave over the region.
    n = {w: sum(c.respondents for c in clients if c.wave == w) for w in (1, 2, 3)}
    assert 0.65 <= n[2] / n[1] <= 0.8
    assert 0.65 <= n[3] / n[2] <= 0.8
    rounds = {f.round for f in manifest.partners}
    assert rounds == {"syksy 2012", "syksy 2013"}
    assert {f.shape for f in manifest.partners} == {"roster_matrix", "tie_list"}


#: Responses per layout over the three waves (the fixed seed makes them exact).
EXPECTED_PER_LAYOUT = {
    "google_forms": 166,
    "limesurvey": 93,
    "ms_forms": 106,
    "plain": 165,
    "qualtrics": 68,
    "spss": 168,
    "surveymonkey": 80,
    "webropol": 183,
}


def test_client_files_are_recognised_as_their_layout(manifest: demo.DemoData):
    seen: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for f in manifest.clients:
        tidy = layouts.recognise(readers.read_raw(f.path))
        assert tidy.layout == f.layout, f.path.name
        assert tidy.n_respondents == f.respondents, f.path.name
        seen[tidy.layout] += tidy.n_respondents
        files[tidy.layout] += 1
    assert dict(seen) == EXPECTED_PER_LAYOUT
    assert files == {
        "webropol": 6,
        "google_forms": 6,
        "plain": 6,
        "spss": 6,
        "ms_forms": 3,
        "surveymonkey": 3,
        "qualtrics": 3,
        "limesurvey": 3,
    }


def test_hand_typed_footer_and_qualtrics_preview_are_not_respondents(manifest: demo.DemoData):
    hand = next(f for f in manifest.clients if f.tool == "handtyped")
    tidy = layouts.recognise(readers.read_raw(hand.path))
    assert any("Keskiarvo" in reason for _, reason in tidy.dropped)
    assert tidy.header_row == 4
    qualtrics = next(f for f in manifest.clients if f.tool == "qualtrics")
    tidy = layouts.recognise(readers.read_raw(qualtrics.path))
    assert tidy.header_rows == 3
    assert any("Preview" in reason for _, reason in tidy.dropped)
    sav = next(f for f in manifest.clients if f.tool == "spss")
    tidy = layouts.recognise(readers.read_raw(sav.path))
    assert any("6" in codes for codes in tidy.missing_codes.values())


def test_open_answers_include_the_hostile_ones(manifest: demo.DemoData):
    texts = b"".join(p.read_bytes() for p in manifest.files if p.suffix == ".csv")
    assert demo.FORMULA_ANSWER.encode() in texts
    webropol = [c for c in manifest.clients if c.tool == "webropol" and c.wave == 2][0]
    cells = readers.read_raw(webropol.path).cells
    assert (cells == demo.SCRIPT_ANSWER).to_numpy().any()
    assert not (cells == "").to_numpy().all(axis=0).any()


def test_build_fills_the_workspace(built: tuple[Path, Path]):
    root, index = built
    assert index == root / "reports" / "index.fi.html" and index.is_file()
    assert len(list(index.parent.glob("S20*.fi.html"))) == 12
    assert (index.parent / "S20127.fi.docx").is_file() and (
        index.parent / "programme.fi.pdf"
    ).is_file()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (index.parent / "S20101.fi.html").read_text(
        encoding="utf-8"
    )
    with Workspace.open(root) as ws:
        imports = ws.imports()
        kinds = Counter(imports["kind"])
        # 36 quality-of-life files, and the 24 files of waves 2-3 once more as kevat-client.
        assert kinds["clients"] == 60 and kinds["partners"] == 3 and kinds["projects"] == 1
        for name, waves in (
            ("whoqol-bref", {1, 2, 3}),
            ("eurohis-qol-8", {1, 2, 3}),
            (demo.CLIENT_SURVEY, {2, 3}),
        ):
            meta, values = ws.responses(name)
            assert len(meta) > 100 and set(meta["wave"]) == waves
            assert np.isfinite(values).mean() > 0.9
        fields = ws.fields()
        assert {"gender", "age_group", "service_type", "goals", "good", "bad"} <= set(
            fields["field"]
        )
        assert demo.SCRIPT_ANSWER in set(fields["value"])
        assert demo.FORMULA_ANSWER in set(fields["value"])
        assert len(ws.projects_seen()) == 12
        assert len(ws.project_register()) == 12
        ties = ws.partner_tables(ws.partner_rounds()).ties
        assert sorted(ties["round"].unique()) == ["syksy 2012", "syksy 2013"]


def test_quality_of_life_improves_on_average(built: tuple[Path, Path]):
    from evaltool.scoring.stored import score_table

    root, _ = built
    with Workspace.open(root) as ws:
        scores = score_table(ws, "eurohis-qol-8")
    means = scores.groupby("wave")["index"].mean()
    assert means[1] < means[2] < means[3]


def test_prepare_clears_only_what_a_demo_made(tmp_path: Path):
    root = tmp_path / "old-demo"
    (root / "data" / "asiakkaat").mkdir(parents=True)
    (root / "reports").mkdir()
    (root / demo.MARKER).write_text("x", encoding="utf-8")
    (root / "evaltool.sqlite").write_bytes(b"")
    (root / "omat muistiinpanot.txt").write_text("mine", encoding="utf-8")
    demo._prepare(root)
    assert sorted(p.name for p in root.iterdir()) == ["omat muistiinpanot.txt"]


def test_rebuild_replaces_an_earlier_demo_but_refuses_other_folders(tmp_path: Path):
    other = tmp_path / "own"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="not made by 'evaltool demo'"):
        demo.build_demo(other, progress=False)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_reports_do_not_depend_on_the_pseudonym_key(tmp_path: Path, monkeypatch):
    """Two demo workspaces differ only in their random secrets: the reports are the same
    bytes (with SOURCE_DATE_EPOCH fixing the date)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = demo.build_demo(tmp_path / "a", progress=False).parent
    second = demo.build_demo(tmp_path / "b", progress=False).parent
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert any(n.endswith(".xlsx") for n in names) and "index.fi.html" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

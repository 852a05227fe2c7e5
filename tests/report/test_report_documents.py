"""Word and PDF reports opened and read back; file names by language and bounded; a report
of a batch says so when its charts cannot load; the summary states design and uncertainty;
each rating chart draws what its table shows."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_report import EPOCH, build_workspace

from evaltool.report import write_all_reports, write_documents, write_project_report
from evaltool.report.build import project_document
from evaltool.report.chapters.experience import likert_chart_data
from evaltool.report.collect import collect
from evaltool.report.document import Figure, Table
from evaltool.report.html import MAX_STEM, safe_name
from evaltool.store.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def ws_dir(tmp_path_factory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("docs"))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_word_and_pdf_open_and_hold_the_report(ws_dir, tmp_path, lang, monkeypatch):
    docx = pytest.importorskip("docx")
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("playwright")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with Workspace.open(ws_dir) as ws:
        paths = write_documents(ws, tmp_path, lang, projects=["S10246"], programme=True)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        f"{s}.{lang}.{x}" for s in ("S10246", "programme") for x in ("docx", "pdf")
    )
    word = docx.Document(str(tmp_path / f"S10246.{lang}.docx"))
    h1 = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    first = {"fi": "1 Yhteenveto", "sv": "1 Sammanfattning", "en": "1 Summary"}[lang]
    assert h1[0] == first and len(h1) >= 6
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    word_table = {"fi": "Taulukko", "sv": "Tabell", "en": "Table"}[lang]
    assert f"{word_table} 1." in captions[0] or any(
        c.startswith(f"{word_table} 1.") for c in captions
    )
    assert len(word.tables) >= 10 and len(word.inline_shapes) >= 5  # tables, charts as images
    assert word.inline_shapes[0].width > 0
    pdf = pypdf.PdfReader(str(tmp_path / f"S10246.{lang}.pdf"))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert 3 <= len(pdf.pages) <= 20
    title = {"fi": "ARVIOINTIRAPORTTI", "sv": "UTVÄRDERINGSRAPPORT", "en": "EVALUATION REPORT"}
    assert title[lang] in text.upper() and "Polku" in text


def test_file_names_by_language_and_bounded(ws_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with Workspace.open(ws_dir) as ws:
        fi = write_project_report(ws, "S10246", tmp_path, "fi")
        sv = write_project_report(ws, "S10246", tmp_path, "sv")
    assert (fi.name, sv.name) == ("S10246.fi.html", "S10246.sv.html")
    assert (tmp_path / "S10246.fi.xlsx").is_file() and (tmp_path / "S10246.sv.xlsx").is_file()
    long = "Hanke " * 50
    name = safe_name(long)
    assert len(name) <= MAX_STEM and name != safe_name(long + "x")


def test_a_300_character_project_name_does_not_break_all(tmp_path, monkeypatch):
    from evaltool.imports.clients import ClientImportOptions, import_clients

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    ws = Workspace.init(tmp_path / "ws")
    rng = np.random.default_rng(1)
    name = ("Pitkän nimen hanke " * 20)[:300]
    df = pd.DataFrame(rng.integers(1, 6, (8, 26)), columns=[f"q{i}" for i in range(1, 27)])
    df.insert(0, "id", range(8))
    f = tmp_path / "a.csv"
    df.to_csv(f, index=False, sep=";")
    import_clients(ws, [f], ClientImportOptions(project=name, wave=1))
    index = write_all_reports(ws, tmp_path / "out", progress=False)
    ws.close()
    pages = [p.name for p in index.parent.glob("*.html")]
    assert len(pages) == 3 and all(len(p) < 80 for p in pages)


def test_batch_report_says_when_its_charts_cannot_load(ws_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with Workspace.open(ws_dir) as ws:
        index = write_all_reports(ws, tmp_path, progress=False)
    text = (index.parent / "S10246.fi.html").read_text(encoding="utf-8")
    assert 'id="charts-missing" hidden' in text and "typeof Plotly" in text
    assert "plotly.min.js" in text


def test_summary_states_design_and_uncertainty(ws_dir):
    with Workspace.open(ws_dir) as ws:
        data = collect(ws, "fi")
    doc = project_document(data, data.projects["S10246"])
    assert doc.subtitle == "Arviointiraportti"
    summary = doc.chapters[0]
    texts = [b.text for b in summary.intro] + [
        b.text for s in summary.sections for b in s.blocks if hasattr(b, "text")
    ]
    joined = " ".join(texts)
    assert "ilman vertailuryhmää" in joined and "regressiona keskiarvoon" in joined
    assert "kato" in joined


def _answer_col(c) -> bool:
    return re.fullmatch(r"v[\d.]+", c.key) is not None


def _rating_pairs(doc):
    blocks = [b for ch in doc.chapters for s in ch.sections for b in s.blocks]
    for i, bl in enumerate(blocks):
        if isinstance(bl, Figure) and bl.figure["data"] and i + 1 < len(blocks):
            nxt = blocks[i + 1]
            if isinstance(nxt, Table) and any(_answer_col(c) for c in nxt.columns):
                yield bl, nxt


def test_each_rating_chart_draws_what_its_table_shows(ws_dir):
    with Workspace.open(ws_dir) as ws:
        data = collect(ws, "fi")
    checked = 0
    for info in data.projects.values():
        doc = project_document(data, info)
        for fig, table in _rating_pairs(doc):
            cols = [c for c in table.columns if _answer_col(c)]
            drawn: dict[str, list] = {}
            held = None
            for tr in fig.figure["data"]:
                name = tr["name"]
                if tr.get("legendgroup") == "withheld":
                    vals = [abs(v) if v is not None else None for v in tr["x"]]
                    held = [
                        (a or 0) + (w or 0)
                        for a, w in zip(held or [0] * len(vals), vals, strict=True)
                    ]
                    continue
                vals = [abs(v) if v is not None else None for v in tr["x"]]
                old = drawn.get(name)
                drawn[name] = (
                    vals
                    if old is None
                    else [(a or 0) + (b or 0) for a, b in zip(old, vals, strict=True)]
                )
            for c in cols:
                shown = table.frame[c.key].to_numpy(float) * 100
                dashed = table.withheld(c)
                for i, v in enumerate(drawn[c.header]):
                    if dashed[i]:
                        assert not v, (c.header, i)
                    else:
                        assert v == pytest.approx(shown[i], abs=2e-3), (c.header, i)
            if table.has_suppressed:
                assert held is not None and any(held)
            checked += 1
    assert checked >= 2


def test_hatched_part_sits_on_the_side_of_its_answers():
    wide = pd.DataFrame([[0.1, 0.1, 0.3, 0.3, 0.2], [0.1, 0.1, 0.3, 0.3, 0.2]])
    hide = np.array([[True, True, False, False, False], [False, True, True, False, False]])
    shares, held, sides = likert_chart_data(wide, hide)
    assert sides == ["low", "middle"]  # neutral answers are not drawn on the disagree side
    assert held == [pytest.approx(0.2), pytest.approx(0.4)]
    assert np.isnan(shares[1, 2]) and shares[0, 2] == pytest.approx(0.3)

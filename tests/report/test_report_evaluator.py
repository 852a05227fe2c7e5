"""What an evaluator needs to finish a report: their own text merged in (Markdown files in
the workspace), the population reference of EUROHIS-QOL 8, the open answers' own threshold
and the progress of a batch of reports."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_report import EPOCH, build_workspace

from evaltool.cli import main
from evaltool.errors import UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.report import write_all_reports, write_project_report
from evaltool.report.build import programme_document, project_document
from evaltool.report.collect import collect
from evaltool.report.document import AnswerList, EvaluatorText, Table
from evaltool.report.i18n import t
from evaltool.report.norms import load_norms
from evaltool.report.release import release_check
from evaltool.report.texts import TEXT_SECTIONS, parse_text
from evaltool.store.workspace import Workspace


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("evaluator"), partners=False)


# ------------------------------------------------------------------ progress


def test_progress_callback_is_called_per_report(ws_path, tmp_path):
    calls = []
    with Workspace.open(ws_path) as ws:
        write_all_reports(ws, tmp_path, progress=lambda *a: calls.append(a), workers=1)
        n_projects = len(collect(ws, "fi").projects)
    total = n_projects + 1
    assert [c[:2] for c in calls] == [(k, total) for k in range(1, total + 1)]
    assert calls[0][2] == t("report_programme", "fi")
    assert {c[2] for c in calls[1:]} == {"S10246", "S20002", "S30003", "S40004"}


# ------------------------------------------------------------------ open answers


def _open_lists(ws) -> list[AnswerList]:
    data = collect(ws, "fi", projects=["S10246"])
    doc = project_document(data, data.projects["S10246"])
    return [
        b for ch in doc.chapters for s in ch.sections for b in s.blocks if isinstance(b, AnswerList)
    ]


def test_open_answers_use_their_own_threshold(ws_path):
    with Workspace.open(ws_path) as ws:
        assert all(bl.answers for bl in _open_lists(ws))  # default: min_n (5)
        ws.set_setting("open_min_n", "40")  # more than the project's 32 clients
        try:
            assert _open_lists(ws) == []  # the whole section is withheld
            data = collect(ws, "fi", projects=["S10246"])
            assert data.open_min_n == 40 and data.min_n == 5
        finally:
            ws.set_setting("open_min_n", "5")


# ------------------------------------------------------------------ the evaluator's text


def test_skeletons_are_written_once_and_never_overwritten(ws_path, tmp_path, runner):
    with Workspace.open(ws_path) as ws:
        root = Path(ws.root)
    texts = root / "texts"
    if texts.exists():
        for p in texts.iterdir():
            p.unlink()
    result = runner.invoke(main, ["report", "-w", str(ws_path), "--texts", "--project", "S10246"])
    assert result.exit_code == 0, result.output
    path = texts / "S10246.md"
    assert f"Wrote {path}" in result.output and "programme" not in result.output
    skel = path.read_text(encoding="utf-8")
    for heading in (
        "Johdanto",
        "Arviointikysymykset ja vastaukset",
        "Pohdinta",
        "Johtopäätökset",
        "Kehittämissuositukset",
    ):
        assert f"\n# {heading}\n" in skel
    # the key figures of the summary, with CI and n, as a comment
    assert "Tulkittavat tunnusluvut" in skel and "luottamusväli" in skel and "n = " in skel
    path.write_text(skel.replace("(Kirjoita tähän.)", "Oma teksti.", 1), encoding="utf-8")
    again = runner.invoke(main, ["report", "-w", str(ws_path), "--texts"])
    assert again.exit_code == 0, again.output
    assert f"Kept (exists) {path}" in again.output
    assert f"Wrote {texts / 'programme.md'}" in again.output
    assert "Oma teksti." in path.read_text(encoding="utf-8")  # not overwritten
    for p in texts.iterdir():
        p.unlink()


def _with_text(ws_path: Path, text: str, lang: str = "fi"):
    texts = ws_path / "texts"
    texts.mkdir(exist_ok=True)
    (texts / "S10246.md").write_text(text, encoding="utf-8")
    try:
        with Workspace.open(ws_path) as ws:
            data = collect(ws, lang, projects=["S10246"])
        return project_document(data, data.projects["S10246"])
    finally:
        (texts / "S10246.md").unlink()


FILLED = """<!-- a note to the evaluator: not shown -->
# Johdanto

Hanke tukee **pitkään työttömiä**. <script>alert(1)</script>

## Tavoitteet

- arjen rytmi

# Johtopäätökset

(Kirjoita tähän.)

# Kehittämissuositukset

1. Lisää ohjausta.
"""


def test_text_is_merged_at_its_chapters_and_unfilled_ones_are_marked(ws_path):
    doc = _with_text(ws_path, FILLED)
    anchors = [ch.anchor for ch in doc.chapters]
    assert anchors[:3] == ["summary", "text-introduction", "methods"]
    assert anchors[-6:] == [
        "esr",
        "text-questions",
        "text-discussion",
        "text-conclusions",
        "text-recommendations",
        "appendix",
    ]
    blocks = {ch.anchor: ch.intro[0] for ch in doc.chapters if ch.anchor.startswith("text-")}
    assert all(isinstance(b, EvaluatorText) for b in blocks.values())
    intro = blocks["text-introduction"]
    html = str(intro.html())
    assert "<strong>pitkään työttömiä</strong>" in html and "<h3>Tavoitteet</h3>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "not shown" not in html
    assert "<li>Lisää ohjausta.</li>" in str(blocks["text-recommendations"].html())
    for name in ("questions", "discussion", "conclusions"):  # missing or the placeholder
        b = blocks[f"text-{name}"]
        assert not b.filled and b.missing == "Arvioijan teksti puuttuu (texts/S10246.md)."


@pytest.mark.parametrize(
    ("lang", "marker", "heading"),
    [
        ("sv", "Utvärderarens text saknas", "Inledning"),
        ("en", "The evaluator's text is missing", "Introduction"),
    ],
)
def test_marker_and_headings_in_swedish_and_english(ws_path, lang, marker, heading):
    doc = _with_text(ws_path, "# Introduction\n\nText.\n", lang)
    titles = {ch.anchor: ch.title for ch in doc.chapters}
    assert titles["text-introduction"] == heading
    assert (
        next(ch for ch in doc.chapters if ch.anchor == "text-discussion")
        .intro[0]
        .missing.startswith(marker)
    )


def test_a_report_without_text_files_has_no_evaluator_chapters(ws_path):
    with Workspace.open(ws_path) as ws:
        data = collect(ws, "fi")
    assert data.texts == {}
    doc = programme_document(data)
    assert not [ch for ch in doc.chapters if ch.anchor.startswith("text-")]


def test_a_wrong_heading_names_the_file_and_line():
    with pytest.raises(UserError, match=r"S1\.md, line 3: heading 'Tulokset'"):
        parse_text("# Johdanto\n\n# Tulokset\n", "texts/S1.md")
    with pytest.raises(UserError, match="line 1: text before the first section heading"):
        parse_text("Alku\n# Johdanto\n", "texts/S1.md")
    with pytest.raises(UserError, match="given twice"):
        parse_text("# Pohdinta\n# Diskussion\n", "texts/S1.md")
    # headings in any language and code blocks with a # line are fine
    text = parse_text("# Slutsatser\n\n```\n# not a heading\n```\n", "x.md")
    assert text.sections["conclusions"].filled and set(text.sections) == set(TEXT_SECTIONS)


def test_text_in_the_html_report_and_word(ws_path, tmp_path, monkeypatch):
    docx = pytest.importorskip("docx")
    from evaltool.report.documents import write_docx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    texts = ws_path / "texts"
    texts.mkdir(exist_ok=True)
    (texts / "S10246.md").write_text(FILLED, encoding="utf-8")
    try:
        with Workspace.open(ws_path) as ws:
            html = write_project_report(ws, "S10246", tmp_path).read_text(encoding="utf-8")
            data = collect(ws, "fi", projects=["S10246"])
        doc = project_document(data, data.projects["S10246"])
    finally:
        (texts / "S10246.md").unlink()
    assert '<p class="text-missing">Arvioijan teksti puuttuu (texts/S10246.md).</p>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    path = write_docx(doc, tmp_path / "r.docx", {})
    paras = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    assert ("Heading 1", "2 Johdanto") in paras
    assert ("Heading 2", "Tavoitteet") in paras
    assert ("List Bullet", "arjen rytmi") in paras and ("List Number", "Lisää ohjausta.") in paras
    assert any(t == "Hanke tukee pitkään työttömiä. <script>alert(1)</script>" for _, t in paras)
    assert sum("Arvioijan teksti puuttuu" in t for _, t in paras) == 3


# ------------------------------------------------------------------ population reference

N_EUROHIS = 30
GENDERS = np.array(["Mies", "Nainen", "Mies", "Muu", "Nainen", "Mies"], dtype=object)
AGES = np.array(["25–34", "35–44", "45–54", "55 vuotta tai yli", "Alle 25 vuotta"], dtype=object)


@pytest.fixture(scope="module")
def norm_ws(tmp_path_factory) -> Path:
    """Two EUROHIS-QOL 8 projects, two waves, with sex and age group."""
    root = tmp_path_factory.mktemp("norms")
    ws = Workspace.init(root / "ws")
    rng = np.random.default_rng(3)
    for p, code in enumerate(["S70007", "S80008"]):
        ids = np.arange(N_EUROHIS)
        for wave in (1, 2):
            vals = np.clip(np.rint(3.4 + 0.4 * wave + rng.normal(0, 0.9, (N_EUROHIS, 8))), 1, 5)
            df = pd.DataFrame(vals.astype(int), columns=[f"q{i}" for i in range(1, 9)])
            df.insert(0, "id", [f"ID-{code}-{i:03d}-QX" for i in ids])
            df["Sukupuoli"] = GENDERS[(ids + p) % len(GENDERS)]
            df["Ikäryhmä"] = AGES[ids % len(AGES)]
            f = root / f"{code}-{wave}.csv"
            df.to_csv(f, index=False, sep=";")
            import_clients(
                ws, [f], ClientImportOptions(instrument="eurohis-qol-8", project=code, wave=wave)
            )
    ws.close()
    return root / "ws"


def _norm_table(doc) -> Table:
    return next(tb for tb in doc.tables() if "väestöön verrattuna" in tb.title)


def test_population_table_matches_a_hand_standardisation(norm_ws):
    with Workspace.open(norm_ws) as ws:
        data = collect(ws, "fi")
    doc = project_document(data, data.projects["S70007"])
    tb = _norm_table(doc)
    f = tb.frame
    norm = next(n for n in load_norms(instrument="eurohis-qol-8") if n.year == 2017)
    row = f[(f["norm"] == norm.id) & (f["wave"] == 1)].iloc[0]
    # by hand: every client answered both waves; sex by (i + 0) % 6, age by i % 5
    ids = np.arange(N_EUROHIS)
    sex = GENDERS[ids % 6]
    age = AGES[ids % 5]
    s = norm.shares
    ref = {
        "25–34": lambda x: s[(x, "30-39")],
        "35–44": lambda x: (s[(x, "30-39")] + s[(x, "40-49")]) / 2,
        "45–54": lambda x: (s[(x, "40-49")] + s[(x, "50-59")]) / 2,
        "55 vuotta tai yli": lambda x: (s[(x, "50-59")] + s[(x, "60-69")]) / 2,
    }
    code = {"Mies": "male", "Nainen": "female"}
    p = [ref[a](code[x]) for x, a in zip(sex, age, strict=True) if x in code and a in ref]
    assert row["n"] == N_EUROHIS and row["n_compared"] == len(p)
    assert row["expected"] == pytest.approx(np.mean(p), abs=1e-12)
    assert row["n_no_sex"] == (sex == "Muu").sum()
    assert row["n_no_band"] == ((sex != "Muu") & (age == "Alle 25 vuotta")).sum()
    # the observed share is the good-quality-of-life table's
    good = next(tb for tb in doc.tables() if tb.title.endswith(": Hyvä elämänlaatu"))
    g = good.frame.set_index("wave")["share"]
    shown = ~tb.withheld(next(c for c in tb.columns if c.key == "share"))
    assert np.allclose(f.loc[shown, "share"], f.loc[shown, "wave"].map(g))
    diff = f["share"] - f["expected"]
    assert np.allclose(f.loc[shown, "diff"], diff[shown] * 100)
    notes = " ".join(tb.notes)
    assert "25–34 vuotta → 30–39" in notes and "alle 25 vuotta" in notes
    assert "FinTerveys 2017, Terveys 2011: THL" in notes


def test_population_section_in_the_report_chart_and_workbook(norm_ws, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with Workspace.open(norm_ws) as ws:
        index = write_all_reports(ws, tmp_path, progress=False)
        data = collect(ws, "fi")
    text = (index.parent / "S70007.fi.html").read_text(encoding="utf-8")
    assert "Väestön osuus, jolla on hyvä elämänlaatu, sukupuolen ja iän mukaan" in text
    assert "80,9\u00a0%" in text or "80,9 %" in text  # men 30-39 in 2017
    doc = project_document(data, data.projects["S70007"])
    fig = next(f for f in doc.figures() if "väestön perusteella" in f.title)
    tb = _norm_table(doc)
    bars = {s["name"]: s["y"] for s in fig.figure["data"]}
    f = tb.frame
    first = f[f["norm"] == f["norm"].iloc[0]]
    assert bars["Tämä hanke"] == pytest.approx(list(first["share"] * 100))
    assert bars["Odotettu, FinTerveys 2017"] == pytest.approx(list(first["expected"] * 100))
    from openpyxl import load_workbook

    wb = load_workbook(index.parent / "S70007.fi.xlsx")
    headers = {c.value for s in wb.worksheets for row in s.iter_rows(max_row=3) for c in row}
    assert "Odotettu osuus (vakioitu)" in headers
    assert "Pois: ikäryhmälle ei väestöarvoa" in headers  # the reasons, in the workbook only
    assert "Pois: ikäryhmälle ei väestöarvoa" not in re.sub(r"<script\b.*?</script>", "", text)


def test_population_figures_keep_the_release_safe(norm_ws):
    with Workspace.open(norm_ws) as ws:
        data = collect(ws, "fi")
    docs = [programme_document(data)] + [project_document(data, i) for i in data.projects.values()]
    assert release_check(docs) == []
    # a programme count minus one project's shown count would give the other's withheld one
    prog = _norm_table(docs[0])
    col = next(c for c in prog.columns if c.key == "n_compared")
    projects = [_norm_table(d) for d in docs[1:]]
    for r in range(len(prog.frame)):
        hidden = [bool(t.withheld(col)[r]) for t in projects]
        if sum(hidden) == 1:
            assert prog.withheld(col)[r]

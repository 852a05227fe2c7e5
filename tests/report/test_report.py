"""Reports: content per chapter, Finnish formatting, languages, suppression, escaping, no
identifiers, Excel beside every report, determinism and the ``--all`` layout.

The workspace is built through the normal import functions (client questionnaires as CSV,
the ESR register) plus two partner-survey rounds stored directly in the partner tables.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltool.errors import UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.imports.register import import_projects
from evaltool.indicators.cooperation import load_partner_survey
from evaltool.report import write_all_reports, write_programme_report, write_project_report
from evaltool.report.i18n import fmt_date, fmt_num, fmt_p, fmt_pct
from evaltool.store.partners import STATEMENT_COLUMNS, TIE_COLUMNS
from evaltool.store.workspace import Workspace

EPOCH = "1710590400"  # 16.3.2024 12:00 UTC
SCRIPT_ANSWER = "<script>window.__pwned = 1</script>"
FORMULA_ANSWER = "=) Parasta oli porukka"
PROJECTS = {"S10246": 32, "S20002": 26, "S30003": 4}  # S30003 is below min_n
FI_HEADINGS = [
    "Yhteenveto",
    "Aineisto ja menetelmät",
    "Vastaajat",
    "Elämänlaatu",
    "Kokemukset palvelusta",
    "Yhteistyö",
    "ESR-indikaattorit",
    "Liitteet",
]
BACKGROUND = {
    "Sukupuoli": ["Nainen", "Mies"],
    "Ikäryhmä": ["Alle 25 vuotta", "25–34 vuotta", "35–44 vuotta"],
    "Koulutus": ["Ammatillinen tutkinto", "Lukio tai ylioppilastutkinto"],
    "Työttömyyden kesto": ["Alle vuosi", "1–2 vuotta", "Yli 5 vuotta"],
    "Palvelumuoto": ["Työkokeilu", "Työpaja"],
}
GOODS = ["Hyvä ohjaus", "Ryhmässä on hyvä henki", "Sain rytmiä arkeen"]
BADS = ["Matkat ovat pitkiä", "Ei mitään huonoa"]


def source_id(project: str, i: int) -> str:
    return f"ID-{project}-{i:03d}-QX"


def build_workspace(
    root: Path, seed: int = 7, partners: bool = True, register: bool = True
) -> Path:
    """A workspace with three projects (one too small to report), three WHOQOL-BREF waves,
    the KEVÄT client survey at the last wave, the ESR register and two partner rounds."""
    rng = np.random.default_rng(seed)
    ws_dir = root / "ws"
    ws = Workspace.init(ws_dir)
    data = root / "data"
    data.mkdir()
    for p, (code, n) in enumerate(PROJECTS.items()):
        level = rng.normal(0, 1, n)
        label = code if p != 1 else "Työpaja Ahjo"  # matched to the register by name
        for wave in (1, 2, 3):
            ids = np.arange(n) if wave == 1 or n < 5 else np.flatnonzero(rng.random(n) < 0.8)
            lat = level[ids] + 0.35 * (wave - 1) * (1 + p)
            vals = np.clip(
                np.rint(3 + 0.8 * lat[:, None] + rng.normal(0, 0.8, (len(ids), 26))), 1, 5
            ).astype(int)
            df = pd.DataFrame(vals, columns=[f"q{i}" for i in range(1, 27)])
            df.insert(0, "id", [source_id(code, i) for i in ids])
            for col, options in BACKGROUND.items():
                df[col] = np.array(options, dtype=object)[ids % len(options)]
            df["pvm"] = f"{2 + wave}.{p + 2}.2024"
            f = data / f"{code}-whoqol-{wave}.csv"
            df.to_csv(f, index=False, sep=";")
            import_clients(ws, [f], ClientImportOptions(project=label, wave=wave))
        ids = np.arange(n)
        likert = np.clip(
            np.rint(3.5 + 0.6 * level[:, None] + rng.normal(0, 0.9, (n, 16))), 1, 5
        ).astype(int)
        kc = pd.DataFrame(
            likert, columns=[f"p{i}" for i in range(1, 9)] + [f"e{i}" for i in range(1, 9)]
        )
        kc.insert(0, "id", [source_id(code, i) for i in ids])
        kc["Tavoitteet tukijaksolle"] = np.where(
            ids % 2, "Työllistyminen; Päivärytmi", "Päivärytmi"
        )
        good = np.array(GOODS, dtype=object)[ids % len(GOODS)]
        good[0] = SCRIPT_ANSWER
        good[1] = FORMULA_ANSWER
        kc["Hyvää palvelussa"] = good
        kc["Kehitettävää palvelussa"] = np.array(BADS, dtype=object)[ids % len(BADS)]
        f = data / f"{code}-kevat.csv"
        kc.to_csv(f, index=False, sep=";")
        import_clients(
            ws, [f], ClientImportOptions(instrument="kevat-client", project=label, wave=3)
        )
    if register:
        reg = pd.DataFrame(
            {
                "Hankekoodi": ["S10246", "S20002", "S30003", "S40004"],
                "Nimi": ["Polku <b>töihin</b>", "Työpaja Ahjo", "Pieni hanke", "Ei asiakkaita"],
                "Toteuttaja": ["Jyväskylän kaupunki", "Ahjo ry", "Pieni ry", "Muu ry"],
                "Maakunta": "Keski-Suomi",
                "Rahoittaja": "Keski-Suomen ELY-keskus",
                "Toimintalinja": "5",
                "Alkupvm": "1.3.2024",
                "Loppupvm": "28.2.2026",
                "Suunnitellut osallistujat": [40, 30, 10, 20],
                "Toteutuneet osallistujat": [33, 31, 4, 0],
                "Suunnitellut naiset": [20, 15, 5, 10],
                "Toteutuneet naiset": [17, 12, 2, 0],
                "Suunnitellut työpaikat": [5, 2, 1, 1],
                "Toteutuneet työpaikat": [3, 2, 0, 0],
                "Suunniteltu julkinen rahoitus": ["450 000", "300 000", "90 000", "100 000"],
                "Toteutunut julkinen rahoitus": ["401 234,50", "", "", ""],
            }
        )
        f = data / "rekisteri.csv"
        reg.to_csv(f, index=False, sep=";")
        import_projects(ws, f)
    if partners:
        _partner_rounds(ws, rng)
    ws.close()
    return ws_dir


def _partner_rounds(ws: Workspace, rng: np.random.Generator) -> None:
    survey = load_partner_survey()
    text = (Path(__file__).resolve().parents[2] / "surveys" / "partner-survey.toml").read_text(
        encoding="utf-8"
    )
    orgs = [
        "Jyväskylän kaupunki",
        "Ahjo ry",
        "TE-toimisto",
        "Kela",
        "Seurakunta",
        "Yritys Oy",
        "Koulu",
        "<img src=x onerror=alert(1)> ry",
    ]
    items = [i.code for b in survey.blocks for i in b.items]
    with ws.transaction():
        for r, rnd in enumerate(["syksy 2012", "syksy 2013"]):
            iid = ws.add_import(
                {
                    "kind": "partners",
                    "source_name": f"kumppanit-{r}.csv",
                    "sha256": f"{r:064d}",
                    "size": 1,
                    "round": rnd,
                    "scope": f"partners;round={rnd}",
                    "rows_read": len(orgs),
                    "rows_stored": len(orgs),
                    "rows_rejected": 0,
                }
            )
            statements, ties = [], []
            for o in orgs:
                statements += [(o, "other", it, float(rng.integers(2 + r, 6))) for it in items]
                ties += [
                    (
                        o,
                        o2,
                        float(rng.integers(0, 5)),
                        float(rng.integers(1, 6)),
                        float(rng.integers(1, 5)),
                        float(rng.integers(1, 5)),
                    )
                    for o2 in orgs
                    if o2 != o and rng.random() < 0.45 + 0.1 * r
                ]
            ws.store_partner_round(
                iid,
                rnd,
                text,
                _responding(orgs),
                pd.DataFrame(statements, columns=STATEMENT_COLUMNS[1:]),
                pd.DataFrame(ties, columns=TIE_COLUMNS[1:]),
            )


def _responding(orgs: list[str]) -> pd.DataFrame:
    """Every organisation of ``orgs`` as a respondent of the sector "other"."""
    return pd.DataFrame({"org": orgs, "sector": "other", "responded": True})


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("report"))


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def reports(ws_path, tmp_path_factory) -> dict[str, Path]:
    """Reports written once for the module (fixed clock)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path_factory.mktemp("out")
    try:
        with Workspace.open(ws_path) as ws:
            paths = {
                "fi": write_project_report(ws, "S10246", out / "fi"),
                "sv": write_project_report(ws, "S10246", out / "sv", "sv"),
                "en": write_project_report(ws, "S10246", out / "en", "en"),
                "small": write_project_report(ws, "S30003", out / "fi"),
                "ahjo": write_project_report(ws, "Työpaja Ahjo", out / "fi"),
                "programme": write_programme_report(ws, out / "fi"),
                "index": write_all_reports(ws, out / "all", progress=False),
            }
    finally:
        mp.undo()
    return paths


def html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    return [
        re.sub(r"^\s*\d+\s*", "", re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<h2>(.*?)</h2>", text, re.S)
    ]


def visible(text: str) -> str:
    """The report without the plotly bundle and chart scripts."""
    return re.sub(r"<script\b.*?</script>", "", text, flags=re.S)


# ------------------------------------------------------------------ formatting


def test_finnish_number_and_date_formats():
    assert fmt_num(1234.56, "fi") == "1\u202f234,6"
    assert fmt_num(-0.04, "fi", 2) == "\u22120,04"
    assert fmt_num(3.2, "fi", 1, sign=True) == "+3,2"
    assert fmt_num(1234.56, "en") == "1,234.6"
    assert fmt_pct(0.456, "fi") == "46\u00a0%" and fmt_pct(0.456, "en") == "46%"
    assert fmt_p(0.0004, "fi") == "<\u00a00,001" and fmt_p(0.0312, "sv") == "0,031"
    assert fmt_date("2024-03-16", "fi") == "16.3.2024"
    assert fmt_date("2024-03-16", "en") == "16 March 2024"
    assert fmt_num(float("nan"), "fi") == "" and fmt_num(None, "fi") == ""


# ------------------------------------------------------------------ project report


def test_project_report_has_every_chapter_in_finnish(reports):
    text = html(reports["fi"])
    assert headings(text)[1:] == FI_HEADINGS  # first h2 is the table of contents
    assert '<html lang="fi">' in text
    assert "Laadittu 16.3.2024" in text
    for section in (
        "Taustatiedot",
        "Tavoitteet tukijaksolle",
        "Keskiarvot mittauskerroittain",
        "Luotettava muutos",
        "Muutos lähtötason ja taustan mukaan",
        "Hanke suhteessa ohjelmaan",
        "Kehityskulut kolmen mittauksen aikana",
        "Avoimet vastaukset",
        "Yhteistyöindeksit",
        "Muutokset kierrosten välillä",
        "Suunniteltu ja toteutunut",
        "Reliabiliteetti",
        "Kato",
        "Kysymyskohtaiset tulokset",
    ):
        assert section in text, section
    # register facts, Finnish numbers and dates
    assert "Jyväskylän kaupunki" in text and "1.3.2024–28.2.2026" in text
    assert "450\u202f000" in text and "401\u202f234" in text
    assert re.search(r"\d,\d", visible(text))
    assert not re.search(r">\s*-?\d+\.\d+\s*<", visible(text))  # no decimal points in cells


def test_project_report_numbers_match_the_statistics(ws_path, reports):
    from evaltool.report.collect import collect

    with Workspace.open(ws_path) as ws:
        data = collect(ws, "fi", projects=["S10246"])
    whoqol = next(i for i in data.qol if i.name == "whoqol-bref")
    paired = whoqol.outcomes["paired"]
    row = paired[(paired["project"] == "S10246") & (paired["domain"] == "social")].iloc[0]
    text = visible(html(reports["fi"]))
    assert fmt_num(row["mean_diff"], "fi", 1, sign=True) in text
    assert fmt_num(row["dz"], "fi", 2) in text
    assert f"{fmt_num(row['ci_low'], 'fi')}…{fmt_num(row['ci_high'], 'fi')}" in text


def test_swedish_and_english_reports(reports):
    sv, en = html(reports["sv"]), html(reports["en"])
    assert headings(sv)[1] == "Sammanfattning" and "Bilagor" in headings(sv)
    assert headings(en)[1:3] == ["Summary", "Data and methods"]
    assert "Created 16 March 2024" in en
    assert re.search(r">\+?\d+\.\d<", visible(en))


def test_small_project_is_suppressed_with_footnote(reports):
    text = html(reports["small"])
    assert "–<sup" in text
    assert "alle 5 vastaajaan" in text
    assert "Avoimia vastauksia ei näytetä" in text
    assert "Hyvä ohjaus" not in text and "window.__pwned" not in text


def test_open_answers_are_escaped_and_counted(reports):
    text = html(reports["fi"])
    assert SCRIPT_ANSWER not in text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in text
    assert re.search(r"Sain rytmiä arkeen</span> <span class=\"count\">\(\d+\)</span>", text)
    assert "Polku &lt;b&gt;töihin&lt;/b&gt;" in text and "<b>töihin" not in text
    assert "<img src=x" not in text  # organisation name inside chart data is escaped too


def test_no_identifier_appears(ws_path, reports):
    with Workspace.open(ws_path) as ws:
        ids = ws.source_ids()
    secrets = set(ids["respondent"]) | set(ids["source_id"])
    for path in reports.values():
        folder = path.parent
        for f in list(folder.glob("*.html")) + list(folder.glob("*.xlsx")):
            blob = f.read_bytes()
            if f.suffix == ".xlsx":
                with zipfile.ZipFile(f) as z:
                    blob = b"".join(z.read(n) for n in z.namelist())
            text = blob.decode("utf-8", "replace")
            found = [s for s in secrets if s in text]
            assert not found, (f, found[:3])


def test_chapters_only_where_data_exist(tmp_path, fixed_clock):
    ws_dir = build_workspace(tmp_path, partners=False, register=False)
    with Workspace.open(ws_dir) as ws:
        text = html(write_project_report(ws, "S10246", tmp_path / "out"))
    heads = headings(text)
    assert "Yhteistyö" not in heads and "ESR-indikaattorit" not in heads
    assert "Elämänlaatu" in heads


def test_unknown_project_is_a_user_error(ws_path, tmp_path):
    with Workspace.open(ws_path) as ws, pytest.raises(UserError, match="no project"):
        write_project_report(ws, "S99999", tmp_path)


# ------------------------------------------------------------------ programme and --all


def test_programme_report(reports):
    text = html(reports["programme"])
    heads = headings(text)
    assert "Hankkeet rinnakkain" in heads and "ESR-indikaattorit" in heads
    assert "Hankkeiden vakioitu muutos" in text and "ESR-indikaattorit yhteensä" in text
    assert "Hankkeita rekisterissä: 4" in text
    assert text.count('class="plotly-graph-div"') >= 10


def test_all_reports_share_plotly_and_link_everything(reports):
    index = reports["index"]
    folder = index.parent
    text = html(index)
    links = re.findall(r'href="([^"]+)"', text)
    assert "programme.fi.html" in links
    for code in ("S10246", "S20002", "S30003", "S40004"):
        assert f"{code}.fi.html" in links and (folder / f"{code}.fi.html").is_file()
        assert (folder / f"{code}.fi.xlsx").is_file()
    assert (folder / "plotly.min.js").stat().st_size > 1_000_000
    page = html(folder / "S10246.fi.html")
    assert '<script charset="utf-8" src="plotly.min.js"></script>' in page
    assert len(page) < 1_000_000 < reports["fi"].stat().st_size
    assert 'src="plotly.min.js"' not in html(reports["fi"])
    assert "https://" not in visible(page)


def test_chart_div_ids_are_fixed(reports):
    text = html(reports["fi"])
    ids = re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', text)
    assert ids and ids == [f"fig-{k}" for k in range(1, len(ids) + 1)]


def test_same_workspace_gives_identical_bytes(ws_path, reports, tmp_path, fixed_clock):
    with Workspace.open(ws_path) as ws:
        again = write_project_report(ws, "S10246", tmp_path)
    assert again.read_bytes() == reports["fi"].read_bytes()
    assert (
        again.with_suffix(".xlsx").read_bytes() == reports["fi"].with_suffix(".xlsx").read_bytes()
    )


# ------------------------------------------------------------------ Excel


def test_workbook_beside_report_holds_every_table(reports):
    from openpyxl import load_workbook

    path = reports["fi"]
    wb = load_workbook(path.with_suffix(".xlsx"))
    n_tables = html(path).count('<figure class="table"')
    # the report's tables, then the long ones kept in the workbook only (subgroups)
    assert len(wb.sheetnames) > n_tables + 1 and wb.sheetnames[0] == "Sisältö"
    assert any("lähtötason ja taustan" in n for n in wb.sheetnames)
    for name in wb.sheetnames[1:]:
        sheet = wb[name]
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    means = next(wb[n] for n in wb.sheetnames if "Keskiarvot mittauskerroi" in n)
    headers = [c.value for c in means[1]]
    col = headers.index("Keskiarvo") + 1
    cell = means.cell(row=2, column=col)
    assert isinstance(cell.value, float) and cell.number_format == "0.0"
    small = load_workbook(reports["small"].with_suffix(".xlsx"))
    values = [c.value for s in small.worksheets for row in s.iter_rows() for c in row]
    assert "–" in values


def test_progress_bar_only_on_a_terminal(ws_path, tmp_path, capsys, monkeypatch):
    from evaltool.report.html import _Progress

    bar = _Progress(3, True)
    bar.update(1, "x")
    assert capsys.readouterr().err == ""  # captured stderr is not a terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    bar = _Progress(2, True)
    bar.update(2, "S10246")
    bar.close()
    err = capsys.readouterr().err
    assert "2/2" in err and "#" in err


def test_item_statistics_match_a_plain_groupby(ws_path):
    from evaltool.report.collect import collect
    from evaltool.scoring.stored import item_table

    with Workspace.open(ws_path) as ws:
        data = collect(ws, "fi")
        items = item_table(ws, "whoqol-bref", reverse=False)
    got = next(i for i in data.instruments if i.name == "whoqol-bref").items
    items = items[~items["discarded"]]
    want = (
        items.melt(id_vars=["project", "wave"], value_vars=["q3", "q26"], var_name="item")
        .groupby(["project", "wave", "item"])["value"]
        .agg(["count", "mean", "std"])
    )
    row = got[(got["project"] == "S10246") & (got["wave"] == 2) & (got["item"] == "q26")]
    exp = want.loc[("S10246", 2, "q26")]
    assert row["n"].iloc[0] == exp["count"]
    assert row["mean"].iloc[0] == pytest.approx(exp["mean"])
    assert row["sd"].iloc[0] == pytest.approx(exp["std"])
    prog = got[got["project"].isna() & (got["wave"] == 1) & (got["item"] == "q3")]
    # the programme rests on the project cells shown: S30003's 4 clients are left out
    cells = want.xs((1, "q3"), level=("wave", "item"))["count"]
    assert prog["n"].iloc[0] == cells[cells >= 5].sum() == cells.sum() - 4
    small = got[(got["project"] == "S30003")]
    assert small["suppressed"].all() and small["mean"].isna().all()


def test_parallel_batch_equals_serial(ws_path, tmp_path, fixed_clock):
    with Workspace.open(ws_path) as ws:
        serial = write_all_reports(ws, tmp_path / "serial", progress=False, workers=1)
        forked = write_all_reports(ws, tmp_path / "forked", progress=False, workers=2)
    names = sorted(p.name for p in serial.parent.iterdir())
    assert names == sorted(p.name for p in forked.parent.iterdir())
    for name in names:
        assert (serial.parent / name).read_bytes() == (forked.parent / name).read_bytes(), name


# ------------------------------------------------------------------ privacy: small cells

SMALL_N = 30


def build_small_cells(root: Path) -> Path:
    """A workspace made to hold small cells everywhere a report counts clients.

    ``S50005`` (WHOQOL-BREF, three waves, KEVÄT at wave 3): one client of gender "Muu" and
    two men among 27 women, three with a degree, one in a workshop; three clients skip
    wave 2 (wave pattern 1-3), six skip wave 3; two name employment as a goal and two do not
    name studies; a few rare Likert answers; three answer the "good sides" question, ten the
    "bad sides" (one with an e-mail address and a phone number). ``S60006`` (EUROHIS-QOL 8,
    two waves): two clients with good quality of life at wave 1. Partner rounds: the
    organisation "Harva ry" is rated by only two others."""
    rng = np.random.default_rng(11)
    ws = Workspace.init(root / "ws")
    data = root / "data"
    data.mkdir()
    ids = np.arange(SMALL_N)
    level = rng.normal(0, 1, SMALL_N)
    waves = {1: ids, 2: ids[~np.isin(ids, [0, 1, 2])], 3: ids[~np.isin(ids, range(3, 9))]}
    gender = np.where(ids == 0, "Muu", np.where(ids < 3, "Mies", "Nainen"))
    education = np.where(ids < 3, "Korkeakoulututkinto", "Ammatillinen tutkinto")
    service = np.where(ids == 5, "Työpaja", "Työkokeilu")
    for wave, who in waves.items():
        lat = level[who] + 0.5 * (wave - 1) + np.where(who < 2, -2.5 * (wave - 1), 0)
        vals = np.clip(
            np.rint(3 + 0.8 * lat[:, None] + rng.normal(0, 0.7, (len(who), 26))), 1, 5
        ).astype(int)
        df = pd.DataFrame(vals, columns=[f"q{i}" for i in range(1, 27)])
        df.insert(0, "id", [source_id("S50005", i) for i in who])
        df["Sukupuoli"] = gender[who]
        df["Ikäryhmä"] = np.array(BACKGROUND["Ikäryhmä"], dtype=object)[who % 3]
        df["Koulutus"] = education[who]
        df["Palvelumuoto"] = service[who]
        f = data / f"small-whoqol-{wave}.csv"
        df.to_csv(f, index=False, sep=";")
        import_clients(ws, [f], ClientImportOptions(project="S50005", wave=wave))
    who = waves[3]
    likert = np.clip(
        np.rint(4.2 + 0.4 * level[who][:, None] + rng.normal(0, 0.5, (len(who), 16))), 2, 5
    ).astype(int)
    likert[0, :4] = 1  # one "strongly disagree" on four items
    kc = pd.DataFrame(
        likert, columns=[f"p{i}" for i in range(1, 9)] + [f"e{i}" for i in range(1, 9)]
    )
    kc.insert(0, "id", [source_id("S50005", i) for i in who])
    kc["Tavoitteet tukijaksolle"] = [
        "; ".join(
            ["Päivärytmi"]
            + (["Työllistyminen"] if k < 2 else [])
            + (["Opiskelu tai koulutus"] if k >= 2 else [])
        )
        for k in range(len(who))
    ]
    kc["Hyvää palvelussa"] = ["Hyvä ohjaus" if k < 3 else "" for k in range(len(who))]
    bads = [f"Huono puoli {k % 4}" if k < 10 else "" for k in range(len(who))]
    bads[0] = "Soittakaa 040 123 4567 tai matti.meikalainen@example.fi"
    kc["Kehitettävää palvelussa"] = bads
    f = data / "small-kevat.csv"
    kc.to_csv(f, index=False, sep=";")
    import_clients(
        ws, [f], ClientImportOptions(instrument="kevat-client", project="S50005", wave=3)
    )
    for wave in (1, 2):
        eh = np.full((SMALL_N, 8), 3)
        eh[:, :3] = 2 + (ids[:, None] % 2) + (wave - 1)
        if wave == 1:
            eh[:2] = 5  # two clients with good quality of life
        df = pd.DataFrame(eh, columns=[f"q{i}" for i in range(1, 9)])
        df.insert(0, "id", [source_id("S60006", i) for i in ids])
        f = data / f"small-eurohis-{wave}.csv"
        df.to_csv(f, index=False, sep=";")
        import_clients(
            ws, [f], ClientImportOptions(instrument="eurohis-qol-8", project="S60006", wave=wave)
        )
    _sparse_partner_rounds(ws)
    ws.close()
    return root / "ws"


def _sparse_partner_rounds(ws: Workspace) -> None:
    text = (Path(__file__).resolve().parents[2] / "surveys" / "partner-survey.toml").read_text(
        encoding="utf-8"
    )
    orgs = [f"Organisaatio {k}" for k in range(8)] + ["Harva ry"]
    with ws.transaction():
        for r, rnd in enumerate(["syksy 2012", "syksy 2013"]):
            iid = ws.add_import(
                {
                    "kind": "partners",
                    "source_name": f"harva-{r}.csv",
                    "sha256": f"{r + 7:064d}",
                    "size": 1,
                    "round": rnd,
                    "scope": f"partners;round={rnd}",
                    "rows_read": len(orgs),
                    "rows_stored": len(orgs),
                    "rows_rejected": 0,
                }
            )
            ties = [
                (o, o2, 2.0, 2.0, float(1 + (i + r) % 4), 3.0)
                for i, o in enumerate(orgs)
                for o2 in orgs
                if o2 != o and not (o2 == "Harva ry" and i >= 2)
            ]
            ws.store_partner_round(
                iid,
                rnd,
                text,
                _responding(orgs),
                pd.DataFrame(columns=STATEMENT_COLUMNS[1:]),
                pd.DataFrame(ties, columns=TIE_COLUMNS[1:]),
            )


class _Tables(HTMLParser):
    """Tables of a report: (caption, headers, rows of cell texts)."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._cap = self._cell = self._row = None
        self._head: list[str] = []
        self._rows: list[list[str]] = []
        self._in_table = False
        self._sup = False

    def handle_starttag(self, tag, attrs):
        if tag == "sup":
            self._sup = True
        elif tag == "figcaption":
            self._cap = []
        elif tag == "table":
            self._in_table, self._head, self._rows = True, [], []
        elif tag == "tr" and self._in_table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "sup":
            self._sup = False
        elif tag == "figcaption" and self._cap is not None:
            self.caption, self._cap = "".join(self._cap).strip(), None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._head:
                self._rows.append(self._row)
            else:
                self._head = self._row
            self._row = None
        elif tag == "table":
            self.tables.append((self.caption, self._head, self._rows))
            self._in_table = False

    def handle_data(self, data):
        if self._sup:  # the footnote mark of a withheld cell
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._cap is not None:
            self._cap.append(data)


def html_tables(path: Path) -> list[tuple[str, list[str], list[list[str]]]]:
    p = _Tables()
    p.feed(visible(html(path)))
    return p.tables


def xlsx_tables(path: Path) -> list[tuple[str, list[str], list[list]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    titles = [r[1] for r in list(wb.worksheets[0].iter_rows(values_only=True))[1:]]
    out = []
    for title, sheet in zip(titles, wb.worksheets[1:], strict=True):
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        out.append((title, [str(h) for h in rows[0]], rows[1:]))
    return out


def _value(cell) -> float | None:
    """A cell as a number (shares 0–1); None when withheld, empty or text."""
    if cell is None or cell == "–" or cell == "":
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    text = str(cell).replace("\u202f", "").replace("\u00a0", "").replace("\u2212", "-")
    pct = text.endswith("%")
    text = text.rstrip("%").replace(",", ".")
    try:
        v = float(text)
    except ValueError:
        return None
    return v / 100 if pct else v


# one check per kind of report table, in one place (complexity above 15 on purpose)
def small_cell_leaks(tables, min_n: int = 5) -> list[str]:  # noqa: C901
    """Every count of 1 … min_n − 1 clients a table shows (or lets one compute)."""
    leaks = []

    def bad(x) -> bool:
        return x is not None and 1 <= round(x) < min_n

    for title, head, rows in tables:
        col = {h: k for k, h in enumerate(head)}

        def get(row, name, col=col):
            return _value(row[col[name]]) if name in col else None

        total = re.search(r"\(n = (\d+)\)", title or "")
        n_title = int(total.group(1)) if total else None
        for row in rows:
            where = f"{title}: {row}"
            n = get(row, "n")
            if "Lukumäärä" in col:
                count = get(row, "Lukumäärä")
                if bad(count) or (
                    "Tavoitteet tukijaksolle" in title
                    and count is not None
                    and bad(n_title - count)
                ):
                    leaks.append(where)
            if "Täysin samaa mieltä" in col and n:
                for h in head[2:]:
                    share = get(row, h)
                    if share is not None and bad(share * n):
                        leaks.append(f"{where} [{h}]")
            for h in (
                "Parani luotettavasti",
                "Ei luotettavaa muutosta",
                "Heikkeni luotettavasti",
                "Jäi pois (n)",
            ):
                if bad(get(row, h)):
                    leaks.append(f"{where} [{h}]")
            share = get(row, "Parani luotettavasti, %")
            if share is not None and n and bad(share * n):
                leaks.append(f"{where} [improved %]")
            if "Ryhmittely" in col and bad(n):
                leaks.append(where)
            good = get(row, "Hyvä elämänlaatu (n)")
            if good is not None and (bad(good) or bad(n - good)):
                leaks.append(where)
            if (
                "Asiakkaat" in col
                and str(row[0]).startswith(("Vastasi vain", "Vastasi kaikkiin"))
                and bad(n)
            ):
                leaks.append(where)
            if "Saatu luottamus (1–4)" in col and "Harva ry" in (title or "") + str(row):
                if get(row, "Saatu luottamus (1–4)") is not None:
                    leaks.append(where)
    return leaks


def withheld_alone(tables, min_n: int = 5) -> list[str]:
    """Distributions with a shown total where a withheld cell could be recovered: a single
    withheld cell, or withheld cells holding fewer than min_n together."""
    found = []
    for title, head, rows in tables:
        total = re.search(r"\(n = (\d+)\)", title or "")
        if "Lukumäärä" in head and total and "Tavoitteet tukijaksolle" not in title:
            k = head.index("Lukumäärä")
            cells = [_value(r[k]) for r in rows]
            hidden = [r[k] for r in rows if r[k] == "–"]
            rest = int(total.group(1)) - sum(c for c in cells if c is not None)
            if hidden and (len(hidden) < 2 or rest < min_n):
                found.append(title)
    return found


@pytest.fixture(scope="module")
def small_reports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("small")
    ws_dir = build_small_cells(root)
    with Workspace.open(ws_dir) as ws:
        index = write_all_reports(ws, root / "out", progress=False)
    folder = index.parent
    return {
        "S50005": folder / "S50005.fi.html",
        "S60006": folder / "S60006.fi.html",
        "programme": folder / "programme.fi.html",
        "index": index,
        "ws": ws_dir,
    }


def test_small_cell_workspace_has_small_cells(small_reports):
    """The workspace really holds the small counts the other tests look for."""
    from evaltool.report.collect import collect

    with Workspace.open(small_reports["ws"]) as ws:
        data = collect(ws, "fi")
    bg = data.background[data.background["project"] == "S50005"]
    assert set(bg.loc[bg["count"] < 5, "field"]) >= {"gender", "education", "service_type"}
    whoqol = next(i for i in data.qol if i.name == "whoqol-bref")
    link = whoqol.outcomes["linkage"]
    assert (
        (link["project"] == "S50005") & (link["kind"] == "pattern") & link["n"].between(1, 4)
    ).any()
    paired = whoqol.outcomes["paired"]
    rci = paired.loc[paired["project"] == "S50005", ["improved", "unchanged", "deteriorated"]]
    assert ((rci >= 1) & (rci < 5)).any().any()
    eurohis = next(i for i in data.qol if i.name == "eurohis-qol-8").outcomes["eurohis"]
    assert (eurohis["n_good"] == 2).any()
    likert = next(i for i in data.experience).likert
    assert likert["count"].between(1, 4).any()


@pytest.mark.parametrize("which", ["S50005", "S60006", "programme"])
def test_no_small_cell_in_html_or_workbook(small_reports, which):
    path = small_reports[which]
    for tables in (html_tables(path), xlsx_tables(path.with_suffix(".xlsx"))):
        assert len(tables) > 5
        assert small_cell_leaks(tables) == []
        assert withheld_alone(tables) == []


def test_small_cells_are_dashed_with_the_footnote(small_reports):
    text = html(small_reports["S50005"])
    assert 'class="num dash">–<sup class="fn">a</sup>' in text
    assert "alle 5 vastaajaan tai sen avulla voisi päätellä tällaisen luvun" in text
    tables = {t[0]: t for t in html_tables(small_reports["S50005"])}
    gender = next(v for k, v in tables.items() if "Sukupuoli (n = 30)" in k)
    # 27 + 2 + 1: the small ones merged (3) are still too few, so 27 joins them: one row
    assert [r[:2] for r in gender[2]] == [["Muut / ei tietoa", "30"]]


def test_open_answers_need_min_n_clients_and_hide_identifiers(small_reports):
    text = visible(html(small_reports["S50005"]))
    assert "Hyvä ohjaus" not in text  # three clients answered: withheld
    assert "kysymykseen vastasi alle 5 asiakasta" in text
    assert "Huono puoli 1" in text
    assert "040 123 4567" not in text and "example.fi" not in text
    assert "Soittakaa […] tai […]" in text
    assert not re.search(r'<span class="count">\([1-4]\)</span>', text)


def test_trust_received_from_few_organisations_is_withheld(small_reports):
    tables = html_tables(small_reports["programme"])
    orgs = next(t for t in tables if "Saatu luottamus (1–4)" in t[1] and "Organisaatio" in t[1])
    k = orgs[1].index("Saatu luottamus (1–4)")
    harva = [r for r in orgs[2] if "Harva ry" in r]
    others = [r for r in orgs[2] if "Harva ry" not in r]
    assert harva and all(r[k] == "–" for r in harva)
    assert all(r[k] not in ("", "–") for r in others)


def test_protect_withholds_a_complement():
    from evaltool.report.privacy import protect, protect_binary

    assert protect([27, 2, 1], 5).tolist() == [True, True, True]
    assert protect([19, 28, 1, 0], 5).tolist() == [True, False, True, False]
    assert protect([10, 13, 1], 5, priority=[2, 0, 1]).tolist() == [False, True, True]
    assert protect([12, 0, 30], 5).tolist() == [False, False, False]
    assert protect([3, 30, 1, 30], 5, groups=[0, 0, 1, 1]).tolist() == [True, True, True, True]
    assert protect([3, 30], 5, complementary=False).tolist() == [True, False]
    assert protect_binary([2, 10, 28, 0], [30, 30, 30, 30], 5).tolist() == [
        True,
        False,
        True,
        False,
    ]


def test_mask_identifiers():
    from evaltool.report.privacy import mask_identifiers

    assert mask_identifiers("Soita 040 123 4567!") == "Soita […]!"
    assert mask_identifiers("+358 40 1234567 tai 09-123 4567") == "[…] tai […]"
    assert mask_identifiers("posti: a.b@esim.fi.") == "posti: […]."
    assert mask_identifiers("hetu 010190-123A ok") == "hetu […] ok"
    assert mask_identifiers("katso www.esimerkki.fi") == "katso […]"
    assert (
        mask_identifiers("Jakso kesti 3 kk ja 2 viikkoa, 40 h.")
        == "Jakso kesti 3 kk ja 2 viikkoa, 40 h."
    )


# ------------------------------------------------------------------ reading responses


def test_report_reader_equals_the_workspace_reader(ws_path, tmp_path, monkeypatch):
    """The reports' read of the stored responses (packed answers, detail columns for some
    projects) gives the plain read's rows and answers, also when a stored answer is not a
    whole number on the scale (then it reads the plain way)."""
    import shutil

    from evaltool.report.collect import _RESPONSE_COLUMNS
    from evaltool.store import responses

    copy = tmp_path / "ws"
    shutil.copytree(ws_path, copy)

    def plain(ws, name):
        with monkeypatch.context() as unpacked:
            unpacked.setattr(responses, "packing", lambda *scale: None)
            return ws.responses(name)

    with Workspace.open(copy) as ws:
        for bend in (False, True):
            if bend:
                _store_bent_answers(ws)
            for name in ws.instrument_names():
                meta, values = ws.responses(name, columns=_RESPONSE_COLUMNS)
                want_meta, want = plain(ws, name)
                assert np.array_equal(values, want, equal_nan=True), name
                for col in (
                    "id",
                    "project",
                    "wave",
                    "respondent",
                    "discarded",
                    "incomplete",
                    "missing",
                    "date",
                ):
                    assert meta[col].tolist() == want_meta[col].tolist(), (name, col)
                part, _ = ws.responses(name, columns=_RESPONSE_COLUMNS, detail_projects=["S10246"])
                assert part["missing"].notna().sum() == (want_meta["project"] == "S10246").sum()
                if bend and name == "whoqol-bref":
                    assert 3.5 in values and 9 in values


def _store_bent_answers(ws: Workspace) -> None:
    """Two WHOQOL-BREF responses the packing cannot hold: q5 = 3.5 and q6 = 9."""
    inst = ws.load_instrument("whoqol-bref")
    values = np.full((2, len(inst.item_codes)), 3.0)
    values[0, inst.item_codes.index("q5")] = 3.5
    values[1, inst.item_codes.index("q6")] = 9
    ids = ["B1", "B2"]
    frame = pd.DataFrame(
        {
            "project": "S10246",
            "wave": 9,
            "source_id": ids,
            "respondent": ws.pseudonyms(["S10246"] * 2, ids),
            "date": "2024-03-16",
            "source_row": [2, 3],
            "n_missing": 0,
            "discarded": False,
            "incomplete": False,
            "missing": "." * len(inst.item_codes),
        }
    )
    with ws.transaction():
        iid = ws.add_import(
            {
                "kind": "clients",
                "source_name": "bent.csv",
                "sha256": "b" * 64,
                "size": 1,
                "instrument": inst.name,
                "rule": inst.default_rule,
                "scope": "bent",
                "rows_read": 2,
                "rows_stored": 2,
                "rows_rejected": 0,
            }
        )
        ws.store_responses(iid, inst, ws.ensure_instrument(inst), frame, values)

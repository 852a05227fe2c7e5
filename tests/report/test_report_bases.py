"""Every figure names its basis and the counts agree: the service-experience chapter says it
rests on each client's latest answer, the methods chapter counts what the tables show as
scored, the summary says when the headline change is uncertain or below the programme,
McNemar's test stands beside the shares it tests, and reliable improvement names its n.

Two workspaces: the report tests' workspace (:func:`test_report.build_workspace`) and one
built here, with three projects answering EUROHIS-QOL 8 at two waves (one project without
change, few clients and below the programme), WHOQOL-BREF responses with a domain left
unscored, and the KEVÄT client survey answered at both waves by one project.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_report import EPOCH, build_workspace, html, html_tables, visible

from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.report import write_programme_report, write_project_report
from evaltool.report.collect import collect
from evaltool.report.i18n import fmt_int, fmt_num, fmt_p_text, fmt_pct, t
from evaltool.store.workspace import Workspace

#: Project → (clients, change in the items' level from wave 1 to wave 2).
CHANGE = {"Alfa": (40, 1.0), "Beeta": (40, 1.0), "Gamma": (20, 0.0)}
#: Alfa's wave-1 responses with two EUROHIS items missing: no index.
NO_INDEX = 3
#: Alfa's WHOQOL-BREF responses (wave 1) with two of the three social items missing.
NO_SOCIAL = 4


def paragraphs(text: str) -> list[str]:
    """The report's paragraphs as plain text (tags removed, spaces folded)."""
    out = []
    for p in re.findall(r"<p\b[^>]*>(.*?)</p>", visible(text), re.S):
        plain = re.sub(r"<[^>]+>", "", p).replace("&lt;", "<").replace("&gt;", ">")
        out.append(re.sub(r"[ \t\r\n]+", " ", plain.replace("&amp;", "&")).strip())
    return out


def chapter(text: str, heading: str) -> str:
    """The HTML of the chapter whose <h2> ends with ``heading``."""
    parts = re.split(r"(?=<h2\b)", text)
    for part in parts:
        m = re.match(r"<h2\b[^>]*>(.*?)</h2>", part, re.S)
        if m and re.sub(r"<[^>]+>|\d", "", m.group(1)).strip() == heading:
            return part
    raise AssertionError(f"no chapter {heading!r}")


def table(path: Path, title_part: str) -> tuple[list[str], list[list[str]]]:
    """The one table whose caption contains ``title_part``: headers and rows, the blank
    cells of the first two columns (shown once per run of equal rows) filled from above."""
    found = [(h, r) for title, h, r in html_tables(path) if title_part in title]
    assert len(found) == 1, (title_part, [t for t, _, _ in html_tables(path)])
    headers, rows = found[0]
    filled, last = [], [""] * len(headers)
    for row in rows:
        row = [c if c != "" or k > 1 else last[k] for k, c in enumerate(row)]
        last = row
        filled.append(row)
    return headers, filled


def number(cell: str) -> int:
    return int(cell.replace("\u202f", "").replace("\u00a0", ""))


# ------------------------------------------------------------------ workspaces


def _level(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.normal(0, 0.7, n)


def _answers(rng, level: np.ndarray, shift: float, k: int) -> np.ndarray:
    raw = 2.7 + level[:, None] + shift + rng.normal(0, 0.5, (len(level), k))
    return np.clip(np.rint(raw), 1, 5).astype(float)


def build_bases_workspace(root: Path, seed: int = 11) -> Path:
    """Three projects, EUROHIS-QOL 8 at waves 1 and 2 (Gamma without change), WHOQOL-BREF
    for Alfa and Beeta (Alfa with unscored social domains) and the KEVÄT survey of Gamma
    at both waves (latest answers from two waves)."""
    rng = np.random.default_rng(seed)
    ws_dir = root / "ws"
    ws = Workspace.init(ws_dir)
    data = root / "data"
    data.mkdir()

    def write(frame: pd.DataFrame, name: str, **options) -> None:
        f = data / f"{name}.csv"
        frame.to_csv(f, index=False, sep=";")
        import_clients(ws, [f], ClientImportOptions(**options))

    for p, (project, (n, shift)) in enumerate(CHANGE.items()):
        level = _level(rng, n)
        ids = [f"{project}-{i:03d}" for i in range(n)]
        for wave in (1, 2):
            vals = _answers(rng, level, shift * (wave - 1), 8)
            if project == "Alfa" and wave == 1:
                vals[:NO_INDEX, :2] = np.nan
            frame = pd.DataFrame(vals, columns=[f"q{i}" for i in range(1, 9)]).astype("Int64")
            frame.insert(0, "id", ids)
            frame["pvm"] = f"{wave + 2}.{p + 2}.2024"
            write(
                frame,
                f"{project}-eurohis-{wave}",
                instrument="eurohis-qol-8",
                project=project,
                wave=wave,
            )
            if project != "Gamma":
                who = _answers(rng, level, shift * (wave - 1), 26)
                if project == "Alfa" and wave == 1:
                    who[:NO_SOCIAL, [19, 20]] = np.nan  # q20, q21: 1 of 3 social items left
                frame = pd.DataFrame(who, columns=[f"q{i}" for i in range(1, 27)]).astype("Int64")
                frame.insert(0, "id", ids)
                write(frame, f"{project}-whoqol-{wave}", project=project, wave=wave)
        if project == "Gamma":  # KEVÄT at both waves; 15 of the 20 answer again at wave 2
            for wave, who in ((1, ids), (2, ids[:15])):
                lik = _answers(rng, level[: len(who)], 0.5, 16)
                cols = [f"p{i}" for i in range(1, 9)] + [f"e{i}" for i in range(1, 9)]
                frame = pd.DataFrame(lik, columns=cols).astype("Int64")
                frame.insert(0, "id", who)
                write(
                    frame,
                    f"gamma-kevat-{wave}",
                    instrument="kevat-client",
                    project=project,
                    wave=wave,
                )
    ws.close()
    return ws_dir


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict:
    """The workspace built here, its report data and the fi reports of Alfa, Gamma and the
    programme."""
    root = tmp_path_factory.mktemp("bases")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)  # before the workspace: its import times too
        ws = Workspace.open(build_bases_workspace(root))
        out = root / "out"
        paths = {p: write_project_report(ws, p, out) for p in ("Alfa", "Gamma")}
        paths["programme"] = write_programme_report(ws, out)
        paths["data"] = collect(ws, "fi")
        ws.close()
    return paths


@pytest.fixture(scope="module")
def kevat(tmp_path_factory) -> dict:
    """The report tests' workspace: S10246's fi report and the report data."""
    root = tmp_path_factory.mktemp("kevat")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        ws = Workspace.open(build_workspace(root))
        paths = {
            "fi": write_project_report(ws, "S10246", root / "out"),
            "sv": write_project_report(ws, "S10246", root / "out", "sv"),
            "programme": write_programme_report(ws, root / "out"),
            "data": collect(ws, "fi"),
        }
        ws.close()
    return paths


def instrument(data, name: str):
    return next(i for i in data.instruments if i.name == name)


# ------------------------------------------------------------------ service experience


def test_the_experience_chapter_says_it_uses_each_clients_latest_answer(kevat):
    text = chapter(html(kevat["fi"]), "Kokemukset palvelusta")
    n_clients = 32  # S10246's clients, all answering the KEVÄT survey at wave 3
    sentence = t("experience_basis_one", "fi", n=n_clients, wave="3.")
    assert sentence in paragraphs(text)
    # every rating item rests on those clients at most
    headers, rows = table(kevat["fi"], "Osallistuminen ja ohjaus")
    assert max(number(r[headers.index("n")]) for r in rows) == n_clients
    sv = chapter(html(kevat["sv"]), "Erfarenheter av tjänsten")
    assert "Siffrorna bygger på varje klients senaste svar" in sv
    programme = chapter(html(kevat["programme"]), "Kokemukset palvelusta")
    assert t("experience_basis_one", "fi", n=62, wave="3.") in paragraphs(programme)


def test_latest_answers_from_two_waves_are_said_to_mix_completers_and_dropouts(bases):
    text = chapter(html(bases["Gamma"]), "Kokemukset palvelusta")
    sentence = t("experience_basis_waves", "fi", n=20, waves="1. ja 2.")
    assert sentence in paragraphs(text)
    # 20 clients, each counted once (15 of them answered twice): the items' n is 20
    headers, rows = table(bases["Gamma"], "Osallistuminen ja ohjaus")
    assert {number(r[headers.index("n")]) for r in rows} == {20}
    latest = instrument(bases["data"], "kevat-client").latest
    gamma = latest[latest["project"] == "Gamma"].set_index("wave")["clients"].to_dict()
    assert gamma == {1: 5, 2: 15}


# ------------------------------------------------------------------ counts agree


def _means_n(path: Path, title: str) -> dict[tuple[str, str], int]:
    headers, rows = table(path, f"{title}: Keskiarvot mittauskerroittain")
    d, w, n = (headers.index(h) for h in ("Osa-alue", "Mittaus", "n"))
    return {(r[d], r[w]): number(r[n]) for r in rows}


def test_eurohis_responses_without_an_index_are_not_counted_as_scored(bases):
    headers, flow = table(bases["Alfa"], "EUROHIS-QOL: Mittauskerrat")
    col = {h: headers.index(h) for h in headers}
    means = _means_n(bases["Alfa"], "EUROHIS-QOL")
    scored = {r[col["Mittaus"]]: number(r[col["Pisteytetty"]]) for r in flow}
    assert scored == {w: n for (_, w), n in means.items()}
    assert scored["1. mittaus"] == CHANGE["Alfa"][0] - NO_INDEX
    not_scored = {r[col["Mittaus"]]: number(r[col["Hylätty puuttuvien vuoksi"]]) for r in flow}
    assert not_scored == {"1. mittaus": NO_INDEX, "2. mittaus": 0}
    stored, total = 2 * CHANGE["Alfa"][0], sum(means.values())
    sentence = t(
        "s_flow", "fi", stored=stored, scored=fmt_int(total, "fi"), discarded=stored - total
    )
    assert sentence in " ".join(paragraphs(html(bases["Alfa"])))
    assert f"Tallennettuja vastauksia oli {stored}, ja kaikki pisteytettiin" not in html(
        bases["Alfa"]
    )


def test_the_methods_chapter_counts_what_each_domain_scored(bases):
    means = _means_n(bases["Alfa"], "WHOQOL-BREF-elämänlaatumittari")
    per_domain: dict[str, int] = {}
    for (domain, _), n in means.items():
        per_domain[domain] = per_domain.get(domain, 0) + n
    n_all = 2 * CHANGE["Alfa"][0]
    assert per_domain["Sosiaalinen"] == n_all - NO_SOCIAL
    assert {d: n for d, n in per_domain.items() if d != "Sosiaalinen"} == {
        "Fyysinen": n_all,
        "Psyykkinen": n_all,
        "Ympäristö": n_all,
    }
    listed = ", ".join(f"{d.lower()} {n}" for d, n in per_domain.items())
    text = " ".join(paragraphs(html(bases["Alfa"])))
    assert t("s_flow_domains", "fi", domains=listed) in text
    # a response scored in three domains of four is a scored response
    headers, flow = table(bases["Alfa"], "WHOQOL-BREF-elämänlaatumittari: Mittauskerrat")
    assert sum(number(r[headers.index("Pisteytetty")]) for r in flow) == n_all


def test_whoqol_counts_agree_in_the_report_tests_workspace(kevat):
    means = _means_n(kevat["fi"], "WHOQOL-BREF-elämänlaatumittari")
    headers, flow = table(kevat["fi"], "WHOQOL-BREF-elämänlaatumittari: Mittauskerrat")
    scored = {r[0]: number(r[headers.index("Pisteytetty")]) for r in flow}
    for (_, wave), n in means.items():
        assert n == scored[wave]
    sentence = t("s_flow_all", "fi", stored=sum(scored.values()))
    assert sentence in " ".join(paragraphs(html(kevat["fi"])))


# ------------------------------------------------------------------ the summary


def _summary(path: Path) -> str:
    return " ".join(paragraphs(chapter(html(path), "Yhteenveto")))


def test_an_uncertain_headline_change_says_so(bases):
    data = bases["data"]
    paired = instrument(data, "eurohis-qol-8").outcomes["paired"]
    row = paired[paired["project"] == "Gamma"].iloc[0]
    assert row["ci_low"] <= 0 <= row["ci_high"] and row["n"] < 30  # the data do hold it
    gamma = _summary(bases["Gamma"])
    assert t("s_ci_includes_zero", "fi") in gamma
    assert t("s_few_clients", "fi", n=fmt_int(row["n"], "fi")) in gamma
    # a clear change on 40 clients is not called uncertain
    alfa = _summary(bases["Alfa"])
    assert t("s_ci_includes_zero", "fi") not in alfa
    assert "Tulos perustuu vain" not in alfa


def test_a_project_significantly_below_the_programme_is_in_the_summary(bases):
    bench = instrument(bases["data"], "eurohis-qol-8").outcomes["benchmark"]
    row = bench[bench["project"] == "Gamma"].iloc[0]
    assert row["effect"] < 0 and row["effect_p"] < 0.05
    words = t(
        "s_below_programme_one",
        "fi",
        instrument="EUROHIS-QOL",
        domain="elämänlaatuindeksi",
        effect=fmt_num(row["effect"], "fi", 1, sign=True),
        p=fmt_p_text(row["effect_p"], "fi"),
    )
    assert words in _summary(bases["Gamma"])
    assert "tilastollisesti merkitsevästi pienempi kuin ohjelmassa" not in _summary(bases["Alfa"])


# ------------------------------------------------------------------ McNemar and RCI


def test_mcnemar_stands_next_to_the_shares_it_tests(bases):
    eurohis = instrument(bases["data"], "eurohis-qol-8").outcomes["eurohis"]
    change = eurohis[(eurohis["project"] == "Alfa") & (eurohis["kind"] == "change")].iloc[0]
    assert not change["suppressed"]
    sentence = t(
        "s_mcnemar", "fi", a=1, b=2, n=fmt_int(change["n"], "fi"), p=fmt_p_text(change["p"], "fi")
    )
    text = visible(html(bases["Alfa"]))
    section = text[text.index("EUROHIS-QOL: Hyvä elämänlaatu</h3>") :]
    section = section[: section.index("<h3")] if "<h3" in section else section
    # the per-wave shares' table, then the test of their change in the same clients
    assert section.index("<table") < section.index("McNemarin testillä")
    assert sentence in paragraphs(section)
    shares = table(bases["Alfa"], "EUROHIS-QOL: Hyvä elämänlaatu")[1]
    assert [r[0] for r in shares] == ["1. mittaus", "2. mittaus"]


def test_reliable_improvement_names_the_clients_it_rests_on(kevat):
    paired = instrument(kevat["data"], "whoqol-bref").outcomes["paired"]
    ok = paired[(paired["project"] == "S10246") & ~paired["suppressed"].astype(bool)]
    row = ok.iloc[ok["dz"].abs().to_numpy().argmax()]
    sentence = t(
        "s_improved",
        "fi",
        improved=fmt_pct(row["improved_share"], "fi"),
        n=fmt_int(row["n"], "fi"),
    )
    assert sentence in _summary(kevat["fi"])
    # the same n as the reliable-change table's row of that domain
    headers, rows = table(kevat["fi"], "WHOQOL-BREF-elämänlaatumittari: Luotettava muutos")
    name = instrument(kevat["data"], "whoqol-bref").domain_label(row["domain"], "fi")
    mine = next(r for r in rows if r[0] == name)
    assert number(mine[headers.index("n")]) == int(row["n"])
    section = chapter(html(kevat["fi"]), "Elämänlaatu")
    assert t("s_rci_basis", "fi", a=1, b=3) in paragraphs(section)

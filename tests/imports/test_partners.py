"""Partner survey rounds through the workspace: import, re-import, errors, cooperation tables."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from indicators.test_cooperation import R_DIR, make_exports

from evaltool.cli import main
from evaltool.errors import ImportFailed
from evaltool.imports.partners import import_partners, partner_data
from evaltool.indicators import cooperation
from evaltool.indicators.workspace_tables import workspace_cooperation
from evaltool.store.workspace import Workspace


@pytest.fixture(scope="module")
def survey():
    return cooperation.load_partner_survey()


@pytest.fixture(scope="module")
def r_data():
    return (
        pd.read_csv(R_DIR / "cooperation_ties.csv"),
        pd.read_csv(R_DIR / "cooperation_orgs.csv"),
        pd.read_csv(R_DIR / "cooperation_statements.csv"),
    )


@pytest.fixture()
def files(tmp_path, r_data, survey):
    """Round 1 as an xlsx roster-matrix export, round 2 as a tie list, with rosters."""
    out = {}
    for rnd in (1, 2):
        matrix, tie_list, roster, sectors = make_exports(r_data, survey, rnd)
        matrix.to_excel(tmp_path / f"matrix_{rnd}.xlsx", index=False)
        tie_list.to_csv(tmp_path / f"ties_{rnd}.csv", index=False, sep=";")
        pd.DataFrame({"org": roster, "sector": [sectors.get(o, "") for o in roster]}).to_csv(
            tmp_path / f"roster_{rnd}.csv", index=False
        )
        out[rnd] = (
            tmp_path / f"matrix_{rnd}.xlsx",
            tmp_path / f"ties_{rnd}.csv",
            tmp_path / f"roster_{rnd}.csv",
        )
    return out


def test_import_both_shapes_and_match_library(tmp_path, files, r_data, survey):
    ws = Workspace.init(tmp_path / "ws")
    r1 = import_partners(ws, files[1][0], "syksy 2012", roster=files[1][2])
    r2 = import_partners(ws, files[2][1], "syksy 2013", roster=files[2][2])
    assert (r1.shape, r2.shape) == ("roster_matrix", "tie_list")
    stored = partner_data(ws)
    assert stored.rounds == ["syksy 2012", "syksy 2013"]
    # The stored network equals the network computed from the R test tables directly.
    ties, orgs, statements = r_data
    want = cooperation.network_table(ties, orgs).drop(columns="round").reset_index(drop=True)
    got = workspace_cooperation(ws, min_n=3)["networks"]
    pd.testing.assert_frame_equal(got.drop(columns="round"), want, check_dtype=False)
    # Statements came with the matrix export of round 1 only (a tie list has none).
    assert set(stored.statements["round"]) == {"syksy 2012"}
    n1 = len(statements[statements["round"] == 1].dropna(subset=["value"]))
    assert len(stored.statements.dropna(subset=["value"])) == n1


def test_reimport_is_noop_and_replace_replaces(tmp_path, files):
    ws = Workspace.init(tmp_path / "ws")
    first = import_partners(ws, files[1][1], "R1", roster=files[1][2])
    again = import_partners(ws, files[1][1], "R1", roster=files[1][2])
    assert again.status == "unchanged" and again.import_id == first.import_id
    n_ties = ws.row_counts(["partner_ties"])["partner_ties"]
    replaced = import_partners(ws, files[1][1], "R1", roster=files[1][2], replace=True)
    assert replaced.status == "replaced"
    assert ws.row_counts(["partner_ties", "imports"]) == {"partner_ties": n_ties, "imports": 1}


def test_bad_label_stops_import_and_changes_nothing(tmp_path, files):
    ws = Workspace.init(tmp_path / "ws")
    bad = pd.read_csv(files[1][1], sep=";", dtype=str, keep_default_na=False)
    level_col = [c for c in bad.columns if c.casefold().startswith("yhteistyön taso")][0]
    bad.loc[3, level_col] = "aivan mahtava"
    bad_path = tmp_path / "bad.csv"
    bad.to_csv(bad_path, sep=";", index=False)
    db = tmp_path / "ws" / "evaltool.sqlite"
    ws.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    ws = Workspace.open(tmp_path / "ws")
    with pytest.raises(ImportFailed) as err:
        import_partners(ws, bad_path, "R1")
    ws.close()
    issues = err.value.report.errors
    assert issues and issues[0].file == "bad.csv"
    assert any("aivan mahtava" in (i.value or i.message) for i in issues)
    assert [i.row for i in issues if i.value == "aivan mahtava"] == [5]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_cli_cooperation_json_keys_and_compare(tmp_path, files):
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    assert runner.invoke(main, ["init", ws]).exit_code == 0
    for rnd, label in ((1, "syksy 2012"), (2, "syksy 2013")):
        res = runner.invoke(
            main,
            [
                "import",
                "partners",
                str(files[rnd][0]),
                "-w",
                ws,
                "--round",
                label,
                "--orgs",
                str(files[rnd][2]),
            ],
        )
        assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["cooperation", "-w", ws, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {"networks", "organisations", "indices", "comparison"} <= set(data)
    assert data["comparison"][0]["round1"] == "syksy 2012"
    assert [r["round"] for r in data["networks"]] == ["syksy 2012", "syksy 2013"]
    res = runner.invoke(main, ["cooperation", "-w", ws, "--compare", "syksy 2013", "nope"])
    assert res.exit_code == 2 and "nope" in res.output
    res = runner.invoke(main, ["cooperation", "-w", str(tmp_path / "empty")])
    assert res.exit_code == 2 and "not an evaltool workspace" in res.output


def test_index_suppression_uses_workspace_min_n(tmp_path, files):
    ws = Workspace.init(tmp_path / "ws")
    import_partners(ws, files[1][0], "R1", roster=files[1][2])
    ws.set_setting("min_n", "50")
    idx = workspace_cooperation(ws)["indices"]
    assert idx["suppressed"].all()
    assert idx[["mean", "sd", "ci_low", "ci_high"]].isna().all().all()


def test_tie_list_with_finnish_headers(tmp_path, files):
    frame = pd.read_csv(files[1][1], sep=";", dtype=str, keep_default_na=False)
    frame = frame.rename(
        columns={"respondent_org": "Vastaajaorganisaatio", "partner_org": "Kumppani"}
    )
    path = tmp_path / "suhteet.csv"
    frame.to_csv(path, sep=";", index=False)
    ws = Workspace.init(tmp_path / "ws")
    fi = import_partners(ws, path, "R1", roster=files[1][2])
    ws2 = Workspace.init(tmp_path / "ws2")
    en = import_partners(ws2, files[1][1], "R1", roster=files[1][2])
    assert fi.shape == "tie_list" and (fi.n_ties, fi.n_orgs) == (en.n_ties, en.n_orgs)
    pd.testing.assert_frame_equal(partner_data(ws).ties, partner_data(ws2).ties)


def test_hard_case_rounds_through_the_workspace(tmp_path):
    """Tie lists with a self-tie, a pair rated twice, a partner-only organisation and a round
    without any tie import cleanly and give the networks R igraph computes
    (tests/r/cooperation.R, "edge")."""
    ties = pd.read_csv(R_DIR / "cooperation_edge_ties.csv")
    orgs = pd.read_csv(R_DIR / "cooperation_edge_orgs.csv")
    expected = json.loads((R_DIR / "cooperation_expected.json").read_text(encoding="utf-8"))
    ws = Workspace.init(tmp_path / "ws")
    for rnd in (1, 2, 3):
        t = ties[ties["round"] == rnd].drop(columns="round")
        o = orgs[orgs["round"] == rnd]
        # respondents who named nobody (round 2 has no ties at all) are rows without partner
        silent = o.loc[o["responded"] & ~o["org"].isin(t["respondent_org"]), "org"]
        t = pd.concat([t, pd.DataFrame({"respondent_org": silent, "partner_org": ""})])
        t.to_csv(tmp_path / f"ties_{rnd}.csv", sep=";", index=False)
        o[["org", "sector"]].to_csv(tmp_path / f"roster_{rnd}.csv", index=False)
        res = import_partners(
            ws, tmp_path / f"ties_{rnd}.csv", str(rnd), roster=tmp_path / f"roster_{rnd}.csv"
        )
        assert res.shape == "tie_list" and res.status == "imported"
    tables = workspace_cooperation(ws, compare=("2", "3"))
    net = tables["networks"].set_index("round")
    fields = [f for f in expected["edge"]["network"][0] if f not in ("round", "min_level")]
    for row in expected["edge"]["network"]:
        got = net.loc[str(row["round"])]
        for f in fields:
            want = float("nan") if row[f] is None else row[f]
            assert got[f] == pytest.approx(want, abs=1e-10, nan_ok=True), (row["round"], f)
    org = tables["organisations"].set_index(["round", "org"])
    assert not org.loc[("1", "P"), "responded"] and org.loc[("1", "P"), "in_degree"] == 1
    turnover = tables["compare_ties"].set_index("basis")
    assert turnover.loc["all", "new"] == 2 and pd.isna(turnover.loc["respondents_both", "jaccard"])


def test_tie_list_row_shifted_by_an_unquoted_delimiter_is_an_error(tmp_path, files):
    text = files[1][1].read_text(encoding="utf-8").splitlines()
    header = text[0].split(";")
    fields = text[2].split(";")
    fields[0] = fields[0] + "; ry"  # an organisation name holding the delimiter, unquoted
    text[2] = ";".join(fields)
    path = tmp_path / "siirtynyt.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert len(text[2].split(";")) == len(header) + 1
    ws = Workspace.init(tmp_path / "ws")
    with pytest.raises(ImportFailed) as err:
        import_partners(ws, path, "R1")
    issue = err.value.report.errors[0]
    assert issue.code == "row-misaligned" and issue.row == 3 and issue.file == "siirtynyt.csv"
    assert ws.imports().empty


def test_bad_answer_in_a_matrix_export_names_its_row(tmp_path, files):
    frame = pd.read_excel(files[1][0], dtype=str, engine="calamine").fillna("")
    level_col = next(c for c in frame.columns if c.casefold().startswith("yhteistyön taso"))
    frame.loc[2, level_col] = "loistava"
    path = tmp_path / "matriisi.xlsx"
    frame.to_excel(path, index=False)
    ws = Workspace.init(tmp_path / "ws")
    with pytest.raises(ImportFailed) as err:
        import_partners(ws, path, "R1")
    bad = [i for i in err.value.report.errors if i.value == "loistava"]
    assert len(bad) == 1 and bad[0].row == 4 and bad[0].header == level_col


def test_roster_sector_codes_of_the_built_in_survey_are_kept(tmp_path):
    """A roster may give the sector as a code (state, education, health, ngo, housing,
    business): each is one of the survey's sectors, not an unknown one."""
    from evaltool.store.workspace import Workspace

    ties = tmp_path / "ties.csv"
    ties.write_text(
        "respondent_org,partner_org,contact_frequency,collaboration_level,trust,value\n"
        "A,B,3,4,3,3\nB,A,2,3,3,4\nC,A,1,2,2,2\n",
        encoding="utf-8",
    )
    roster = tmp_path / "roster.csv"
    codes = {"A": "ngo", "B": "state", "C": "housing"}
    roster.write_text(
        "org,sector\n" + "".join(f"{o},{c}\n" for o, c in codes.items()), encoding="utf-8"
    )
    ws_dir = tmp_path / "ws"
    Workspace.init(ws_dir).close()
    result = CliRunner().invoke(
        main, ["import", "partners", str(ties), "-w", str(ws_dir), "--round", "syksy 2024",
               "--orgs", str(roster)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "unknown sector" not in result.output
    with Workspace.open(ws_dir) as ws:
        orgs = ws.partner_tables(["syksy 2024"]).orgs
    assert dict(zip(orgs["org"], orgs["sector"], strict=True)) == codes

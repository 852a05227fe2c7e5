"""What the command line prints and writes is safe: output paths are checked before an import
starts, data cannot put escape sequences on the terminal, personal data in answers and file
names is masked, stored warnings hold no source ids, the workspace is private to its owner,
and partner files that cannot be read give a message with a real option."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pandas as pd
import pytest

from evaltool.cli import main
from evaltool.store.workspace import DB_NAME

ITEMS = [f"q{i}" for i in range(1, 27)]
TIES = "respondent_org;partner_org;contact_frequency;collaboration_level;trust;value\n"


def _answers(whoqol_answers, n=6, ids=None) -> pd.DataFrame:
    frame = whoqol_answers(n)
    if ids is not None:
        frame["id"] = ids
    return frame


def _import(runner, ws_dir, path, *extra):
    return runner.invoke(
        main,
        ["import", "clients", str(path), "-w", str(ws_dir), "--project", "Polku", "--wave", "1"]
        + list(extra),
    )


@pytest.mark.parametrize(
    "target", ["missing-folder/report.json", "a-folder", "x" * 300 + ".json"], ids=str
)
def test_report_json_that_cannot_be_written_fails_before_the_import(
    runner, ws_dir, tmp_path, whoqol_answers, db_digest, target
):
    path = tmp_path / "w1.csv"
    _answers(whoqol_answers).to_csv(path, index=False, sep=";")
    (tmp_path / "a-folder").mkdir()
    before = db_digest(ws_dir)
    result = _import(runner, ws_dir, path, "--report-json", str(tmp_path / target))
    assert result.exit_code == 2, result.output
    assert "--report-json" in result.output and "Traceback" not in result.output
    assert db_digest(ws_dir) == before  # nothing was imported


@pytest.mark.parametrize(
    "args",
    [
        ["scores", "-o", "{missing}/s.csv"],
        ["imports", "-o", "{missing}/i.csv"],
        ["template", "whoqol-bref", "-o", "{missing}/t.xlsx"],
    ],
    ids=lambda a: a[0],
)
def test_unwritable_output_is_exit_2(runner, ws_dir, tmp_path, args):
    argv = [a.replace("{missing}", str(tmp_path / "nope")) for a in args]
    if argv[0] != "template":
        argv += ["-w", str(ws_dir)]
    result = runner.invoke(main, argv)
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("below", ["a-file", "a-file/sub"])
def test_a_report_folder_that_cannot_be_made_is_exit_2(runner, ws_dir, tmp_path, below):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(
        main, ["report", "--programme", "-w", str(ws_dir), "-o", str(tmp_path / below)]
    )
    assert result.exit_code == 2, result.output
    assert "a-file" in result.output and "Traceback" not in result.output
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder"


def test_escape_sequences_in_data_are_escaped_on_the_terminal(
    runner, ws_dir, tmp_path, whoqol_answers
):
    path = tmp_path / "w1.csv"
    _answers(whoqol_answers).to_csv(path, index=False, sep=";")
    evil = "Polku\x1b]0;pwned\x07"
    result = runner.invoke(
        main,
        ["import", "clients", str(path), "-w", str(ws_dir), "--project", evil, "--wave", "1"],
    )
    assert result.exit_code == 0, result.output
    scores = runner.invoke(main, ["scores", "-w", str(ws_dir)])
    assert "\x1b" not in scores.output and "\\x1b]0;pwned\\x07" in scores.output
    for argv in (["scores"], ["imports", "--format", "csv"], ["scores", "--format", "csv"]):
        shown = runner.invoke(main, [*argv, "-w", str(ws_dir)])
        assert shown.exit_code == 0, shown.output
        assert "\x1b" not in shown.output and "\x07" not in shown.output, argv


def test_inspect_and_write_mapping_mask_personal_data(runner, tmp_path, whoqol_answers):
    frame = _answers(whoqol_answers)
    frame["Palaute"] = ["soita 040-1234567", "matti@example.fi", "131052-308T", "ok", "", ""]
    path = tmp_path / "w1.csv"
    frame.to_csv(path, index=False, sep=";")
    mapping = tmp_path / "map.toml"
    for fmt in ("table", "json"):
        result = runner.invoke(
            main, ["inspect", str(path), "--format", fmt, "--write-mapping", str(mapping)]
        )
        assert result.exit_code == 0, result.output
        for secret in ("040-1234567", "matti@example.fi", "131052-308T"):
            assert secret not in result.output
            assert secret not in mapping.read_text(encoding="utf-8")
    assert "<e-mail>" in result.output and "<phone>" in result.output


def test_imports_hides_source_ids_and_masks_file_names(runner, ws_dir, tmp_path, whoqol_answers):
    frame = _answers(whoqol_answers, ids=["004711", "7", "0042", "A1", "A2", "A3"])
    path = tmp_path / "from matti@example.fi.csv"
    frame.to_csv(path, index=False, sep=";")
    assert _import(runner, ws_dir, path).exit_code == 0
    listed = runner.invoke(main, ["imports", "-w", str(ws_dir), "--format", "json"])
    assert listed.exit_code == 0
    assert "4711" not in listed.output and "0042" not in listed.output
    assert "matti@example.fi" not in listed.output
    [record] = json.loads(listed.output)["imports"]
    assert record["source_name"] == "from <e-mail>"
    assert any(w["code"] == "id-normalised" for w in record["warnings"])
    table = runner.invoke(main, ["imports", "-w", str(ws_dir)])
    assert "matti@example.fi" not in table.output


def test_workspace_is_private_to_its_owner(runner, tmp_path, whoqol_answers):
    ws_dir = tmp_path / "new-ws"
    assert runner.invoke(main, ["init", str(ws_dir)]).exit_code == 0
    assert stat.S_IMODE(ws_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((ws_dir / DB_NAME).stat().st_mode) == 0o600
    path = tmp_path / "w1.csv"
    _answers(whoqol_answers).to_csv(path, index=False, sep=";")
    assert _import(runner, ws_dir, path).exit_code == 0
    for item in ws_dir.iterdir():  # the journal (if left) and nothing else readable by others
        assert stat.S_IMODE(item.stat().st_mode) & 0o077 == 0, item


@pytest.mark.parametrize("body", ["", ";;;;;\n;;;;;\n"], ids=["header-only", "blank-rows"])
def test_an_empty_tie_list_is_exit_2(runner, ws_dir, tmp_path, body):
    path = tmp_path / "ties.csv"
    path.write_text(TIES + body, encoding="utf-8")
    result = runner.invoke(
        main, ["import", "partners", str(path), "-w", str(ws_dir)] + ["--round", "r1"]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "no responding organisation" in result.output


def test_a_roster_given_as_the_survey_file_names_real_options(runner, ws_dir, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("org;sector\nTE-toimisto;public\nSäätiö;third\n", encoding="utf-8")
    result = runner.invoke(
        main, ["import", "partners", str(roster), "-w", str(ws_dir), "--round", "r1"]
    )
    assert result.exit_code == 2 and "--orgs" in result.output
    assert "respondent_org_column" not in result.output
    export = tmp_path / "export.csv"
    export.write_text("Kuka;Yhteistyön taso [Säätiö]\nTE-toimisto;2\n", encoding="utf-8")
    args = ["import", "partners", str(export), "-w", str(ws_dir), "--round", "r1"]
    missing = runner.invoke(main, [*args, "--orgs", str(roster)])
    assert missing.exit_code == 2 and "--org-column" in missing.output
    assert "respondent_org_column" not in missing.output
    named = runner.invoke(main, [*args, "--orgs", str(roster), "--org-column", "Kuka"])
    assert named.exit_code == 0, named.output


def test_the_same_partner_file_for_another_round_needs_force(runner, ws_dir, tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text(TIES + "A;B;3;2;4;4\nB;A;3;2;4;4\n", encoding="utf-8")
    base = ["import", "partners", str(path), "-w", str(ws_dir), "--round"]
    assert runner.invoke(main, [*base, "r1"]).exit_code == 0
    again = runner.invoke(main, [*base, "r2"])
    assert again.exit_code == 2 and "file-repeated" in again.output
    assert runner.invoke(main, [*base, "r2", "--force"]).exit_code == 0


def test_a_busy_workspace_is_exit_2(runner, ws_dir, tmp_path, whoqol_answers, monkeypatch):
    from evaltool.store.workspace import Workspace

    path = tmp_path / "w1.csv"
    _answers(whoqol_answers).to_csv(path, index=False, sep=";")
    monkeypatch.setenv("EVALTOOL_BUSY_TIMEOUT", "0.2")
    with Workspace.open(ws_dir) as holder, holder.transaction():
        result = _import(runner, ws_dir, path)
    assert result.exit_code == 2 and "busy" in result.output and "try again" in result.output
    assert isinstance(Path(ws_dir), Path)

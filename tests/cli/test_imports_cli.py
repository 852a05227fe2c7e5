"""``evaltool imports``: the list, ``imports delete N`` (shows what goes, asks unless
``--yes``) and ``imports deletions`` (the log)."""

from __future__ import annotations

import json

from evaltool.cli import main


def _import(runner, ws_dir, tmp_path, frame, name, wave):
    path = tmp_path / name
    frame.to_csv(path, index=False, sep=";")
    result = runner.invoke(
        main,
        ["import", "clients", str(path), "-w", str(ws_dir), "--project", "Polku", "--wave", wave],
    )
    assert result.exit_code == 0, result.output


def test_delete_asks_shows_what_goes_and_logs(runner, ws_dir, tmp_path, whoqol_answers):
    _import(runner, ws_dir, tmp_path, whoqol_answers(6, seed=1), "w1.csv", "1")
    _import(runner, ws_dir, tmp_path, whoqol_answers(6, seed=2), "w2.csv", "2")

    refused = runner.invoke(main, ["imports", "delete", "2", "-w", str(ws_dir)], input="n\n")
    assert refused.exit_code == 2
    assert "Deletes import 2 (clients, w2.csv): 6 responses of project Polku, wave 2" in (
        refused.output
    )
    listed = json.loads(
        runner.invoke(main, ["imports", "-w", str(ws_dir), "--format", "json"]).output
    )
    assert [r["id"] for r in listed["imports"]] == [1, 2]

    done = runner.invoke(main, ["imports", "-w", str(ws_dir), "delete", "2", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Deleted import 2" in done.output
    listed = json.loads(
        runner.invoke(main, ["imports", "-w", str(ws_dir), "--format", "json"]).output
    )
    assert [r["id"] for r in listed["imports"]] == [1]

    log = runner.invoke(main, ["imports", "deletions", "-w", str(ws_dir), "--format", "json"])
    assert log.exit_code == 0, log.output
    (row,) = json.loads(log.output)["import_deletions"]
    assert (row["import_id"], row["source_name"], row["deleted_by"]) == (2, "w2.csv", "cli")
    assert row["detail"] == {"projects": ["Polku"], "waves": [2], "round": None, "n_responses": 6}


def test_delete_unknown_import_is_exit_2(runner, ws_dir):
    result = runner.invoke(main, ["imports", "delete", "9", "--yes", "-w", str(ws_dir)])
    assert result.exit_code == 2
    assert "no import 9" in result.output

"""`evaltool outcomes` on a workspace: JSON keys, instrument column, suppression via min_n."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from scipy import stats

from evaltool.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _workspace(tmp_path) -> str:
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    assert runner.invoke(main, ["init", ws]).exit_code == 0
    for wave in (1, 2):
        res = runner.invoke(
            main,
            [
                "import",
                "clients",
                str(EXAMPLES / f"clients-wave{wave}.csv"),
                "-w",
                ws,
                "--project",
                "Polku",
                "--wave",
                str(wave),
            ],
        )
        assert res.exit_code == 0, res.output
    return ws


def test_outcomes_json_matches_scores(tmp_path):
    ws = _workspace(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["outcomes", "-w", ws, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {
        "linkage",
        "attrition",
        "paired",
        "reliability",
        "mixed",
        "subgroups",
        "benchmark",
        "eurohis",
    }
    scores = pd.DataFrame(
        json.loads(runner.invoke(main, ["scores", "-w", ws, "--format", "json"]).output)["scores"]
    )
    wide = scores.pivot(index="respondent", columns="wave", values="physical").dropna()
    diff = wide[2] - wide[1]
    row = next(r for r in data["paired"] if r["project"] is None and r["domain"] == "physical")
    assert row["instrument"] == "whoqol-bref"
    assert row["n"] == len(diff) == 12
    assert math.isclose(row["mean_diff"], diff.mean(), rel_tol=1e-12)
    t = stats.ttest_rel(wide[2], wide[1])
    assert math.isclose(row["p"], t.pvalue, rel_tol=1e-9)
    # Two waves only: no mixed models.
    assert data["mixed"] == []


def test_min_n_setting_suppresses_every_figure(tmp_path):
    ws = _workspace(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["config", "set", "min_n", "13", "-w", ws]).exit_code == 0
    data = json.loads(runner.invoke(main, ["outcomes", "-w", ws, "--format", "json"]).output)
    for row in data["paired"]:
        assert row["suppressed"] is True
        assert row["n"] == 12
        for key in (
            "mean_from",
            "mean_to",
            "mean_diff",
            "sd_diff",
            "ci_low",
            "ci_high",
            "t",
            "p",
            "dz",
            "d_av",
            "wilcoxon_v",
            "wilcoxon_p",
        ):
            assert row[key] is None, key


def test_outcomes_errors(tmp_path):
    ws = _workspace(tmp_path)
    res = CliRunner().invoke(main, ["outcomes", "-w", ws, "--project", "Nope"])
    assert res.exit_code == 2 and "Nope" in res.output


def test_hard_cases_print_cleanly(tmp_path):
    """Polku answers the same at waves 1 and 2 (every change is 0), Yksi has one wave only:
    every output format prints without a traceback or an infinite value (csv: no 'nan'
    text either; the terminal table marks missing values as NaN), and the undefined tests
    carry a note."""
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    assert runner.invoke(main, ["init", ws]).exit_code == 0
    for project, wave, name in (
        ("Polku", 1, "clients-wave1.csv"),
        ("Polku", 2, "clients-wave1.csv"),
        ("Polku", 3, "clients-wave2.csv"),
        ("Yksi", 1, "clients-wave1.csv"),
    ):
        res = runner.invoke(
            main,
            [
                "import",
                "clients",
                str(EXAMPLES / name),
                "-w",
                ws,
                "--project",
                project,
                "--wave",
                str(wave),
                "--force",  # the same file as two waves and two projects, on purpose
            ],
        )
        assert res.exit_code == 0, res.output
    for args in (
        ["--format", "table"],
        ["--format", "csv"],
        ["--format", "json"],
        ["--from-wave", "1", "--to-wave", "2", "--format", "table"],
    ):
        res = runner.invoke(main, ["outcomes", "-w", ws, *args])
        assert res.exit_code == 0, res.output
        assert res.exception is None
        low = res.output.lower()
        assert "traceback" not in low and "inf" not in low.replace("info", ""), args
        if args[-1] == "csv":
            assert "nan" not in low.replace("nainen", ""), args
    data = json.loads(
        runner.invoke(
            main, ["outcomes", "-w", ws, "--from-wave", "1", "--to-wave", "2", "--format", "json"]
        ).output
    )
    row = next(r for r in data["paired"] if r["project"] == "Polku" and r["domain"] == "physical")
    assert row["mean_diff"] == 0 and row["t"] is None and row["wilcoxon_v"] == 0
    assert "all changes are equal" in row["note"]
    yksi = [r for r in data["paired"] if r["project"] == "Yksi"]
    assert yksi and all(r["n"] == 0 and r["suppressed"] for r in yksi)
    mixed = json.loads(runner.invoke(main, ["outcomes", "-w", ws, "--format", "json"]).output)
    assert {r["term"] for r in mixed["mixed"]} == {"intercept", "wave:2", "wave:3"}

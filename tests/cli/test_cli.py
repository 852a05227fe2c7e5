"""The command line, driven through click's CliRunner: workspace resolution, settings,
client import messages and exit codes, provenance listing, scores without source ids, and
the built-in instruments from a non-editable (wheel) install."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaltool.cli import main

ITEMS = [f"q{i}" for i in range(1, 27)]
REPO = Path(__file__).resolve().parents[2]


def write_xlsx(path: Path, frame: pd.DataFrame, sheet: str = "Vastaukset") -> Path:
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = sheet
    sh.append(list(frame.columns))
    for row in frame.astype(object).values.tolist():
        sh.append(row)
    wb.save(path)
    return path


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


# --------------------------------------------------------------------------- workspace


def test_init_and_config(runner, tmp_path):
    target = tmp_path / "arviointi"
    res = runner.invoke(main, ["init", str(target)])
    assert ok(res) == f"Created workspace {target} (evaltool.sqlite)\n"
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 2 and "already a workspace" in again.stderr
    assert ok(runner.invoke(main, ["config", "set", "min_n", "7", "-w", str(target)])) == (
        "min_n = 7\n"
    )
    assert ok(runner.invoke(main, ["config", "show", "-w", str(target)])) == (
        "lang = fi\nmin_n = 7\n"
    )
    bad = runner.invoke(main, ["config", "set", "min_n", "seitsemän", "-w", str(target)])
    assert bad.exit_code == 2 and "min_n must be a whole number" in bad.stderr
    bad = runner.invoke(main, ["config", "set", "colour", "red", "-w", str(target)])
    assert bad.exit_code == 2 and "unknown setting 'colour'" in bad.stderr


def test_workspace_resolution_flag_env_and_current_folder(runner, tmp_path, monkeypatch):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d in (a, b, c):
        ok(runner.invoke(main, ["init", str(d)]))
    ok(runner.invoke(main, ["config", "set", "min_n", "7", "-w", str(a)]))
    ok(runner.invoke(main, ["config", "set", "min_n", "8"], env={"EVALTOOL_WORKSPACE": str(b)}))
    monkeypatch.chdir(c)
    ok(runner.invoke(main, ["config", "set", "min_n", "9"]))
    # -w beats the environment, the environment beats the current folder
    ok(
        runner.invoke(
            main, ["config", "set", "lang", "en", "-w", str(a)], env={"EVALTOOL_WORKSPACE": str(b)}
        )
    )

    def shown(path):
        return ok(runner.invoke(main, ["config", "show", "-w", str(path)]))

    assert shown(a) == "lang = en\nmin_n = 7\n"
    assert shown(b) == "lang = fi\nmin_n = 8\n"
    assert shown(c) == "lang = fi\nmin_n = 9\n"
    monkeypatch.chdir(tmp_path)
    assert ok(runner.invoke(main, ["config", "show"], env={"EVALTOOL_WORKSPACE": str(b)})) == (
        "lang = fi\nmin_n = 8\n"
    )


@pytest.mark.parametrize("how", ["flag", "env", "cwd"])
def test_not_a_workspace_is_a_clear_error(runner, tmp_path, monkeypatch, how):
    empty = tmp_path / "empty"
    empty.mkdir()
    args, env = ["scores"], {}
    if how == "flag":
        args += ["-w", str(empty)]
    elif how == "env":
        env = {"EVALTOOL_WORKSPACE": str(empty)}
    else:
        monkeypatch.chdir(empty)
    res = runner.invoke(main, args, env=env)
    assert res.exit_code == 2
    assert "is not an evaltool workspace (no evaltool.sqlite)" in res.stderr
    assert "evaltool init" in res.stderr
    assert "Traceback" not in res.output


# --------------------------------------------------------------------------- import


@pytest.fixture
def files(tmp_path, whoqol_answers):
    wave1 = whoqol_answers(6, seed=1, prefix="K")
    wave1.loc[4, ITEMS[:5]] = None  # 5 missing → discarded (who-syntax)
    wave2 = whoqol_answers(5, seed=2, prefix="K")
    return {
        "wave1": write_xlsx(tmp_path / "alku.xlsx", wave1),
        "wave2": write_xlsx(tmp_path / "loppu.xlsx", wave2),
        "frames": (wave1, wave2),
    }


def _import(runner, ws_dir, path, *extra):
    return runner.invoke(
        main, ["import", "clients", str(path), "-w", str(ws_dir), "--project", "Polku", *extra]
    )


def test_import_messages_reimport_and_replace(runner, ws_dir, files, db_digest):
    res = _import(runner, ws_dir, files["wave1"], "--wave", "1")
    assert ok(res) == (
        "alku.xlsx: imported as import 1 (layout plain): 6 rows read, 6 stored, "
        "0 rejected, 1 discarded by the missing-data rule\n"
        "  layout plain; sheet 'Vastaukset'; 1 header row; "
        "26 item columns (B–AA)\n"
    )
    assert "WARNING [response-discarded] alku.xlsx, sheet 'Vastaukset', row 6" in res.stderr
    before = db_digest(ws_dir)
    res = _import(runner, ws_dir, files["wave1"], "--wave", "1")
    assert ok(res) == (
        "alku.xlsx was already imported as import 1; nothing changed (use "
        "--replace to import it again)\n"
    )
    assert db_digest(ws_dir) == before
    res = _import(runner, ws_dir, files["wave1"], "--wave", "1", "--replace")
    out = ok(res)
    assert out.startswith("alku.xlsx: replaced as import ") and ": 6 rows read, 6 stored" in out
    ok(_import(runner, ws_dir, files["wave2"], "--wave", "2", "--rule", "manual"))
    table = json.loads(ok(runner.invoke(main, ["imports", "-w", str(ws_dir), "--format", "json"])))[
        "imports"
    ]
    assert [(t["source_name"], t["rule"], t["rows_stored"]) for t in table] == [
        ("alku.xlsx", "who-syntax", 6),
        ("loppu.xlsx", "manual", 5),
    ]


def test_import_errors_exit_2_with_report(runner, ws_dir, tmp_path, whoqol_answers, db_digest):
    frame = whoqol_answers(3)
    frame.loc[1, "q7"] = 8
    path = write_xlsx(tmp_path / "virhe.xlsx", frame)
    before = db_digest(ws_dir)
    report = tmp_path / "report.json"
    res = _import(runner, ws_dir, path, "--wave", "1", "--report-json", str(report))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert (
        "ERROR [value-out-of-range] virhe.xlsx, sheet 'Vastaukset', row 3, column H ('q7'): "
        "8 is outside the q7 scale 1–5 (value: '8')"
    ) in res.stderr
    assert "Error: import stopped: 1 error(s); nothing was stored" in res.stderr
    assert db_digest(ws_dir) == before
    js = json.loads(report.read_text(encoding="utf-8"))
    assert js["errors"] == 1
    assert {
        k: js["issues"][0][k]
        for k in ("code", "severity", "file", "sheet", "row", "column", "header", "value")
    } == {
        "code": "value-out-of-range",
        "severity": "error",
        "file": "virhe.xlsx",
        "sheet": "Vastaukset",
        "row": 3,
        "column": "H",
        "header": "q7",
        "value": "8",
    }


@pytest.mark.parametrize(
    "content, message",
    [
        (b"id;q1\nA;1\n", "the name says .xlsx but the content is not a xlsx file"),
        (b"PK\x03\x04" + b"\x00" * 200, "damaged zip container"),
    ],
)
def test_unreadable_file_exit_2(runner, ws_dir, tmp_path, db_digest, content, message):
    path = tmp_path / "rikki.xlsx"
    path.write_bytes(content)
    before = db_digest(ws_dir)
    res = _import(runner, ws_dir, path, "--wave", "1")
    assert res.exit_code == 2
    assert "ERROR [file-corrupt] rikki.xlsx" in res.stderr and message in res.stderr
    assert db_digest(ws_dir) == before


def test_option_errors_exit_2(runner, ws_dir, files):
    res = _import(runner, ws_dir, files["wave1"], "--wave", "1", "--rule", "strict")
    assert res.exit_code == 2 and "no missing-data rule 'strict'" in res.stderr
    res = runner.invoke(
        main, ["import", "clients", str(files["wave1"]), "-w", str(ws_dir), "--wave", "1"]
    )
    assert res.exit_code == 2 and "give exactly one of --project NAME or --project-column" in (
        res.stderr
    )
    res = _import(runner, ws_dir, files["wave1"], "--wave", "1", "--instrument", "nope")
    assert res.exit_code == 2 and "no instrument 'nope'" in res.stderr


def test_long_file_from_the_command_line(runner, ws_dir, tmp_path, whoqol_answers):
    parts = []
    for project, wave, seed in [("Polku", 1, 1), ("Polku", 2, 2), ("Silta", 1, 3)]:
        part = whoqol_answers(2, seed=seed)
        part.insert(1, "Hanke", project)
        part.insert(2, "Kierros", wave)
        parts.append(part)
    path = write_xlsx(tmp_path / "kaikki.xlsx", pd.concat(parts))
    res = runner.invoke(
        main,
        [
            "import",
            "clients",
            str(path),
            "-w",
            str(ws_dir),
            "--project-column",
            "Hanke",
            "--wave-column",
            "Kierros",
        ],
    )
    assert ok(res).startswith(
        "kaikki.xlsx: imported as import 1 (layout plain): 6 rows read, 6 stored"
    )
    js = json.loads(ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--format", "json"])))
    got = sorted((r["project"], r["wave"]) for r in js["scores"])
    assert got == [
        ("Polku", 1),
        ("Polku", 1),
        ("Polku", 2),
        ("Polku", 2),
        ("Silta", 1),
        ("Silta", 1),
    ]


# --------------------------------------------------------------------------- listings


def test_imports_lists_provenance(runner, ws_dir, files, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710547200")
    ok(_import(runner, ws_dir, files["wave1"], "--wave", "1", "--rule", "manual"))
    data = files["wave1"].read_bytes()
    js = json.loads(ok(runner.invoke(main, ["imports", "-w", str(ws_dir), "--format", "json"])))
    rec = js["imports"][0]
    assert {
        k: rec[k]
        for k in (
            "source_name",
            "sha256",
            "size",
            "sheet",
            "layout",
            "instrument",
            "rule",
            "rows_read",
            "rows_stored",
            "rows_rejected",
            "imported_at",
        )
    } == {
        "source_name": "alku.xlsx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "sheet": "Vastaukset",
        "layout": "plain",
        "instrument": "whoqol-bref",
        "rule": "manual",
        "rows_read": 6,
        "rows_stored": 6,
        "rows_rejected": 0,
        "imported_at": "2024-03-16T00:00:00+00:00",
    }
    assert rec["warnings"] == []  # 5 missing is kept by the manual rule
    assert rec["options"]["rule"] == "manual" and rec["options"]["replace"] is False
    text = ok(runner.invoke(main, ["imports", "-w", str(ws_dir)]))
    for needle in (
        "alku.xlsx",
        hashlib.sha256(data).hexdigest()[:12],
        "Vastaukset",
        "plain",
        "whoqol-bref",
        "manual",
        "2024-03-16T00:00:00+00:00",
    ):
        assert needle in text


def test_imports_table_shows_size_and_warnings(runner, ws_dir, files):
    ok(_import(runner, ws_dir, files["wave1"], "--wave", "1"))
    header = ok(runner.invoke(main, ["imports", "-w", str(ws_dir)])).splitlines()[0].split()
    assert "size" in header and "warnings" in header


def test_scores_never_show_source_ids_unless_asked(runner, ws_dir, files, tmp_path):
    ok(_import(runner, ws_dir, files["wave1"], "--wave", "1"))
    ok(_import(runner, ws_dir, files["wave2"], "--wave", "2"))
    ids = set(files["frames"][0]["id"]) | set(files["frames"][1]["id"])
    outputs = {
        fmt: ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--format", fmt]))
        for fmt in ("table", "csv", "json")
    }
    xlsx = tmp_path / "scores.xlsx"
    ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--format", "xlsx", "-o", str(xlsx)]))
    with zipfile.ZipFile(xlsx) as zf:
        outputs["xlsx"] = "".join(
            zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")
        )
    for fmt, text in outputs.items():
        for source_id in ids:
            assert source_id not in text, (fmt, source_id)
        assert "source_id" not in text, fmt
    rows = json.loads(outputs["json"])["scores"]
    assert len(rows) == 11
    assert all(len(r["respondent"]) == 20 for r in rows)
    # the same client in both waves has the same pseudonym
    by_wave = {w: {r["respondent"] for r in rows if r["wave"] == w} for w in (1, 2)}
    assert len(by_wave[1] & by_wave[2]) == 5
    discarded = [r for r in rows if r["discarded"]]
    assert len(discarded) == 1 and discarded[0]["physical"] is None
    assert discarded[0]["n_missing"] == 5

    with_ids = json.loads(
        ok(
            runner.invoke(
                main, ["scores", "-w", str(ws_dir), "--format", "json", "--with-source-ids"]
            )
        )
    )["scores"]
    assert {r["source_id"] for r in with_ids} == ids
    assert list(with_ids[0])[:5] == ["instrument", "project", "wave", "respondent", "source_id"]
    table_ids = ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--with-source-ids"]))
    assert all(i in table_ids for i in ids)


def test_scores_filters_and_formats(runner, ws_dir, files):
    ok(_import(runner, ws_dir, files["wave1"], "--wave", "1"))
    ok(_import(runner, ws_dir, files["wave2"], "--wave", "2"))
    js = json.loads(
        ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--wave", "2", "--format", "json"]))
    )
    assert {r["wave"] for r in js["scores"]} == {2} and len(js["scores"]) == 5
    res = runner.invoke(main, ["scores", "-w", str(ws_dir), "--instrument", "eurohis-qol-8"])
    assert res.exit_code == 2 and "no responses for instrument 'eurohis-qol-8'" in res.stderr
    res = runner.invoke(main, ["scores", "-w", str(ws_dir), "--format", "xlsx"])
    assert res.exit_code == 2 and "needs an output file" in res.stderr
    csv_text = ok(runner.invoke(main, ["scores", "-w", str(ws_dir), "--format", "csv"]))
    assert csv_text.splitlines()[0].startswith(
        "instrument,project,wave,respondent,date,n_missing,discarded,incomplete,q1,q2,"
        "physical_raw,physical,psychological_raw,psychological,social_raw,social,"
    )


def test_instruments_command(runner):
    text = ok(runner.invoke(main, ["instruments"]))
    assert "whoqol-bref           26 items  WHOQOL-BREF quality of life assessment" in text
    assert "eurohis-qol-8          8 items  EUROHIS-QOL 8-item index" in text


# --------------------------------------------------------------------------- packaging


CHECK = """
import json, evaltool
from evaltool.instruments import builtin_names, builtin_path, load_instrument
print(json.dumps({"file": evaltool.__file__, "names": builtin_names(),
                  "path": str(builtin_path("whoqol-bref")),
                  "items": len(load_instrument("whoqol-bref").items)}))
"""


def _where_installed(python: str, cwd: Path, env: dict) -> dict:
    out = subprocess.run(
        [python, "-c", CHECK],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


def test_non_editable_install_finds_builtin_instruments(tmp_path):
    """Installed from a wheel and run from another folder, the package finds its TOML files.

    Where evaltool is already installed non-editably (CI), that install is checked; otherwise
    a wheel is built offline (needs hatchling in this environment) and installed into a
    folder that is put first on the path.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    info = _where_installed(sys.executable, tmp_path, env)
    source = (REPO / "evaltool").resolve()
    if Path(info["file"]).resolve().parent == source:  # an editable install
        pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
        dist = tmp_path / "dist"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                str(REPO),
                "-w",
                str(dist),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            cwd=tmp_path,
        )
        wheel = next(dist.glob("evaltool-*.whl"))
        target = tmp_path / "site"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--no-deps",
                "-q",
                "--target",
                str(target),
                str(wheel),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        env["PYTHONPATH"] = str(target)
        info = _where_installed(sys.executable, tmp_path, env)
        assert Path(info["file"]).resolve().is_relative_to(target.resolve())
    assert Path(info["file"]).resolve().parent != source
    assert {"whoqol-bref", "eurohis-qol-8"} <= set(info["names"])
    assert Path(info["path"]).parent.parts[-2:] == ("_data", "surveys")
    assert info["items"] == 26
    listing = subprocess.run(
        [sys.executable, "-m", "evaltool.cli", "instruments"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "whoqol-bref" in listing.stdout and "eurohis-qol-8" in listing.stdout

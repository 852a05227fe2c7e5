"""Client questionnaire import end to end: formats, scores against R, atomicity, re-import,
provenance, validation positions and long files with several projects and waves."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from evaltool.errors import ImportFailed, UserError
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.instruments import load_instrument
from evaltool.issues import RECORD_FIELDS
from evaltool.scoring.stored import score_table
from evaltool.store.workspace import Workspace

R_DIR = Path(__file__).resolve().parents[1] / "r"
ITEMS = [f"q{i}" for i in range(1, 27)]


# --------------------------------------------------------------------------- helpers


def write_xlsx(
    path: Path, rows: list[list], sheet: str = "Vastaukset", above: list[list] | None = None
) -> Path:
    """Write rows (header first) to one sheet; ``above`` rows go above the header."""
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = sheet
    for row in (above or []) + rows:
        sh.append(row)
    wb.save(path)
    return path


def write_text(
    path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    text = newline.join(delimiter.join(str(c) for c in row) for row in rows) + newline
    path.write_bytes(text.encode(encoding))
    return path


def table(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + frame.astype(object).values.tolist()


def run(ws: Workspace, files, **opts):
    opts.setdefault("project", "P1")
    if "wave_column" not in opts:
        opts.setdefault("wave", 1)
    return import_clients(ws, [str(f) for f in files], ClientImportOptions(**opts))


def failure(ws: Workspace, files, **opts) -> list[tuple]:
    """Import expecting failure; the errors as (code, file, sheet, row, column, header,
    value)."""
    with pytest.raises(ImportFailed) as info:
        run(ws, files, **opts)
    return [
        (i.code, i.file, i.sheet, i.row, i.column, i.header, i.value)
        for i in info.value.report.errors
    ]


def stored(ws: Workspace, instrument: str = "whoqol-bref") -> tuple[pd.DataFrame, np.ndarray]:
    """Stored responses in source-id order, with their item values."""
    meta, values = ws.responses(instrument)
    ids = ws.source_ids().set_index("respondent")["source_id"]
    meta["source_id"] = meta["respondent"].map(ids)
    order = np.argsort(meta["source_id"].to_numpy(), kind="stable")
    return meta.iloc[order].reset_index(drop=True), values[order]


def counts(ws: Workspace) -> tuple[int, int]:
    rows = ws.row_counts(["imports", "responses"])
    return rows["imports"], rows["responses"]


# --------------------------------------------------------------------------- scores vs R


def _label_or_number(inst, code: str, value: float, k: int) -> object:
    """Write an answer the way exports do: numbers, text numbers, labels in fi/sv/en."""
    if np.isnan(value):
        return None
    item = inst.item(code)
    style = k % 5
    if style == 0:
        return int(value)
    if style == 1:
        return f"{int(value)},0"
    if style == 2:
        return str(int(value))
    lang = ("fi", "sv", "en")[k % 3]
    return inst.response_sets[item.response_set][lang][int(value) - 1]


@pytest.mark.parametrize(
    "instrument, rules",
    [
        ("whoqol-bref", ("who-syntax", "manual")),
        ("eurohis-qol-8", ("at-most-one-missing", "complete")),
    ],
)
def test_imported_scores_equal_r(ws, tmp_path, instrument, rules):
    data = pd.read_csv(R_DIR / "scoring_input.csv")
    data = data[data["instrument"] == instrument].reset_index(drop=True)
    inst = load_instrument(instrument)
    codes = inst.item_codes
    rows = [["Asiakasnumero", *codes]]
    for k, rec in data.iterrows():
        rows.append(
            [rec["case"]]
            + [_label_or_number(inst, c, float(rec[c]), k + j) for j, c in enumerate(codes)]
        )
    path = write_xlsx(tmp_path / f"{instrument}.xlsx", rows)
    expected = pd.read_csv(R_DIR / "scoring_expected.csv")
    for rule in rules:
        run(ws, [path], instrument=instrument, project=rule, rule=rule, force=True)
    table_ = score_table(ws, instrument, with_source_ids=True)
    assert len(table_) == len(data) * len(rules)
    for rule in rules:
        got = table_[table_["project"] == rule].set_index("source_id")
        exp = expected[(expected["instrument"] == instrument) & (expected["rule"] == rule)]
        exp = exp.pivot(index="case", columns="measure", values="value").loc[got.index]
        for measure in exp.columns:
            g = got[measure].to_numpy(dtype=float)
            e = exp[measure].to_numpy(dtype=float)
            assert np.array_equal(np.isnan(g), np.isnan(e)), (rule, measure)
            np.testing.assert_allclose(
                g[~np.isnan(g)], e[~np.isnan(e)], atol=1e-9, err_msg=f"{rule} {measure}"
            )


# --------------------------------------------------------------------------- formats


def test_xlsx_with_title_rows(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(4)
    path = write_xlsx(
        tmp_path / "kevät.xlsx", table(frame), above=[["Asiakaskysely, kevät 2024"], []]
    )
    res = run(ws, [path])
    f = res.files[0]
    assert (f.status, f.rows_read, f.rows_stored, f.rows_rejected, f.layout) == (
        "imported",
        4,
        4,
        0,
        "plain",
    )
    meta, values = stored(ws)
    np.testing.assert_array_equal(values, frame[ITEMS].to_numpy(dtype=float))
    assert meta["source_row"].tolist() == [4, 5, 6, 7]
    assert meta["missing"].tolist() == ["." * 26] * 4


def test_csv_cp1252_semicolon_labels_and_decimal_comma(ws, tmp_path):
    header = ["Asiakasnumero", "Päivämäärä", *ITEMS]
    r1 = ["K1", "16.3.2024", "Erittäin hyvä", "3,0", "Äärimmäisen paljon", "1"] + ["4"] * 22
    r2 = ["K2", "17.3.2024", "Huono", "Tyytyväinen", "Ei lainkaan", "2,0"] + [""] + ["5"] * 21
    path = write_text(tmp_path / "asiakkaat.csv", [header, r1, r2], ";", "cp1252", "\r\n")
    assert "Erittäin".encode("cp1252") in path.read_bytes()
    run(ws, [path])
    meta, values = stored(ws)
    assert values[0, :4].tolist() == [5, 3, 5, 1]
    assert values[1, :4].tolist() == [2, 4, 1, 2]
    assert np.isnan(values[1, 4]) and meta["missing"][1] == "...." + "s" + "." * 21
    assert meta["date"].tolist() == ["2024-03-16", "2024-03-17"]
    imp = ws.imports().iloc[0]
    assert (imp["encoding"], imp["delimiter"]) == ("cp1252", ";")
    # q3 answered "Äärimmäisen paljon" (5) is stored as answered and reversed once: 6 - 5 = 1
    sc = score_table(ws, with_source_ids=True).set_index("source_id")
    phys = np.array([1, 5, 4, 4, 4, 4, 4], dtype=float)  # q3→1, q4 1→5, q10, q15 … q18
    assert sc.loc["K1", "physical_raw"] == pytest.approx(phys.mean() * 4)


def test_utf16_tab_txt(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(3, seed=5)
    frame.insert(1, "Sukupuoli", ["nainen", "mies", "muu"])
    path = write_text(tmp_path / "export.txt", table(frame), "\t", "utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    run(ws, [path])
    _, values = stored(ws)
    np.testing.assert_array_equal(values, frame[ITEMS].to_numpy(dtype=float))
    imp = ws.imports().iloc[0]
    assert (imp["encoding"], imp["delimiter"]) == ("utf-16", "\t")
    # Background answers decode to the KEVÄT survey's option codes whatever the instrument.
    assert sorted(ws.fields()["value"]) == ["female", "male", "other"]


def test_utf8_bom_comma_csv(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(2, seed=6)
    path = write_text(tmp_path / "a.csv", table(frame), ",", "utf-8-sig")
    run(ws, [path])
    _, values = stored(ws)
    np.testing.assert_array_equal(values, frame[ITEMS].to_numpy(dtype=float))
    assert ws.imports()["encoding"].tolist() == ["utf-8-sig"]


def test_spss_sav_with_value_labels_and_declared_missing(ws, tmp_path):
    values = np.tile(np.arange(26) % 5 + 1.0, (3, 1))
    values[1, 0] = 9.0  # declared missing: "En osaa sanoa"
    values[2, 5] = np.nan  # system missing
    df = pd.DataFrame(values, columns=ITEMS)
    df.insert(0, "asiakas", ["S1", "S2", "S3"])
    labels = {
        1.0: "Erittäin huono",
        2.0: "Huono",
        3.0: "Ei hyvä eikä huono",
        4.0: "Hyvä",
        5.0: "Erittäin hyvä",
        9.0: "En osaa sanoa",
    }
    path = tmp_path / "kysely.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={c: labels for c in ITEMS},
        missing_ranges={c: [9.0] for c in ITEMS},
    )
    res = run(ws, [path], id_column="asiakas")
    assert res.files[0].layout == "spss"
    meta, got = stored(ws)
    expected = values.copy()
    expected[1, 0] = np.nan
    np.testing.assert_array_equal(got, expected)
    assert meta["missing"].tolist() == ["." * 26, "d" + "." * 25, "." * 5 + "s" + "." * 20]
    assert meta["n_missing"].tolist() == [0, 1, 1]


# --------------------------------------------------------------------------- atomicity


def test_failure_after_responses_are_written_leaves_workspace_unchanged(
    ws, ws_dir, tmp_path, whoqol_answers, db_digest, monkeypatch
):
    first = write_xlsx(tmp_path / "first.xlsx", table(whoqol_answers(3, prefix="A")))
    run(ws, [first])
    a = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(5, seed=1, prefix="B")))
    b = write_xlsx(tmp_path / "b.xlsx", table(whoqol_answers(5, seed=2, prefix="C")))
    before = db_digest(ws_dir)
    original = Workspace.store_responses
    calls = []

    def store_then_fail(self, *args, **kwargs):
        n = original(self, *args, **kwargs)
        calls.append(n)
        if len(calls) == 2:  # the first file is stored, the second's rows are in
            assert self.row_counts(["responses"]) == {"responses": 13}
            raise RuntimeError("disk full")
        return n

    monkeypatch.setattr(Workspace, "store_responses", store_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run(ws, [a, b])
    assert calls == [5, 5]
    assert db_digest(ws_dir) == before
    assert counts(ws) == (1, 3)


def test_failure_in_answers_insert_leaves_workspace_unchanged(
    ws, ws_dir, tmp_path, whoqol_answers, db_digest, monkeypatch
):
    path = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(50)))
    before = db_digest(ws_dir)
    written = []

    def fail_on_answers(self, table, ids, values):
        written.append(self.row_counts(["responses"])["responses"])  # the rows are in
        raise OSError("I/O error while writing answers")

    monkeypatch.setattr(Workspace, "_store_answers", fail_on_answers)
    with pytest.raises(OSError, match="I/O error"):
        run(ws, [path])
    assert written == [50]
    assert db_digest(ws_dir) == before
    assert counts(ws) == (0, 0) and ws.instrument_names() == []


def test_failed_replace_keeps_the_old_import(
    ws, ws_dir, tmp_path, whoqol_answers, db_digest, monkeypatch
):
    path = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(4)))
    run(ws, [path])
    before = db_digest(ws_dir)

    def fail(self, *args, **kwargs):
        raise RuntimeError("crash during replace")

    monkeypatch.setattr(Workspace, "store_responses", fail)
    with pytest.raises(RuntimeError):
        run(ws, [path], replace=True)
    assert db_digest(ws_dir) == before
    assert counts(ws) == (1, 4)


def test_validation_error_in_second_file_stores_nothing(
    ws, ws_dir, tmp_path, whoqol_answers, db_digest
):
    good = write_xlsx(tmp_path / "good.xlsx", table(whoqol_answers(3)))
    bad_frame = whoqol_answers(3, prefix="B")
    bad_frame.loc[1, "q7"] = 8
    bad = write_xlsx(tmp_path / "bad.xlsx", table(bad_frame))
    before = db_digest(ws_dir)
    assert failure(ws, [good, bad]) == [
        ("value-out-of-range", "bad.xlsx", "Vastaukset", 3, "H", "q7", "8")
    ]
    assert db_digest(ws_dir) == before


def test_many_files_read_in_the_background_keep_their_order_and_errors(
    ws, tmp_path, whoqol_answers, monkeypatch
):
    """Files are read ahead in threads; results, errors and skipped files still follow the
    order of the command line, and a file already imported is not read again."""
    from evaltool import read as readers

    paths = [
        write_xlsx(tmp_path / f"f{k}.xlsx", table(whoqol_answers(3, prefix=f"F{k}-")))
        for k in range(5)
    ]
    first = run(ws, paths[:2])
    assert [f.status for f in first.files] == ["imported", "imported"]
    read = []
    original = readers.read_raw

    def counting(path, *args, **kwargs):
        read.append(Path(path).name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(readers, "read_raw", counting)
    second = run(ws, paths)
    assert [f.path.name for f in second.files] == [p.name for p in paths]
    assert [f.status for f in second.files] == ["unchanged"] * 2 + ["imported"] * 3
    assert sorted(read) == ["f2.xlsx", "f3.xlsx", "f4.xlsx"]
    assert counts(ws) == (5, 15)
    # Errors in two files read in the background: both reported, in command-line order.
    bad = []
    for k in (5, 6):
        frame = whoqol_answers(3, prefix=f"F{k}-")
        frame.loc[2, "q7"] = 8
        bad.append(write_xlsx(tmp_path / f"f{k}.xlsx", table(frame)))
    broken = tmp_path / "f7.xlsx"
    broken.write_bytes(b"not a workbook")
    errors = failure(ws, [bad[1], broken, paths[0], bad[0]])
    assert [e[:2] for e in errors] == [
        ("value-out-of-range", "f6.xlsx"),
        ("file-corrupt", "f7.xlsx"),
        ("value-out-of-range", "f5.xlsx"),
    ]
    assert counts(ws) == (5, 15)


# --------------------------------------------------------------------------- re-import


def test_reimport_is_a_noop_and_replace_replaces(ws, ws_dir, tmp_path, whoqol_answers, db_digest):
    path = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(4)))
    first = run(ws, [path]).files[0]
    assert first.status == "imported"
    before = db_digest(ws_dir)
    again = run(ws, [path]).files[0]
    assert again.status == "unchanged" and again.import_id == first.import_id
    assert "already imported as import 1" in again.message and "--replace" in again.message
    assert db_digest(ws_dir) == before
    # the same project and wave written differently is still the same import
    for wave, project in [("01", "P1"), ("1,0", " P1 "), (1, "P1")]:
        assert run(ws, [path], wave=wave, project=project).files[0].status == "unchanged"
    assert db_digest(ws_dir) == before
    # the same file as another wave repeats wave 1: an error, unless --force
    with pytest.raises(ImportFailed) as repeated:
        run(ws, [path], wave=2)
    [error] = repeated.value.report.errors
    assert error.code == "file-repeated" and "import 1 (project P1, wave 1)" in error.message
    assert db_digest(ws_dir) == before
    assert run(ws, [path], wave=2, force=True).files[0].status == "imported"
    replaced = run(ws, [path], replace=True).files[0]
    assert replaced.status == "replaced" and replaced.import_id not in (first.import_id, 2)
    assert counts(ws) == (2, 8)
    imports = ws.imports()
    assert sorted(imports["scope"]) == [
        "whoqol-bref;project=P1;wave=1;sheet=",
        "whoqol-bref;project=P1;wave=2;sheet=",
    ]
    meta, _ = ws.responses("whoqol-bref")
    assert set(meta["import_id"]) == set(imports["id"])


def test_replace_with_a_corrected_file_of_the_same_name(ws, tmp_path, whoqol_answers):
    """The usual fix-and-reimport: same file name, corrected cell, ``--replace``."""
    frame = whoqol_answers(4)
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    run(ws, [path])
    frame.loc[0, "q1"] = 1 if frame.loc[0, "q1"] != 1 else 2
    write_xlsx(path, table(frame))
    res = run(ws, [path], replace=True).files[0]
    assert res.status == "replaced"
    assert counts(ws) == (1, 4)
    _, values = stored(ws)
    np.testing.assert_array_equal(values, frame[ITEMS].to_numpy(dtype=float))


def test_provenance_of_an_import(ws, tmp_path, whoqol_answers, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710547200")
    frame = whoqol_answers(5)
    frame.loc[2, ITEMS[:6]] = None  # 6 missing → discarded by who-syntax
    frame["Huomiot"] = ["", "soitti", "", "", ""]
    path = write_xlsx(tmp_path / "kysely.xlsx", table(frame), sheet="Alkumittaus")
    res = run(ws, [path], rule="manual")
    imp = ws.imports().iloc[0]
    data = path.read_bytes()
    assert imp["kind"] == "clients"
    assert imp["source_name"] == "kysely.xlsx"
    assert imp["sha256"] == hashlib.sha256(data).hexdigest()
    assert imp["size"] == len(data)
    assert imp["sheet"] == "Alkumittaus"
    assert imp["layout"] == "plain"
    assert imp["instrument"] == "whoqol-bref"
    assert imp["rule"] == "manual"
    assert (imp["rows_read"], imp["rows_stored"], imp["rows_rejected"]) == (5, 5, 0)
    assert imp["imported_at"] == "2024-03-16T00:00:00+00:00"
    warnings = json.loads(imp["warnings"])
    assert all(set(RECORD_FIELDS) <= set(w) for w in warnings)
    assert {"code": "column-unused", "column": "AB", "header": "Huomiot"} in [
        {k: w[k] for k in ("code", "column", "header")} for w in warnings
    ]
    assert {"code": "response-discarded", "count": 1} in [
        {k: w.get(k) for k in ("code", "count")} for w in warnings
    ]
    assert res.files[0].discarded == 1


# --------------------------------------------------------------------------- validation


def test_errors_point_at_the_cell_as_excel_shows_it(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(4)
    frame["q3"] = frame["q3"].astype(object)
    frame.loc[1, "q3"] = "Loistava"  # unknown label
    frame.loc[3, "q26"] = 0  # out of range
    path = write_xlsx(
        tmp_path / "a.xlsx", table(frame), above=[["Asiakaskysely 2024"], [], ["Hanke: Polku"]]
    )
    # header on Excel row 4, data rows 5-8; id in column A, q3 in D, q26 in AA
    assert failure(ws, [path]) == [
        ("unknown-label", "a.xlsx", "Vastaukset", 6, "D", "q3", "Loistava"),
        ("value-out-of-range", "a.xlsx", "Vastaukset", 8, "AA", "q26", "0"),
    ]


def test_errors_in_a_table_that_starts_at_b3(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(3)
    frame.loc[2, "q1"] = 9 + 1
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "Taul1"
    for i, row in enumerate(table(frame)):
        for j, value in enumerate(row):
            sh.cell(row=3 + i, column=2 + j, value=value)
    wb.save(tmp_path / "b3.xlsx")
    # header on row 3 from column B: the third respondent is on row 6, q1 in column C
    assert failure(ws, [tmp_path / "b3.xlsx"]) == [
        ("value-out-of-range", "b3.xlsx", "Taul1", 6, "C", "q1", "10")
    ]


def test_errors_in_a_text_file_with_sep_line(ws, tmp_path, whoqol_answers):
    rows = table(whoqol_answers(3))
    rows[2][5] = "77"
    path = tmp_path / "a.csv"
    path.write_text("sep=;\n" + "\n".join(";".join(map(str, r)) for r in rows) + "\n")
    # "sep=;" is line 1, the header line 2, the second respondent line 4
    assert failure(ws, [path]) == [("value-out-of-range", "a.csv", None, 4, "F", "q5", "77")]


def test_report_carries_messages_and_json(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(2)
    frame.loc[0, "q2"] = 6 + 1
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    with pytest.raises(ImportFailed) as info:
        run(ws, [path])
    report = info.value.report
    issue = report.errors[0]
    assert issue.severity == "error"
    assert "outside the q2 scale 1–5" in issue.message
    text = report.format()
    assert "ERROR [value-out-of-range] a.xlsx, sheet 'Vastaukset', row 2, column C ('q2')" in text
    js = json.loads(report.to_json())
    assert js["errors"] == 1 and js["issues"][0]["column"] == "C"


@pytest.mark.parametrize(
    "content, name, code",
    [
        (b"id;q1\nA;1\n", "vastaukset.xlsx", "file-corrupt"),
        (b"id;q1\nA;1\n", "vastaukset.sav", "file-corrupt"),
        (b"", "tyhja.csv", "file-empty"),
        (b"\x00\x01\x02binary\x00" * 20, "data.csv", "file-corrupt"),
    ],
)
def test_unreadable_files(ws, tmp_path, content, name, code):
    path = tmp_path / name
    path.write_bytes(content)
    errors = failure(ws, [path])
    assert [(e[0], e[1]) for e in errors] == [(code, name)]


def test_truncated_xlsx(ws, tmp_path, whoqol_answers):
    full = write_xlsx(tmp_path / "full.xlsx", table(whoqol_answers(3))).read_bytes()
    path = tmp_path / "katkennut.xlsx"
    path.write_bytes(full[: len(full) // 2])
    assert [e[:2] for e in failure(ws, [path])] == [("file-corrupt", "katkennut.xlsx")]


def test_zip_that_is_not_a_workbook(ws, tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert [e[:2] for e in failure(ws, [path])] == [("file-corrupt", "a.xlsx")]


def test_missing_file_is_reported(ws, tmp_path):
    assert [e[:2] for e in failure(ws, [tmp_path / "puuttuu.xlsx"])] == [
        ("file-unreadable", "puuttuu.xlsx")
    ]


def test_header_without_respondents(ws, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["id", *ITEMS]])
    assert failure(ws, [path]) == [("file-empty", "a.xlsx", "Vastaukset", None, None, None, None)]


def test_id_column_absent(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(2).rename(columns={"id": "Nimimerkki"})
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    assert [e[0] for e in failure(ws, [path])] == ["id-column-missing"]
    assert [e[0] for e in failure(ws, [path], id_column="Asiakas")] == ["id-column-missing"]
    assert run(ws, [path], id_column="Nimimerkki").files[0].rows_stored == 2


def test_empty_id_cell(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(3)
    frame.loc[1, "id"] = ""
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    assert failure(ws, [path]) == [("id-missing", "a.xlsx", "Vastaukset", 3, "A", "id", None)]


def test_no_items_recognised(ws, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["id", "Mielipide", "Arvosana"], ["A", "ok", 3]])
    assert [e[0] for e in failure(ws, [path])] == ["no-items"]


def test_duplicate_respondent_in_one_file(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(4)
    frame.loc[3, "id"] = frame.loc[1, "id"]
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    assert failure(ws, [path]) == [
        ("duplicate-respondent", "a.xlsx", "Vastaukset", 3, "A", "id", "A002"),
        ("duplicate-respondent", "a.xlsx", "Vastaukset", 5, "A", "id", "A002"),
    ]
    # the same id in another wave or project is not a duplicate
    long = pd.concat([frame.iloc[:2].assign(wave=1), frame.iloc[2:].assign(wave=2)])
    path2 = write_xlsx(tmp_path / "b.xlsx", table(long))
    assert run(ws, [path2], wave_column="wave").files[0].rows_stored == 4


def test_duplicate_respondent_across_files_and_imports(
    ws, ws_dir, tmp_path, whoqol_answers, db_digest
):
    a = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(3)))
    b = write_xlsx(tmp_path / "b.xlsx", table(whoqol_answers(3, seed=9)))
    assert failure(ws, [a, b]) == [
        ("duplicate-respondent", "b.xlsx", "Vastaukset", r, "A", "id", f"A00{r - 1}")
        for r in (2, 3, 4)
    ]
    run(ws, [a])
    before = db_digest(ws_dir)
    assert failure(ws, [b]) == [
        ("duplicate-respondent", "b.xlsx", "Vastaukset", r, "A", "id", f"A00{r - 1}")
        for r in (2, 3, 4)
    ]
    assert db_digest(ws_dir) == before


def test_project_and_wave_missing_or_invalid(ws, tmp_path, whoqol_answers):
    path = write_xlsx(tmp_path / "a.xlsx", table(whoqol_answers(2)))
    assert [e[0] for e in failure(ws, [path], project=" ")] == ["project-missing"]
    assert [e[0] for e in failure(ws, [path], wave=0)] == ["wave-invalid"]
    assert [e[0] for e in failure(ws, [path], wave="toka")] == ["wave-invalid"]
    assert [e[0] for e in failure(ws, [path], wave="1,5")] == ["wave-invalid"]
    with pytest.raises(UserError, match="exactly one of --project"):
        run(ws, [path], project=None)
    with pytest.raises(UserError, match="exactly one of --wave"):
        run(ws, [path], wave=None)
    frame = whoqol_answers(3)
    frame.insert(1, "Hanke", ["Polku", "", "Polku"])
    frame.insert(2, "Mittauskerta", ["1", "2", "x"])
    path = write_xlsx(tmp_path / "long.xlsx", table(frame))
    got = failure(ws, [path], project=None, project_column="Hanke", wave_column="Mittauskerta")
    assert sorted(got, key=lambda e: (e[3], e[0])) == [
        ("project-missing", "long.xlsx", "Vastaukset", 3, "B", "Hanke", None),
        ("wave-invalid", "long.xlsx", "Vastaukset", 4, "C", "Mittauskerta", "x"),
    ]
    assert [
        e[0]
        for e in failure(
            ws, [path], project=None, project_column="Projekti", wave_column="Mittauskerta"
        )
    ] == ["project-missing"]


def test_warnings_for_discarded_responses_and_unused_columns(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(3)
    frame.loc[1, ["q3", "q4", "q5", "q6", "q7"]] = None  # 5 missing: who-syntax discards
    frame.insert(1, "Sähköposti", ["a@b.fi", "c@d.fi", ""])
    frame["Lisätiedot"] = ["", "", "muutti"]
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    res = run(ws, [path])
    warnings = [(i.code, i.row, i.column, i.header) for i in res.report.warnings]
    assert warnings == [
        ("column-unused", None, "AC", "Lisätiedot"),
        ("response-discarded", 3, None, None),
    ]
    assert "5 of 26 items missing" in res.report.warnings[1].message
    assert res.report.warnings[1].file == "a.xlsx"
    # the e-mail column is a direct identifier: never stored, not even in warnings
    dump = "\n".join(ws.conn.iterdump())
    assert "a@b.fi" not in dump and "Sähköposti" not in dump
    meta, _ = stored(ws)
    assert meta["discarded"].tolist() == [False, True, False]
    assert (
        run(ws, [path], rule="manual", wave=2, force=True).report.warnings[-1].code
        == "column-unused"
    )


def test_items_not_in_the_file_are_counted_missing(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(2).drop(columns=["q25", "q26"])
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    res = run(ws, [path])
    assert [i.code for i in res.report.warnings] == ["items-unplaced"]
    assert "q25, q26" in res.report.warnings[0].message
    meta, _ = stored(ws)
    assert meta["missing"].tolist() == ["." * 24 + "xx"] * 2
    assert meta["n_missing"].tolist() == [2, 2]


# --------------------------------------------------------------------------- long files


def test_long_file_with_several_projects_and_waves(ws, tmp_path, whoqol_answers):
    parts = []
    for p, project in enumerate(["Polku", "Silta"]):
        for wave in (1, 2):
            part = whoqol_answers(3, seed=10 * p + wave, prefix="K")
            part.insert(0, "Mittauskerta", wave)
            part.insert(0, "Hanke", project)
            parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    path = write_text(tmp_path / "kaikki.csv", table(frame), ";")
    res = run(ws, [path], project=None, project_column="Hanke", wave_column="Mittauskerta")
    assert (res.files[0].rows_read, res.files[0].rows_stored) == (12, 12)
    assert res.report.warnings == []
    meta, values = ws.responses("whoqol-bref")
    assert meta.groupby(["project", "wave"]).size().to_dict() == {
        ("Polku", 1): 3,
        ("Polku", 2): 3,
        ("Silta", 1): 3,
        ("Silta", 2): 3,
    }
    # waves of one project link by pseudonym; the same id in another project does not
    by = meta.groupby("project")["respondent"].apply(set)
    assert len(by["Polku"]) == 3 and len(by["Silta"]) == 3
    assert not by["Polku"] & by["Silta"]
    first = meta[(meta["project"] == "Silta") & (meta["wave"] == 2)]
    src = frame[(frame["Hanke"] == "Silta") & (frame["Mittauskerta"] == 2)]
    ids = ws.source_ids().set_index("respondent")["source_id"]
    got = pd.DataFrame(
        values[first.index], index=first["respondent"].map(ids).to_numpy(), columns=ITEMS
    ).sort_index()
    np.testing.assert_array_equal(got.to_numpy(), src.set_index("id")[ITEMS].sort_index())
    # re-import of the long file is a no-op
    again = run(ws, [path], project=None, project_column="Hanke", wave_column="Mittauskerta")
    assert again.files[0].status == "unchanged"


def test_sheet_option(ws, tmp_path, whoqol_answers):
    wb = openpyxl.Workbook()
    wb.active.title = "Ohje"
    wb.active.append(["Täytä yksi rivi per asiakas"])
    for name, seed in (("Alku", 1), ("Loppu", 2)):
        sh = wb.create_sheet(name)
        for row in table(whoqol_answers(2, seed=seed)):
            sh.append(row)
    path = tmp_path / "kaksi.xlsx"
    wb.save(path)
    assert failure(ws, [path], sheet="Seuranta") == [
        ("sheet-missing", "kaksi.xlsx", "Seuranta", None, None, None, None)
    ]
    run(ws, [path], sheet="Loppu", wave=2)
    _, values = stored(ws)
    np.testing.assert_array_equal(values, whoqol_answers(2, seed=2)[ITEMS].to_numpy(float))
    assert ws.imports()["sheet"].tolist() == ["Loppu"]


def test_mapping_file(ws, tmp_path, whoqol_answers):
    frame = whoqol_answers(2)
    frame = frame.rename(
        columns={
            "id": "Tunniste",
            "q1": "Millainen on elämänlaatusi?",
            "q2": "Oletko tyytyväinen terveyteesi?",
        }
    )
    path = write_xlsx(tmp_path / "a.xlsx", table(frame))
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\n"Millainen on elämänlaatusi?" = "q1"\n'
        '"Oletko tyytyväinen terveyteesi?" = "q2"\n'
        '[options]\nid_column = "Tunniste"\n',
        encoding="utf-8",
    )
    res = run(ws, [path], mapping=mapping)
    assert res.report.warnings == []
    _, values = stored(ws)
    np.testing.assert_array_equal(values, frame.iloc[:, 1:].to_numpy(float))
    bad = tmp_path / "bad.toml"
    bad.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid TOML"):
        run(ws, [path], mapping=bad, wave=2)


def test_wrong_instrument_with_numbered_columns_is_an_error(tmp_path):
    """A WHOQOL-BREF file imported as EUROHIS-QOL 8 would silently score q1-q8 otherwise."""
    from evaltool.errors import ImportFailed
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.store.workspace import Workspace

    examples = Path(__file__).resolve().parents[2] / "examples"
    ws = Workspace.init(tmp_path / "ws")
    with pytest.raises(ImportFailed) as err:
        import_clients(
            ws,
            [examples / "clients-wave1.csv"],
            ClientImportOptions(instrument="eurohis-qol-8", project="P", wave=1),
        )
    issue = err.value.report.errors[0]
    assert issue.code == "items-unplaced" and "18 more numbered question columns" in issue.message
    assert ws.row_counts(["responses"]) == {"responses": 0}


# --------------------------------------------------------------------------- messy files


def _answers(n: int, seed: int = 0) -> list[list[int]]:
    return np.random.default_rng(seed).integers(1, 6, size=(n, 26)).tolist()


def test_codes_row_over_labels_row_is_a_two_row_header(ws, tmp_path):
    rows = [
        ["Asiakasnumero", *ITEMS],
        ["Asiakkaan tunnus", *[f"Kysymys {i}" for i in range(1, 27)]],
    ]
    rows += [[f"A{i}", *a] for i, a in enumerate(_answers(6))]
    res = run(ws, [write_xlsx(tmp_path / "a.xlsx", rows)])
    assert res.files[0].rows_stored == 6 and res.files[0].details["header_rows"] == 2
    meta, values = stored(ws)
    assert meta["source_row"].tolist() == [3, 4, 5, 6, 7, 8]
    np.testing.assert_array_equal(values, np.array(_answers(6), dtype=float))


def test_a_first_respondent_with_label_answers_is_not_taken_for_a_label_row(ws, tmp_path):
    inst = load_instrument("whoqol-bref")
    answers = _answers(6, seed=3)
    labels = [
        [
            inst.response_sets[inst.item(c).response_set]["fi"][v - 1]
            for c, v in zip(ITEMS, row, strict=True)
        ]
        for row in answers
    ]
    rows = [["Asiakasnumero", *ITEMS]] + [[f"A{i}", *r] for i, r in enumerate(labels)]
    run(ws, [write_xlsx(tmp_path / "a.xlsx", rows)])
    _, values = stored(ws)
    np.testing.assert_array_equal(values, np.array(answers, dtype=float))


def test_merged_group_header_over_items(ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["", "", "WHOQOL-BREF", *[""] * 25])
    sh.merge_cells(start_row=1, start_column=3, end_row=1, end_column=28)
    sh.append(["Asiakasnumero", "Pvm", *ITEMS])
    for i, a in enumerate(_answers(5)):
        sh.append([f"A{i}", "16.3.2024", *a])
    wb.save(tmp_path / "m.xlsx")
    run(ws, [tmp_path / "m.xlsx"])
    meta, values = stored(ws)
    assert meta["date"].tolist() == ["2024-03-16"] * 5
    np.testing.assert_array_equal(values, np.array(_answers(5), dtype=float))


def test_finnish_excel_csv_with_open_answer_holding_semicolon_and_newline(ws, tmp_path):
    import csv
    import io

    rows = [["Asiakasnumero", "Päivämäärä", *ITEMS, "Paino", "Vapaa sana"]]
    for i, a in enumerate(_answers(4)):
        rows.append([f"Ä{i}", "16.3.2024", *a, "72,5", 'Hyvä; "kiitos"\ntoinen rivi'])
    buf = io.StringIO()
    buf.write("sep=;\r\n")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "excel.csv"
    path.write_bytes(buf.getvalue().encode("cp1252"))
    res = run(ws, [path])
    assert res.files[0].rows_stored == 4
    details = res.files[0].details
    assert (details["encoding"], details["delimiter"], details["decimal"]) == ("cp1252", ";", ",")
    meta, values = stored(ws)
    assert meta["source_id"].tolist() == ["Ä0", "Ä1", "Ä2", "Ä3"]
    assert meta["source_row"].tolist() == [3, 4, 5, 6]  # sep= line and header first
    np.testing.assert_array_equal(values, np.array(_answers(4), dtype=float))
    from evaltool import read as readers

    assert readers.read_raw(path).cells.iloc[1, 29] == 'Hyvä; "kiitos"\ntoinen rivi'


def _pseudonyms(ws, project: str) -> dict[int, set[str]]:
    meta, _ = ws.responses("whoqol-bref", projects=[project])
    return {int(w): set(g["respondent"]) for w, g in meta.groupby("wave")}


def test_whole_number_ids_link_across_waves_however_they_are_written(ws, tmp_path):
    """1001 (text), 1001.0 (a CSV of number cells), 1001,0 (Finnish CSV), a float cell in
    xlsx and 001001 are one client; A1001 and 1001.5 are not normalised."""
    answers = _answers(3)
    base = [["Asiakasnumero", *ITEMS]]
    write_text(tmp_path / "w1.csv", base + [[str(1001 + i), *a] for i, a in enumerate(answers)])
    write_text(tmp_path / "w2.csv", base + [[f"{1001 + i}.0", *a] for i, a in enumerate(answers)])
    write_text(tmp_path / "w3.csv", base + [[f"{1001 + i},00", *a] for i, a in enumerate(answers)])
    write_xlsx(tmp_path / "w4.xlsx", base + [[float(1001 + i), *a] for i, a in enumerate(answers)])
    write_text(tmp_path / "w5.csv", base + [[f"00{1001 + i}", *a] for i, a in enumerate(answers)])
    results = [
        run(ws, [tmp_path / f], wave=w, id_column="Asiakasnumero")
        for w, f in enumerate(["w1.csv", "w2.csv", "w3.csv", "w4.xlsx", "w5.csv"], 1)
    ]
    waves = _pseudonyms(ws, "P1")
    assert len(waves) == 5 and all(waves[w] == waves[1] for w in waves)
    # the ids as first written are kept as the source ids
    assert sorted(ws.source_ids()["source_id"]) == ["1001", "1002", "1003"]
    normalised = [[i for i in r.report.warnings if i.code == "id-normalised"] for r in results]
    assert [len(n) for n in normalised] == [0, 1, 1, 0, 1]
    assert normalised[1][0].column == "A" and "'1001.0' → '1001'" in normalised[1][0].message
    imp = ws.imports().iloc[1]
    assert any(w["code"] == "id-normalised" for w in json.loads(imp["warnings"]))


def test_leading_zeros_that_excel_dropped_still_link(ws, tmp_path):
    answers = _answers(3, seed=4)
    base = [["Asiakasnumero", *ITEMS]]
    write_text(tmp_path / "w1.csv", base + [[f"{7 + i:03d}", *a] for i, a in enumerate(answers)])
    write_xlsx(tmp_path / "w2.xlsx", base + [[7 + i, *a] for i, a in enumerate(answers)])
    run(ws, [tmp_path / "w1.csv"], wave=1)
    run(ws, [tmp_path / "w2.xlsx"], wave=2)
    waves = _pseudonyms(ws, "P1")
    assert waves[1] == waves[2]
    assert sorted(ws.source_ids()["source_id"]) == ["007", "008", "009"]


def test_ids_that_are_not_whole_numbers_stay_distinct():
    from evaltool.imports.clients import normalise_ids

    ids = pd.Series(
        ["007", " 7 ", "7.0", "7,00", "A007", "7.5", "1 001", "-7", "0", "000", "", "1e3"]
    )
    keys, changed = normalise_ids(ids)
    assert keys.tolist() == ["7", "7", "7", "7", "A007", "7.5", "1 001", "-7", "0", "0", "", "1e3"]
    assert changed.tolist() == [
        True,
        False,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
        True,
        False,
        False,
    ]


def test_ids_equal_after_normalisation_are_duplicates(ws, ws_dir, tmp_path, db_digest):
    base = [["Asiakasnumero", *ITEMS]]
    path = write_text(
        tmp_path / "a.csv", base + [["007", *_answers(1)[0]], ["7", *_answers(1, 1)[0]]]
    )
    before = db_digest(ws_dir)
    errors = failure(ws, [path])
    assert [(e[0], e[3], e[4], e[6]) for e in errors] == [
        ("duplicate-respondent", 2, "A", "007"),
        ("duplicate-respondent", 3, "A", "7"),
    ]
    assert db_digest(ws_dir) == before


def test_label_spellings_dont_know_variants_and_coded_labels(ws, tmp_path):
    q1 = [
        "Erittäin huono ",
        "HUONO",
        "ei hyvä eikä huono",
        "  Hyvä",
        "ERITTÄIN HYVÄ",
        "EOS",
        "eos",
        "e.o.s.",
        "1 = Erittäin huono",
        "Erittäin hyvä (5)",
        "En osaa sanoa",
    ]
    rows = [["Asiakasnumero", *ITEMS]]
    for i, v in enumerate(q1):
        rows.append([f"E{i:02d}", v, "Tyytyväinen ", *_answers(1, i)[0][2:]])
    run(ws, [write_xlsx(tmp_path / "a.xlsx", rows)])
    meta, values = stored(ws)
    np.testing.assert_array_equal(
        values[:, 0], [1, 2, 3, 4, 5, np.nan, np.nan, np.nan, 1, 5, np.nan]
    )
    assert [m[0] for m in meta["missing"]] == list(".....ddd..d")
    assert (values[:, 1] == 4).all()


def test_tool_codes_webropol_eos_6_qualtrics_minus_99_limesurvey_a_codes(ws, tmp_path):
    # Webropol numeric export: EOS is the next code after the scale (6)
    rows = [["Vastaaja", "Vastausaika", *[f"{i}. Kysymys {i}" for i in range(1, 27)]]]
    for i, a in enumerate(_answers(3)):
        rows.append([str(i + 1), f"16.3.2024 10:3{i}", 6, *a[1:]])
    write_text(tmp_path / "webropol.csv", rows)
    # LimeSurvey answer codes A1 … A5
    rows = [
        [
            "id",
            "submitdate",
            "lastpage",
            "startlanguage",
            "seed",
            "token",
            *[f"Q{i:02d}" for i in range(1, 27)],
        ]
    ]
    for i, a in enumerate(_answers(3, 1)):
        rows.append(
            [str(i + 1), "2024-03-17 14:08:44", "3", "fi", "1", f"T{i}", *[f"A{v}" for v in a]]
        )
    write_text(tmp_path / "lime.csv", rows)
    r1 = run(ws, [tmp_path / "webropol.csv"], project="Web")
    r2 = run(ws, [tmp_path / "lime.csv"], project="Lime")
    assert (r1.files[0].layout, r2.files[0].layout) == ("webropol", "limesurvey")
    meta, values = ws.responses("whoqol-bref", projects=["Web"])
    assert np.isnan(values[:, 0]).all() and {m[0] for m in meta["missing"]} == {"d"}
    meta, values = ws.responses("whoqol-bref", projects=["Lime"])
    np.testing.assert_array_equal(
        np.sort(values, axis=0), np.sort(np.array(_answers(3, 1), dtype=float), axis=0)
    )


def test_qualtrics_recode_minus_99_is_missing(ws, tmp_path):
    codes = [
        "StartDate",
        "Status",
        "Finished",
        "ResponseId",
        "ExternalReference",
        *[f"Q1_{i}" for i in range(1, 27)],
    ]
    labels = [
        "Start Date",
        "Response Type",
        "Finished",
        "Response ID",
        "External Data Reference",
        *[f"Elämänlaatu - Kysymys {i}" for i in range(1, 27)],
    ]
    rows = [codes, labels, [json.dumps({"ImportId": c}) for c in codes]]
    for i, a in enumerate(_answers(3, 2)):
        a[2] = -99
        rows.append(["2024-03-17 13:05:56", "0", "1", f"R_{i}", f"X{i}", *a])
    write_text(tmp_path / "q.csv", rows, delimiter=",")
    res = run(ws, [tmp_path / "q.csv"])
    assert res.files[0].layout == "qualtrics"
    meta, values = stored(ws)
    assert np.isnan(values[:, 2]).all() and all(m[2] == "m" for m in meta["missing"])


def test_dates_as_excel_serials_date_cells_and_text_in_one_column(ws, tmp_path):
    from datetime import date, datetime

    when = [
        date(2024, 3, 16),
        "16.3.2024",
        45367,
        "45367",
        "2024-03-16",
        datetime(2024, 3, 16, 10, 31),
        " 16.3.2024 klo 10.31",
    ]
    rows = [["Asiakasnumero", "Päivämäärä", *ITEMS]]
    rows += [[f"D{i}", w, *a] for i, (w, a) in enumerate(zip(when, _answers(7), strict=True))]
    run(ws, [write_xlsx(tmp_path / "d.xlsx", rows)])
    meta, _ = stored(ws)
    assert meta["date"].tolist() == ["2024-03-16"] * 7


def test_formula_footer_without_cached_values(ws, tmp_path):
    """openpyxl writes formulas without cached results: the footer row reads as empty
    cells, with or without a label."""
    from openpyxl.utils import get_column_letter

    for label, name in (("Keskiarvo", "a.xlsx"), (None, "b.xlsx")):
        wb = openpyxl.Workbook()
        sh = wb.active
        sh.append(["Asiakasnumero", *ITEMS])
        for i, a in enumerate(_answers(4)):
            sh.append([f"F{i}", *a])
        sh.append(
            [label]
            + [f"=AVERAGE({get_column_letter(j)}2:{get_column_letter(j)}5)" for j in range(2, 28)]
        )
        wb.save(tmp_path / name)
        res = run(ws, [tmp_path / name], project=name)
        assert res.files[0].rows_stored == 4
        assert [i.code for i in res.report.errors] == []


def test_client_codes_that_start_with_n_are_not_footers(ws, tmp_path):
    rows = [["Asiakasnumero", *ITEMS]] + [[f"N{i}", *a] for i, a in enumerate(_answers(4))]
    rows.append(["N = 4", *[""] * 26])
    res = run(ws, [write_xlsx(tmp_path / "n.xlsx", rows)])
    assert res.files[0].rows_stored == 4
    assert [r for r in res.report.warnings if r.code == "rows-dropped"][0].row == 6


def test_many_unused_columns_make_one_warning(ws, tmp_path):
    rows = [["Asiakasnumero", *ITEMS, *[f"x{k}" for k in range(3000)]]]
    rows += [[f"W{i}", *a, *["x"] * 3000] for i, a in enumerate(_answers(3))]
    res = run(ws, [write_xlsx(tmp_path / "wide.xlsx", rows)])
    unused = [i for i in res.report.warnings if i.code == "column-unused"]
    assert len(unused) == 1 and unused[0].message == "3000 columns not used: AB–DLK"
    assert len(json.loads(ws.imports().iloc[0]["warnings"])) == 1


def test_duplicate_item_headers(ws, tmp_path):
    answers = _answers(3)
    same = [["Asiakasnumero", *ITEMS, "q1"]] + [[f"A{i}", *a, a[0]] for i, a in enumerate(answers)]
    res = run(ws, [write_xlsx(tmp_path / "same.xlsx", same)])
    assert [(i.code, i.column) for i in res.report.warnings] == [("column-unused", "AB")]
    differ = [["Asiakasnumero", *ITEMS, "q1"]] + [
        [f"B{i}", *a, 6 - a[0]] for i, a in enumerate(answers)
    ]
    errors = failure(ws, [write_xlsx(tmp_path / "differ.xlsx", differ)])
    assert [(e[0], e[4], e[5]) for e in errors] == [("items-unplaced", "AB", "q1")]


def test_instructions_and_empty_sheets_before_the_data(ws, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Tyhjä"
    ohje = wb.create_sheet("Ohje")
    for line in ("Täytä yksi rivi per asiakas.", "", "Koodit: 1 = Erittäin huono …"):
        ohje.append([line])
    data = wb.create_sheet("Vastaukset")
    for row in [["Asiakasnumero", *ITEMS]] + [[f"S{i}", *a] for i, a in enumerate(_answers(3))]:
        data.append(row)
    wb.save(tmp_path / "s.xlsx")
    res = run(ws, [tmp_path / "s.xlsx"])
    assert ws.imports()["sheet"].tolist() == ["Vastaukset"]
    assert res.report.warnings == []


def test_other_sheets_with_data_are_named(ws, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Alku"
    for name in ("Alku", "Loppu"):
        sh = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
        for row in [["Asiakasnumero", *ITEMS]] + [[f"S{i}", *a] for i, a in enumerate(_answers(3))]:
            sh.append(row)
    wb.save(tmp_path / "kaksi.xlsx")
    res = run(ws, [tmp_path / "kaksi.xlsx"])
    warn = [i for i in res.report.warnings if i.code == "sheet-unread"]
    assert len(warn) == 1 and "'Loppu'" in warn[0].message and "--sheet" in warn[0].message


@pytest.mark.parametrize(
    "name, content, says",
    [
        (
            "vienti.xls",
            b"<html><head><meta charset='utf-8'></head><body><table><tr><td>id</td>"
            b"<td>q1</td></tr><tr><td>A1</td><td>3</td></tr></table></body></html>",
            "web page (HTML)",
        ),
        (
            "vienti2.xls",
            "\ufeff<table><tr><th>Asiakasnumero</th></tr></table>".encode(),
            "web page (HTML)",
        ),
        (
            "vienti.csv",
            b"<!DOCTYPE html>\n<html><body><table></table></body></html>",
            "web page (HTML)",
        ),
        (
            "vienti3.xls",
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            b"</Workbook>",
            "Excel 2003 XML spreadsheet",
        ),
    ],
)
def test_markup_saved_as_a_spreadsheet_is_a_clear_error(
    ws, ws_dir, tmp_path, db_digest, runner, name, content, says
):
    from evaltool.cli import main

    path = tmp_path / name
    path.write_bytes(content)
    before = db_digest(ws_dir)
    errors = failure(ws, [path])
    assert [e[:2] for e in errors] == [("file-corrupt", name)]
    res = runner.invoke(
        main, ["import", "clients", str(path), "-w", str(ws_dir), "--project", "P", "--wave", "1"]
    )
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"ERROR [file-corrupt] {name}: this is " in res.stderr and says in res.stderr
    assert f"{name}: {name}" not in res.stderr  # the file is named once
    assert db_digest(ws_dir) == before


def test_open_quote_in_csv_is_an_error_not_lost_respondents(ws, ws_dir, tmp_path, db_digest):
    rows = [["Asiakasnumero", *ITEMS, "Vapaa sana"]]
    rows += [[f"U{i}", *a, '"Hyvä; alku' if i == 2 else "ok"] for i, a in enumerate(_answers(6))]
    path = write_text(tmp_path / "lainaus.csv", rows)
    before = db_digest(ws_dir)
    errors = failure(ws, [path])
    assert [e[:2] for e in errors] == [("file-corrupt", "lainaus.csv")]
    with pytest.raises(ImportFailed) as info:
        run(ws, [path])
    assert "row 4: a field starts with a quote" in info.value.report.errors[0].message
    # a ragged file (a title row) goes through the csv module: the same check
    ragged = tmp_path / "otsikko.csv"
    ragged.write_text("Kysely 2024\n" + path.read_text(), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        run(ws, [ragged])
    assert "row 5: a field starts with a quote" in info.value.report.errors[0].message
    assert db_digest(ws_dir) == before


def test_a_stray_cell_far_from_the_table_is_an_error_not_a_crash(ws, ws_dir, tmp_path, db_digest):
    from openpyxl.styles import Font

    rows = [["Asiakasnumero", *ITEMS]] + [[f"R{i}", *a] for i, a in enumerate(_answers(3))]
    write_xlsx(tmp_path / "far.xlsx", rows)
    wb = openpyxl.load_workbook(tmp_path / "far.xlsx")
    wb.active["XFD1048576"] = " "
    wb.save(tmp_path / "far.xlsx")
    before = db_digest(ws_dir)
    errors = failure(ws, [tmp_path / "far.xlsx"])
    assert [e[:3] for e in errors] == [("file-corrupt", "far.xlsx", "Vastaukset")]
    with pytest.raises(ImportFailed) as info:
        run(ws, [tmp_path / "far.xlsx"])
    assert "XFD1048576" in info.value.report.errors[0].message
    assert db_digest(ws_dir) == before
    # formatting far away (a whole column styled) is no stray value
    wb = openpyxl.load_workbook(tmp_path / "far.xlsx")
    wb.active["XFD1048576"] = None
    wb.active["XFD1048576"].font = Font(bold=True)
    wb.save(tmp_path / "styled.xlsx")
    assert run(ws, [tmp_path / "styled.xlsx"]).files[0].rows_stored == 3


def test_password_protected_workbook(ws, tmp_path):
    # An encrypted xlsx is an OLE2 container with an EncryptedPackage stream.
    path = tmp_path / "salattu.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 1024
    )
    with pytest.raises(ImportFailed) as info:
        run(ws, [path])
    issue = info.value.report.errors[0]
    assert issue.code == "file-corrupt" and "password-protected" in issue.message


def test_ids_rounded_by_excel_are_warned_about(ws, tmp_path):
    rows = [["Respondent ID", *ITEMS]] + [
        [f"1,23457E+{10 + i}", *a] for i, a in enumerate(_answers(3))
    ]
    res = run(ws, [write_text(tmp_path / "sm.csv", rows)])
    warn = [i for i in res.report.warnings if i.code == "id-rounded"]
    assert len(warn) == 1 and warn[0].column == "A" and "'1,23457E+10'" in warn[0].message


def test_unquoted_delimiter_in_an_answer_shifts_the_row_and_is_an_error(
    ws, ws_dir, tmp_path, db_digest
):
    """'kiitos; 5' without quotes: the row's values move one column right and still look
    like answers, so only the row's width tells."""
    rows = [["Asiakasnumero", "Vapaa sana", *ITEMS]]
    for i, a in enumerate(_answers(6)):
        rows.append([f"A{i}", "kiitos; 5" if i == 3 else "ok", *a])
    path = write_text(tmp_path / "siirtynyt.csv", rows)
    before = db_digest(ws_dir)
    errors = failure(ws, [path])
    assert [(e[0], e[3], e[4], e[6]) for e in errors] == [
        ("row-misaligned", 5, "AC", str(_answers(6)[3][-1]))
    ]
    assert db_digest(ws_dir) == before
    # an unlabelled column filled in most rows is a column, not shifted rows
    rows = [[*r, "huom"] if k else r for k, r in enumerate(rows)]
    rows[4][1] = "ok"
    res = run(ws, [write_text(tmp_path / "huom.csv", rows)])
    assert res.files[0].rows_stored == 6


def test_unquoted_line_break_in_an_answer_splits_the_row_and_is_an_error(ws, tmp_path):
    rows = [["Asiakasnumero", "Vapaa sana", *ITEMS]]
    for i, a in enumerate(_answers(6)):
        rows.append([f"A{i}", "hyvä\nkiitos" if i == 2 else "ok", *a])
    errors = failure(ws, [write_text(tmp_path / "katkennut.csv", rows)])
    assert [(e[0], e[3], e[4], e[6]) for e in errors] == [("row-misaligned", 4, "B", "hyvä")]


def test_short_rows_that_excel_writes_are_no_error(ws, tmp_path):
    """Excel leaves out the trailing empty fields of some rows of a CSV."""
    answers = _answers(4)
    rows = [["Asiakasnumero", *ITEMS, "Huom"]] + [[f"A{i}", *a] for i, a in enumerate(answers)]
    path = tmp_path / "lyhyt.csv"
    path.write_text("\n".join(";".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    assert run(ws, [path]).files[0].rows_stored == 4


def test_group_row_codes_row_and_labels_row(ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["Asiakaskysely 2024"])
    sh.append(["", "Fyysinen", *[""] * 6, "Psyykkinen", *[""] * 18])
    sh.merge_cells(start_row=2, start_column=2, end_row=2, end_column=8)
    sh.merge_cells(start_row=2, start_column=9, end_row=2, end_column=27)
    sh.append(["Asiakasnumero", *ITEMS])
    sh.append(["Asiakkaan tunnus", *[f"Kysymys {i}" for i in range(1, 27)]])
    for i, a in enumerate(_answers(6)):
        sh.append([f"G{i}", *a])
    wb.save(tmp_path / "g.xlsx")
    res = run(ws, [tmp_path / "g.xlsx"])
    assert res.files[0].details["header_rows"] == 3
    meta, values = stored(ws)
    assert meta["source_row"].tolist() == [5, 6, 7, 8, 9, 10]
    np.testing.assert_array_equal(values, np.array(_answers(6), dtype=float))

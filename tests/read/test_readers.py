"""Readers: formats from bytes, text encodings, delimiters and cells kept as written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evaltool import read as readers
from evaltool.read import (
    ReadError,
    decode_text,
    delimited,
    read_raw,
    sniff,
    sniff_delimiter,
    sniff_format,
    spreadsheet,
)

ROWS = [
    ["Asiakasnumero", "Sukupuoli", "Vapaa sana", "Keskiarvo"],
    ["A1", "Nainen", 'Hyvä, kiitos; "loistava"', "3,5"],
    ["A2", "Mies", "Åsa sanoi: =) ok", "4,25"],
]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def test_format_is_sniffed_from_bytes_not_the_name(tmp_path: Path):
    assert sniff_format(b"$FL2@(#)") == "sav"
    assert sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1") == "xls"
    assert sniff_format(b"Asiakas;") == "text"
    csv_named_xlsx = tmp_path / "vastaukset.xlsx"
    csv_named_xlsx.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a xlsx file"):
        read_raw(csv_named_xlsx)
    xlsx_named_csv = tmp_path / "vastaukset.csv"
    pd.DataFrame({"a": ["x"], "b": ["y"]}).to_excel(xlsx_named_csv, index=False, engine="openpyxl")
    raw = read_raw(xlsx_named_csv)
    assert raw.file_format == "xlsx" and raw.cells.iloc[1].tolist() == ["x", "y"]


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
    ],
)
def test_text_encodings(tmp_path: Path, encoding: str, bom: bytes, expected: str):
    path = tmp_path / "data.txt"
    path.write_bytes(bom + _csv(ROWS, ";").encode(encoding))
    raw = read_raw(path)
    assert raw.encoding == expected
    assert raw.cells.iloc[2, 2] == "Åsa sanoi: =) ok"
    assert raw.cells.iloc[0, 0] == "Asiakasnumero"  # no BOM left in the first header


def test_cp1252_is_preferred_to_a_detector_guess():
    text, enc = decode_text("Åsa ja Äijä; öljy".encode("cp1252"))
    assert (text, enc) == ("Åsa ja Äijä; öljy", "cp1252")


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(b"\xff\xfe" + _csv(ROWS, "\t").encode("utf-16-le"))
    raw = read_raw(path)
    assert raw.delimiter == "\t" and raw.cells.shape == (3, 4)


def test_utf16_without_bom_is_not_mistaken_for_binary(tmp_path: Path):
    path = tmp_path / "nobom.txt"
    path.write_bytes(_csv(ROWS, "\t").encode("utf-16-le"))
    assert read_raw(path).cells.iloc[1, 1] == "Nainen"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_respects_quotes(delimiter: str):
    text = _csv(ROWS, delimiter)
    assert sniff_delimiter(text) == delimiter


def test_excel_sep_line_and_decimal_comma(tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("sep=;\r\n" + _csv(ROWS, ";")).encode("cp1252"))
    raw = read_raw(path)
    assert raw.delimiter == ";" and raw.decimal == ","
    assert raw.row_offset == 1  # row numbers count the sep= line
    assert raw.cells.iloc[1].tolist() == ROWS[1]


def test_encoding_can_be_forced(tmp_path: Path):
    path = tmp_path / "latin.csv"
    path.write_bytes(_csv(ROWS, ";").encode("cp1252"))
    raw = read_raw(path, encoding="latin-1")
    assert raw.encoding == "latin-1" and raw.cells.iloc[2, 2].startswith("Åsa")


def test_text_is_kept_exactly_and_whitespace_only_is_empty(tmp_path: Path):
    path = tmp_path / "spaces.csv"
    path.write_text(
        'id;open;n\nA1;"  two spaces ";" 3 "\nA2;"   ";NA\nA3;"rivi 1\nrivi 2";null\n',
        encoding="utf-8",
    )
    cells = read_raw(path).cells
    assert cells[1].tolist() == ["open", "  two spaces ", "", "rivi 1\nrivi 2"]
    assert cells[2].tolist() == ["n", " 3 ", "NA", "null"]  # never turned into missing


def test_title_rows_and_ragged_lines(tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text("Asiakaskysely 2024\n\nid;q1;q2\nA1;1;2\nA2;3;4\n\n\n", encoding="utf-8")
    cells = read_raw(path).cells
    assert cells.shape == (5, 3)
    assert cells.iloc[2].tolist() == ["id", "q1", "q2"]


def test_spreadsheet_cells_as_text_and_merged_ranges(tmp_path: Path):
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Otsikko"])
    ws.append([None, "Ryhmä", None])
    ws.merge_cells("B2:C2")
    ws.append(["id", "n", "when"])
    ws.append(["A1", 3.0, datetime(2024, 3, 16, 10, 31)])
    ws.append(["A2", 2.5, datetime(2024, 3, 17)])
    ws.append(["A3", "  ", "=) kiitos"])
    ws["C6"].data_type = "s"
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    raw = read_raw(path)
    assert raw.cells.iloc[3:].values.tolist() == [
        ["A1", "3", "2024-03-16 10:31:00"],
        ["A2", "2.5", "2024-03-17"],
        ["A3", "", "=) kiitos"],
    ]
    assert raw.merged == [((1, 1), (1, 2))]
    assert raw.sheet == "Sheet" and raw.sheets == ["Sheet"]


def test_first_non_empty_sheet_and_sheet_choice(tmp_path: Path):
    path = tmp_path / "sheets.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame().to_excel(xw, sheet_name="Tyhjä")
        pd.DataFrame({"id": ["A"]}).to_excel(xw, sheet_name="Data", index=False)
    assert read_raw(path).sheet == "Data"
    assert read_raw(path, sheet=1).sheet == "Data"
    with pytest.raises(ReadError, match="no sheet 'Muu'"):
        read_raw(path, sheet="Muu")


def test_zip_bomb_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)
    monkeypatch.setattr(sniff, "MAX_UNZIPPED_BYTES", 1_000_000)
    with pytest.raises(ReadError, match="refusing"):
        read_raw(path)


def test_spss_value_labels_and_declared_missing(tmp_path: Path):
    import pyreadstat

    df = pd.DataFrame({"id": ["A", "B"], "q1": [1.0, 6.0], "q2": [2.5, None]})
    path = tmp_path / "x.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels={"q1": "Kysymys: yksi"},
        variable_value_labels={"q1": {1: "Huono", 6: "En osaa sanoa"}},
        missing_ranges={"q1": [6]},
    )
    raw = read_raw(path)
    assert raw.file_format == "sav"
    assert raw.cells.values.tolist() == [["id", "q1", "q2"], ["A", "1", "2.5"], ["B", "6", ""]]
    assert raw.column_labels[1] == "Kysymys: yksi"
    assert raw.value_labels[1] == {"1": "Huono", "6": "En osaa sanoa"}
    assert raw.missing_codes[1] == {"6"}


def test_empty_and_missing_files(tmp_path: Path):
    with pytest.raises(ReadError, match="no such file"):
        read_raw(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_raw(empty)
    blank = tmp_path / "blank.csv"
    blank.write_text("\n  \n\t\n", encoding="utf-8")
    with pytest.raises(ReadError, match="empty|no data"):
        read_raw(blank)


def test_bom_with_invalid_bytes_is_a_clear_error(tmp_path):
    path = tmp_path / "rikki.csv"
    path.write_bytes(b"\xef\xbb\xbfid;q1\n1;3\n2;\xff\xfe3\n")
    with pytest.raises(readers.ReadError) as err:
        readers.read_raw(path)
    assert err.value.code == "file-corrupt"
    assert "UTF-8 byte-order mark but line 3" in str(err.value)


def test_spss_rows_are_case_numbers(tmp_path):
    import pyreadstat

    from evaltool.layouts import recognise

    path = tmp_path / "kysely.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": ["a", "b", "c"], "q1": [1.0, 2.0, 3.0]}), path)
    tidy = recognise(read_raw(path))
    assert tidy.rows.tolist() == [1, 2, 3]


def test_instructions_sheets_are_passed_over_and_other_data_sheets_listed(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Ohje"
    wb.active.append(["Täytä yksi rivi per asiakas."])
    wb.active.append(["Koodit: 1 = huono … 5 = hyvä"])
    lists = wb.create_sheet("_listat")
    lists.append(["a", "b"])
    lists.append(["c", "d"])
    lists.sheet_state = "hidden"
    for name in ("Alku", "Loppu"):
        sh = wb.create_sheet(name)
        sh.append(["id", "q1"])
        sh.append(["A1", 3])
    wb.create_sheet("Tyhjä")
    path = tmp_path / "book.xlsx"
    wb.save(path)
    raw = read_raw(path)
    assert raw.sheet == "Alku" and raw.other_sheets == ["Loppu"]
    assert read_raw(path, sheet="Ohje").cells.iloc[0, 0] == "Täytä yksi rivi per asiakas."
    assert read_raw(path, sheet="Loppu").other_sheets == []  # chosen: nothing to point at


def test_a_header_only_sheet_is_still_the_table(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Vastaukset"
    wb.active.append(["id", "q1", "q2"])
    notes = wb.create_sheet("Ohje")
    notes.append(["Ohje", "teksti"])
    notes.append(["x", "y"])
    wb.save(tmp_path / "tyhja.xlsx")
    assert read_raw(tmp_path / "tyhja.xlsx").sheet == "Vastaukset"


def test_sheet_extent_guard_trusts_a_small_dimension_and_checks_a_large_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    for i in range(10):
        wb.active.append([f"r{i}", i])
    wb.active["T40"].font = Font(bold=True)  # formatting only: dimension A1:T40
    wb.save(tmp_path / "styled.xlsx")
    wb.active["T40"] = "x"
    wb.save(tmp_path / "stray.xlsx")
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_CELLS", 100)
    assert read_raw(tmp_path / "styled.xlsx").cells.shape == (10, 2)
    with pytest.raises(ReadError, match=r"row 40 and column T .*e\.g\. T40") as info:
        read_raw(tmp_path / "stray.xlsx")
    assert info.value.code == "file-corrupt" and info.value.sheet == "Sheet"
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_CELLS", 10_000)
    assert read_raw(tmp_path / "stray.xlsx").cells.shape == (40, 20)


@pytest.mark.parametrize(
    "content, what",
    [
        (
            b"\xff\xfe" + "<html><body><table></table></body></html>".encode("utf-16-le"),
            r"web page \(HTML\)",
        ),
        (b"  \r\n<TABLE border=1><TR><TD>id</TD></TR></TABLE>", r"web page \(HTML\)"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "MHTML"),
        (b'<?xml version="1.0"?><data/>', "an XML file"),
    ],
)
def test_markup_is_recognised_whatever_the_name(tmp_path: Path, content: bytes, what: str):
    for name in ("x.xls", "x.csv", "x.txt"):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ReadError, match=what) as info:
            read_raw(path)
        assert info.value.code == "file-corrupt"


def test_text_that_mentions_html_is_still_text(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text("id;vastaus\nA1;<html> on merkintäkieli\n", encoding="utf-8")
    assert read_raw(path).cells.iloc[1, 1] == "<html> on merkintäkieli"


@pytest.mark.parametrize(
    "text, row",
    [
        ('id;q1;open\nA1;1;"ok"\nA2;2;"auki\nA3;3;x\n', 3),
        ('Kysely\nid;q1;open\nA1;1;"ok"\nA2;2;"auki;\n\nA3;3;x', 4),  # ragged: csv module
        ('sep=;\nid;q1;open\nA1;1;"auki\n', 3),
    ],
)
def test_a_quote_left_open_is_an_error_with_its_row(tmp_path: Path, text: str, row: int):
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match=f"row {row}: a field starts with a quote") as info:
        read_raw(path)
    assert info.value.code == "file-corrupt"


def test_ragged_files_keep_every_row(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text('Kysely\nid;q1;open\nA1;1;"rivi 1\nrivi 2"\nA2;2', encoding="utf-8")
    cells = read_raw(path).cells
    assert cells.shape == (4, 3) and cells.iloc[2, 2] == "rivi 1\nrivi 2"
    assert cells.iloc[3].tolist() == ["A2", "2", ""]


def test_an_open_answer_longer_than_the_csv_modules_limit(tmp_path: Path):
    long = "pitkä vastaus " * 12_000  # 168 000 characters
    path = tmp_path / "pitka.csv"
    path.write_text(f'Kysely\nid;open\nA1;"{long}"\nA2;lyhyt\n', encoding="utf-8")
    cells = read_raw(path).cells
    assert cells.iloc[2, 1] == long and cells.iloc[3, 1] == "lyhyt"


@pytest.mark.parametrize(
    "content, what",
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"{\\rtf1\\ansi hello}", "an RTF document"),
    ],
)
def test_documents_and_images_are_named(tmp_path: Path, content: bytes, what: str):
    for name in ("vastaukset.xlsx", "vastaukset.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ReadError, match=f"this is {what}, not") as info:
            read_raw(path)
        assert info.value.code == "file-corrupt"


def test_a_damaged_legacy_workbook_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "vanha.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match="damaged or not really an Excel file") as info:
        read_raw(path)
    assert info.value.code == "file-corrupt"


@pytest.mark.parametrize(
    "text",
    [
        "a;b;c\n1;2\n\n3;4;5;6\n",
        "a;b\r\n1;2\r\n",
        "a;b\n1;2",
        "x\n\n\n",
        'a;b;c\n1;"2;3";4\n5;"rivi\nrivi";6\n',
    ],
)
def test_field_counts_as_the_csv_module_counts(text: str):
    import csv
    import io

    expected = [len(r) for r in csv.reader(io.StringIO(text), delimiter=";")]
    assert delimited.field_counts(text, ";").tolist() == expected


def test_text_tables_keep_each_rows_field_count(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text('sep=;\nid;q1;open\nA1;1;"x;y"\nA2;2\nA3;3;z;extra\n', encoding="utf-8")
    raw = read_raw(path)
    assert raw.field_counts.tolist() == [3, 3, 2, 4] and raw.cells.shape == (4, 4)


def test_a_huge_cell_does_not_hide_the_delimiter_or_enter_the_sniffed_sample(monkeypatch):
    from evaltool.read import delimited

    seen = []
    reader = delimited.csv.reader

    def recording(lines, *args, **kwargs):
        seen.append(len(lines.getvalue()))
        return reader(lines, *args, **kwargs)

    monkeypatch.setattr(delimited.csv, "reader", recording)
    text = "id;q1;q2\nA1;3;4\nA2;" + "x" * (3 * delimited.SNIFF_CHARS) + ";4\n"
    assert delimited.sniff_delimiter(text) == ";"
    assert seen and max(seen) <= delimited.SNIFF_CHARS  # only the head was sampled

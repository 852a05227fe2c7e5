"""Table output: formula-looking text is neutralised in CSV and Excel, numbers are not."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from evaltool.output import to_text, write_xlsx


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "answer": ['=HYPERLINK("x")', "+358 40", "-kiitos", "@nimi", "hyvä", None],
            "value": [-1.5, 2.0, 3.0, -4.0, 5.0, 6.0],
        }
    )


def test_csv_prefixes_formula_triggers_only_in_text():
    text = to_text({"t": frame()}, "csv")
    back = pd.read_csv(io.StringIO(text), dtype={"answer": object})
    assert back["answer"].tolist()[:5] == [
        '\'=HYPERLINK("x")',
        "'+358 40",
        "'-kiitos",
        "'@nimi",
        "hyvä",
    ]
    assert back["value"].tolist() == [-1.5, 2.0, 3.0, -4.0, 5.0, 6.0]


def test_xlsx_keeps_formula_looking_text_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx({"taulukko": frame()}, path)
    ws = load_workbook(path)["taulukko"]
    cell = ws["A2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    assert ws["B2"].value == -1.5
    assert ws.freeze_panes == "A2"


def test_terminal_table_blanks_missing_values():
    text = to_text({"t": frame()}, "table")
    last = text.strip().splitlines()[-1]
    assert "None" not in last and "NaN" not in last and last.split() == ["6.000"]

"""One path to every figure: the command line and the report workbook carry the same values.

One demo workspace; ``evaltool outcomes --release --format json`` (the programme rows as
the reports release them) and ``evaltool cooperation --format json`` on one side, the
programme report's Excel workbook on the other. For every table the two share, each row of
the workbook must be a row of the command line's table: every figure the workbook shows (it
shows "–" where a small cell is withheld) equals the command line's value for the same
statistic.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from evaltool import demo
from evaltool.cli import main

#: (command-line table, {workbook column header: command-line column}); a workbook sheet
#: belongs to a spec when its header row holds every header of the spec.
SHARED_TABLES = {
    "paired change": (
        "paired",
        {
            "n": "n",
            "Keskiarvo alussa": "mean_from",
            "Keskiarvo lopussa": "mean_to",
            "Muutos": "mean_diff",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
            "p": "p",
            "p (Holm)": "p_holm",
            "p (Wilcoxon)": "wilcoxon_p",
            "Efektikoko dz": "dz",
            "Efektikoko d (keskihajontojen keskiarvolla)": "d_av",
        },
    ),
    # the programme"s class counts are the release"s (project cells shown, the rest pooled
    # "not split by project"): test_reliable_change_counts_add_up checks them
    "reliable change": (
        "paired",
        {
            "n": "n",
            "Luotettavan muutoksen raja (pistettä)": "rci_critical",
        },
    ),
    "reliability": (
        "reliability",
        {
            "n": "n",
            "Kysymyksiä": "k",
            "Cronbachin alfa": "alpha",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
        },
    ),
    "attrition": (
        "attrition",
        {
            "Jatkoi (n)": "n_followed",
            "Jäi pois (n)": "n_lost",
            "Jatkaneiden lähtötaso": "mean_followed",
            "Poisjääneiden lähtötaso": "mean_lost",
            "Ero": "mean_diff",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
            "p": "p",
        },
    ),
    "subgroups": (
        "subgroups",
        {
            "Ryhmittely": None,
            "n": "n",
            "Keskiarvo alussa": "mean_from",
            "Keskiarvo lopussa": "mean_to",
            "Muutos": "mean_diff",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
            "Efektikoko dz": "dz",
        },
    ),
    "mixed models": (
        "mixed",
        {
            "n": "n",
            "Estimaatti": "estimate",
            "Keskivirhe": "se",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
            "Asiakkaiden välinen varianssi": "var_client",
            "Jäännösvarianssi": "var_residual",
        },
    ),
    "good quality of life": (
        "eurohis",
        {
            "n": "n",
            "Hyvä elämänlaatu (n)": "n_good",
            "Osuus": "share",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
        },
    ),
    "project benchmark": (
        "benchmark",
        {
            "Hanke": None,
            "n": "n",
            "Vakioitu muutos": "adjusted_change",
            "95 %:n luottamusvälin alaraja": "adjusted_ci_low",
            "95 %:n luottamusvälin yläraja": "adjusted_ci_high",
        },
    ),
    "cooperation indices": (
        "indices",
        {
            "Vastanneita organisaatioita": "n",
            "Keskiarvo": "mean",
            "Keskihajonta": "sd",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
        },
    ),
    "index change": (
        "compare_indices",
        {
            "n1": "n1",
            "n2": "n2",
            "Keskiarvo 1": "mean1",
            "Keskiarvo 2": "mean2",
            "Muutos": "diff",
            "95 %:n luottamusvälin alaraja": "ci_low",
            "95 %:n luottamusvälin yläraja": "ci_high",
            "p": "p",
        },
    ),
    "tie turnover": (
        "compare_ties",
        {
            "Yhteistyösuhteita 1": "n_ties1",
            "Yhteistyösuhteita 2": "n_ties2",
            "Säilyneet": "kept",
            "Uudet": "new",
            "Päättyneet": "lost",
            "Jaccard-päällekkäisyys": "jaccard",
        },
    ),
    "organisations": (
        "organisations",
        {
            "Saadut yhteistyösuhteet": "in_degree",
            "Nimetyt yhteistyösuhteet": "out_degree",
            "Yhteistyösuhteita yhteensä": "degree",
            "Välittäjyys": "betweenness",
            "Saatu luottamus (1–4)": "mean_trust_received",
            "Saatu arvostus (1–4)": "mean_value_received",
        },
    ),
}

WITHHELD = "–"


@pytest.fixture(scope="module")
def both_sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list]:
    """(command-line tables by name, workbook sheets as lists of rows) of one demo."""
    root = tmp_path_factory.mktemp("one-path") / "evaltool-demo"
    demo.build_demo(root, progress=False)
    runner = CliRunner()
    cli: dict[str, list[dict]] = {}
    for command in (["outcomes", "--release"], ["cooperation"]):
        result = runner.invoke(main, [*command, "--format", "json", "-w", str(root)])
        assert result.exit_code == 0, result.output
        cli.update(json.loads(result.output))
    book = openpyxl.load_workbook(Path(root) / "reports" / "programme.fi.xlsx", read_only=True)
    sheets = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]
    return cli, sheets


def _same(shown, value) -> bool:
    if shown == WITHHELD:
        return True
    if shown is None or value is None:
        return shown is None and value is None
    return math.isclose(float(shown), float(value), rel_tol=1e-9, abs_tol=1e-12)


def _matches(row: dict, cli_row: dict, columns: dict[str, str]) -> bool:
    return all(_same(row[h], cli_row.get(c)) for h, c in columns.items() if c is not None)


@pytest.mark.parametrize("name", SHARED_TABLES)
def test_workbook_rows_are_command_line_rows(both_sides, name):
    cli, sheets = both_sides
    table, columns = SHARED_TABLES[name]
    compared = 0
    for rows in sheets:
        header = rows[0]
        if not all(h in header for h in columns):
            continue
        for values in rows[1:]:
            values = values + [None] * (len(header) - len(values))  # trailing blanks
            row = dict(zip(header, values, strict=True))
            shown = [row[h] for h, c in columns.items() if c is not None]
            if all(v in (None, WITHHELD) for v in shown):
                continue
            assert any(_matches(row, r, columns) for r in cli[table]), (
                f"{name}: workbook row {row} is in no row of the command line's {table!r}"
            )
            compared += 1
    assert compared >= 2, f"{name}: the workbook has no table of this kind"


def test_reliable_change_counts_add_up(both_sides):
    """The programme's reliable-change classes and the pooled rest add up to its n."""
    _, sheets = both_sides
    classes = ["Parani luotettavasti", "Ei luotettavaa muutosta", "Heikkeni luotettavasti"]
    checked = 0
    for rows in sheets:
        header = rows[0]
        if not all(h in header for h in [*classes, "n"]):
            continue
        for values in rows[1:]:
            row = dict(zip(header, values + [None] * (len(header) - len(values)), strict=True))
            parts = [row[h] for h in classes] + [row.get("Ei eritelty hankkeittain") or 0]
            if WITHHELD in parts or any(v is None for v in parts):
                continue
            assert sum(float(v) for v in parts) == float(row["n"]), row
            checked += 1
    assert checked >= 2

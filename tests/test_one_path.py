"""One path to every figure: the command line and the report workbook carry the same values.

One demo workspace; ``evaltool outcomes --format json`` and ``evaltool cooperation --format
json`` on one side, the programme report's Excel workbook on the other. For every table the
two share, each row of the workbook must be a row of the command line's table: every figure
the workbook shows (it shows "–" where a small cell is withheld) equals the command line's
value for the same statistic.
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
    "paired change": ("paired", {
        "n": "n", "Keskiarvo alussa": "mean_from", "Keskiarvo lopussa": "mean_to",
        "Muutos": "mean_diff", "95 % LV alaraja": "ci_low", "95 % LV yläraja": "ci_high",
        "p": "p", "p (Holm)": "p_holm", "p (Wilcoxon)": "wilcoxon_p", "Efektikoko dz": "dz",
        "Efektikoko d_av": "d_av"}),
    "reliable change": ("paired", {
        "n": "n", "Luotettavan muutoksen raja (pistettä)": "rci_critical",
        "Parani luotettavasti": "improved", "Ei luotettavaa muutosta": "unchanged",
        "Heikkeni luotettavasti": "deteriorated", "Parani luotettavasti, %": "improved_share"}),
    "reliability": ("reliability", {
        "n": "n", "Kysymyksiä": "k", "Cronbachin alfa": "alpha", "95 % LV alaraja": "ci_low",
        "95 % LV yläraja": "ci_high"}),
    "attrition": ("attrition", {
        "Jatkoi (n)": "n_followed", "Jäi pois (n)": "n_lost",
        "Jatkaneiden lähtötaso": "mean_followed", "Poisjääneiden lähtötaso": "mean_lost",
        "Ero": "mean_diff", "95 % LV alaraja": "ci_low", "95 % LV yläraja": "ci_high",
        "p": "p"}),
    "subgroups": ("subgroups", {
        "Ryhmittely": None, "n": "n", "Keskiarvo alussa": "mean_from",
        "Keskiarvo lopussa": "mean_to", "Muutos": "mean_diff", "95 % LV alaraja": "ci_low",
        "95 % LV yläraja": "ci_high", "Efektikoko dz": "dz"}),
    "mixed models": ("mixed", {
        "n": "n", "Estimaatti": "estimate", "Keskivirhe": "se", "95 % LV alaraja": "ci_low",
        "95 % LV yläraja": "ci_high", "Asiakkaiden välinen varianssi": "var_client",
        "Jäännösvarianssi": "var_residual"}),
    "good quality of life": ("eurohis", {
        "n": "n", "Hyvä elämänlaatu (n)": "n_good", "Osuus": "share",
        "95 % LV alaraja": "ci_low", "95 % LV yläraja": "ci_high"}),
    "project benchmark": ("benchmark", {
        "Hanke": None, "n": "n", "Vakioitu muutos": "adjusted_change",
        "95 % LV alaraja": "adjusted_ci_low", "95 % LV yläraja": "adjusted_ci_high"}),
    "cooperation indices": ("indices", {
        "Vastanneita organisaatioita": "n", "Keskiarvo": "mean", "Keskihajonta": "sd",
        "95 % LV alaraja": "ci_low", "95 % LV yläraja": "ci_high"}),
    "index change": ("compare_indices", {
        "n1": "n1", "n2": "n2", "Keskiarvo 1": "mean1", "Keskiarvo 2": "mean2",
        "Muutos": "diff", "95 % LV alaraja": "ci_low", "95 % LV yläraja": "ci_high",
        "p": "p"}),
    "tie turnover": ("compare_ties", {
        "Yhteyksiä 1": "n_ties1", "Yhteyksiä 2": "n_ties2", "Säilyneet": "kept",
        "Uudet": "new", "Päättyneet": "lost", "Jaccard-päällekkäisyys": "jaccard"}),
    "organisations": ("organisations", {
        "Saadut yhteydet": "in_degree", "Nimetyt yhteydet": "out_degree",
        "Yhteyksiä yhteensä": "degree", "Välillisyys": "betweenness",
        "Saatu luottamus (1–4)": "mean_trust_received",
        "Saatu arvostus (1–4)": "mean_value_received"}),
}  # fmt: skip

WITHHELD = "–"


@pytest.fixture(scope="module")
def both_sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list]:
    """(command-line tables by name, workbook sheets as lists of rows) of one demo."""
    root = tmp_path_factory.mktemp("one-path") / "evaltool-demo"
    demo.build_demo(root, progress=False)
    runner = CliRunner()
    cli: dict[str, list[dict]] = {}
    for command in ("outcomes", "cooperation"):
        result = runner.invoke(main, [command, "--format", "json", "-w", str(root)])
        assert result.exit_code == 0, result.output
        cli.update(json.loads(result.output))
    book = openpyxl.load_workbook(Path(root) / "reports" / "programme.xlsx", read_only=True)
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

# ruff: noqa: E501 — the participant and register files below are data rows, one line each
"""The ESR chapter: the register card as percent of plan, and with participant records the
common indicators, success rates and the quality-of-life join (every table in the workbook)."""

from __future__ import annotations

from evaltool.imports.participants import import_participants
from evaltool.imports.register import import_projects
from evaltool.report.build import programme_document
from evaltool.report.collect import collect
from evaltool.report.esf_data import esf_data
from evaltool.report.workbook import workbook_tables
from evaltool.store.workspace import Workspace

REGISTER = """\
Hankekoodi;Hankkeen nimi;Ohjelmakausi;Osallistujat, suunniteltu;Osallistujat, toteutunut;Uudet yritykset, suunniteltu;Uudet yritykset, toteutunut;Tavoite EECO01
P1;Ensimmäinen;2021–2027;720;360;2;1;10
"""
PARTICIPANTS = "Hanke;Osallistujatunnus;Aloituspäivä;Sukupuoli;Ikä;Työmarkkina-asema\n" + "".join(
    f"P1;{k};1.{k}.2023;nainen;30;työtön\n" for k in range(1, 7)
)


def test_chapter_shows_percent_of_plan_and_the_common_indicators(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    (tmp_path / "r.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "p.csv").write_text(PARTICIPANTS, encoding="utf-8")
    import_projects(ws, tmp_path / "r.csv")
    import_participants(ws, tmp_path / "p.csv")
    data = collect(ws, lang="en")
    data.esf = esf_data(ws)
    ws.close()
    doc = programme_document(data)
    [esr] = [c for c in doc.chapters if c.title == "ESF indicators" or "ESF" in c.title]
    figs = [b for s in esr.sections for b in s.blocks if hasattr(b, "figure")]
    fig = next(f.figure for f in figs if f.title.endswith("share of plan"))
    # one percent axis: 360 / 720 participants and 1 / 2 enterprises are both 50 %
    assert fig["layout"]["yaxis"]["title"]["text"] == "% of plan"
    assert [round(v) for v in fig["data"][0]["y"] if v is not None] == [50, 50]
    titles = [tb.title for tb in doc.tables()]
    assert "ESF+ common indicators for participants" in titles
    sheets, _ = workbook_tables(doc)
    ind = next(v for k, v in sheets.items() if "common indicators" in k)
    assert "EECO01" in set(ind.iloc[:, 0]) and 6 in set(ind.iloc[:, 2])

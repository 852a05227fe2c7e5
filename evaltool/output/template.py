"""A blank questionnaire workbook for entering paper forms by hand.

:func:`write_template` writes an xlsx workbook for an instrument in Finnish, Swedish or
English:

* sheet 1 (``Vastaukset`` / ``Svar`` / ``Responses``): one header row — respondent id,
  project, wave, date, the instrument's background questions, one column per option of a
  multi-select, open answers and the items — every header ending in its code in parentheses
  (``Sukupuoli (gender)``, ``Sain riittävästi ohjausta (p4)``, ``Tavoitteet …: Päivärytmi
  (goals:routine)``) so the importer places each column exactly; answer cells carry
  drop-down lists of the labels (items: the scale labels and "En osaa sanoa"; choices: the
  options; multi-select options: yes / no); the header row is frozen;
* sheet 2 (``Ohjeet`` / ``Anvisningar`` / ``Instructions``): how to fill in and import it;
* a hidden sheet ``_listat`` holding the drop-down lists.

The importer reads it back as the ``plain`` layout: ``evaltool import clients form.xlsx
--instrument NAME --project-column project --wave-column wave``.
"""

from __future__ import annotations

from pathlib import Path

from evaltool.errors import UserError
from evaltool.instruments import Instrument, load_instrument

TEXT = {
    "fi": {
        "sheet": "Vastaukset",
        "help": "Ohjeet",
        "id": "Asiakastunnus",
        "project": "Projekti",
        "wave": "Mittauskerta",
        "date": "Päivämäärä",
        "dk": "En osaa sanoa",
        "yes": "Kyllä",
        "no": "Ei",
        "lines": [
            "Syötä yksi vastaaja riville 2 alkaen. Älä muuta otsikkoriviä: sarakkeen koodi "
            "suluissa kertoo evaltoolille, mihin kysymykseen sarake kuuluu.",
            "Asiakastunnus: sama tunnus kaikilla mittauskerroilla (ei nimeä eikä henkilötunnusta).",
            "Mittauskerta: 1 = alkumittaus, 2 = välimittaus, 3 = loppumittaus.",
            "Päivämäärä muodossa 16.3.2024.",
            "Valitse vastaukset pudotusvalikosta. Tyhjä solu = vastaus puuttuu; "
            "'En osaa sanoa' ei ole pistemäärä.",
            "Monivalinnat: Kyllä jokaiseen valittuun vaihtoehtoon, muut tyhjiksi.",
            "Tuonti: evaltool import clients TIEDOSTO.xlsx --instrument {instrument} "
            "--project-column project --wave-column wave",
        ],
    },
    "sv": {
        "sheet": "Svar",
        "help": "Anvisningar",
        "id": "Klientkod",
        "project": "Projekt",
        "wave": "Mätning",
        "date": "Datum",
        "dk": "Vet ej",
        "yes": "Ja",
        "no": "Nej",
        "lines": [
            "Skriv en svarande per rad från rad 2. Ändra inte rubrikraden: koden inom "
            "parentes anger vilken fråga kolumnen hör till.",
            "Klientkod: samma kod vid alla mätningar (inte namn eller personbeteckning).",
            "Mätning: 1 = början, 2 = mitten, 3 = slutet.",
            "Datum i formen 16.3.2024.",
            "Välj svaren i listan. Tom cell = svar saknas; 'Vet ej' ger inga poäng.",
            "Flerval: Ja för varje valt alternativ, övriga tomma.",
            "Import: evaltool import clients FIL.xlsx --instrument {instrument} "
            "--project-column project --wave-column wave",
        ],
    },
    "en": {
        "sheet": "Responses",
        "help": "Instructions",
        "id": "Client code",
        "project": "Project",
        "wave": "Wave",
        "date": "Date",
        "dk": "Don't know",
        "yes": "Yes",
        "no": "No",
        "lines": [
            "Enter one respondent per row from row 2. Do not change the header row: the "
            "code in parentheses tells evaltool which question a column belongs to.",
            "Client code: the same code at every wave (no name, no personal identity code).",
            "Wave: 1 = entry, 2 = mid-point, 3 = end.",
            "Date as 16.3.2024.",
            "Choose answers from the drop-down list. An empty cell is a missing answer; "
            "'Don't know' is never a score.",
            "Multi-selects: Yes for every chosen option, leave the others empty.",
            "Import: evaltool import clients FILE.xlsx --instrument {instrument} "
            "--project-column project --wave-column wave",
        ],
    },
}
#: Rows that carry drop-down lists.
ROWS = 1000


def template_columns(instrument: Instrument, lang: str = "fi") -> list[dict]:
    """The template's columns in order: ``header``, ``kind`` (``id``, ``project``, ``wave``,
    ``date``, ``choice``, ``option``, ``text``, ``number``, ``item``) and ``choices`` (the
    drop-down list, empty for free entry)."""
    if lang not in TEXT:
        raise UserError(f"language must be fi, sv or en, not {lang!r}")
    t = TEXT[lang]
    cols = [
        {"header": f"{t['id']} (id)", "kind": "id", "choices": []},
        {"header": f"{t['project']} (project)", "kind": "project", "choices": []},
        {"header": f"{t['wave']} (wave)", "kind": "wave", "choices": ["1", "2", "3"]},
        {"header": f"{t['date']} (date)", "kind": "date", "choices": []},
    ]

    def label(labels: dict[str, str], fallback: str) -> str:
        return labels.get(lang) or labels.get("fi") or labels.get("en") or fallback

    for f in instrument.fields:
        name = label(f.labels, f.name)
        if f.kind == "multi":
            for code, olabels in f.options:
                cols.append(
                    {
                        "header": f"{name}: {label(olabels, code)} ({f.name}:{code})",
                        "kind": "option",
                        "choices": [t["yes"], t["no"]],
                    }
                )
        elif f.kind == "choice":
            cols.append(
                {
                    "header": f"{name} ({f.name})",
                    "kind": "choice",
                    "choices": [label(o, c) for c, o in f.options],
                }
            )
        else:
            cols.append({"header": f"{name} ({f.name})", "kind": f.kind, "choices": []})
    for it in instrument.items:
        rs = instrument.response_sets.get(it.response_set or "", {})
        choices = list(rs.get(lang) or rs.get("fi") or [])
        if not choices:
            choices = [str(int(v)) if float(v).is_integer() else str(v) for v in _scale(instrument)]
        cols.append(
            {
                "header": f"{label(it.labels, it.code)} ({it.code})",
                "kind": "item",
                "choices": choices + [t["dk"]],
            }
        )
    return cols


def _scale(instrument: Instrument) -> list[float]:
    lo, hi = instrument.scale_min, instrument.scale_max
    return [lo + k for k in range(int(hi - lo) + 1)]


def write_template(instrument: str | Path | Instrument, path: str | Path, lang: str = "fi") -> Path:
    """Write a blank hand-entry workbook for ``instrument`` (a built-in name, a TOML path or
    an :class:`Instrument`) to ``path`` in ``lang`` (fi, sv, en); returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    cols = template_columns(inst, lang)
    t = TEXT[lang]
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = t["sheet"]
    lists = wb.create_sheet("_listat")
    lists.sheet_state = "hidden"
    help_ws = wb.create_sheet(t["help"])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    list_ranges: dict[tuple[str, ...], str] = {}
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=col["header"])
        cell.data_type = "s"
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = 14 if col["kind"] != "text" else 40
        choices = tuple(col["choices"])
        if choices:
            if choices not in list_ranges:
                k = len(list_ranges) + 1
                lcol = get_column_letter(k)
                for i, choice in enumerate(choices, start=1):
                    c = lists.cell(row=i, column=k, value=choice)
                    c.data_type = "s"
                list_ranges[choices] = f"'_listat'!${lcol}$1:${lcol}${len(choices)}"
            dv = DataValidation(
                type="list",
                formula1=f"={list_ranges[choices]}",
                allow_blank=True,
                showDropDown=False,
            )
            dv.error = {
                "fi": "Valitse luettelosta",
                "sv": "Välj i listan",
                "en": "Choose from the list",
            }[lang]
            dv.showErrorMessage = col["kind"] in ("choice", "option")
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.row_dimensions[1].height = 60
    ws.freeze_panes = "B2"
    title = inst.title.get(lang) or inst.title.get("fi") or inst.name
    help_ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    for i, line in enumerate(t["lines"], start=3):
        help_ws.cell(row=i, column=1, value=line.format(instrument=inst.name))
    help_ws.column_dimensions["A"].width = 110
    wb.save(path)
    return path

"""Synthetic survey-tool exports with a known truth (invented data), one writer per layout.

Every writer renders the same six respondents of the KEVÄT client survey
(``surveys/kevat-client.toml``) the way one tool exports them: header rows, metadata columns,
grid headers, value coding (labels in fi / sv / en, numbers, tool codes), multi-select
coding, "don't know" coding, dates, encodings and delimiters. :data:`TRUTH` is what an import
must store; :func:`stored` reads a workspace back in the same shape.

The respondents carry the hard cases: don't-know answers, skipped items, a partial response
(A004, flagged incomplete where the tool says so), open answers with commas, semicolons,
quotes, newlines, emoji and text starting with ``=`` ``+`` ``-`` ``@``, a whitespace-only
answer, and the goal option "Ryhmätoiminta, vertaistuki" whose label contains the joiner.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.instruments import load_instrument

INSTRUMENT = "kevat-client"
KEVAT = load_instrument(INSTRUMENT)
ITEMS = KEVAT.item_codes
P_ITEMS = [c for c in ITEMS if c.startswith("p")]
E_ITEMS = [c for c in ITEMS if c.startswith("e")]
FIELDS = {f.name: f for f in KEVAT.fields}
DK = "dk"  # a "don't know" answer in the truth


@dataclass
class Respondent:
    """One invented respondent: answers as the truth an import must reproduce."""

    id: str
    when: datetime
    background: dict[str, str | None]
    goals: list[str]
    items: dict[str, int | str | None]
    good: str | None
    bad: str | None
    complete: bool = True
    #: The open answer as typed when it differs from what is stored (whitespace only).
    bad_typed: str | None = None


def _items(p: list, e: list) -> dict[str, int | str | None]:
    return dict(zip(P_ITEMS + E_ITEMS, p + e, strict=True))


TRUTH: list[Respondent] = [
    Respondent("A001", datetime(2024, 3, 16, 10, 31),
               {"gender": "female", "age_group": "25_34", "education": "vocational",
                "unemployment_duration": "1_2y", "service_type": "rehabilitative"},
               ["work", "peer_support"],
               _items([5, 4, 4, 5, 3, 5, 4, 4], [4, 4, 5, 3, 4, 5, 4, 3]),
               "Hyvä ohjaus, kiitos; toivottavasti jatkuu!", "=) ei mitään huonoa"),
    Respondent("A002", datetime(2024, 3, 16, 14, 2),
               {"gender": "male", "age_group": "under_25", "education": "none",
                "unemployment_duration": "under_1y", "service_type": "workshop"},
               ["peer_support"],
               _items([3, 3, DK, 2, 3, 4, 3, 3], [2, 3, 3, 3, DK, 2, 3, 2]),
               '"Paja" oli paras.\nToinen rivi: 5/5', "- liian vähän ohjaajia"),
    Respondent("A003", datetime(2024, 3, 17, 9, 5),
               {"gender": "female", "age_group": "45_54", "education": "upper_secondary",
                "unemployment_duration": "over_5y", "service_type": "wage_subsidy"},
               [],
               _items([4, 4, 4, 4, 4, 4, None, 4], [3, 3, 4, 4, 3, 3, 3, None]),
               "@ohjaaja oli tosi hyvä 👍", None, bad_typed="   "),
    Respondent("A004", datetime(2024, 3, 18, 11, 45),
               {"gender": "undisclosed", "age_group": None, "education": None,
                "unemployment_duration": None, "service_type": "work_trial"},
               ["work"],
               _items([2, 2, 3, 1, None, None, None, None], [None] * 8),
               None, None, complete=False),
    Respondent("A005", datetime(2024, 3, 19, 16, 20),
               {"gender": "other", "age_group": "55_plus", "education": "higher",
                "unemployment_duration": "2_5y", "service_type": "training"},
               ["routine", "health", "skills", "plans"],
               _items([1, 1, 2, 1, 1, 2, 1, 1], [1, 2, 1, 1, 2, 1, 1, 1]),
               "+ plussaa: ryhmä", None),
    Respondent("A006", datetime(2024, 3, 20, 8, 0),
               {"gender": "male", "age_group": "35_44", "education": "vocational",
                "unemployment_duration": "not_unemployed", "service_type": "rehabilitative"},
               ["studies", "peer_support", "work"],
               _items([3, DK, 3, 3, 3, 3, 3, 3], [DK, 3, 3, 3, 3, 3, 3, DK]),
               None, 'Matkat pitkiä; bussi kallis, "kortti" puuttuu'),
]
IDS = [r.id for r in TRUTH]


# --------------------------------------------------------------------------- labels


def option_label(fname: str, code: str | None, lang: str = "fi") -> str:
    if code is None:
        return ""
    for c, labels in FIELDS[fname].options:
        if c == code:
            return labels[lang]
    raise KeyError(code)


def option_number(fname: str, code: str | None) -> str:
    if code is None:
        return ""
    return str([c for c, _ in FIELDS[fname].options].index(code) + 1)


def field_label(fname: str, lang: str = "fi") -> str:
    return FIELDS[fname].labels[lang]


def block_label(block: str, lang: str = "fi") -> str:
    return next(d for d in KEVAT.domains if d.name == block).labels[lang]


def item_label(code: str, lang: str = "fi") -> str:
    return KEVAT.item(code).labels[lang]


DONT_KNOW = {"fi": "En osaa sanoa", "sv": "Vet ej", "en": "Don't know"}


def answer_label(value: int | str | None, lang: str = "fi") -> str:
    if value is None:
        return ""
    if value == DK:
        return DONT_KNOW[lang]
    return KEVAT.response_sets["agreement"][lang][int(value) - 1]


def answer_number(value: int | str | None, dk: str = "6") -> str:
    if value is None:
        return ""
    return dk if value == DK else str(value)


def goal_codes() -> list[str]:
    return [c for c, _ in FIELDS["goals"].options]


BACKGROUND = ["gender", "age_group", "education", "unemployment_duration", "service_type"]


# --------------------------------------------------------------------------- writers


def _write_csv(path: Path, rows: list[list], delimiter: str = ",", encoding: str = "utf-8",
               quoting: int = csv.QUOTE_MINIMAL, lineterminator: str = "\r\n",
               prefix: str = "", trailer: str = "") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting,
               lineterminator=lineterminator).writerows(rows)
    path.write_bytes((prefix + buf.getvalue() + trailer).encode(encoding))


def _write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1",
                merges: tuple[str, ...] = ()) -> None:
    """Rows to an xlsx sheet; every str cell is written as text (never a formula)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)


def write_webropol_xlsx(path: Path) -> None:
    """Webropol raw-data xlsx: respondent number, ``Vastausaika`` (``d.m.yyyy h:mm``),
    numbered questions, grids and checkbox options as ``question:statement``; answers as
    option labels, "En osaa sanoa" as text; options 1/0."""
    head = ["Vastaajan numero", "Vastausaika", "1. Asiakastunnus"]
    head += [f"{k + 2}. {field_label(f)}" for k, f in enumerate(BACKGROUND)]
    head += [f"7. {field_label('goals')}:{option_label('goals', c)}" for c in goal_codes()]
    head += [f"8. {block_label('participation')}:{item_label(c)}" for c in P_ITEMS]
    head += [f"9. {block_label('effects')}:{item_label(c)}" for c in E_ITEMS]
    head += [f"10. {field_label('good')}", f"11. {field_label('bad')}"]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        rows.append([k, f"{r.when.day}.{r.when.month}.{r.when.year} "
                        f"{r.when.hour}:{r.when.minute:02d}", r.id]
                    + [option_label(f, r.background[f]) for f in BACKGROUND]
                    + [int(c in r.goals) for c in goal_codes()]
                    + [answer_label(r.items[c]) for c in ITEMS]
                    + [r.good or "", r.bad_typed or r.bad or ""])
    _write_xlsx(path, rows, "Vastaukset")


def write_webropol_csv(path: Path) -> None:
    """Webropol CSV opened and saved by Finnish Excel: cp1252, ``;``, numeric answers with
    "En osaa sanoa" numbered 6 after the 1–5 scale, choices as option numbers, grids as
    ``question - statement``."""
    head = ["Vastaaja", "Vastausaika", "Asiakastunnus"]
    head += [field_label(f) for f in BACKGROUND]
    head += [f"{field_label('goals')} - {option_label('goals', c)}" for c in goal_codes()]
    head += [f"{block_label('participation')} - {item_label(c)}" for c in P_ITEMS]
    head += [f"{block_label('effects')} - {item_label(c)}" for c in E_ITEMS]
    head += [field_label("good"), field_label("bad")]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        rows.append([k, f"{r.when.day}.{r.when.month}.{r.when.year} "
                        f"{r.when.hour}:{r.when.minute:02d}", r.id]
                    + [option_number(f, r.background[f]) for f in BACKGROUND]
                    + [int(c in r.goals) for c in goal_codes()]
                    + [answer_number(r.items[c]) for c in ITEMS]
                    + [_cp1252(r.good or ""), _cp1252(r.bad_typed or r.bad or "")])
    _write_csv(path, rows, delimiter=";", encoding="cp1252")


def _cp1252(text: str) -> str:
    """cp1252 cannot hold emoji: a Finnish Excel CSV has lost them (replaced by '?')."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def write_zef(path: Path) -> None:
    """ZEF xlsx (assumed layout): ``Answer ID``, ``Answered``, ``Contact``; English labels;
    grids as ``question - statement``; multi-select joined with ``; ``."""
    head = ["Answer ID", "Answered", "Contact", "Client code"]
    head += [field_label(f, "en") for f in BACKGROUND]
    head += [field_label("goals", "en")]
    head += [f"{block_label('participation', 'en')} - {item_label(c, 'en')}" for c in P_ITEMS]
    head += [f"{block_label('effects', 'en')} - {item_label(c, 'en')}" for c in E_ITEMS]
    head += [field_label("good", "en"), field_label("bad", "en")]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        rows.append([f"z{1000 + k}", r.when, f"client{k}@example.org", r.id]
                    + [option_label(f, r.background[f], "en") for f in BACKGROUND]
                    + ["; ".join(option_label("goals", c, "en") for c in r.goals)]
                    + [answer_label(r.items[c], "en") for c in ITEMS]
                    + [r.good or "", r.bad_typed or r.bad or ""])
    _write_xlsx(path, rows, "Answers")


def _google_time(t: datetime) -> str:
    return t.strftime("%Y/%m/%d %I:%M:%S %p") + " GMT+2"


def write_google(path: Path) -> None:
    """Google Forms CSV: ``Aikaleima``, ``Sähköpostiosoite``, grids ``Question [Row]``,
    checkboxes joined with ``", "`` (so "Ryhmätoiminta, vertaistuki" contains the joiner)."""
    head = ["Aikaleima", "Sähköpostiosoite", "Asiakastunnus"]
    head += [field_label(f) for f in BACKGROUND]
    head += [field_label("goals")]
    head += [f"{block_label('participation')} [{item_label(c)}]" for c in P_ITEMS]
    head += [f"{block_label('effects')} [{item_label(c)}]" for c in E_ITEMS]
    head += [field_label("good"), field_label("bad")]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        rows.append([_google_time(r.when), f"asiakas{k}@example.org", r.id]
                    + [option_label(f, r.background[f]) for f in BACKGROUND]
                    + [", ".join(option_label("goals", c) for c in r.goals)]
                    + [answer_label(r.items[c]) for c in ITEMS]
                    + [r.good or "", r.bad_typed or r.bad or ""])
    _write_csv(path, rows, lineterminator="\n")


def write_ms_forms(path: Path) -> None:
    """Microsoft Forms xlsx in Swedish: ``ID, Start time, Completion time, Email, Name``,
    statement-only Likert headers, answers as labels with stray case and spaces,
    multi-select ``A;B;``."""
    head = ["ID", "Start time", "Completion time", "Email", "Name", "Klientkod"]
    head += [field_label(f, "sv") for f in BACKGROUND]
    head += [field_label("goals", "sv")]
    head += [item_label(c, "sv") for c in ITEMS]
    head += [field_label("good", "sv"), field_label("bad", "sv")]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        labels = [answer_label(r.items[c], "sv") for c in ITEMS]
        labels = [f" {x.upper()} " if (i + k) % 5 == 0 and x else x
                  for i, x in enumerate(labels)]
        rows.append([k, r.when.replace(minute=max(r.when.minute - 5, 0)), r.when,
                     "anonymous", "", r.id]
                    + [option_label(f, r.background[f], "sv") for f in BACKGROUND]
                    + ["".join(option_label("goals", c, "sv") + ";" for c in r.goals)]
                    + labels + [r.good or "", r.bad_typed or r.bad or ""])
    _write_xlsx(path, rows, "Sheet1")


def write_surveymonkey(path: Path) -> None:
    """SurveyMonkey CSV (expanded, answer text, English): two header rows; question text
    only above the first column of a block; options and statements in row 2."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]
    row1, row2 = list(meta), [""] * len(meta)
    row1.append("Client code")
    row2.append("Open-Ended Response")
    for f in BACKGROUND:
        row1.append(field_label(f, "en"))
        row2.append("Response")
    for k, c in enumerate(goal_codes()):
        row1.append(field_label("goals", "en") if k == 0 else "")
        row2.append(option_label("goals", c, "en"))
    for block, items in (("participation", P_ITEMS), ("effects", E_ITEMS)):
        for k, c in enumerate(items):
            row1.append(block_label(block, "en") if k == 0 else "")
            row2.append(item_label(c, "en"))
    for f in ("good", "bad"):
        row1.append(field_label(f, "en"))
        row2.append("Open-Ended Response")
    rows = [row1, row2]
    for k, r in enumerate(TRUTH, start=1):
        us = r.when.strftime("%m/%d/%Y %I:%M:%S %p")
        rows.append([str(11400000000 + 7 * k), "401234567", us, us, f"198.51.100.{k}",
                     "", "Maija-Testi", "Virtanen-Testi", ""] + [r.id]
                    + [option_label(f, r.background[f], "en") for f in BACKGROUND]
                    + [option_label("goals", c, "en") if c in r.goals else ""
                       for c in goal_codes()]
                    + [answer_label(r.items[c], "en") for c in ITEMS]
                    + [r.good or "", r.bad_typed or r.bad or ""])
    _write_csv(path, rows)


QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Helsinki"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Helsinki"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date",
     '{"ImportId":"recordedDate","timeZone":"Europe/Helsinki"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def write_qualtrics(path: Path) -> None:
    """Qualtrics CSV (numeric values): three header rows (field names, labels with
    ``Question - Statement``, ImportId JSON); a survey preview and a spam response that are
    not respondents; the partial response has ``Finished`` = 0; "En osaa sanoa" recoded 6;
    multi-select as ``1,4``; the client code in ``ExternalReference``. UTF-8 with BOM."""
    names, labels, ids = (list(x) for x in zip(*QUALTRICS_META, strict=True))
    for k, f in enumerate(BACKGROUND, start=1):
        names.append(f"Q{k}")
        labels.append(field_label(f))
        ids.append(json.dumps({"ImportId": f"QID{k}"}))
    names.append("Q6")
    labels.append(f"{field_label('goals')} - Selected Choice")
    ids.append('{"ImportId":"QID6"}')
    for q, (block, items) in ((7, ("participation", P_ITEMS)), (8, ("effects", E_ITEMS))):
        for k, c in enumerate(items, start=1):
            names.append(f"Q{q}_{k}")
            labels.append(f"{block_label(block)} - {item_label(c)}")
            ids.append(json.dumps({"ImportId": f"QID{q}_{k}"}))
    for q, f in ((9, "good"), (10, "bad")):
        names.append(f"Q{q}")
        labels.append(field_label(f))
        ids.append(json.dumps({"ImportId": f"QID{q}_TEXT"}))
    goal_index = {c: str(k) for k, c in enumerate(goal_codes(), start=1)}

    def row(r: Respondent, status: str, rid: str) -> list[str]:
        t = r.when.strftime("%Y-%m-%d %H:%M:%S")
        finished = "1" if r.complete else "0"
        progress = "100" if r.complete else "40"
        return ([t, t, status, "", progress, "300", finished, t, rid, "", r.id, "", "",
                 "anonymous", "FI"]
                + [option_number(f, r.background[f]) for f in BACKGROUND]
                + [",".join(goal_index[c] for c in r.goals)]
                + [answer_number(r.items[c]) for c in ITEMS]
                + [r.good or "", r.bad_typed or r.bad or ""])

    preview = row(TRUTH[0], "1", "R_preview0000001")
    preview[10] = "TESTI"
    spam = row(TRUTH[1], "8", "R_spam000000001")
    spam[10] = "ROSKA"
    body = [row(r, "0", f"R_{k:015d}") for k, r in enumerate(TRUTH, start=1)]
    _write_csv(path, [names, labels, ids, preview, *body[:3], spam, *body[3:]],
               encoding="utf-8-sig")


def write_limesurvey(path: Path) -> None:
    """LimeSurvey CSV (full headings, answer codes ``A1``…; ``EOS`` for don't know;
    checkboxes ``Y``/blank; ``token`` = client code): every field quoted, ``;``, UTF-8 with
    BOM, CRLF, a blank line at the end; the partial response has an empty ``submitdate``;
    ``csvMaskEquations`` quotes the answer starting with ``=``."""
    head = ["id", "token", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
            "datestamp", "ipaddr"]
    head += [field_label(f) for f in BACKGROUND]
    head += [f"{field_label('goals')} [{option_label('goals', c)}]" for c in goal_codes()]
    head += [f"{block_label('participation')} [{item_label(c)}]" for c in P_ITEMS]
    head += [f"{block_label('effects')} [{item_label(c)}]" for c in E_ITEMS]
    head += [field_label("good"), field_label("bad")]
    rows = [head]

    def code(v: int | str | None) -> str:
        return "" if v is None else ("EOS" if v == DK else f"A{v}")

    for k, r in enumerate(TRUTH, start=1):
        t = r.when.strftime("%Y-%m-%d %H:%M:%S")
        bad = r.bad_typed or r.bad or ""
        if bad.startswith("="):
            bad = "'" + bad
        rows.append([str(k), r.id, t if r.complete else "", "4" if r.complete else "2", "fi",
                     str(123456 + k), t, t, ""]
                    + [("A" + option_number(f, r.background[f])) if r.background[f] else ""
                       for f in BACKGROUND]
                    + ["Y" if c in r.goals else "" for c in goal_codes()]
                    + [code(r.items[c]) for c in ITEMS]
                    + [r.good or "", bad])
    _write_csv(path, rows, delimiter=";", encoding="utf-8-sig", quoting=csv.QUOTE_ALL,
               trailer="\r\n")


def write_limesurvey_codes(path: Path) -> None:
    """LimeSurvey CSV with *code* headings (``P[SQ001]``) and answer codes: the grids can
    be placed only by a mapping file (or by position)."""
    head = ["id", "token", "submitdate", "lastpage", "startlanguage", "seed"]
    head += [f"G{k}" for k in range(1, 6)]
    head += [f"P[SQ{k:03d}]" for k in range(1, 9)] + [f"E[SQ{k:03d}]" for k in range(1, 9)]
    rows = [head]
    for k, r in enumerate(TRUTH, start=1):
        t = r.when.strftime("%Y-%m-%d %H:%M:%S")
        rows.append([str(k), r.id, t, "4", "fi", "1"]
                    + [("A" + option_number(f, r.background[f])) if r.background[f] else ""
                       for f in BACKGROUND]
                    + [("" if r.items[c] is None else ("EOS" if r.items[c] == DK
                                                       else f"A{r.items[c]}"))
                       for c in ITEMS])
    _write_csv(path, rows, delimiter=";", encoding="utf-8-sig", quoting=csv.QUOTE_ALL)


def write_spss(path: Path) -> None:
    """SPSS .sav: numeric answers with value labels; 6 = "En osaa sanoa" and 9 = "Ei
    vastausta" declared missing; goals as 0/1 variables; question texts as variable labels
    (``question: statement``); variable names that are not item codes (``k8_1``)."""
    import pyreadstat

    data: dict[str, object] = {
        "asiakastunnus": [r.id for r in TRUTH],
        "vastausaika": pd.DatetimeIndex([r.when for r in TRUTH]).as_unit("ns"),
    }
    labels = {"asiakastunnus": "Asiakastunnus", "vastausaika": "Vastausaika"}
    value_labels: dict[str, dict[int, str]] = {}
    missing: dict[str, list] = {}
    short = {"gender": "sukupuoli", "age_group": "ika", "education": "koulutus",
             "unemployment_duration": "tyottomyys", "service_type": "palvelu"}
    for f in BACKGROUND:
        data[short[f]] = [float(option_number(f, r.background[f])) if r.background[f]
                          else np.nan for r in TRUTH]
        labels[short[f]] = field_label(f)
        value_labels[short[f]] = {k: lbl["fi"] for k, (_, lbl) in
                                  enumerate(FIELDS[f].options, start=1)}
    for k, c in enumerate(goal_codes(), start=1):
        name = f"tavoite_{k}"
        data[name] = [float(c in r.goals) for r in TRUTH]
        labels[name] = f"{field_label('goals')}: {option_label('goals', c)}"
        value_labels[name] = {0: "Ei valittu", 1: "Valittu"}
    scale = {k: lbl for k, lbl in enumerate(KEVAT.response_sets["agreement"]["fi"], start=1)}
    for q, (block, items) in ((8, ("participation", P_ITEMS)), (9, ("effects", E_ITEMS))):
        for k, c in enumerate(items, start=1):
            name = f"k{q}_{k}"
            vals = []
            for r in TRUTH:
                v = r.items[c]
                vals.append(6.0 if v == DK else (np.nan if v is None else float(v)))
            if c == "e8":  # a declared "no answer" code instead of an empty cell
                vals = [9.0 if np.isnan(v) else v for v in vals]
            data[name] = vals
            labels[name] = f"{block_label(block)}: {item_label(c)}"
            value_labels[name] = scale | {6: "En osaa sanoa", 9: "Ei vastausta"}
            missing[name] = [6, 9]
    data["hyvaa"] = [r.good or "" for r in TRUTH]
    data["huonoa"] = [r.bad_typed or r.bad or "" for r in TRUTH]
    labels["hyvaa"] = field_label("good")
    labels["huonoa"] = field_label("bad")
    pyreadstat.write_sav(pd.DataFrame(data), str(path), column_labels=labels,
                         variable_value_labels=value_labels, missing_ranges=missing)


def write_plain(path: Path) -> None:
    """A hand-typed Excel sheet: title and note rows, a blank row, merged group headers
    over ``1.``…``8.`` item columns, numbers (some typed as text with a space), ``eos`` /
    ``EOS`` for don't know, ``-`` for skipped, dates as text, goals typed in lower case and
    joined with ``, ``, and ``Keskiarvo`` / ``Yhteensä`` footer rows."""
    n_bg = len(BACKGROUND)
    first_p = 3 + n_bg + 1  # A id, B date, background, goals, then items (1-based column)
    group = [""] * (first_p - 1) + [block_label("participation")] + [""] * 7 \
        + [block_label("effects")] + [""] * 7
    head = ["Asiakasnumero", "Päivämäärä"] + [field_label(f) for f in BACKGROUND] \
        + ["Tavoitteet tukijaksolle"] + [f"{k}." for k in range(1, 9)] * 2 \
        + ["Hyvää palvelussa", "Kehitettävää palvelussa"]
    rows: list[list] = [["Asiakaskysely kevät 2024 – Polku-hanke (keksitty aineisto)"],
                        ["Syötetty paperilomakkeilta 4/2024"], [], group, head]
    for k, r in enumerate(TRUTH):
        vals: list = []
        for i, c in enumerate(ITEMS):
            v = r.items[c]
            if v is None:
                vals.append("-" if (i + k) % 3 == 0 else None)
            elif v == DK:
                vals.append("eos" if k % 2 else " EOS ")
            elif (i + k) % 7 == 0:
                vals.append(f"{v} ")
            else:
                vals.append(int(v))
        rows.append([r.id, f"{r.when.day}.{r.when.month}.{r.when.year}"]
                    + [option_label(f, r.background[f]) for f in BACKGROUND]
                    + [", ".join(option_label("goals", c).lower() for c in r.goals)]
                    + vals + [r.good or "", r.bad_typed or r.bad or ""])
    rows.append([])
    rows.append(["Keskiarvo", None] + [None] * (n_bg + 1) + [3.2] * 16)
    rows.append(["Yhteensä", None, None, 6])
    from openpyxl.utils import get_column_letter as gl

    merges = (f"{gl(first_p)}4:{gl(first_p + 7)}4", f"{gl(first_p + 8)}4:{gl(first_p + 15)}4")
    _write_xlsx(path, rows, "Kevät 2024", merges)


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Fixture:
    """A writer and what reading its file must find."""

    name: str
    filename: str
    write: Callable[[Path], None]
    layout: str
    header_rows: int
    encoding: str | None = None
    delimiter: str | None = None
    dropped: int = 0
    incomplete: tuple[str, ...] = ()
    lost_emoji: bool = False
    dates: bool = True
    mapping: dict[str, str] = field(default_factory=dict)


FIXTURES: dict[str, Fixture] = {f.name: f for f in [
    Fixture("webropol_xlsx", "webropol.xlsx", write_webropol_xlsx, "webropol", 1),
    Fixture("webropol_csv", "webropol.csv", write_webropol_csv, "webropol", 1,
            encoding="cp1252", delimiter=";", lost_emoji=True),
    Fixture("zef", "zef.xlsx", write_zef, "zef", 1),
    Fixture("google_forms", "google.csv", write_google, "google_forms", 1, encoding="utf-8",
            delimiter=","),
    Fixture("ms_forms", "msforms.xlsx", write_ms_forms, "ms_forms", 1),
    Fixture("surveymonkey", "surveymonkey.csv", write_surveymonkey, "surveymonkey", 2,
            encoding="utf-8", delimiter=","),
    Fixture("qualtrics", "qualtrics.csv", write_qualtrics, "qualtrics", 3,
            encoding="utf-8-sig", delimiter=",", dropped=2, incomplete=("A004",)),
    Fixture("limesurvey", "limesurvey.csv", write_limesurvey, "limesurvey", 1,
            encoding="utf-8-sig", delimiter=";", incomplete=("A004",)),
    Fixture("spss", "spss.sav", write_spss, "spss", 1),
    Fixture("plain", "käsin.xlsx", write_plain, "plain", 2, dropped=2),
]}


# --------------------------------------------------------------------------- reading back


def stored(ws) -> dict[str, dict]:
    """Stored responses of the KEVÄT survey by source id: ``items`` (code → value, or
    ``"dk"`` / None for don't know / skipped), ``reasons`` (code → letter), ``fields``
    (field → value, goals → list of codes), ``date``, ``incomplete``."""
    meta, values = ws.responses(INSTRUMENT)
    ids = ws.source_ids().set_index("respondent")["source_id"]
    fields = ws.fields(meta["id"].tolist())
    out: dict[str, dict] = {}
    for i, row in meta.iterrows():
        sid = ids[row["respondent"]]
        reasons = dict(zip(ITEMS, row["missing"], strict=True))
        items: dict[str, int | str | None] = {}
        for j, c in enumerate(ITEMS):
            v = values[i, j]
            if np.isnan(v):
                items[c] = DK if reasons[c] == "d" else None
            else:
                items[c] = int(v)
        f = fields[fields["response_id"] == row["id"]]
        fvals: dict[str, object] = {"goals": []}
        for name, value in zip(f["field"], f["value"], strict=True):
            if name == "goals":
                fvals["goals"].append(value)
            else:
                fvals[name] = value
        out[sid] = {"items": items, "reasons": reasons, "fields": fvals, "date": row["date"],
                    "incomplete": bool(row["incomplete"])}
    return out


def expected(r: Respondent, fixture: Fixture) -> dict:
    """What :func:`stored` must give for respondent ``r`` of ``fixture``."""
    fields: dict[str, object] = {k: v for k, v in r.background.items() if v is not None}
    fields["goals"] = [c for c in goal_codes() if c in r.goals]
    for name, text in (("good", r.good), ("bad", r.bad)):
        if text:
            fields[name] = _cp1252(text) if fixture.lost_emoji else text
    return {"items": dict(r.items), "fields": fields,
            "date": r.when.date().isoformat() if fixture.dates else None,
            "incomplete": r.id in fixture.incomplete}

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

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.instruments import load_instrument
from evaltool.testing import Question, Survey, exports, format_times, write_xlsx

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
    Respondent(
        "A001",
        datetime(2024, 3, 16, 10, 31),
        {
            "gender": "female",
            "age_group": "25_34",
            "education": "vocational",
            "unemployment_duration": "1_2y",
            "service_type": "rehabilitative",
        },
        ["work", "peer_support"],
        _items([5, 4, 4, 5, 3, 5, 4, 4], [4, 4, 5, 3, 4, 5, 4, 3]),
        "Hyvä ohjaus, kiitos; toivottavasti jatkuu!",
        "=) ei mitään huonoa",
    ),
    Respondent(
        "A002",
        datetime(2024, 3, 16, 14, 2),
        {
            "gender": "male",
            "age_group": "under_25",
            "education": "none",
            "unemployment_duration": "under_1y",
            "service_type": "workshop",
        },
        ["peer_support"],
        _items([3, 3, DK, 2, 3, 4, 3, 3], [2, 3, 3, 3, DK, 2, 3, 2]),
        '"Paja" oli paras.\nToinen rivi: 5/5',
        "- liian vähän ohjaajia",
    ),
    Respondent(
        "A003",
        datetime(2024, 3, 17, 9, 5),
        {
            "gender": "female",
            "age_group": "45_54",
            "education": "upper_secondary",
            "unemployment_duration": "over_5y",
            "service_type": "wage_subsidy",
        },
        [],
        _items([4, 4, 4, 4, 4, 4, None, 4], [3, 3, 4, 4, 3, 3, 3, None]),
        "@ohjaaja oli tosi hyvä 👍",
        None,
        bad_typed="   ",
    ),
    Respondent(
        "A004",
        datetime(2024, 3, 18, 11, 45),
        {
            "gender": "undisclosed",
            "age_group": None,
            "education": None,
            "unemployment_duration": None,
            "service_type": "work_trial",
        },
        ["work"],
        _items([2, 2, 3, 1, None, None, None, None], [None] * 8),
        None,
        None,
        complete=False,
    ),
    Respondent(
        "A005",
        datetime(2024, 3, 19, 16, 20),
        {
            "gender": "other",
            "age_group": "55_plus",
            "education": "higher",
            "unemployment_duration": "2_5y",
            "service_type": "training",
        },
        ["routine", "health", "skills", "plans"],
        _items([1, 1, 2, 1, 1, 2, 1, 1], [1, 2, 1, 1, 2, 1, 1, 1]),
        "+ plussaa: ryhmä",
        None,
    ),
    Respondent(
        "A006",
        datetime(2024, 3, 20, 8, 0),
        {
            "gender": "male",
            "age_group": "35_44",
            "education": "vocational",
            "unemployment_duration": "not_unemployed",
            "service_type": "rehabilitative",
        },
        ["studies", "peer_support", "work"],
        _items([3, DK, 3, 3, 3, 3, 3, 3], [DK, 3, 3, 3, 3, 3, 3, DK]),
        None,
        'Matkat pitkiä; bussi kallis, "kortti" puuttuu',
    ),
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


def field_label(fname: str, lang: str = "fi") -> str:
    return FIELDS[fname].labels[lang]


def block_label(block: str, lang: str = "fi") -> str:
    return next(d for d in KEVAT.domains if d.name == block).labels[lang]


def item_label(code: str, lang: str = "fi") -> str:
    return KEVAT.item(code).labels[lang]


DONT_KNOW = {"fi": "En osaa sanoa", "sv": "Vet ej", "en": "Don't know"}
CLIENT_CODE = {"fi": "Asiakastunnus", "sv": "Klientkod", "en": "Client code"}


def answer_label(value: int | str | None, lang: str = "fi") -> str:
    if value is None:
        return ""
    if value == DK:
        return DONT_KNOW[lang]
    return KEVAT.response_sets["agreement"][lang][int(value) - 1]


def goal_codes() -> list[str]:
    return [c for c, _ in FIELDS["goals"].options]


BACKGROUND = ["gender", "age_group", "education", "unemployment_duration", "service_type"]


# --------------------------------------------------------------------------- the survey


def _scale_code(value: int | str | None) -> int:
    return -1 if value is None else 0 if value == DK else int(value)


def survey(lang: str = "fi") -> Survey:
    """:data:`TRUTH` as the KEVÄT questionnaire in ``lang``: client code (1), background
    (2–6), goals (7, chosen in the respondent's order), the participation (8) and effects (9)
    statements, good sides (10) and things to improve (11, as typed)."""
    questions = [Question("id", "id", CLIENT_CODE[lang], 1, texts=np.array(IDS, dtype=object))]
    for number, f in enumerate(BACKGROUND, start=2):
        codes = [c for c, _ in FIELDS[f].options]
        picked = [codes.index(r.background[f]) if r.background[f] else -1 for r in TRUTH]
        questions.append(
            Question(
                f,
                "choice",
                field_label(f, lang),
                number,
                options=tuple(lbl[lang] for _, lbl in FIELDS[f].options),
                codes=np.array(picked, dtype=np.int16),
                dont_know=DONT_KNOW[lang],
            )
        )
    ranks = np.array(
        [[r.goals.index(c) + 1 if c in r.goals else 0 for c in goal_codes()] for r in TRUTH]
    )
    questions.append(
        Question(
            "goals",
            "multi",
            field_label("goals", lang),
            7,
            options=tuple(option_label("goals", c, lang) for c in goal_codes()),
            chosen=ranks,
        )
    )
    scale = tuple(KEVAT.response_sets["agreement"][lang])
    for number, block, items in ((8, "participation", P_ITEMS), (9, "effects", E_ITEMS)):
        for c in items:
            codes = np.array([_scale_code(r.items[c]) for r in TRUTH], dtype=np.int16)
            questions.append(
                Question(
                    c,
                    "scale",
                    item_label(c, lang),
                    number,
                    stem=block_label(block, lang),
                    options=scale,
                    codes=codes,
                    dont_know=DONT_KNOW[lang],
                )
            )
    for number, name, texts in (
        (10, "good", [r.good or "" for r in TRUTH]),
        (11, "bad", [r.bad_typed or r.bad or "" for r in TRUTH]),
    ):
        questions.append(
            Question(
                name, "text", field_label(name, lang), number, texts=np.array(texts, dtype=object)
            )
        )
    return Survey(np.array([r.when for r in TRUTH], dtype="datetime64[s]"), questions)


def _column(values) -> np.ndarray:
    return np.array(list(values), dtype=object)


# --------------------------------------------------------------------------- writers


def _write_xlsx(
    path: Path, rows: list[list], sheet: str = "Sheet1", merges: tuple[str, ...] = ()
) -> None:
    """Rows to an xlsx sheet; every str cell is written as text (never a formula)."""
    write_xlsx(path, rows, sheet=sheet, merges=merges)


def write_webropol_xlsx(path: Path) -> None:
    """Webropol raw-data xlsx: respondent number, ``Vastausaika`` (``d.m.yyyy h:mm``),
    numbered questions, grids and checkbox options as ``question:statement``; answers as
    option labels, "En osaa sanoa" as text; options 1/0."""
    answers = survey()
    exports.write_webropol_xlsx(answers, path, exports.webropol_meta(answers), numbered=True)


def write_webropol_csv(path: Path) -> None:
    """Webropol CSV opened and saved by Finnish Excel: cp1252, ``;``, numeric answers with
    "En osaa sanoa" numbered 6 after the 1–5 scale, choices as option numbers, grids as
    ``question - statement``."""
    answers = survey()
    meta = {
        "Vastaaja": _column(range(1, answers.n + 1)),
        "Vastausaika": format_times(answers.when, "fi"),
    }
    exports.write_webropol_csv(answers, path, meta)


def _cp1252(text: str) -> str:
    """cp1252 cannot hold emoji: a Finnish Excel CSV has lost them (replaced by '?')."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def write_zef(path: Path) -> None:
    """ZEF xlsx (assumed layout): ``Answer ID``, ``Answered``, ``Contact``; English labels;
    grids as ``question - statement``; multi-select joined with ``; ``."""
    meta = {
        "Answer ID": _column(f"z{1000 + k}" for k in range(1, len(TRUTH) + 1)),
        "Answered": _column(r.when for r in TRUTH),
        "Contact": _column(f"client{k}@example.org" for k in range(1, len(TRUTH) + 1)),
    }
    exports.write_zef(survey("en"), path, meta)


def write_google(path: Path) -> None:
    """Google Forms CSV: ``Aikaleima``, ``Sähköpostiosoite``, grids ``Question [Row]``,
    checkboxes joined with ``", "`` (so "Ryhmätoiminta, vertaistuki" contains the joiner)."""
    answers = survey()
    meta = {
        "Aikaleima": format_times(answers.when, "google"),
        "Sähköpostiosoite": _column(f"asiakas{k}@example.org" for k in range(1, answers.n + 1)),
    }
    exports.write_google_forms(answers, path, meta)


def write_ms_forms(path: Path) -> None:
    """Microsoft Forms xlsx in Swedish: ``ID, Start time, Completion time, Email, Name``,
    statement-only Likert headers, answers as labels with stray case and spaces,
    multi-select ``A;B;``."""
    answers = survey("sv")
    questions = []
    for q in answers.questions:
        if q.kind == "scale":
            i = ITEMS.index(q.code)
            typed = [
                f" {x.upper()} " if (i + k) % 5 == 0 and x else x
                for k, x in enumerate(q.labels(), start=1)
            ]
            q = replace(q, texts=np.array(typed, dtype=object))
        questions.append(q)
    meta = {
        "ID": _column(range(1, len(TRUTH) + 1)),
        "Start time": _column(r.when.replace(minute=max(r.when.minute - 5, 0)) for r in TRUTH),
        "Completion time": _column(r.when for r in TRUTH),
        "Email": _column("anonymous" for _ in TRUTH),
        "Name": _column("" for _ in TRUTH),
    }
    exports.write_ms_forms(Survey(answers.when, questions), path, meta)


def write_surveymonkey(path: Path) -> None:
    """SurveyMonkey CSV (expanded, answer text, English): two header rows; question text
    only above the first column of a block; options and statements in row 2."""
    us = format_times(np.array([r.when for r in TRUTH], dtype="datetime64[s]"), "us")
    ks = range(1, len(TRUTH) + 1)
    values = [
        [str(11400000000 + 7 * k) for k in ks],
        ["401234567"] * len(TRUTH),
        us,
        us,
        [f"198.51.100.{k}" for k in ks],
        [""] * len(TRUTH),
        ["Maija-Testi"] * len(TRUTH),
        ["Virtanen-Testi"] * len(TRUTH),
        [""] * len(TRUTH),
    ]
    meta = {name: _column(v) for name, v in zip(exports.SURVEYMONKEY_META, values, strict=True)}
    exports.write_surveymonkey(survey("en"), path, meta)


def _json_import_id(key: str, question: Question) -> str:
    """The fixture's ImportIds: as ``json.dumps`` writes them, the multi-select's compact."""
    if question.kind == "multi":
        return f'{{"ImportId":"{key}"}}'
    return json.dumps({"ImportId": key})


def write_qualtrics(path: Path) -> None:
    """Qualtrics CSV (numeric values): three header rows (field names, labels with
    ``Question - Statement``, ImportId JSON); a survey preview and a spam response that are
    not respondents; the partial response has ``Finished`` = 0; "En osaa sanoa" recoded 6;
    multi-select as ``1,4``; the client code in ``ExternalReference``. UTF-8 with BOM."""
    rows = [(0, "1", "R_preview0000001", "TESTI")]
    rows += [(k - 1, "0", f"R_{k:015d}", TRUTH[k - 1].id) for k in (1, 2, 3)]
    rows += [(1, "8", "R_spam000000001", "ROSKA")]
    rows += [(k - 1, "0", f"R_{k:015d}", TRUTH[k - 1].id) for k in (4, 5, 6)]
    answers = survey().without("id").renumbered().take([i for i, *_ in rows])
    when = format_times(answers.when, "iso")
    complete = [TRUTH[i].complete for i, *_ in rows]
    blank = [""] * len(rows)
    meta = {
        "StartDate": when,
        "EndDate": when,
        "Status": _column(r[1] for r in rows),
        "IPAddress": blank,
        "Progress": _column("100" if c else "40" for c in complete),
        "Duration (in seconds)": ["300"] * len(rows),
        "Finished": _column("1" if c else "0" for c in complete),
        "RecordedDate": when,
        "ResponseId": _column(r[2] for r in rows),
        "RecipientEmail": blank,
        "ExternalReference": _column(r[3] for r in rows),
        "LocationLatitude": blank,
        "LocationLongitude": blank,
        "DistributionChannel": ["anonymous"] * len(rows),
        "UserLanguage": ["FI"] * len(rows),
    }
    exports.write_qualtrics(
        answers, path, meta, coding="numbers", text_suffix=False, import_id=_json_import_id
    )


def write_qualtrics_legacy(path: Path) -> None:
    """Qualtrics legacy-exporter CSV: codes ``V1`` … ``V10`` over the field names
    (``ResponseID``, ``Status``, ``Finished`` …) and question codes over labels; a survey
    test response (Status 2) and a preview (Status 1) that are not respondents; the client code
    in ``ExternalDataReference``; numeric values."""
    rows = [(0, "2", "R_test00000000001", "TESTI")]
    rows += [(k - 1, "0", f"R_{k:015d}", TRUTH[k - 1].id) for k in (1, 2, 3, 4)]
    rows += [(1, "1", "R_preview0000001", "ESIKATSELU")]
    rows += [(k - 1, "0", f"R_{k:015d}", TRUTH[k - 1].id) for k in (5, 6)]
    answers = survey().without("id").renumbered().take([i for i, *_ in rows])
    when = format_times(answers.when, "iso")
    complete = [TRUTH[i].complete for i, *_ in rows]
    blank = [""] * len(rows)
    meta = {
        "V1": _column(r[2] for r in rows),
        "V2": ["Default Response Set"] * len(rows),
        "V3": ["Anonymous"] * len(rows),
        "V4": _column(r[3] for r in rows),
        "V5": blank,
        "V6": blank,
        "V7": _column(r[1] for r in rows),
        "V8": when,
        "V9": when,
        "V10": _column("1" if c else "0" for c in complete),
    }
    exports.write_qualtrics_legacy(answers, path, meta)


def write_limesurvey(path: Path) -> None:
    """LimeSurvey CSV (full headings, answer codes ``A1``…; ``EOS`` for don't know;
    checkboxes ``Y``/blank; ``token`` = client code): every field quoted, ``;``, UTF-8 with
    BOM, CRLF, a blank line at the end; the partial response has an empty ``submitdate``;
    ``csvMaskEquations`` quotes the answer starting with ``=``."""
    answers = survey().without("id")
    when = format_times(answers.when, "iso")
    ks = range(1, len(TRUTH) + 1)
    meta = {
        "id": _column(str(k) for k in ks),
        "token": _column(IDS),
        "submitdate": _column(t if r.complete else "" for t, r in zip(when, TRUTH, strict=True)),
        "lastpage": _column("4" if r.complete else "2" for r in TRUTH),
        "startlanguage": ["fi"] * len(TRUTH),
        "seed": _column(str(123456 + k) for k in ks),
        "startdate": when,
        "datestamp": when,
        "ipaddr": [""] * len(TRUTH),
    }
    exports.write_limesurvey(answers, path, meta, coding="codes", mask_equations=True)


def write_limesurvey_codes(path: Path) -> None:
    """LimeSurvey CSV with *code* headings (``P[SQ001]``) and answer codes: the grids can
    be placed only by a mapping file (or by position)."""
    headings = {f: f"G{k}" for k, f in enumerate(BACKGROUND, start=1)}
    headings |= {c: f"P[SQ{k:03d}]" for k, c in enumerate(P_ITEMS, start=1)}
    headings |= {c: f"E[SQ{k:03d}]" for k, c in enumerate(E_ITEMS, start=1)}
    answers = survey().without("id", "goals", "good", "bad")
    answers = Survey(
        answers.when, [replace(q, text=headings[q.code], stem=None) for q in answers.questions]
    )
    meta = {
        "id": _column(str(k) for k in range(1, len(TRUTH) + 1)),
        "token": _column(IDS),
        "submitdate": format_times(answers.when, "iso"),
        "lastpage": ["4"] * len(TRUTH),
        "startlanguage": ["fi"] * len(TRUTH),
        "seed": ["1"] * len(TRUTH),
    }
    exports.write_limesurvey(answers, path, meta, coding="codes", blank_line=False)


def write_spss(path: Path) -> None:
    """SPSS .sav: numeric answers with value labels; 6 = "En osaa sanoa" and 9 = "Ei
    vastausta" declared missing; goals as 0/1 variables; question texts as variable labels
    (``question: statement``); variable names that are not item codes (``k8_1``)."""
    answers = survey().without("id")
    names = {
        "gender": "sukupuoli",
        "age_group": "ika",
        "education": "koulutus",
        "unemployment_duration": "tyottomyys",
        "service_type": "palvelu",
        "goals": "tavoite",
        "good": "hyvaa",
        "bad": "huonoa",
    }
    for q, items in ((8, P_ITEMS), (9, E_ITEMS)):
        names |= {c: f"k{q}_{k}" for k, c in enumerate(items, start=1)}
    meta = {
        "asiakastunnus": ("Asiakastunnus", IDS),
        "vastausaika": ("Vastausaika", pd.DatetimeIndex([r.when for r in TRUTH]).as_unit("ns")),
    }
    # e8: a declared "no answer" code instead of an empty cell
    exports.write_spss(
        answers,
        path,
        meta,
        names=names,
        declared_missing={9: "Ei vastausta"},
        skipped_codes={"e8": 9},
    )


def _typed_by_hand(q: Question, i: int) -> Question:
    """Item ``i``'s answers as typed: some numbers as text with a space, ``eos`` / ``EOS``
    for don't know, ``-`` for some skipped answers."""
    typed: list[object] = []
    for k, r in enumerate(TRUTH):
        v = r.items[q.code]
        if v is None:
            typed.append("-" if (i + k) % 3 == 0 else None)
        elif v == DK:
            typed.append("eos" if k % 2 else " EOS ")
        elif (i + k) % 7 == 0:
            typed.append(f"{v} ")
        else:
            typed.append(int(v))
    return replace(q, texts=np.array(typed, dtype=object))


def write_plain(path: Path) -> None:
    """A hand-typed Excel sheet: title and note rows, a blank row, merged group headers
    over ``1.``…``8.`` item columns, numbers (some typed as text with a space), ``eos`` /
    ``EOS`` for don't know, ``-`` for skipped, dates as text, goals typed in lower case and
    joined with ``, ``, and ``Keskiarvo`` / ``Yhteensä`` footer rows."""
    headers = {
        "goals": "Tavoitteet tukijaksolle",
        "good": "Hyvää palvelussa",
        "bad": "Kehitettävää palvelussa",
    }
    for items in (P_ITEMS, E_ITEMS):
        headers |= {c: f"{k}." for k, c in enumerate(items, start=1)}
    answers = survey().without("id").relabel(headers)
    answers = Survey(
        answers.when,
        [
            _typed_by_hand(q, ITEMS.index(q.code)) if q.kind == "scale" else q
            for q in answers.questions
        ],
    )
    meta = {"Asiakasnumero": _column(IDS), "Päivämäärä": format_times(answers.when, "fi-date")}
    footer = [
        ["Keskiarvo", None] + [None] * (len(BACKGROUND) + 1) + [3.2] * 16,
        ["Yhteensä", None, None, 6],
    ]
    exports.write_handtyped(
        answers,
        path,
        meta,
        sheet="Kevät 2024",
        stem_row=True,
        footer=footer,
        above=[
            ["Asiakaskysely kevät 2024 – Polku-hanke (keksitty aineisto)"],
            ["Syötetty paperilomakkeilta 4/2024"],
        ],
    )


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


FIXTURES: dict[str, Fixture] = {
    f.name: f
    for f in [
        Fixture("webropol_xlsx", "webropol.xlsx", write_webropol_xlsx, "webropol", 1),
        Fixture(
            "webropol_csv",
            "webropol.csv",
            write_webropol_csv,
            "webropol",
            1,
            encoding="cp1252",
            delimiter=";",
            lost_emoji=True,
        ),
        Fixture("zef", "zef.xlsx", write_zef, "zef", 1),
        Fixture(
            "google_forms",
            "google.csv",
            write_google,
            "google_forms",
            1,
            encoding="utf-8",
            delimiter=",",
        ),
        Fixture("ms_forms", "msforms.xlsx", write_ms_forms, "ms_forms", 1),
        Fixture(
            "surveymonkey",
            "surveymonkey.csv",
            write_surveymonkey,
            "surveymonkey",
            2,
            encoding="utf-8",
            delimiter=",",
        ),
        Fixture(
            "qualtrics",
            "qualtrics.csv",
            write_qualtrics,
            "qualtrics",
            3,
            encoding="utf-8-sig",
            delimiter=",",
            dropped=2,
            incomplete=("A004",),
        ),
        Fixture(
            "qualtrics_legacy",
            "qualtrics-legacy.csv",
            write_qualtrics_legacy,
            "qualtrics",
            2,
            encoding="utf-8-sig",
            delimiter=",",
            dropped=2,
            incomplete=("A004",),
        ),
        Fixture(
            "limesurvey",
            "limesurvey.csv",
            write_limesurvey,
            "limesurvey",
            1,
            encoding="utf-8-sig",
            delimiter=";",
            incomplete=("A004",),
        ),
        Fixture("spss", "spss.sav", write_spss, "spss", 1),
        Fixture("plain", "käsin.xlsx", write_plain, "plain", 2, dropped=2),
    ]
}


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
        out[sid] = {
            "items": items,
            "reasons": reasons,
            "fields": fvals,
            "date": row["date"],
            "incomplete": bool(row["incomplete"]),
        }
    return out


def expected(r: Respondent, fixture: Fixture) -> dict:
    """What :func:`stored` must give for respondent ``r`` of ``fixture``."""
    fields: dict[str, object] = {k: v for k, v in r.background.items() if v is not None}
    fields["goals"] = [c for c in goal_codes() if c in r.goals]
    for name, text in (("good", r.good), ("bad", r.bad)):
        if text:
            fields[name] = _cp1252(text) if fixture.lost_emoji else text
    return {
        "items": dict(r.items),
        "fields": fields,
        "date": r.when.date().isoformat() if fixture.dates else None,
        "incomplete": r.id in fixture.incomplete,
    }

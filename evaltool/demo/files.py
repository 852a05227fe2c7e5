"""Which export each project's file is written as: every project's client questionnaires in
its survey tool's format, with the tool's metadata (response ids, start times, previews)
simulated."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.demo.forms import Form, build_form
from evaltool.demo.simulate import (
    DEMO_LABEL,
    FILE_TAG,
    PROJECTS,
    WAVE_DATES,
    WAVE_NAMES,
    DemoProject,
    random_stream,
    simulate_panel,
)
from evaltool.testing import (
    Question,
    Survey,
    exports,
    format_times,
)

#: Layout name under which :func:`evaltool.layouts.recognise` should recognise each tool.
TOOL_LAYOUT = {
    "webropol": "webropol",
    "google": "google_forms",
    "msforms": "ms_forms",
    "surveymonkey": "surveymonkey",
    "qualtrics": "qualtrics",
    "limesurvey": "limesurvey",
    "spss": "spss",
    "handtyped": "plain",
}
TOOL_EXTENSION = {
    "webropol": "xlsx",
    "google": "csv",
    "msforms": "xlsx",
    "surveymonkey": "csv",
    "qualtrics": "csv",
    "limesurvey": "csv",
    "spss": "sav",
    "handtyped": "xlsx",
}
TOOL_ID_COLUMN = {"handtyped": "Asiakasnumero", "spss": "asiakastunnus"}


@dataclass(frozen=True)
class ClientFile:
    """A generated client export and how it is imported."""

    path: Path
    project: str
    project_code: str
    wave: int
    instrument: str
    tool: str
    layout: str
    id_column: str
    respondents: int
    experience: bool


def workbook_properties(title: str) -> dict[str, str]:
    """Document properties of a demo workbook: its title, labelled synthetic.

    Parameters
    ----------
    title
        The workbook's title.

    Returns
    -------
    dict
        ``title``, ``subject``, ``creator`` and ``description`` for
        :func:`evaltool.testing.write_xlsx`.
    """
    return {
        "title": title,
        "subject": DEMO_LABEL,
        "creator": "evaltool demo",
        "description": DEMO_LABEL,
    }


def _form_title(form: Form) -> str:
    return f"{DEMO_LABEL}: {form.project.name}, {WAVE_NAMES[form.wave]}"


def _preview_first(first: str, rest) -> np.ndarray:
    """A column whose first cell is ``first`` (a preview response) and then ``rest``."""
    return np.array([first, *rest], dtype=object)


def write_webropol(form: Form, path: Path) -> None:
    """Webropol-like xlsx: respondent number, ``Vastausaika`` (``d.m.yyyy h:mm``), one column
    per question; matrix rows and checkbox options as ``question:statement`` (1/0).

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    exports.write_webropol_xlsx(
        form.survey,
        path,
        exports.webropol_meta(form.survey),
        checked=("1", "0"),
        empty_cells=True,
        properties=workbook_properties(_form_title(form)),
    )


def write_google(form: Form, path: Path) -> None:
    """Google Forms responses CSV: ``Timestamp``, grids as ``Question [Row]``, checkboxes
    joined with ``", "`` (UTF-8, comma).

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    meta = {"Timestamp": format_times(form.survey.when, "google")}
    exports.write_google_forms(form.survey, path, meta)


def write_msforms(form: Form, path: Path) -> None:
    """Microsoft Forms xlsx: ID, Start time, Completion time, Email, Name, then one column per
    question (statement only for Likert rows); multi-selects ``A;B;``.

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    n = form.survey.n
    rng = random_stream("msforms", form.project.code, form.wave)
    done = pd.DatetimeIndex(form.survey.when)
    start = done - pd.to_timedelta(rng.integers(180, 1500, n), unit="s")
    meta = {
        "ID": np.arange(1, n + 1).astype(object),
        "Start time": np.array(start.to_pydatetime(), dtype=object),
        "Completion time": np.array(done.to_pydatetime(), dtype=object),
        "Email": np.full(n, "anonymous", dtype=object),
        "Name": np.full(n, "", dtype=object),
    }
    exports.write_ms_forms(
        form.survey, path, meta, properties=workbook_properties(_form_title(form))
    )


def write_surveymonkey(form: Form, path: Path) -> None:
    """SurveyMonkey "all responses" CSV (expanded, answer text): two header rows; the question
    text stands above the first column of its block, row 2 names the sub-column.

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    n = form.survey.n
    rng = random_stream("surveymonkey", form.project.code, form.wave)
    done = pd.DatetimeIndex(form.survey.when)
    start = done - pd.to_timedelta(rng.integers(200, 1400, n), unit="s")
    ids = 10_000_000_000 + np.sort(rng.choice(899_999_999, n, replace=False)) * 11
    values = [
        ids.astype(str).astype(object),
        np.full(n, str(200_000_000 + form.wave * 1013), dtype=object),
        format_times(start.to_numpy(), "us"),
        format_times(done.to_numpy(), "us"),
        np.array([f"198.51.100.{v}" for v in rng.integers(1, 255, n)], dtype=object),
        *[np.full(n, "", dtype=object)] * 4,
    ]
    meta = dict(zip(exports.SURVEYMONKEY_META, values, strict=True))
    exports.write_surveymonkey(form.survey, path, meta)


def write_qualtrics(form: Form, path: Path) -> None:
    """Qualtrics CSV (choice text): three header rows (field names, labels, ImportIds) and a
    survey-preview response first, which an importer must drop (UTF-8 with BOM).

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    n = form.survey.n
    rng = random_stream("qualtrics", form.project.code, form.wave)
    done = pd.DatetimeIndex(form.survey.when)
    dur = rng.integers(240, 1500, n)
    start = done - pd.to_timedelta(dur, unit="s")
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    rid = np.array(
        ["R_" + "".join(r) for r in letters[rng.integers(0, 62, (n + 1, 15))]], dtype=object
    )
    # The project worker's own test run ("Survey Preview") comes first, as in real exports.
    first = (WAVE_DATES[form.wave] - timedelta(days=3)).isoformat()
    blank = np.full(n + 1, "", dtype=object)
    finished = format_times(done.to_numpy(), "iso")
    meta = {
        "StartDate": _preview_first(f"{first} 09:12:01", format_times(start.to_numpy(), "iso")),
        "EndDate": _preview_first(f"{first} 09:15:40", finished),
        "Status": _preview_first("Survey Preview", ["IP Address"] * n),
        "IPAddress": blank,
        "Progress": _preview_first("100", ["100"] * n),
        "Duration (in seconds)": _preview_first("219", dur.astype(str)),
        "Finished": _preview_first("True", ["True"] * n),
        "RecordedDate": _preview_first(f"{first} 09:15:41", finished),
        "ResponseId": rid,
        "RecipientLastName": blank,
        "RecipientFirstName": blank,
        "RecipientEmail": blank,
        "ExternalReference": blank,
        "LocationLatitude": blank,
        "LocationLongitude": blank,
        "DistributionChannel": _preview_first("preview", ["anonymous"] * n),
        "UserLanguage": _preview_first("FI", ["FI"] * n),
    }
    preview = exports.preview_response(form.survey, pd.Timestamp(f"{first} 09:15:40"))
    exports.write_qualtrics(preview.concat(form.survey), path, meta)


def _stopped_half_way(survey: Survey, row: int) -> Survey:
    """``survey`` with respondent ``row``'s answers blanked from the middle of the bracketed
    (matrix and checkbox) columns on: a response left unfinished."""
    columns = []
    for j, q in enumerate(survey.questions):
        if q.kind == "multi":
            columns += [(j, k) for k in range(len(q.options))]
        elif "[" in (f"{q.stem} [{q.text}]" if q.stem else q.text):
            columns.append((j, None))
    questions = list(survey.questions)
    for j, k in columns[len(columns) // 2 :]:
        q = questions[j]
        if k is not None:
            chosen = q.chosen.copy()
            chosen[row, k] = False
            questions[j] = replace(q, chosen=chosen)
        elif q.kind in ("id", "text"):
            texts = q.texts.copy()
            texts[row] = ""
            questions[j] = replace(q, texts=texts)
        else:
            codes = q.codes.copy()
            codes[row] = -1
            questions[j] = replace(q, codes=codes)
    return Survey(survey.when, questions)


def write_limesurvey(form: Form, path: Path) -> None:
    """LimeSurvey CSV (full question texts, full answers): ``id, submitdate, lastpage,
    startlanguage, seed, startdate, datestamp``; every field quoted, ``;``, UTF-8 with BOM,
    CRLF, a blank line at the end. One response was left unfinished (empty ``submitdate``).

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    survey = form.survey
    n = survey.n
    rng = random_stream("limesurvey", form.project.code, form.wave)
    done = pd.DatetimeIndex(survey.when)
    start = done - pd.to_timedelta(rng.integers(240, 1500, n), unit="s")
    submit = format_times(done.to_numpy(), "iso")
    last_page = np.full(n, "4", dtype=object)
    if form.wave == 2 and n > 3:
        # An unfinished response: stopped half-way through the quality-of-life questions.
        r = int(rng.integers(0, n))
        submit[r] = ""
        last_page[r] = "2"
        survey = _stopped_half_way(survey, r)
    meta = {
        "id": np.arange(1, n + 1).astype(str).astype(object),
        "submitdate": submit,
        "lastpage": last_page,
        "startlanguage": np.full(n, "fi", dtype=object),
        "seed": rng.integers(10**8, 10**9, n).astype(str).astype(object),
        "startdate": format_times(start.to_numpy(), "iso"),
        "datestamp": format_times(done.to_numpy(), "iso"),
    }
    exports.write_limesurvey(survey, path, meta)


_SAV_NAMES = {
    "id": "asiakastunnus",
    "gender": "sukupuoli",
    "age_group": "ikäryhmä",
    "education": "koulutus",
    "unemployment_duration": "työttömyys",
    "service_type": "palvelumuoto",
    "good": "hyvää",
    "bad": "huonoa",
}


def write_spss(form: Form, path: Path) -> None:
    """SPSS ``.sav`` as a web-survey tool exports it: numeric answers with value labels,
    "En osaa sanoa" = 6 declared as a user-missing value, question texts as variable labels,
    checkbox options as 0/1 variables, ``vastausaika`` as a date-time.

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    names = _SAV_NAMES | {"goals": "tavoite"}
    names |= {
        q.code: f"k{q.code[1:]}"
        for q in form.survey.questions
        if q.kind == "scale" and q.code[0] not in "pe"
    }
    meta = {"vastausaika": ("Vastausaika", pd.DatetimeIndex(form.survey.when).as_unit("ns"))}
    exports.write_spss(form.survey, path, meta, names=names, file_label=DEMO_LABEL[:64])


def _typed_by_hand(survey: Survey, rng: np.random.Generator) -> Survey:
    """The answers as an evaluator types them from paper forms: quality-of-life items headed
    by their number (``3.``), some numbers typed as text, choices in lower case."""
    questions: list[Question] = []
    for q in survey.questions:
        if q.kind == "scale":
            codes = q.codes.astype(np.int64)
            typed = exports.typed_codes(codes)
            as_text = (rng.random(survey.n) < 0.03) & (codes > 0)
            typed[as_text] = [f"{v} " for v in codes[as_text]]
            header = f"{q.code[1:]}." if q.code.startswith("q") else q.text
            q = replace(q, text=header, texts=typed)
        elif q.kind == "choice":
            q = replace(q, texts=np.char.lower(q.labels().astype(str)).astype(object))
        questions.append(q)
    return Survey(survey.when, questions)


def write_handtyped(form: Form, path: Path) -> None:
    """An evaluator's own Excel sheet typed from paper forms: a title row and a note above the
    header, numbers (some typed as text), ``eos`` for don't know, dates as text and a
    ``Keskiarvo`` footer row.

    Parameters
    ----------
    form
        The questionnaire and simulated answers of one project and wave.
    path
        The file to write.
    """
    rng = random_stream("handtyped", form.project.code, form.wave)
    survey = _typed_by_hand(form.survey.without("id"), rng)
    meta = {
        "Asiakasnumero": form.survey.question("id").texts,
        "Päivämäärä": format_times(form.survey.when, "fi-date"),
    }
    title = (
        f"{DEMO_LABEL}: {form.project.name}, {WAVE_NAMES[form.wave]} {WAVE_DATES[form.wave].year}"
    )
    exports.write_handtyped(
        survey,
        path,
        meta,
        sheet=WAVE_NAMES[form.wave].capitalize(),
        above=[[title], ["Syötetty paperilomakkeilta. Asteikko 1–5, eos = en osaa sanoa."]],
        properties=workbook_properties(title),
    )


WRITERS: dict[str, Callable[[Form, Path], None]] = {
    "webropol": write_webropol,
    "google": write_google,
    "msforms": write_msforms,
    "surveymonkey": write_surveymonkey,
    "qualtrics": write_qualtrics,
    "limesurvey": write_limesurvey,
    "spss": write_spss,
    "handtyped": write_handtyped,
}


def _slug(text: str) -> str:
    table = str.maketrans("äöåÄÖÅ–", "aoaAOA-")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


def client_file_name(project: DemoProject, wave: int) -> str:
    """``SYNTEETTINEN_<project>_<tool>_mittaus<wave>.<ext>``.

    Parameters
    ----------
    project
        The project (its name and survey tool).
    wave
        The wave (1–3).

    Returns
    -------
    str
        The file name.
    """
    return (
        f"{FILE_TAG}_{_slug(project.name)}_{project.tool}_mittaus{wave}."
        f"{TOOL_EXTENSION[project.tool]}"
    )


def write_client_files(folder: Path) -> list[ClientFile]:
    """All client exports of the region (every project, three waves) into ``folder``.

    Parameters
    ----------
    folder
        The folder to write into (created if missing).

    Returns
    -------
    list of ClientFile
        One per file: where it is and how it is imported.
    """
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for index, project in enumerate(PROJECTS):
        panel = simulate_panel(index, project)
        for wave in (1, 2, 3):
            form = build_form(index, panel, wave)
            path = folder / client_file_name(project, wave)
            WRITERS[project.tool](form, path)
            out.append(
                ClientFile(
                    path=path,
                    project=project.name,
                    project_code=project.code,
                    wave=wave,
                    instrument=project.instrument,
                    tool=project.tool,
                    layout=TOOL_LAYOUT[project.tool],
                    id_column=TOOL_ID_COLUMN.get(project.tool, "Asiakastunnus"),
                    respondents=form.survey.n,
                    experience=wave > 1,
                )
            )
    return out

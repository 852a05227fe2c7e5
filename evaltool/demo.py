"""Synthetic example region behind ``evaltool demo``: invented projects, clients and partners.

:func:`build_demo` writes a complete, clearly labelled *synthetic* evaluation into a folder:

* ``data/asiakkaat/`` — client questionnaires of about a dozen invented intermediate labour
  market projects, three waves each (entry, mid-point, end), as real export files of several
  survey tools (Webropol-like xlsx, Google Forms CSV, Microsoft Forms xlsx, SurveyMonkey CSV,
  Qualtrics CSV, LimeSurvey CSV, SPSS ``.sav`` and a hand-typed Excel sheet). Some projects
  use WHOQOL-BREF, others EUROHIS-QOL 8; every questionnaire also carries the background
  questions and goals of ``surveys/kevat-client.toml``, and from wave 2 on its Likert blocks
  (participation and guidance, perceived effects) and open answers (good sides, things to
  improve). Waves 2 and 3 are therefore imported twice: as the quality-of-life instrument
  and as ``kevat-client``.
* ``data/kumppanit/`` — two partner survey rounds of about twenty organisations (autumn 2012:
  a web-survey export with the statements and a roster matrix; autumn 2013: the statements
  as a web-survey export and the roster answers as a tie list) and a roster file with
  sectors.
* ``data/rekisteri/`` — an ESR project register with planned and realised indicators.

The files are then imported through the normal library functions into a workspace in the same
folder, and the reports are written to ``reports/``.

Everything is generated from a fixed seed with numpy, vectorised per column, and every file
is written byte-for-byte reproducibly: xlsx packages get fixed zip timestamps and document
properties, SPSS files a fixed creation date. All names, codes, people and numbers are
invented; file names, titles and the register say so ("Synteettinen esimerkkialue —
keksittyä aineistoa").

The simulated effects are deliberately ordinary: quality of life improves on average
between waves with differences between projects, 20–35 % of clients drop out per wave (more
often those who started worse off), a few items are skipped or answered "En osaa sanoa", and
cooperation between partner organisations improves a little from 2012 to 2013.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.instruments import Field, Instrument, load_instrument

#: The label every file, title and register row carries.
DEMO_LABEL = "Synteettinen esimerkkialue — keksittyä aineistoa"
#: Short form of :data:`DEMO_LABEL` used in file names.
FILE_TAG = "SYNTEETTINEN"
#: Seed of every random stream (streams are derived per purpose, see :func:`_rng`).
SEED = 20121015
#: Timestamp written into file containers (xlsx zip entries and properties, SPSS header).
FIXED_STAMP = datetime(2014, 1, 31, 12, 0, 0)
#: Marker file that identifies a folder made by :func:`build_demo` (safe to rebuild).
MARKER = "LUEMINUT-synteettinen.txt"
WAVE_NAMES = {1: "alkumittaus", 2: "välimittaus", 3: "loppumittaus"}
#: Nominal fieldwork start of each wave.
WAVE_DATES = {1: date(2012, 2, 6), 2: date(2012, 9, 3), 3: date(2013, 3, 4)}
PARTNER_ROUNDS = {1: "syksy 2012", 2: "syksy 2013"}
PARTNER_DATES = {1: date(2012, 10, 8), 2: date(2013, 10, 7)}


# --------------------------------------------------------------------------- the region


@dataclass(frozen=True)
class DemoProject:
    """An invented project of the synthetic region and how its data are simulated."""

    code: str
    name: str
    prefix: str
    organisation: str
    municipality: str
    service: str
    instrument: str
    tool: str
    n_entry: int
    baseline: float
    gain: float
    retention: float
    start: date
    end: date
    budget: float
    priority_axis: str = "2"


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject("S20101", "Polku työelämään", "POL", "Esimerkkilän kaupunki", "Esimerkkilä",
                "training", "eurohis-qol-8", "webropol", 48, -0.25, 0.22, 0.76,
                date(2011, 9, 1), date(2014, 6, 30), 812_000),
    DemoProject("S20114", "Nuorten työpaja Verstas", "VER", "Työpajayhdistys Verstas ry",
                "Esimerkkilä", "workshop", "eurohis-qol-8", "google", 40, -0.10, 0.30, 0.70,
                date(2011, 8, 1), date(2014, 7, 31), 655_000),
    DemoProject("S20127", "Kuntouttavan työtoiminnan kehittämishanke KUTO", "KUTO",
                "Kuvitelan kunta", "Kuvitela", "rehabilitative", "whoqol-bref", "handtyped", 36,
                -0.55, 0.14, 0.72, date(2011, 10, 1), date(2014, 9, 30), 540_000),
    DemoProject("S20133", "Palkkatuella töihin", "PAL", "Keksilän kaupunki", "Keksilä",
                "wage_subsidy", "eurohis-qol-8", "msforms", 44, 0.05, 0.18, 0.78,
                date(2012, 1, 1), date(2014, 12, 31), 930_000),
    DemoProject("S20148", "Työkokeilusta urapolulle", "URA", "Työllisyyssäätiö Ponnahdus",
                "Esimerkkilä", "work_trial", "whoqol-bref", "surveymonkey", 38, -0.20, 0.26,
                0.68, date(2011, 9, 1), date(2014, 8, 31), 610_000),
    DemoProject("S20152", "Askel eteenpäin", "ASK", "Mielenterveysyhdistys Majakka ry",
                "Satula", "rehabilitative", "eurohis-qol-8", "qualtrics", 34, -0.60, 0.20, 0.66,
                date(2011, 11, 1), date(2014, 10, 31), 470_000),
    DemoProject("S20169", "Osallisuutta arkeen – OSA", "OSA", "Satulan kunta", "Satula",
                "rehabilitative", "whoqol-bref", "limesurvey", 42, -0.45, 0.05, 0.74,
                date(2011, 9, 1), date(2014, 8, 31), 560_000),
    DemoProject("S20171", "Nuorten työpaja Pajulinna", "PAJ", "Nuorisosäätiö Kipinä",
                "Kuvitela", "workshop", "eurohis-qol-8", "spss", 40, -0.15, 0.28, 0.67,
                date(2011, 8, 15), date(2014, 7, 31), 600_000),
    DemoProject("S20186", "Sosiaalinen yritys Kehrä", "KEH", "Osuuskunta Kehrä", "Keksilä",
                "wage_subsidy", "whoqol-bref", "webropol", 30, 0.10, 0.12, 0.80,
                date(2012, 1, 1), date(2014, 12, 31), 720_000),
    DemoProject("S20190", "Maahanmuuttajien työpolku MATKA", "MAT",
                "Monikulttuurinen yhdistys Kohtaamo ry", "Esimerkkilä", "work_trial",
                "eurohis-qol-8", "spss", 36, -0.30, 0.24, 0.72, date(2011, 10, 1),
                date(2014, 9, 30), 580_000),
    DemoProject("S20203", "Tukea työllistymiseen – TUTKA", "TUT", "Esimerkkilän kaupunki",
                "Esimerkkilä", "training", "eurohis-qol-8", "handtyped", 32, -0.05, 0.16,
                0.75, date(2012, 1, 1), date(2014, 12, 31), 490_000),
    DemoProject("S20215", "Välityömarkkinoiden yhteistyöverkosto VÄYLÄ", "VAY",
                "Esimerkkilän seudun kehittämisyhtiö Oy", "Esimerkkilä", "training",
                "whoqol-bref", "google", 34, -0.20, 0.18, 0.71, date(2011, 9, 1),
                date(2014, 8, 31), 1_050_000, "3"),
)

#: Partner organisations of the region: name, sector code (``partner-survey.toml``), the
#: organisation's tendency to cooperate (latent), share of rounds it answers.
ORGANISATIONS: tuple[tuple[str, str, float], ...] = (
    ("Esimerkkilän TE-toimisto", "te_office", 1.2),
    ("Esimerkkilän kaupunki", "municipality", 1.1),
    ("Kuvitelan kunta", "municipality", 0.6),
    ("Satulan kunta", "municipality", 0.4),
    ("Keksilän kaupunki", "municipality", 0.6),
    ("Kela, Esimerkkilän palvelupiste", "kela", 0.3),
    ("Työllisyyssäätiö Ponnahdus", "foundation", 0.7),
    ("Nuorisosäätiö Kipinä", "foundation", 0.5),
    ("Työpajayhdistys Verstas ry", "association", 0.6),
    ("Mielenterveysyhdistys Majakka ry", "association", 0.3),
    ("Monikulttuurinen yhdistys Kohtaamo ry", "association", 0.2),
    ("Työttömien yhdistys Toivo ry", "association", 0.0),
    ("Esimerkkilän seudun ammattiopisto", "school", 0.4),
    ("Kansanopisto Kuvitela", "school", -0.2),
    ("Osuuskunta Kehrä", "company", 0.2),
    ("Esimerkkilän seudun kehittämisyhtiö Oy", "company", 0.9),
    ("Kiinteistöhuolto Kuvitela Oy", "company", -0.3),
    ("Seurakuntayhtymä Esimerkkilä", "other", -0.1),
    ("Seudun sosiaali- ja terveyspalvelukuntayhtymä", "municipality", 0.3),
    ("Esimerkkilän yrittäjät ry", "association", -0.4),
)

SECTOR_LABELS = {
    "te_office": "TE-toimisto", "municipality": "Kunta", "kela": "Kela",
    "foundation": "Säätiö", "association": "Yhdistys", "school": "Oppilaitos",
    "company": "Yritys", "project": "Hanke", "other": "Muu",
}


@lru_cache(maxsize=8)
def _instrument(name: str) -> Instrument:
    """A built-in instrument definition (parsed once; read only)."""
    return load_instrument(name)


def _rng(*keys: int | str) -> np.random.Generator:
    """An independent random stream per purpose: changing one part of the demo does not
    change the numbers of the others."""
    ints = [SEED] + [k if isinstance(k, int) else int.from_bytes(k.encode()[:8], "little")
                     for k in keys]
    return np.random.default_rng(ints)


# --------------------------------------------------------------------------- questionnaire


#: The client-experience survey whose fields and statements every questionnaire carries.
CLIENT_SURVEY = "kevat-client"

#: Weights of the options of the background questions (by option code of
#: ``surveys/kevat-client.toml``); age weights vary with the project's service.
BACKGROUND_WEIGHTS: dict[str, dict[str, float]] = {
    "gender": {"female": 0.42, "male": 0.54, "other": 0.02, "undisclosed": 0.02},
    "age_group": {"under_25": 0.2, "25_34": 0.25, "35_44": 0.22, "45_54": 0.2, "55_plus": 0.13},
    "education": {"none": 0.35, "upper_secondary": 0.1, "vocational": 0.45, "higher": 0.1},
    "unemployment_duration": {"under_1y": 0.22, "1_2y": 0.25, "2_5y": 0.3, "over_5y": 0.18,
                              "not_unemployed": 0.05},
}
AGE_BY_SERVICE = {
    "workshop": {"under_25": 0.86, "25_34": 0.12, "35_44": 0.02},
    "rehabilitative": {"under_25": 0.08, "25_34": 0.2, "35_44": 0.26, "45_54": 0.28,
                       "55_plus": 0.18},
}
#: Share of clients choosing each goal, and extra shares by service.
GOAL_SHARES = {"work": 0.35, "studies": 0.15, "routine": 0.3, "peer_support": 0.25,
               "health": 0.25, "skills": 0.35, "plans": 0.3}
GOAL_BY_SERVICE = {
    "rehabilitative": {"routine": 0.3, "peer_support": 0.2, "health": 0.15},
    "wage_subsidy": {"work": 0.35}, "training": {"work": 0.3, "plans": 0.15},
    "workshop": {"studies": 0.4, "skills": 0.15}, "work_trial": {"work": 0.2, "plans": 0.2},
}
DONT_KNOW = "En osaa sanoa"

GOOD_ANSWERS = (
    "Sain rytmiä arkeen.", "Ohjaajat ovat kannustavia ja asiallisia.", "Ryhmässä on hyvä henki.",
    "Pääsin kokeilemaan uutta alaa.", "Sain apua talousasioihin.",
    "Työtehtävät ovat mielekkäitä.", "On paikka, minne tulla aamulla.",
    "Opin uusia taitoja, esim. trukkikortti ja hygieniapassi.", "Tuli uusia kavereita.",
    "Sain tukea työnhakuun ja CV:n tekemiseen.", "Ruoka on hyvää ja edullista.",
    "Joustavuus, kun terveys reistailee.", "Tunnen olevani hyödyllinen.",
    "Sain ohjauksen koulutukseen, aloitan syksyllä.",
    "Hyvää: ohjaus; huonoa: ei juuri mitään", "Kiitos kaikesta!\nToivottavasti jatkuu.",
)
BAD_ANSWERS = (
    "Matkat ovat pitkiä ja bussilla kallista.", "Välillä liian vähän tekemistä.",
    "Ohjaajia on liian vähän.", "Tiedotus voisi olla parempaa.", "Ryhmä vaihtuu liian usein.",
    "Ylläpitokorvaus on pieni.", "En tiedä, mitä jakson jälkeen tapahtuu.",
    "Tilat ovat ahtaat ja talvella kylmät.", "TE-toimistoon on vaikea saada aikaa.",
    "Jakso on liian lyhyt.", "Paperitöitä on paljon.", "Ei mitään huonoa.",
)
#: Answers that test escaping in reports and formula guarding in exported tables.
SCRIPT_ANSWER = "<script>alert(1)</script>"
FORMULA_ANSWER = "=) Parasta oli porukka, kiitos!"


@dataclass(frozen=True)
class QolBlock:
    """Consecutive items of one response set asked as one matrix question."""

    stem: str
    items: tuple[str, ...]
    response_set: str


def qol_blocks(instrument: str) -> tuple[QolBlock, ...]:
    """Matrix questions of a quality-of-life instrument in questionnaire order. The stems are
    our own short wording (not the instruments' copyrighted item texts)."""
    stems = {
        "quality": "Arvioi viimeistä kahta viikkoa",
        "satisfaction": "Kuinka tyytyväinen olet",
        "intensity": "Kuinka paljon",
        "capacity": "Kuinka riittävästi",
        "frequency": "Kuinka usein",
    }
    inst = _instrument(instrument)
    blocks: list[QolBlock] = []
    for it in inst.items:
        rs = it.response_set or ""
        if blocks and blocks[-1].response_set == rs:
            prev = blocks[-1]
            blocks[-1] = QolBlock(prev.stem, prev.items + (it.code,), rs)
        else:
            blocks.append(QolBlock(stems.get(rs, rs), (it.code,), rs))
    return tuple(blocks)


# --------------------------------------------------------------------------- simulation


@dataclass
class Panel:
    """Simulated clients of one project: ``clients`` (one row per client: ``client_id`` and
    background answers as labels, ``theta0`` baseline quality of life on a latent scale) and
    ``visits`` (one row per client and wave answered: ``client``, ``wave``, ``theta``,
    ``when``)."""

    project: DemoProject
    clients: pd.DataFrame
    visits: pd.DataFrame


def _choose(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _client_survey() -> Instrument:
    return _instrument(CLIENT_SURVEY)


def _field(name: str) -> Field:
    """A field (background question, goals, open answer) of the client survey."""
    return next(f for f in _client_survey().fields if f.name == name)


def simulate_panel(index: int, project: DemoProject) -> Panel:
    """Clients, background and wave participation of one project (vectorised). Background
    answers are option codes of the client survey's fields."""
    rng = _rng("panel", index)
    n = project.n_entry
    clients = pd.DataFrame({"client_id": [f"{project.prefix}-{i + 1:03d}" for i in range(n)]})
    for name, weights in BACKGROUND_WEIGHTS.items():
        if name == "age_group" and project.service in AGE_BY_SERVICE:
            weights = AGE_BY_SERVICE[project.service]
        codes = [c for c, _ in _field(name).options]
        w = [weights.get(c, 0.0) for c in codes]
        clients[name] = np.asarray(codes, dtype=object)[_choose(rng, n, w)]
    services = [c for c, _ in _field("service_type").options]
    w = [0.9 if c == project.service else 0.1 / (len(services) - 1) for c in services]
    clients["service_type"] = np.asarray(services, dtype=object)[_choose(rng, n, w)]
    theta0 = project.baseline + rng.normal(0, 0.75, n)
    slope = project.gain + rng.normal(0, 0.18, n)
    clients["theta0"] = theta0
    # Attrition: about 1 - retention per wave; clients who started worse off leave more often.
    logit = np.log(project.retention / (1 - project.retention))
    p_stay = 1 / (1 + np.exp(-(logit + 0.7 * (theta0 - project.baseline))))
    present = np.zeros((n, 3), dtype=bool)
    present[:, 0] = True
    present[:, 1] = rng.random(n) < p_stay
    present[:, 2] = (present[:, 1] & (rng.random(n) < p_stay)) | (
        ~present[:, 1] & (rng.random(n) < 0.06))
    cl, wv = np.nonzero(present)
    wave = wv + 1
    theta = theta0[cl] + slope[cl] * wv + rng.normal(0, 0.3, len(cl))
    start = np.array([np.datetime64(WAVE_DATES[w], "s") for w in wave])
    offset = (rng.integers(0, 21, len(cl)) * 86400 + rng.integers(8 * 3600, 16 * 3600, len(cl)))
    visits = pd.DataFrame({"client": cl, "wave": wave, "theta": theta,
                           "when": start + offset.astype("timedelta64[s]")})
    return Panel(project, clients, visits)


def qol_codes(instrument: str, theta: np.ndarray, rng: np.random.Generator,
              burst_share: float = 0.025) -> np.ndarray:
    """Item answers (n × items) for latent quality of life ``theta``: codes 1–5, 0 = "En osaa
    sanoa", -1 = skipped. Reversed items are answered in their own direction."""
    inst = _instrument(instrument)
    k = len(inst.items)
    item_rng = _rng("items", instrument)
    loading = item_rng.uniform(0.75, 1.15, k)
    offset = item_rng.normal(0.6, 0.3, k)
    for j, it in enumerate(inst.items):
        if "rahaa" in it.labels.get("fi", ""):
            offset[j] -= 0.7
    n = len(theta)
    z = theta[:, None] * loading + offset + rng.normal(0, 0.75, (n, k))
    codes = (np.digitize(z, [-1.6, -0.55, 0.55, 1.6]) + 1).astype(np.int16)
    rev = np.array([it.reversed for it in inst.items])
    codes[:, rev] = 6 - codes[:, rev]
    u = rng.random((n, k))
    codes[u < 0.012] = -1
    codes[(u >= 0.012) & (u < 0.02)] = 0
    # A few responses with a run of skipped items (discarded by the stricter rules).
    burst = np.flatnonzero(rng.random(n) < burst_share)
    for r in burst:
        width = max(2, k // 5)
        first = int(rng.integers(0, k - width + 1))
        codes[r, first:first + width] = -1
    return codes


def likert_codes(level: np.ndarray, k: int, rng: np.random.Generator,
                 dont_know: float = 0.04) -> np.ndarray:
    """Agreement answers (n × k): 1–5, 0 = "En osaa sanoa", -1 = skipped."""
    n = len(level)
    z = level[:, None] + rng.normal(0.6, 0.85, (n, k))
    codes = (np.digitize(z, [-1.5, -0.6, 0.2, 1.1]) + 1).astype(np.int16)
    u = rng.random((n, k))
    codes[u < 0.015] = -1
    codes[(u >= 0.015) & (u < 0.015 + dont_know)] = 0
    return codes


# --------------------------------------------------------------------------- forms


@dataclass
class Question:
    """One column of a questionnaire, with the simulated answers of every respondent.

    ``kind``: ``id`` / ``text`` (``texts``), ``choice`` (``codes`` index into ``options``,
    -1 = skipped), ``scale`` (``codes`` 1..len(options), 0 = "En osaa sanoa", -1 = skipped;
    ``stem`` is the matrix question, ``text`` the statement), ``multi`` (``chosen``, n × options
    booleans). ``number`` is the question's position in the form (matrix rows share it);
    ``code`` an item or field code (``q1``, ``gender``).
    """

    code: str
    kind: str
    text: str
    number: int
    stem: str | None = None
    options: tuple[str, ...] = ()
    codes: np.ndarray | None = None
    texts: np.ndarray | None = None
    chosen: np.ndarray | None = None

    @property
    def header(self) -> str:
        return f"{self.stem}: {self.text}" if self.stem else self.text

    def labels(self, dont_know: str = DONT_KNOW) -> np.ndarray:
        """Answers as option labels ('' = skipped; "En osaa sanoa" for don't know)."""
        if self.kind in ("id", "text"):
            return self.texts
        if self.kind == "multi":
            raise ValueError("multi-select answers have no single label")
        table = np.array(("",) + self.options + (dont_know,), dtype=object)
        idx = self.codes.astype(np.int64)
        if self.kind == "choice":
            return table[np.where(idx < 0, 0, idx + 1)]
        return table[np.where(idx < 0, 0, np.where(idx == 0, len(self.options) + 1, idx))]

    def numbers(self, dont_know_code: int | None = None) -> np.ndarray:
        """Answers as numeric codes (choice: 1-based), as text; '' = skipped. Don't know is
        ``dont_know_code`` (default: the next code after the scale)."""
        idx = self.codes.astype(np.int64)
        if self.kind == "choice":
            idx = np.where(idx < 0, -1, idx + 1)
        else:
            dk = len(self.options) + 1 if dont_know_code is None else dont_know_code
            idx = np.where(idx == 0, dk, idx)
        out = idx.astype(str).astype(object)
        out[idx == -1] = ""
        return out


@dataclass
class Form:
    """The answers of one project and wave: questions in form order and response times."""

    project: DemoProject
    wave: int
    instrument: str
    when: np.ndarray
    questions: list[Question]

    @property
    def n(self) -> int:
        return len(self.when)

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)


def _open_answers(rng: np.random.Generator, n: int, pool: Sequence[str], share: float
                  ) -> np.ndarray:
    out = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]
    out[rng.random(n) >= share] = ""
    return out


def _choice_question(name: str, number: int, values: np.ndarray, rng: np.random.Generator,
                     skip: float = 0.015) -> Question:
    fld = _field(name)
    codes = [c for c, _ in fld.options]
    idx = pd.Series(values).map({c: i for i, c in enumerate(codes)}).to_numpy(dtype=np.int16)
    idx[rng.random(len(idx)) < skip] = -1
    return Question(name, "choice", fld.labels["fi"], number,
                    options=tuple(lbl["fi"] for _, lbl in fld.options), codes=idx)


def build_form(index: int, panel: Panel, wave: int) -> Form:
    """The questionnaire of ``panel``'s project at ``wave`` with simulated answers: client
    code, background, goals (waves 1–3), the quality-of-life instrument and, from wave 2 on,
    the client-experience statements and open answers."""
    project = panel.project
    rng = _rng("form", index, wave)
    vis = panel.visits[panel.visits["wave"] == wave].sort_values("when", kind="stable")
    cl = vis["client"].to_numpy()
    n = len(cl)
    clients = panel.clients.iloc[cl]
    theta = vis["theta"].to_numpy()
    questions: list[Question] = []
    number = 1
    questions.append(Question("id", "id", "Asiakastunnus", number,
                              texts=clients["client_id"].to_numpy(dtype=object)))
    for name in (*BACKGROUND_WEIGHTS, "service_type"):
        number += 1
        questions.append(_choice_question(name, number, clients[name].to_numpy(), rng,
                                          skip=0.0 if name == "service_type" else 0.015))
    goals = _field("goals")
    number += 1
    share = np.array([GOAL_SHARES[c] + GOAL_BY_SERVICE.get(project.service, {}).get(c, 0.0)
                      for c, _ in goals.options])
    chosen = rng.random((n, len(share))) < share
    none = ~chosen.any(axis=1)
    chosen[none, rng.integers(0, len(share), int(none.sum()))] = True
    questions.append(Question("goals", "multi", goals.labels["fi"], number,
                              options=tuple(lbl["fi"] for _, lbl in goals.options),
                              chosen=chosen))
    inst = _instrument(project.instrument)
    qol = qol_codes(project.instrument, theta, rng)
    for block in qol_blocks(project.instrument):
        number += 1
        labels = tuple(inst.response_sets[block.response_set]["fi"])
        for code in block.items:
            j = inst.item_codes.index(code)
            questions.append(Question(code, "scale", inst.item(code).labels["fi"], number,
                                      stem=block.stem, options=labels, codes=qol[:, j]))
    if wave > 1:
        survey = _client_survey()
        agree = tuple(survey.response_sets["agreement"]["fi"])
        change = theta - clients["theta0"].to_numpy()
        level = {"participation": 0.3 * theta + 0.25 + 1.5 * (project.gain - 0.18),
                 "effects": 0.25 * theta + 0.6 * change - 0.1}
        for domain in survey.domains:
            number += 1
            codes = likert_codes(level[domain.name], len(domain.items), rng)
            for k, code in enumerate(domain.items):
                questions.append(Question(code, "scale", survey.item(code).labels["fi"],
                                          number, stem=domain.labels["fi"], options=agree,
                                          codes=codes[:, k]))
        number += 1
        good = _open_answers(rng, n, GOOD_ANSWERS, 0.5)
        if project.tool == "google" and index == 1 and wave == 3 and n:
            good[0] = FORMULA_ANSWER
        questions.append(Question("good", "text", _field("good").labels["fi"], number,
                                  texts=good))
        number += 1
        bad = _open_answers(rng, n, BAD_ANSWERS, 0.35)
        if project.tool == "webropol" and index == 0 and wave == 2 and n:
            bad[0] = SCRIPT_ANSWER
        questions.append(Question("bad", "text", _field("bad").labels["fi"], number,
                                  texts=bad))
    return Form(project, wave, project.instrument, vis["when"].to_numpy(), questions)


# --------------------------------------------------------------------------- reproducible files

_ZIP_STAMP = (FIXED_STAMP.year, FIXED_STAMP.month, FIXED_STAMP.day, FIXED_STAMP.hour,
              FIXED_STAMP.minute, FIXED_STAMP.second)
_ISO_STAMP = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")


def _workbook(title: str):
    """A write-only openpyxl workbook with fixed, labelled document properties."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.subject = DEMO_LABEL
    wb.properties.creator = "evaltool demo"
    wb.properties.description = DEMO_LABEL
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    return wb


def _xlsx_row(ws, values: Sequence[object]) -> list:
    """Cells for ``ws.append``: text starting with ``=`` stays text, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    out: list = []
    for v in values:
        if isinstance(v, str) and v.startswith("="):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            out.append(cell)
        elif isinstance(v, (np.integer, np.floating)):
            out.append(v.item())
        else:
            out.append(v)
    return out


def save_xlsx(wb, path: Path) -> None:
    """Save a workbook byte-for-byte reproducibly: fixed document dates, zip timestamps and
    member order (openpyxl stamps the save time into both)."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + _ISO_STAMP.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)


def write_sav(df: pd.DataFrame, path: Path, **kwargs) -> None:
    """``pyreadstat.write_sav`` with a fixed creation date and time in the file header."""
    import pyreadstat

    pyreadstat.write_sav(df, str(path), **kwargs)
    with open(path, "r+b") as fh:
        head = fh.read(109)
        if not head.startswith(b"$FL2"):
            raise RuntimeError(f"{path}: unexpected SPSS header")
        fh.seek(92)
        fh.write(FIXED_STAMP.strftime("%d %b %y").encode("ascii"))
        fh.write(FIXED_STAMP.strftime("%H:%M:%S").encode("ascii"))


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, delimiter: str = ",",
              encoding: str = "utf-8", quoting: int = csv.QUOTE_MINIMAL,
              lineterminator: str = "\r\n", trailer: str = "") -> None:
    """Write text rows as a delimited file with the given dialect and encoding."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    writer.writerows(rows)
    path.write_bytes((buf.getvalue() + trailer).encode(encoding))


def _helsinki_offset(when: np.ndarray) -> np.ndarray:
    """UTC offset (hours) of Finnish local times: +3 in summer time, else +2 (EU rule: last
    Sunday of March to last Sunday of October)."""
    ts = pd.DatetimeIndex(when)
    year = ts.year.to_numpy()

    def last_sunday(month: int) -> np.ndarray:
        end = pd.DatetimeIndex(pd.to_datetime({"year": year, "month": month, "day": 31}))
        return (end - pd.to_timedelta((end.day_of_week.to_numpy() + 1) % 7, unit="D")).to_numpy()

    summer = (ts.to_numpy() >= last_sunday(3)) & (ts.to_numpy() < last_sunday(10))
    return np.where(summer, 3, 2)


def _fmt_times(when: np.ndarray, style: str) -> np.ndarray:
    """Response times as a survey tool writes them (``style``: fi, google, us, iso)."""
    ts = pd.DatetimeIndex(when)
    if style == "fi":
        return np.array([f"{t.day}.{t.month}.{t.year} {t.hour}:{t.minute:02d}" for t in ts],
                        dtype=object)
    if style == "fi-date":
        return np.array([f"{t.day}.{t.month}.{t.year}" for t in ts], dtype=object)
    if style == "google":
        off = _helsinki_offset(when)
        return np.array([t.strftime("%Y/%m/%d %I:%M:%S %p") + f" GMT+{o}"
                         for t, o in zip(ts, off, strict=True)], dtype=object)
    if style == "us":
        return np.array([t.strftime("%m/%d/%Y %I:%M:%S %p") for t in ts], dtype=object)
    return np.array([t.strftime("%Y-%m-%d %H:%M:%S") for t in ts], dtype=object)


# --------------------------------------------------------------------------- client exports

#: Layout name under which :func:`evaltool.layouts.recognise` should recognise each tool.
TOOL_LAYOUT = {
    "webropol": "webropol", "google": "google_forms", "msforms": "ms_forms",
    "surveymonkey": "surveymonkey", "qualtrics": "qualtrics", "limesurvey": "limesurvey",
    "spss": "spss", "handtyped": "plain",
}
TOOL_EXTENSION = {
    "webropol": "xlsx", "google": "csv", "msforms": "xlsx", "surveymonkey": "csv",
    "qualtrics": "csv", "limesurvey": "csv", "spss": "sav", "handtyped": "xlsx",
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


def _columns(form: Form, header: Callable[[Question], str], multi: str = "columns",
             on: str = "1", off: str = "0", joiner: str = ", ", subheader: str = "{q}:{o}"
             ) -> tuple[list[str], list[np.ndarray]]:
    """Headers and label columns of a form; multi-selects as one column per option
    (``on``/``off`` cells) or joined in one cell."""
    headers: list[str] = []
    cols: list[np.ndarray] = []
    for q in form.questions:
        if q.kind == "multi":
            if multi == "columns":
                for k, opt in enumerate(q.options):
                    headers.append(subheader.format(q=q.text, o=opt))
                    cols.append(np.where(q.chosen[:, k], on, off).astype(object))
            else:
                headers.append(header(q))
                cols.append(np.array([joiner.join(o for o, c in zip(q.options, row, strict=True)
                                                  if c) + (joiner if multi == "trailing" else "")
                                      for row in q.chosen], dtype=object))
        else:
            headers.append(header(q))
            cols.append(q.labels())
    return headers, cols


def _rows(cols: Sequence[np.ndarray]) -> list[list[object]]:
    return np.column_stack(cols).tolist() if cols else []


def write_webropol(form: Form, path: Path) -> None:
    """Webropol-like xlsx: respondent number, ``Vastausaika`` (``d.m.yyyy h:mm``), one column
    per question; matrix rows and checkbox options as ``question:statement`` (1/0)."""
    headers, cols = _columns(
        form, lambda q: f"{q.stem}:{q.text}" if q.stem else q.text)
    wb = _workbook(f"{DEMO_LABEL}: {form.project.name}, {WAVE_NAMES[form.wave]}")
    ws = wb.create_sheet("Vastaukset")
    ws.append(["Vastaajan numero", "Vastausaika", *headers])
    numbers = np.arange(1, form.n + 1)
    for row in _rows([numbers.astype(object), _fmt_times(form.when, "fi"), *cols]):
        ws.append(_xlsx_row(ws, row))
    save_xlsx(wb, path)


def write_google(form: Form, path: Path) -> None:
    """Google Forms responses CSV: ``Timestamp``, grids as ``Question [Row]``, checkboxes
    joined with ``", "`` (UTF-8, comma)."""
    headers, cols = _columns(form, lambda q: f"{q.stem} [{q.text}]" if q.stem else q.text,
                             multi="joined")
    rows = [["Timestamp", *headers], *_rows([_fmt_times(form.when, "google"), *cols])]
    write_csv(path, rows, lineterminator="\n")


def write_msforms(form: Form, path: Path) -> None:
    """Microsoft Forms xlsx: ID, Start time, Completion time, Email, Name, then one column per
    question (statement only for Likert rows); multi-selects ``A;B;``."""
    headers, cols = _columns(form, lambda q: q.text, multi="trailing", joiner=";")
    rng = _rng("msforms", form.project.code, form.wave)
    done = pd.DatetimeIndex(form.when)
    start = done - pd.to_timedelta(rng.integers(180, 1500, form.n), unit="s")
    wb = _workbook(f"{DEMO_LABEL}: {form.project.name}, {WAVE_NAMES[form.wave]}")
    ws = wb.create_sheet("Sheet1")
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", *headers])
    meta = [np.arange(1, form.n + 1).astype(object),
            np.array(start.to_pydatetime(), dtype=object),
            np.array(done.to_pydatetime(), dtype=object),
            np.full(form.n, "anonymous", dtype=object), np.full(form.n, "", dtype=object)]
    for row in _rows([*meta, *cols]):
        ws.append(_xlsx_row(ws, [None if v == "" else v for v in row]))
    save_xlsx(wb, path)


def write_surveymonkey(form: Form, path: Path) -> None:
    """SurveyMonkey "all responses" CSV (expanded, answer text): two header rows; the question
    text stands above the first column of its block, row 2 names the sub-column."""
    rng = _rng("surveymonkey", form.project.code, form.wave)
    meta1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
             "Email Address", "First Name", "Last Name", "Custom Data 1"]
    row1, row2, cols = list(meta1), [""] * len(meta1), []
    done = pd.DatetimeIndex(form.when)
    start = done - pd.to_timedelta(rng.integers(200, 1400, form.n), unit="s")
    ids = 10_000_000_000 + np.sort(rng.choice(899_999_999, form.n, replace=False)) * 11
    cols += [ids.astype(str).astype(object),
             np.full(form.n, str(200_000_000 + form.wave * 1013), dtype=object),
             _fmt_times(start.to_numpy(), "us"), _fmt_times(done.to_numpy(), "us"),
             np.array([f"198.51.100.{v}" for v in rng.integers(1, 255, form.n)], dtype=object),
             *[np.full(form.n, "", dtype=object)] * 4]
    last_stem = None
    for q in form.questions:
        if q.kind == "multi":
            for k, opt in enumerate(q.options):
                row1.append(q.text if k == 0 else "")
                row2.append(opt)
                cols.append(np.where(q.chosen[:, k], opt, "").astype(object))
            last_stem = None
            continue
        if q.stem:
            row1.append(q.stem if (q.stem, q.number) != last_stem else "")
            row2.append(q.text)
            last_stem = (q.stem, q.number)
        else:
            row1.append(q.text)
            row2.append("Response" if q.kind == "choice" else "Open-Ended Response")
            last_stem = None
        cols.append(q.labels())
    write_csv(path, [row1, row2, *_rows(cols)])


def write_qualtrics(form: Form, path: Path) -> None:
    """Qualtrics CSV (choice text): three header rows (field names, labels, ImportIds) and a
    survey-preview response first, which an importer must drop (UTF-8 with BOM)."""
    rng = _rng("qualtrics", form.project.code, form.wave)
    tz = '"timeZone":"Europe/Helsinki"'
    meta = [
        ("StartDate", "Start Date", f'{{"ImportId":"startDate",{tz}}}'),
        ("EndDate", "End Date", f'{{"ImportId":"endDate",{tz}}}'),
        ("Status", "Response Type", '{"ImportId":"status"}'),
        ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
        ("Progress", "Progress", '{"ImportId":"progress"}'),
        ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
        ("Finished", "Finished", '{"ImportId":"finished"}'),
        ("RecordedDate", "Recorded Date", f'{{"ImportId":"recordedDate",{tz}}}'),
        ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
        ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
        ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
        ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
        ("ExternalReference", "External Data Reference",
         '{"ImportId":"externalDataReference"}'),
        ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
        ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
        ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
        ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ]
    names, labels, ids = (list(x) for x in zip(*meta, strict=True))
    cols: list[np.ndarray] = []
    sub: dict[int, int] = {}
    for q in form.questions:
        if q.kind == "multi":
            names.append(f"Q{q.number}")
            labels.append(f"{q.text} - Selected Choice")
            ids.append(f'{{"ImportId":"QID{q.number}"}}')
            cols.append(np.array([",".join(o for o, c in zip(q.options, row, strict=True) if c)
                                  for row in q.chosen], dtype=object))
            continue
        if q.stem:
            sub[q.number] = sub.get(q.number, 0) + 1
            names.append(f"Q{q.number}_{sub[q.number]}")
            labels.append(f"{q.stem} - {q.text}")
            ids.append(f'{{"ImportId":"QID{q.number}_{sub[q.number]}"}}')
        else:
            text = q.kind in ("id", "text")
            names.append(f"Q{q.number}" + ("_TEXT" if q.kind == "text" else ""))
            labels.append(q.text)
            ids.append(f'{{"ImportId":"QID{q.number}{"_TEXT" if text else ""}"}}')
        cols.append(q.labels())
    n = form.n
    done = pd.DatetimeIndex(form.when)
    dur = rng.integers(240, 1500, n)
    start = done - pd.to_timedelta(dur, unit="s")
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    rid = np.array(["R_" + "".join(r) for r in letters[rng.integers(0, 62, (n + 1, 15))]],
                   dtype=object)
    blank = np.full(n, "", dtype=object)
    metacols = [_fmt_times(start.to_numpy(), "iso"), _fmt_times(done.to_numpy(), "iso"),
                np.full(n, "IP Address", dtype=object), blank, np.full(n, "100", dtype=object),
                dur.astype(str).astype(object), np.full(n, "True", dtype=object),
                _fmt_times(done.to_numpy(), "iso"), rid[1:], blank, blank, blank, blank, blank,
                blank, np.full(n, "anonymous", dtype=object), np.full(n, "FI", dtype=object)]
    body = _rows([*metacols, *cols])
    # The project worker's own test run ("Survey Preview") comes first, as in real exports.
    first = WAVE_DATES[form.wave] - timedelta(days=3)
    preview = [f"{first.isoformat()} 09:12:01", f"{first.isoformat()} 09:15:40",
               "Survey Preview", "", "100", "219", "True", f"{first.isoformat()} 09:15:41",
               rid[0], "", "", "", "", "", "", "preview", "FI"]
    for q in form.questions:
        if q.kind == "multi":
            preview.append(q.options[0])
        elif q.kind == "id":
            preview.append("TESTI")
        elif q.kind == "text":
            preview.append("testivastaus")
        else:
            preview.append(q.options[len(q.options) // 2])
    write_csv(path, [names, labels, ids, preview, *body], encoding="utf-8-sig")


def write_limesurvey(form: Form, path: Path) -> None:
    """LimeSurvey CSV (full question texts, full answers): ``id, submitdate, lastpage,
    startlanguage, seed, startdate, datestamp``; every field quoted, ``;``, UTF-8 with BOM,
    CRLF, a blank line at the end. One response was left unfinished (empty ``submitdate``)."""
    rng = _rng("limesurvey", form.project.code, form.wave)
    headers, cols = _columns(form, lambda q: f"{q.stem} [{q.text}]" if q.stem else q.text,
                             on="Kyllä", off="", subheader="{q} [{o}]")
    n = form.n
    done = pd.DatetimeIndex(form.when)
    start = done - pd.to_timedelta(rng.integers(240, 1500, n), unit="s")
    submit = _fmt_times(done.to_numpy(), "iso")
    last_page = np.full(n, "4", dtype=object)
    if form.wave == 2 and n > 3:
        # An unfinished response: stopped half-way through the quality-of-life questions.
        r = int(rng.integers(0, n))
        submit[r] = ""
        last_page[r] = "2"
        items = [j for j, h in enumerate(headers) if "[" in h]
        for j in items[len(items) // 2:]:
            cols[j] = cols[j].copy()
            cols[j][r] = ""
    meta = [np.arange(1, n + 1).astype(str).astype(object), submit, last_page,
            np.full(n, "fi", dtype=object),
            rng.integers(10**8, 10**9, n).astype(str).astype(object),
            _fmt_times(start.to_numpy(), "iso"), _fmt_times(done.to_numpy(), "iso")]
    rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
             *headers], *_rows([*meta, *cols])]
    write_csv(path, rows, delimiter=";", encoding="utf-8-sig", quoting=csv.QUOTE_ALL,
              trailer="\r\n")


_SAV_NAMES = {"id": "asiakastunnus", "gender": "sukupuoli", "age_group": "ikäryhmä",
              "education": "koulutus", "unemployment_duration": "työttömyys",
              "service_type": "palvelumuoto", "good": "hyvää", "bad": "huonoa"}


def write_spss(form: Form, path: Path) -> None:
    """SPSS ``.sav`` as a web-survey tool exports it: numeric answers with value labels,
    "En osaa sanoa" = 6 declared as a user-missing value, question texts as variable labels,
    checkbox options as 0/1 variables, ``vastausaika`` as a date-time."""
    data: dict[str, object] = {"vastausaika": pd.DatetimeIndex(form.when).as_unit("ns")}
    labels: dict[str, str] = {"vastausaika": "Vastausaika"}
    value_labels: dict[str, dict[int, str]] = {}
    missing: dict[str, list[int]] = {}
    for q in form.questions:
        if q.kind == "multi":
            for k, opt in enumerate(q.options):
                name = f"tavoite_{k + 1}"
                data[name] = q.chosen[:, k].astype(float)
                labels[name] = f"{q.text}: {opt}"
                value_labels[name] = {0: "Ei valittu", 1: "Valittu"}
            continue
        if q.kind in ("id", "text"):
            name = _SAV_NAMES[q.code]
            data[name] = q.texts
            labels[name] = q.text
            continue
        if q.kind == "choice":
            name = _SAV_NAMES[q.code]
            labels[name] = q.text
            value_labels[name] = {i + 1: o for i, o in enumerate(q.options)}
        elif q.code[0] in "pe":
            name = q.code
            labels[name] = f"{q.stem}: {q.text}"
            value_labels[name] = {i + 1: o for i, o in enumerate(q.options)} | {6: DONT_KNOW}
            missing[name] = [6]
        else:
            name = f"k{q.code[1:]}"
            labels[name] = f"{q.stem}: {q.text}"
            value_labels[name] = {i + 1: o for i, o in enumerate(q.options)} | {6: DONT_KNOW}
            missing[name] = [6]
        data[name] = pd.to_numeric(pd.Series(q.numbers(6)), errors="coerce").to_numpy()
    df = pd.DataFrame(data)
    write_sav(df, path, file_label=f"{DEMO_LABEL}"[:64], column_labels=labels,
              variable_value_labels=value_labels, missing_ranges=missing)


def write_handtyped(form: Form, path: Path) -> None:
    """An evaluator's own Excel sheet typed from paper forms: a title row and a note above the
    header, numbers (some typed as text), ``eos`` for don't know, dates as text and a
    ``Keskiarvo`` footer row."""
    rng = _rng("handtyped", form.project.code, form.wave)
    headers = ["Asiakasnumero", "Päivämäärä"]
    cols: list[np.ndarray] = [form.question("id").texts, _fmt_times(form.when, "fi-date")]
    numeric: list[int] = []
    for q in form.questions:
        if q.kind == "id":
            continue
        if q.kind == "multi":
            headers.append(q.text)
            cols.append(np.array([", ".join(o.lower() for o, c in
                                            zip(q.options, row, strict=True) if c)
                                  for row in q.chosen], dtype=object))
        elif q.kind == "scale":
            headers.append(f"{q.code[1:]}." if q.code.startswith("q") else q.text)
            codes = q.codes.astype(np.int64)
            vals = codes.astype(object)
            vals[codes == -1] = None
            vals[codes == 0] = "eos"
            as_text = rng.random(form.n) < 0.03
            vals[as_text & (codes > 0)] = [f"{v} " for v in codes[as_text & (codes > 0)]]
            numeric.append(len(cols))
            cols.append(vals)
        elif q.kind == "choice":
            headers.append(q.text)
            cols.append(np.char.lower(q.labels().astype(str)).astype(object))
        else:
            headers.append(q.text)
            cols.append(q.texts)
    title = (f"{DEMO_LABEL}: {form.project.name}, {WAVE_NAMES[form.wave]} "
             f"{WAVE_DATES[form.wave].year}")
    wb = _workbook(title)
    ws = wb.create_sheet(WAVE_NAMES[form.wave].capitalize())
    ws.append([title])
    ws.append(["Syötetty paperilomakkeilta. Asteikko 1–5, eos = en osaa sanoa."])
    ws.append([])
    ws.append(headers)
    for row in _rows(cols):
        ws.append(_xlsx_row(ws, [None if v == "" else v for v in row]))
    ws.append([])
    footer: list[object] = ["Keskiarvo"] + [None] * (len(headers) - 1)
    for j in numeric:
        vals = pd.to_numeric(pd.Series(cols[j]).astype(str).str.strip(), errors="coerce")
        footer[j] = round(float(vals.mean()), 2)
    ws.append(footer)
    save_xlsx(wb, path)


WRITERS: dict[str, Callable[[Form, Path], None]] = {
    "webropol": write_webropol, "google": write_google, "msforms": write_msforms,
    "surveymonkey": write_surveymonkey, "qualtrics": write_qualtrics,
    "limesurvey": write_limesurvey, "spss": write_spss, "handtyped": write_handtyped,
}


def _slug(text: str) -> str:
    table = str.maketrans("äöåÄÖÅ–", "aoaAOA-")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


def client_file_name(project: DemoProject, wave: int) -> str:
    """``SYNTEETTINEN_<project>_<tool>_mittaus<wave>.<ext>``."""
    return (f"{FILE_TAG}_{_slug(project.name)}_{project.tool}_mittaus{wave}."
            f"{TOOL_EXTENSION[project.tool]}")


def write_client_files(folder: Path) -> list[ClientFile]:
    """All client exports of the region (every project, three waves) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for index, project in enumerate(PROJECTS):
        panel = simulate_panel(index, project)
        for wave in (1, 2, 3):
            form = build_form(index, panel, wave)
            path = folder / client_file_name(project, wave)
            WRITERS[project.tool](form, path)
            out.append(ClientFile(
                path=path, project=project.name, project_code=project.code, wave=wave,
                instrument=project.instrument, tool=project.tool,
                layout=TOOL_LAYOUT[project.tool],
                id_column=TOOL_ID_COLUMN.get(project.tool, "Asiakastunnus"),
                respondents=form.n, experience=wave > 1))
    return out


# --------------------------------------------------------------------------- partner surveys


@dataclass
class PartnerRound:
    """Simulated answers of one partner survey round: ``ties`` (respondent_org, partner_org
    and the four roster measures as codes; NaN = "En osaa sanoa"), ``statements``
    (respondent_org, item, code: 1–5, 0 = don't know, -1 = skipped), the responding
    organisations and their response times."""

    round: int
    respondents: list[str]
    when: np.ndarray
    ties: pd.DataFrame
    statements: pd.DataFrame


def _sector_affinity(sectors: np.ndarray) -> np.ndarray:
    """Extra propensity to cooperate between sectors (symmetric)."""
    hub = {"te_office": 0.8, "municipality": 0.5, "kela": 0.2}
    s = np.array([hub.get(x, 0.0) for x in sectors])
    aff = s[:, None] + s[None, :]
    same = sectors[:, None] == sectors[None, :]
    return aff + np.where(same, 0.2, 0.0)


def simulate_partner_rounds() -> list[PartnerRound]:
    """Two rounds (autumn 2012 and autumn 2013) of the partner survey of the region: ties
    get a little stronger and more numerous, statement indices rise a little."""
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    names = np.array([o[0] for o in ORGANISATIONS], dtype=object)
    sectors = np.array([o[1] for o in ORGANISATIONS], dtype=object)
    tendency = np.array([o[2] for o in ORGANISATIONS])
    m = len(names)
    rng = _rng("partners")
    noise = rng.normal(0, 0.7, (m, m))
    affinity = -1.5 + 0.6 * (tendency[:, None] + tendency[None, :]) + _sector_affinity(sectors)
    affinity = affinity + (noise + noise.T) / 2
    outlook = 0.35 * tendency - 0.45 + rng.normal(0, 0.4, m)
    items = [i.code for i in survey.items]
    out = []
    for r in (1, 2):
        rr = _rng("partners", r)
        shift = 0.0 if r == 1 else 0.35 + rr.normal(0, 0.3, (m, m))
        latent = affinity + shift + rr.normal(0, 0.35, (m, m))
        level = np.digitize(latent, [-0.4, 0.4, 1.1, 1.8, 2.6]).astype(float)
        freq = np.clip(np.round(level * 0.8 + rr.normal(0, 0.6, (m, m))), 0, 4)
        trust = np.clip(np.round(2.3 + 0.35 * latent + 0.25 * tendency[None, :]
                                 + rr.normal(0, 0.5, (m, m))), 1, 4)
        value = np.clip(np.round(2.2 + 0.4 * latent + 0.3 * tendency[None, :]
                                 + rr.normal(0, 0.5, (m, m))), 1, 4)
        unknown = rr.random((m, m)) < 0.05 + 0.1 * (level == 0)
        trust[unknown | (level == 0)] = np.nan
        value[unknown | (level == 0)] = np.nan
        p_answer = np.clip(0.72 + 0.12 * tendency + (0.05 if r == 2 else 0.0), 0.4, 0.97)
        answered = rr.random(m) < p_answer
        answered[:2] = True  # the TE office and the city answer every round
        resp = np.flatnonzero(answered)
        ii, jj = np.meshgrid(resp, np.arange(m), indexing="ij")
        ii, jj = ii.ravel(), jj.ravel()
        keep = ii != jj
        ii, jj = ii[keep], jj[keep]
        ties = pd.DataFrame({
            "respondent_org": names[ii], "partner_org": names[jj],
            "contact_frequency": freq[ii, jj], "collaboration_level": level[ii, jj],
            "trust": trust[ii, jj], "value": value[ii, jj],
        })
        perception = outlook[resp] + rr.normal(0, 0.2, len(resp)) + (0.5 if r == 2 else 0.0)
        codes = likert_codes(perception, len(items), rr, dont_know=0.05)
        statements = pd.DataFrame({
            "respondent_org": np.repeat(names[resp], len(items)),
            "item": np.tile(items, len(resp)), "code": codes.ravel()})
        start = np.datetime64(PARTNER_DATES[r], "s")
        when = start + (rr.integers(0, 18, len(resp)) * 86400
                        + rr.integers(8 * 3600, 16 * 3600, len(resp))).astype("timedelta64[s]")
        order = np.argsort(when, kind="stable")
        out.append(PartnerRound(r, list(names[resp][order]), when[order], ties, statements))
    return out


def _statement_columns(survey, rnd: PartnerRound, orgs: Sequence[str], joiner: str
                       ) -> tuple[list[str], list[np.ndarray]]:
    headers, cols = [], []
    table = rnd.statements.set_index(["respondent_org", "item"])["code"]
    for block in survey.blocks:
        labels = tuple(block.scale.labels["fi"])
        for item in block.items:
            headers.append(f"{block.label['fi']}{joiner}{item.label['fi']}")
            codes = table.loc[[(o, item.code) for o in orgs]].to_numpy(dtype=np.int16)
            q = Question(item.code, "scale", item.label["fi"], 0, stem=block.label["fi"],
                         options=labels, codes=codes)
            cols.append(q.labels())
    return headers, cols


def write_partner_matrix(rnd: PartnerRound, path: Path, roster: bool = True) -> int:
    """The web-survey export of a round (Webropol-like xlsx): the respondent's organisation
    and sector, the statements as ``block:statement`` and, with ``roster``, the roster matrix
    as ``measure:organisation`` columns with Finnish labels. Returns the respondent count."""
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    orgs = rnd.respondents
    sector_of = {o[0]: SECTOR_LABELS[o[1]] for o in ORGANISATIONS}
    headers, cols = _statement_columns(survey, rnd, orgs, ":")
    if roster:
        ties = rnd.ties.set_index(["respondent_org", "partner_org"])
        for measure in ("contact_frequency", "collaboration_level", "trust", "value"):
            spec = survey.roster[measure]
            lab = dict(zip(spec.scale.values, spec.scale.labels["fi"], strict=True))
            for partner, _sector, _t in ORGANISATIONS:
                headers.append(f"{spec.label['fi']}:{partner}")
                col = np.full(len(orgs), "", dtype=object)
                for k, org in enumerate(orgs):
                    if org == partner:
                        continue
                    v = ties.at[(org, partner), measure]
                    col[k] = DONT_KNOW if np.isnan(v) else lab[int(v)]
                cols.append(col)
    wb = _workbook(f"{DEMO_LABEL}: kumppanikysely {PARTNER_ROUNDS[rnd.round]}")
    ws = wb.create_sheet("Vastaukset")
    ws.append(["Vastaajan numero", "Vastausaika", "Organisaatio", "Sektori", *headers])
    meta = [np.arange(1, len(orgs) + 1).astype(object), _fmt_times(rnd.when, "fi"),
            np.array(orgs, dtype=object), np.array([sector_of[o] for o in orgs], dtype=object)]
    for row in _rows([*meta, *cols]):
        ws.append(_xlsx_row(ws, row))
    save_xlsx(wb, path)
    return len(orgs)


def write_partner_ties(rnd: PartnerRound, path: Path) -> int:
    """A tie list an evaluator compiled from the round's roster answers (one row per named
    partner with a collaboration level of at least networking), CSV for Finnish Excel: ``;``,
    UTF-8 with BOM. Returns the number of ties."""
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    ties = rnd.ties[rnd.ties["collaboration_level"] >= 1]
    sector_of = {o[0]: SECTOR_LABELS[o[1]] for o in ORGANISATIONS}
    header = ["respondent_org", "Sektori", "partner_org"]
    cols = [ties["respondent_org"].to_numpy(dtype=object),
            ties["respondent_org"].map(sector_of).to_numpy(dtype=object),
            ties["partner_org"].to_numpy(dtype=object)]
    for measure in ("contact_frequency", "collaboration_level", "trust", "value"):
        header.append(survey.roster[measure].label["fi"])
        v = ties[measure].to_numpy()
        text = np.where(np.isnan(v), "", np.nan_to_num(v).astype(int).astype(str))
        cols.append(text.astype(object))
    write_csv(path, [header, *_rows(cols)], delimiter=";", encoding="utf-8-sig")
    return len(ties)


def write_roster(path: Path) -> int:
    """The partner roster with sectors (``Organisaatio;Sektori``)."""
    rows = [["Organisaatio", "Sektori"]] + [[n, SECTOR_LABELS[s]] for n, s, _ in ORGANISATIONS]
    write_csv(path, rows, delimiter=";", encoding="utf-8-sig")
    return len(ORGANISATIONS)


# --------------------------------------------------------------------------- ESR register

REGISTER_COLUMNS = (
    ("code", "Hankekoodi"), ("name", "Hankkeen nimi"), ("organisation", "Toteuttaja"),
    ("region", "Alue"), ("funder", "Rahoittava viranomainen"),
    ("priority_axis", "Toimintalinja"), ("start_date", "Alkamispäivä"),
    ("end_date", "Päättymispäivä"),
    ("planned_participants", "Osallistujat, suunniteltu"),
    ("realised_participants", "Osallistujat, toteutunut"),
    ("planned_women", "Naiset, suunniteltu"), ("realised_women", "Naiset, toteutunut"),
    ("planned_jobs", "Uudet työpaikat, suunniteltu"),
    ("realised_jobs", "Uudet työpaikat, toteutunut"),
    ("planned_enterprises", "Uudet yritykset, suunniteltu"),
    ("realised_enterprises", "Uudet yritykset, toteutunut"),
    ("planned_degrees", "Tutkinnot, suunniteltu"), ("realised_degrees", "Tutkinnot, toteutunut"),
    ("planned_funding", "Julkinen rahoitus, suunniteltu (€)"),
    ("realised_funding", "Julkinen rahoitus, toteutunut (€)"),
)


def register_table() -> pd.DataFrame:
    """The ESR project register of the region (one row per project; columns as
    :data:`REGISTER_COLUMNS` keys, plus ``note``)."""
    rng = _rng("register")
    n = len(PROJECTS)
    entry = np.array([p.n_entry for p in PROJECTS])
    realised = np.round(entry / rng.uniform(0.6, 0.8, n)).astype(int)
    planned = np.round(realised * rng.uniform(0.85, 1.35, n) / 5).astype(int) * 5
    youth = np.array([p.service == "workshop" for p in PROJECTS])
    women_share = rng.uniform(0.35, 0.5, n)
    jobs_share = np.where(youth, 0.12, 0.18) + rng.uniform(-0.05, 0.08, n)
    degrees_share = np.where(youth, 0.2, 0.04) + rng.uniform(0, 0.05, n)
    budget = np.array([p.budget for p in PROJECTS])
    return pd.DataFrame({
        "code": [p.code for p in PROJECTS], "name": [p.name for p in PROJECTS],
        "organisation": [p.organisation for p in PROJECTS],
        "region": [f"Synteettinen esimerkkialue ({p.municipality})" for p in PROJECTS],
        "funder": "Esimerkkilän ELY-keskus (keksitty)",
        "priority_axis": [p.priority_axis for p in PROJECTS],
        "start_date": [f"{p.start.day}.{p.start.month}.{p.start.year}" for p in PROJECTS],
        "end_date": [f"{p.end.day}.{p.end.month}.{p.end.year}" for p in PROJECTS],
        "planned_participants": planned, "realised_participants": realised,
        "planned_women": np.round(planned * 0.45).astype(int),
        "realised_women": np.round(realised * women_share).astype(int),
        "planned_jobs": np.round(planned * 0.2).astype(int),
        "realised_jobs": np.round(realised * jobs_share).astype(int),
        "planned_enterprises": np.where(np.array([p.tool == "webropol" for p in PROJECTS]),
                                        1, 0),
        "realised_enterprises": np.zeros(n, dtype=int),
        "planned_degrees": np.round(planned * np.where(youth, 0.25, 0.05)).astype(int),
        "realised_degrees": np.round(realised * degrees_share).astype(int),
        "planned_funding": budget,
        "realised_funding": np.round(budget * rng.uniform(0.78, 1.0, n) / 100) * 100,
        "note": DEMO_LABEL,
    })


def write_register(path: Path) -> int:
    """The register as an xlsx sheet ``Hankkeet`` (Finnish headers as in EURA 2007 extracts,
    one row per project, a ``Huomautus`` column saying the data are invented)."""
    table = register_table()
    wb = _workbook(f"{DEMO_LABEL}: ESR-hankerekisteri")
    ws = wb.create_sheet("Hankkeet")
    ws.append([label for _, label in REGISTER_COLUMNS] + ["Huomautus"])
    for row in table[[k for k, _ in REGISTER_COLUMNS] + ["note"]].itertuples(index=False):
        ws.append(_xlsx_row(ws, list(row)))
    save_xlsx(wb, path)
    return len(table)


# --------------------------------------------------------------------------- the whole demo


@dataclass(frozen=True)
class PartnerFile:
    """A generated partner-survey file: round label, shape and the respondents (matrix) or
    ties (tie list) it holds."""

    path: Path
    round: str
    shape: str
    rows: int


@dataclass
class DemoData:
    """What :func:`generate_data` wrote."""

    root: Path
    clients: list[ClientFile]
    partners: list[PartnerFile]
    roster: Path
    register: Path
    files: list[Path] = field(default_factory=list)


def _readme(data: DemoData) -> str:
    lines = [
        DEMO_LABEL.upper(),
        "",
        "Tämän kansion aineisto on keksittyä. Hankkeet, organisaatiot, asiakkaat, vastaukset,",
        "hankekoodit ja luvut on tuotettu satunnaisesti (evaltool demo, kiinteä siemenluku",
        f"{SEED}). Ne eivät kuvaa yhtään todellista hanketta tai ihmistä.",
        "",
        "The data in this folder are invented (synthetic example region).",
        "",
        "Hankkeet (asiakaskyselyt kolmessa mittauksessa):",
    ]
    for p in PROJECTS:
        files = [c for c in data.clients if c.project_code == p.code]
        counts = ", ".join(str(c.respondents) for c in files)
        lines.append(f"  {p.code}  {p.name}  ({p.instrument}, {p.tool}; vastaajia {counts})")
    lines += ["", "Kumppanikyselyt:"]
    lines += [f"  {f.round}: {f.path.name} ({f.shape}, {f.rows})" for f in data.partners]
    lines += ["", f"Kumppanirekisteri: {data.roster.name}",
              f"ESR-hankerekisteri: {data.register.name}", ""]
    return "\n".join(lines)


def generate_data(directory: str | Path) -> DemoData:
    """Write every data file of the synthetic region under ``directory / "data"``."""
    root = Path(directory)
    data_dir = root / "data"
    clients = write_client_files(data_dir / "asiakkaat")
    pdir = data_dir / "kumppanit"
    pdir.mkdir(parents=True, exist_ok=True)
    roster = pdir / f"{FILE_TAG}_kumppaniorganisaatiot.csv"
    write_roster(roster)
    r1, r2 = simulate_partner_rounds()
    partners = []
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2012_webropol.xlsx"
    partners.append(PartnerFile(path, PARTNER_ROUNDS[1], "roster_matrix",
                                write_partner_matrix(r1, path)))
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2013_vaittamat_webropol.xlsx"
    partners.append(PartnerFile(path, PARTNER_ROUNDS[2], "roster_matrix",
                                write_partner_matrix(r2, path, roster=False)))
    path = pdir / f"{FILE_TAG}_kumppanikysely_syksy-2013_yhteistyosuhteet.csv"
    partners.append(PartnerFile(path, PARTNER_ROUNDS[2], "tie_list",
                                write_partner_ties(r2, path)))
    rdir = data_dir / "rekisteri"
    rdir.mkdir(parents=True, exist_ok=True)
    register = rdir / f"{FILE_TAG}_ESR-hankerekisteri.xlsx"
    write_register(register)
    out = DemoData(root, clients, partners, roster, register)
    (root / MARKER).write_text(_readme(out), encoding="utf-8")
    out.files = sorted(p for p in data_dir.rglob("*") if p.is_file()) + [root / MARKER]
    return out


def _prepare(root: Path) -> None:
    """Make ``root`` ready for a fresh demo: create it, or clear what an earlier demo made.
    A non-empty folder that is not a demo folder is refused, never emptied."""
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} exists and is not a folder")
    if not root.exists() or not any(root.iterdir()):
        root.mkdir(parents=True, exist_ok=True)
        return
    if not (root / MARKER).is_file():
        raise UserError(f"{root} is not empty and was not made by 'evaltool demo'; give an "
                        "empty or new folder")
    from evaltool.store.workspace import DB_NAME

    for name in ("data", "reports"):
        if (root / name).is_dir():
            shutil.rmtree(root / name)
    for name in (DB_NAME, f"{DB_NAME}-journal", MARKER):
        if (root / name).exists():
            (root / name).unlink()


def build_demo(directory: str | Path = Path("evaltool-demo"), progress: bool = True,
               lang: str | None = None) -> Path:
    """Build the synthetic example region in ``directory``: data files, a workspace holding
    their imports and the reports. Returns the path of the reports' ``index.html``.

    Every import goes through the library's normal import functions (client questionnaires
    with :func:`evaltool.importing.import_clients`, partner rounds with
    :func:`evaltool.partners.import_partners`, the register with
    :func:`evaltool.projects.import_projects`) and the reports are written by
    :func:`evaltool.report.write_all_reports` (``lang``: fi, sv or en; default the workspace's
    language, Finnish). ``progress`` prints a line per step.
    """
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.imports.partners import import_partners
    from evaltool.imports.register import import_projects
    from evaltool.report import write_all_reports
    from evaltool.store.workspace import Workspace

    root = Path(directory)
    t0 = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            print(f"[{time.perf_counter() - t0:5.1f} s] {message}", flush=True)

    _prepare(root)
    say(f"{DEMO_LABEL}: writing the data files to {root / 'data'}")
    data = generate_data(root)
    n_resp = sum(c.respondents for c in data.clients)
    say(f"{len(data.clients)} client survey exports ({len(PROJECTS)} projects, 3 waves, "
        f"{n_resp} responses), {len(data.partners)} partner survey files, the partner roster "
        "and the ESR project register")
    ws = Workspace.init(root)
    try:
        result = import_projects(ws, data.register)
        say(f"ESR project register imported: {result.rows_stored} projects")
        for project in PROJECTS:
            counts: dict[str, list[str]] = {}
            layout = ""
            for f in (c for c in data.clients if c.project_code == project.code):
                instruments = [f.instrument] + ([CLIENT_SURVEY] if f.experience else [])
                for name in instruments:
                    opts = ClientImportOptions(instrument=name, project=f.project, wave=f.wave,
                                               id_column=f.id_column)
                    result = import_clients(ws, [f.path], opts).files[0]
                    layout = result.layout
                    counts.setdefault(name, []).append(str(result.rows_stored))
            say(f"{project.code} {project.name}: layout {layout}; responses per wave "
                + "; ".join(f"{name} {'/'.join(n)}" for name, n in counts.items()))
        for pf in data.partners:
            res = import_partners(ws, pf.path, pf.round, roster=data.roster)
            say(f"partner round {pf.round} ({res.shape}): {res.n_respondents} responding "
                f"organisations, {res.n_ties} ties, {res.n_statements} statement answers")
        say("writing the reports")
        index = write_all_reports(ws, root / "reports", lang, progress=False)
    finally:
        ws.close()
    say(f"done: {index}")
    return index

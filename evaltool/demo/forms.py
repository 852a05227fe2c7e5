"""The client questionnaire of each project and wave: client code, background questions,
goals, the quality-of-life instrument as matrix questions and, from wave 2 on, the
client-experience statements and open answers, with every client's simulated answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltool.demo.simulate import (
    BACKGROUND_WEIGHTS,
    DemoProject,
    Panel,
    builtin_instrument,
    client_field,
    client_survey,
    likert_codes,
    qol_codes,
    random_stream,
)
from evaltool.testing import Question, Survey

#: Share of clients choosing each goal, and extra shares by service.
GOAL_SHARES = {
    "work": 0.35,
    "studies": 0.15,
    "routine": 0.3,
    "peer_support": 0.25,
    "health": 0.25,
    "skills": 0.35,
    "plans": 0.3,
}
GOAL_BY_SERVICE = {
    "rehabilitative": {"routine": 0.3, "peer_support": 0.2, "health": 0.15},
    "wage_subsidy": {"work": 0.35},
    "training": {"work": 0.3, "plans": 0.15},
    "workshop": {"studies": 0.4, "skills": 0.15},
    "work_trial": {"work": 0.2, "plans": 0.2},
}

GOOD_ANSWERS = (
    "Sain rytmiä arkeen.",
    "Ohjaajat ovat kannustavia ja asiallisia.",
    "Ryhmässä on hyvä henki.",
    "Pääsin kokeilemaan uutta alaa.",
    "Sain apua talousasioihin.",
    "Työtehtävät ovat mielekkäitä.",
    "On paikka, minne tulla aamulla.",
    "Opin uusia taitoja, esim. trukkikortti ja hygieniapassi.",
    "Tuli uusia kavereita.",
    "Sain tukea työnhakuun ja CV:n tekemiseen.",
    "Ruoka on hyvää ja edullista.",
    "Joustavuus, kun terveys reistailee.",
    "Tunnen olevani hyödyllinen.",
    "Sain ohjauksen koulutukseen, aloitan syksyllä.",
    "Hyvää: ohjaus; huonoa: ei juuri mitään",
    "Kiitos kaikesta!\nToivottavasti jatkuu.",
)
BAD_ANSWERS = (
    "Matkat ovat pitkiä ja bussilla kallista.",
    "Välillä liian vähän tekemistä.",
    "Ohjaajia on liian vähän.",
    "Tiedotus voisi olla parempaa.",
    "Ryhmä vaihtuu liian usein.",
    "Ylläpitokorvaus on pieni.",
    "En tiedä, mitä jakson jälkeen tapahtuu.",
    "Tilat ovat ahtaat ja talvella kylmät.",
    "TE-toimistoon on vaikea saada aikaa.",
    "Jakso on liian lyhyt.",
    "Paperitöitä on paljon.",
    "Ei mitään huonoa.",
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
    our own short wording (not the instruments' copyrighted item texts).

    Parameters
    ----------
    instrument
        A built-in instrument name (``whoqol-bref``, ``eurohis-qol-8``).

    Returns
    -------
    tuple of QolBlock
        Consecutive items of one response set, with our stem.
    """
    stems = {
        "quality": "Arvioi viimeistä kahta viikkoa",
        "satisfaction": "Kuinka tyytyväinen olet",
        "intensity": "Kuinka paljon",
        "capacity": "Kuinka riittävästi",
        "frequency": "Kuinka usein",
    }
    inst = builtin_instrument(instrument)
    blocks: list[QolBlock] = []
    for it in inst.items:
        rs = it.response_set or ""
        if blocks and blocks[-1].response_set == rs:
            prev = blocks[-1]
            blocks[-1] = QolBlock(prev.stem, prev.items + (it.code,), rs)
        else:
            blocks.append(QolBlock(stems.get(rs, rs), (it.code,), rs))
    return tuple(blocks)


@dataclass(frozen=True)
class Form:
    """The questionnaire of one project and wave with its simulated answers."""

    project: DemoProject
    wave: int
    survey: Survey


def _open_answers(
    rng: np.random.Generator, n: int, pool: Sequence[str], share: float
) -> np.ndarray:
    out = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]
    out[rng.random(n) >= share] = ""
    return out


def _choice_question(
    name: str, number: int, values: np.ndarray, rng: np.random.Generator, skip: float = 0.015
) -> Question:
    fld = client_field(name)
    codes = [c for c, _ in fld.options]
    idx = pd.Series(values).map({c: i for i, c in enumerate(codes)}).to_numpy(dtype=np.int16)
    idx[rng.random(len(idx)) < skip] = -1
    return Question(
        name,
        "choice",
        fld.labels["fi"],
        number,
        options=tuple(lbl["fi"] for _, lbl in fld.options),
        codes=idx,
    )


def build_form(index: int, panel: Panel, wave: int) -> Form:
    """The questionnaire of ``panel``'s project at ``wave`` with simulated answers: client
    code, background, goals (waves 1–3), the quality-of-life instrument and, from wave 2 on,
    the client-experience statements and open answers.

    Parameters
    ----------
    index
        The project's position in :data:`~evaltool.demo.simulate.PROJECTS` (seeds its
        streams).
    panel
        The project's simulated clients.
    wave
        The wave (1–3).

    Returns
    -------
    Form
        The questions in form order, one respondent per client answering at ``wave`` (in
        order of response time).
    """
    project = panel.project
    rng = random_stream("form", index, wave)
    vis = panel.visits[panel.visits["wave"] == wave].sort_values("when", kind="stable")
    cl = vis["client"].to_numpy()
    n = len(cl)
    clients = panel.clients.iloc[cl]
    theta = vis["theta"].to_numpy()
    questions: list[Question] = []
    number = 1
    questions.append(
        Question(
            "id", "id", "Asiakastunnus", number, texts=clients["client_id"].to_numpy(dtype=object)
        )
    )
    for name in (*BACKGROUND_WEIGHTS, "service_type"):
        number += 1
        questions.append(
            _choice_question(
                name,
                number,
                clients[name].to_numpy(),
                rng,
                skip=0.0 if name == "service_type" else 0.015,
            )
        )
    goals = client_field("goals")
    number += 1
    share = np.array(
        [
            GOAL_SHARES[c] + GOAL_BY_SERVICE.get(project.service, {}).get(c, 0.0)
            for c, _ in goals.options
        ]
    )
    chosen = rng.random((n, len(share))) < share
    none = ~chosen.any(axis=1)
    chosen[none, rng.integers(0, len(share), int(none.sum()))] = True
    questions.append(
        Question(
            "goals",
            "multi",
            goals.labels["fi"],
            number,
            options=tuple(lbl["fi"] for _, lbl in goals.options),
            chosen=chosen,
        )
    )
    inst = builtin_instrument(project.instrument)
    qol = qol_codes(project.instrument, theta, rng)
    for block in qol_blocks(project.instrument):
        number += 1
        labels = tuple(inst.response_sets[block.response_set]["fi"])
        for code in block.items:
            j = inst.item_codes.index(code)
            questions.append(
                Question(
                    code,
                    "scale",
                    inst.item(code).labels["fi"],
                    number,
                    stem=block.stem,
                    options=labels,
                    codes=qol[:, j],
                )
            )
    if wave > 1:
        survey = client_survey()
        agree = tuple(survey.response_sets["agreement"]["fi"])
        change = theta - clients["theta0"].to_numpy()
        level = {
            "participation": 0.3 * theta + 0.25 + 1.5 * (project.gain - 0.18),
            "effects": 0.25 * theta + 0.6 * change - 0.1,
        }
        for domain in survey.domains:
            number += 1
            codes = likert_codes(level[domain.name], len(domain.items), rng)
            for k, code in enumerate(domain.items):
                questions.append(
                    Question(
                        code,
                        "scale",
                        survey.item(code).labels["fi"],
                        number,
                        stem=domain.labels["fi"],
                        options=agree,
                        codes=codes[:, k],
                    )
                )
        number += 1
        good = _open_answers(rng, n, GOOD_ANSWERS, 0.5)
        if project.tool == "google" and index == 1 and wave == 3 and n:
            good[0] = FORMULA_ANSWER
        questions.append(
            Question("good", "text", client_field("good").labels["fi"], number, texts=good)
        )
        number += 1
        bad = _open_answers(rng, n, BAD_ANSWERS, 0.35)
        if project.tool == "webropol" and index == 0 and wave == 2 and n:
            bad[0] = SCRIPT_ANSWER
        questions.append(
            Question("bad", "text", client_field("bad").labels["fi"], number, texts=bad)
        )
    return Form(project, wave, Survey(vis["when"].to_numpy(), questions))

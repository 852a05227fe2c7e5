"""The participant records (EURA 2021 style) of the region's ESF+ 2021–2027-style projects:
one row per participant, written as the xlsx extract a project keeps, with the ids its
client questionnaires use (so the records link to the answers) and participants who never
answered a questionnaire."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evaltool.demo.files import workbook_properties
from evaltool.demo.simulate import DEMO_LABEL, PROJECTS, WAVE_DATES, random_stream, simulate_panel
from evaltool.testing import write_xlsx

#: Codes of the projects whose register entry is ESF+ 2021–2027 (with indicator targets).
ESF_PROJECTS = ("S20133", "S20148", "S20186", "S20203")
#: Headers of the participant extract (Finnish, as in EURA 2021 extracts).
HEADERS = (
    "Hankekoodi",
    "Osallistujatunnus",
    "Aloituspäivä",
    "Päättymispäivä",
    "Sukupuoli",
    "Syntymävuosi",
    "Työmarkkina-asema",
    "Koulutustaso",
    "Tilanne päättyessä",
    "Tutkinto",
    "Tilanne 6 kk",
    "Vamma",
    "Ulkomaalaistausta",
    "Huomautus",
)
_GENDER = {"female": "nainen", "male": "mies", "other": "muu", "undisclosed": "ei halua kertoa"}
_EDUCATION = {
    "none": "perusaste",
    "upper_secondary": "lukio",
    "vocational": "toinen aste",
    "higher": "korkea-aste",
}
_BIRTH = {
    "under_25": (1990, 1995),
    "25_34": (1979, 1988),
    "35_44": (1969, 1978),
    "45_54": (1959, 1968),
    "55_plus": (1948, 1957),
}


def participant_rows(code: str) -> list[list[str]]:
    """The extract's rows of one project: every client of its questionnaires and a third
    more who never answered; status on leaving follows the client's change in quality of
    life (those whose quality of life rose find work more often)."""
    index = next(k for k, p in enumerate(PROJECTS) if p.code == code)
    project = PROJECTS[index]
    panel = simulate_panel(index, project)
    rng = random_stream("participants", index)
    clients = panel.clients
    n_extra = len(clients) // 3
    n = len(clients) + n_extra
    ids = clients["client_id"].tolist() + [
        f"{project.prefix}-{len(clients) + k + 1:03d}" for k in range(n_extra)
    ]
    gender = [_GENDER[g] for g in clients["gender"]] + list(rng.choice(["nainen", "mies"], n_extra))
    age_group = clients["age_group"].tolist() + list(rng.choice(list(_BIRTH), n_extra))
    born = [int(rng.integers(*_BIRTH[a])) for a in age_group]
    education = [_EDUCATION[e] for e in clients["education"]] + list(
        rng.choice(list(_EDUCATION.values()), n_extra)
    )
    duration = clients["unemployment_duration"].tolist() + list(
        rng.choice(["under_1y", "1_2y", "2_5y", "not_unemployed"], n_extra)
    )
    entry = np.where(np.isin(duration, ["1_2y", "2_5y", "over_5y"]), "pitkäaikaistyötön", "työtön")
    entry = np.where(np.array(duration) == "not_unemployed", "työvoiman ulkopuolella", entry)
    visits = panel.visits
    gain = visits.pivot_table(index="client", columns="wave", values="theta")
    delta = (gain.get(3, gain.get(2)) - gain[1]).reindex(range(len(clients))).to_numpy()
    delta = np.concatenate([np.nan_to_num(delta, nan=0.0), rng.normal(0, 0.3, n_extra)])
    start = np.datetime64(WAVE_DATES[1]) - rng.integers(0, 120, n)
    left = rng.random(n) < 0.8
    end = np.datetime64(WAVE_DATES[3]) + rng.integers(0, 150, n)
    p_work = 1 / (1 + np.exp(-(-0.9 + 2.2 * delta)))
    u = rng.random(n)
    leaving = np.where(
        u < p_work, "työllinen", np.where(u < p_work + 0.35, "työnhakija", "koulutuksessa")
    )
    follow = np.where(
        leaving == "työllinen",
        np.where(rng.random(n) < 0.8, "työllinen", "työnhakija"),
        np.where(rng.random(n) < 0.25, "työllinen", "työnhakija"),
    )
    qualification = np.where((leaving == "koulutuksessa") & (rng.random(n) < 0.4), "kyllä", "ei")
    disability = rng.choice(["kyllä", "ei", "ei halua kertoa"], n, p=[0.12, 0.7, 0.18])
    foreign = rng.choice(["kyllä", "ei", ""], n, p=[0.1, 0.7, 0.2])
    rows = []
    for k in range(n):
        rows.append(
            [
                str(v)
                for v in [
                    code,
                    ids[k],
                    str(start[k]),
                    str(end[k]) if left[k] else "",
                    gender[k],
                    str(born[k]),
                    str(entry[k]),
                    education[k],
                    leaving[k] if left[k] else "",
                    qualification[k] if left[k] else "",
                    follow[k] if left[k] else "",
                    disability[k],
                    foreign[k],
                    DEMO_LABEL,
                ]
            ]
        )
    return rows


def write_participants(path: Path) -> int:
    """The participant extract of :data:`ESF_PROJECTS` as an xlsx sheet ``Osallistujat``;
    returns the number of participants."""
    rows = [r for code in ESF_PROJECTS for r in participant_rows(code)]
    write_xlsx(
        path,
        [list(HEADERS), *rows],
        sheet="Osallistujat",
        empty_cells=True,
        properties=workbook_properties(f"{DEMO_LABEL}: ESR+-osallistujatiedot"),
    )
    return len(rows)

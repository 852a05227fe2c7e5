"""The invented region and its random streams: projects, clients and their wave
participation, item answers, partner organisations and their survey rounds, and the ESR
register."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from evaltool.instruments import Field, Instrument, load_instrument

#: The label every file, title and register row carries.
DEMO_LABEL = "Synteettinen esimerkkialue — keksittyä aineistoa"
#: Short form of :data:`DEMO_LABEL` used in file names.
FILE_TAG = "SYNTEETTINEN"
#: Seed of every random stream (streams are derived per purpose, see :func:`random_stream`).
SEED = 20121015
#: Marker file that identifies a folder made by :func:`evaltool.demo.build_demo` (safe to
#: rebuild).
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


# Fields in DemoProject order.
# fmt: off
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
# fmt: on

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
    "te_office": "TE-toimisto",
    "municipality": "Kunta",
    "kela": "Kela",
    "foundation": "Säätiö",
    "association": "Yhdistys",
    "school": "Oppilaitos",
    "company": "Yritys",
    "project": "Hanke",
    "other": "Muu",
}


@lru_cache(maxsize=8)
def builtin_instrument(name: str) -> Instrument:
    """A built-in instrument definition (parsed once; read only)."""
    return load_instrument(name)


def random_stream(*keys: int | str) -> np.random.Generator:
    """An independent random stream per purpose: changing one part of the demo does not
    change the numbers of the others.

    Parameters
    ----------
    *keys
        The purpose (``"panel"``, a project index, a wave); a text key counts by its first
        eight bytes.

    Returns
    -------
    numpy.random.Generator
        Seeded with :data:`SEED` and ``keys``.
    """
    ints = [SEED] + [
        k if isinstance(k, int) else int.from_bytes(k.encode()[:8], "little") for k in keys
    ]
    return np.random.default_rng(ints)


# --------------------------------------------------------------------------- clients

#: The client-experience survey whose fields and statements every questionnaire carries.
CLIENT_SURVEY = "kevat-client"

#: Weights of the options of the background questions (by option code of
#: ``surveys/kevat-client.toml``); age weights vary with the project's service.
BACKGROUND_WEIGHTS: dict[str, dict[str, float]] = {
    "gender": {"female": 0.42, "male": 0.54, "other": 0.02, "undisclosed": 0.02},
    "age_group": {"under_25": 0.2, "25_34": 0.25, "35_44": 0.22, "45_54": 0.2, "55_plus": 0.13},
    "education": {"none": 0.35, "upper_secondary": 0.1, "vocational": 0.45, "higher": 0.1},
    "unemployment_duration": {
        "under_1y": 0.22,
        "1_2y": 0.25,
        "2_5y": 0.3,
        "over_5y": 0.18,
        "not_unemployed": 0.05,
    },
}
AGE_BY_SERVICE = {
    "workshop": {"under_25": 0.86, "25_34": 0.12, "35_44": 0.02},
    "rehabilitative": {
        "under_25": 0.08,
        "25_34": 0.2,
        "35_44": 0.26,
        "45_54": 0.28,
        "55_plus": 0.18,
    },
}


def client_survey() -> Instrument:
    """The client-experience survey :data:`CLIENT_SURVEY`."""
    return builtin_instrument(CLIENT_SURVEY)


def client_field(name: str) -> Field:
    """A field (background question, goals, open answer) of the client survey."""
    return next(f for f in client_survey().fields if f.name == name)


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


def simulate_panel(index: int, project: DemoProject) -> Panel:
    """Clients, background and wave participation of one project (vectorised). Background
    answers are option codes of the client survey's fields.

    Parameters
    ----------
    index
        The project's position in :data:`PROJECTS` (seeds its stream).
    project
        The project.

    Returns
    -------
    Panel
        The clients and their visits.

    Notes
    -----
    Latent quality of life of client i at wave w (0-based) is
    theta_iw = theta0_i + slope_i * w + e_iw with theta0_i ~ N(baseline, 0.75²),
    slope_i ~ N(gain, 0.18²), e_iw ~ N(0, 0.3²). A client stays for the next wave with
    probability logistic(logit(retention) + 0.7 (theta0_i - baseline)); 6 % of those who
    miss wave 2 come back at wave 3.
    """
    rng = random_stream("panel", index)
    n = project.n_entry
    clients = pd.DataFrame({"client_id": [f"{project.prefix}-{i + 1:03d}" for i in range(n)]})
    for name, weights in BACKGROUND_WEIGHTS.items():
        if name == "age_group" and project.service in AGE_BY_SERVICE:
            weights = AGE_BY_SERVICE[project.service]
        codes = [c for c, _ in client_field(name).options]
        w = [weights.get(c, 0.0) for c in codes]
        clients[name] = np.asarray(codes, dtype=object)[_choose(rng, n, w)]
    services = [c for c, _ in client_field("service_type").options]
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
        ~present[:, 1] & (rng.random(n) < 0.06)
    )
    cl, wv = np.nonzero(present)
    wave = wv + 1
    theta = theta0[cl] + slope[cl] * wv + rng.normal(0, 0.3, len(cl))
    start = np.array([np.datetime64(WAVE_DATES[w], "s") for w in wave])
    offset = rng.integers(0, 21, len(cl)) * 86400 + rng.integers(8 * 3600, 16 * 3600, len(cl))
    visits = pd.DataFrame(
        {
            "client": cl,
            "wave": wave,
            "theta": theta,
            "when": start + offset.astype("timedelta64[s]"),
        }
    )
    return Panel(project, clients, visits)


def qol_codes(
    instrument: str, theta: np.ndarray, rng: np.random.Generator, burst_share: float = 0.025
) -> np.ndarray:
    """Item answers (n × items) for latent quality of life ``theta``: codes 1–5, 0 = "En osaa
    sanoa", -1 = skipped. Reversed items are answered in their own direction.

    Parameters
    ----------
    instrument
        A built-in instrument name.
    theta
        Latent quality of life, one per respondent.
    rng
        The random stream.
    burst_share
        Share of responses with a run of skipped items.

    Returns
    -------
    numpy.ndarray
        int16, respondents × items in the instrument's order.
    """
    inst = builtin_instrument(instrument)
    k = len(inst.items)
    item_rng = random_stream("items", instrument)
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
        codes[r, first : first + width] = -1
    return codes


def likert_codes(
    level: np.ndarray, k: int, rng: np.random.Generator, dont_know: float = 0.04
) -> np.ndarray:
    """Agreement answers (n × k): 1–5, 0 = "En osaa sanoa", -1 = skipped.

    Parameters
    ----------
    level
        Latent agreement, one per respondent.
    k
        The number of statements.
    rng
        The random stream.
    dont_know
        Share of "En osaa sanoa" answers.

    Returns
    -------
    numpy.ndarray
        int16, respondents × statements.
    """
    n = len(level)
    z = level[:, None] + rng.normal(0.6, 0.85, (n, k))
    codes = (np.digitize(z, [-1.5, -0.6, 0.2, 1.1]) + 1).astype(np.int16)
    u = rng.random((n, k))
    codes[u < 0.015] = -1
    codes[(u >= 0.015) & (u < 0.015 + dont_know)] = 0
    return codes


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
    get a little stronger and more numerous, statement indices rise a little.

    Returns
    -------
    list of PartnerRound
        Round 1 (autumn 2012) and round 2 (autumn 2013).
    """
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    names = np.array([o[0] for o in ORGANISATIONS], dtype=object)
    sectors = np.array([o[1] for o in ORGANISATIONS], dtype=object)
    tendency = np.array([o[2] for o in ORGANISATIONS])
    m = len(names)
    rng = random_stream("partners")
    noise = rng.normal(0, 0.7, (m, m))
    affinity = -1.5 + 0.6 * (tendency[:, None] + tendency[None, :]) + _sector_affinity(sectors)
    affinity = affinity + (noise + noise.T) / 2
    outlook = 0.35 * tendency - 0.45 + rng.normal(0, 0.4, m)
    items = [i.code for i in survey.items]
    out = []
    for r in (1, 2):
        rr = random_stream("partners", r)
        shift = 0.0 if r == 1 else 0.35 + rr.normal(0, 0.3, (m, m))
        latent = affinity + shift + rr.normal(0, 0.35, (m, m))
        level = np.digitize(latent, [-0.4, 0.4, 1.1, 1.8, 2.6]).astype(float)
        freq = np.clip(np.round(level * 0.8 + rr.normal(0, 0.6, (m, m))), 0, 4)
        trust = np.clip(
            np.round(2.3 + 0.35 * latent + 0.25 * tendency[None, :] + rr.normal(0, 0.5, (m, m))),
            1,
            4,
        )
        value = np.clip(
            np.round(2.2 + 0.4 * latent + 0.3 * tendency[None, :] + rr.normal(0, 0.5, (m, m))), 1, 4
        )
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
        ties = pd.DataFrame(
            {
                "respondent_org": names[ii],
                "partner_org": names[jj],
                "contact_frequency": freq[ii, jj],
                "collaboration_level": level[ii, jj],
                "trust": trust[ii, jj],
                "value": value[ii, jj],
            }
        )
        perception = outlook[resp] + rr.normal(0, 0.2, len(resp)) + (0.5 if r == 2 else 0.0)
        codes = likert_codes(perception, len(items), rr, dont_know=0.05)
        statements = pd.DataFrame(
            {
                "respondent_org": np.repeat(names[resp], len(items)),
                "item": np.tile(items, len(resp)),
                "code": codes.ravel(),
            }
        )
        start = np.datetime64(PARTNER_DATES[r], "s")
        when = start + (
            rr.integers(0, 18, len(resp)) * 86400 + rr.integers(8 * 3600, 16 * 3600, len(resp))
        ).astype("timedelta64[s]")
        order = np.argsort(when, kind="stable")
        out.append(PartnerRound(r, list(names[resp][order]), when[order], ties, statements))
    return out


# --------------------------------------------------------------------------- ESR register


def _esf_targets(planned: np.ndarray) -> dict[str, list]:
    """The programme period of each project and, for the ESF+ 2021–2027-style ones
    (:data:`evaltool.demo.participants.ESF_PROJECTS`), targets of four common indicators."""
    from evaltool.demo.participants import ESF_PROJECTS

    esf = np.array([p.code in ESF_PROJECTS for p in PROJECTS])
    total = np.round(planned * 1.3).astype(int)

    def target(share: float) -> list:
        return [int(round(t * share)) if e else "" for t, e in zip(total, esf, strict=True)]

    return {
        "period": ["2021–2027" if e else "2007–2013" for e in esf],
        "target_EECO01": target(1.0),
        "target_EECO02": target(0.7),
        "target_EECR01": target(0.3),
        "target_EECR04": target(0.25),
    }


def register_table() -> pd.DataFrame:
    """The ESR project register of the region (one row per project; columns as
    :data:`REGISTER_COLUMNS` keys, plus ``note``)."""
    rng = random_stream("register")
    n = len(PROJECTS)
    entry = np.array([p.n_entry for p in PROJECTS])
    realised = np.round(entry / rng.uniform(0.6, 0.8, n)).astype(int)
    planned = np.round(realised * rng.uniform(0.85, 1.35, n) / 5).astype(int) * 5
    youth = np.array([p.service == "workshop" for p in PROJECTS])
    women_share = rng.uniform(0.35, 0.5, n)
    jobs_share = np.where(youth, 0.12, 0.18) + rng.uniform(-0.05, 0.08, n)
    degrees_share = np.where(youth, 0.2, 0.04) + rng.uniform(0, 0.05, n)
    budget = np.array([p.budget for p in PROJECTS])
    return pd.DataFrame(
        {
            "code": [p.code for p in PROJECTS],
            "name": [p.name for p in PROJECTS],
            "organisation": [p.organisation for p in PROJECTS],
            "region": [f"Synteettinen esimerkkialue ({p.municipality})" for p in PROJECTS],
            "funder": "Esimerkkilän ELY-keskus (keksitty)",
            "priority_axis": [p.priority_axis for p in PROJECTS],
            "start_date": [f"{p.start.day}.{p.start.month}.{p.start.year}" for p in PROJECTS],
            "end_date": [f"{p.end.day}.{p.end.month}.{p.end.year}" for p in PROJECTS],
            "planned_participants": planned,
            "realised_participants": realised,
            "planned_women": np.round(planned * 0.45).astype(int),
            "realised_women": np.round(realised * women_share).astype(int),
            "planned_jobs": np.round(planned * 0.2).astype(int),
            "realised_jobs": np.round(realised * jobs_share).astype(int),
            "planned_enterprises": np.where(
                np.array([p.tool == "webropol" for p in PROJECTS]), 1, 0
            ),
            "realised_enterprises": np.zeros(n, dtype=int),
            "planned_degrees": np.round(planned * np.where(youth, 0.25, 0.05)).astype(int),
            "realised_degrees": np.round(realised * degrees_share).astype(int),
            "planned_funding": budget,
            "realised_funding": np.round(budget * rng.uniform(0.78, 1.0, n) / 100) * 100,
            **_esf_targets(planned),
            "note": DEMO_LABEL,
        }
    )

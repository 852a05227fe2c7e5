"""The region's files besides the client questionnaires: the partner survey rounds (a
Webropol export with the statements and the roster matrix, a tie list), the partner roster and
the ESR project register."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evaltool.demo.files import workbook_properties
from evaltool.demo.simulate import (
    DEMO_LABEL,
    ORGANISATIONS,
    PARTNER_ROUNDS,
    SECTOR_LABELS,
    PartnerRound,
    register_table,
)
from evaltool.testing import Question, Survey, exports, table_rows, write_csv, write_xlsx


def _statement_questions(survey, rnd: PartnerRound, orgs: list[str]) -> list[Question]:
    """The statements of a round as matrix questions (one per statement block)."""
    table = rnd.statements.set_index(["respondent_org", "item"])["code"]
    questions = []
    for block in survey.blocks:
        labels = tuple(block.scale.labels["fi"])
        for item in block.items:
            codes = table.loc[[(o, item.code) for o in orgs]].to_numpy(dtype=np.int16)
            questions.append(
                Question(
                    item.code,
                    "scale",
                    item.label["fi"],
                    0,
                    stem=block.label["fi"],
                    options=labels,
                    codes=codes,
                )
            )
    return questions


def _roster_questions(survey, rnd: PartnerRound, orgs: list[str]) -> list[Question]:
    """The roster matrix of a round: one ``measure:organisation`` question per measure and
    partner; don't know where the measure is missing, nothing for the respondent itself."""
    partners = [o[0] for o in ORGANISATIONS]
    questions = []
    for measure in ("contact_frequency", "collaboration_level", "trust", "value"):
        spec = survey.roster[measure]
        step = {v: k for k, v in enumerate(spec.scale.values, start=1)}
        table = rnd.ties.pivot(
            index="respondent_org", columns="partner_org", values=measure
        ).reindex(index=orgs, columns=partners)
        for partner in partners:
            codes = table[partner].map(step).fillna(0).to_numpy(dtype=np.int16)
            codes[np.asarray(orgs, dtype=object) == partner] = -1
            questions.append(
                Question(
                    f"{measure}:{partner}",
                    "scale",
                    partner,
                    0,
                    stem=spec.label["fi"],
                    options=tuple(spec.scale.labels["fi"]),
                    codes=codes,
                )
            )
    return questions


def write_partner_matrix(rnd: PartnerRound, path: Path, roster: bool = True) -> int:
    """The web-survey export of a round (Webropol-like xlsx): the respondent's organisation
    and sector, the statements as ``block:statement`` and, with ``roster``, the roster matrix
    as ``measure:organisation`` columns with Finnish labels. Returns the respondent count.

    Parameters
    ----------
    rnd
        The simulated round.
    path
        The file to write.
    roster
        Include the roster matrix (else the statements only).

    Returns
    -------
    int
        The number of responding organisations.
    """
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    orgs = rnd.respondents
    sector_of = {o[0]: SECTOR_LABELS[o[1]] for o in ORGANISATIONS}
    questions = _statement_questions(survey, rnd, orgs)
    if roster:
        questions += _roster_questions(survey, rnd, orgs)
    answers = Survey(rnd.when, questions)
    meta = exports.webropol_meta(answers) | {
        "Organisaatio": np.array(orgs, dtype=object),
        "Sektori": np.array([sector_of[o] for o in orgs], dtype=object),
    }
    title = f"{DEMO_LABEL}: kumppanikysely {PARTNER_ROUNDS[rnd.round]}"
    exports.write_webropol_xlsx(
        answers, path, meta, empty_cells=True, properties=workbook_properties(title)
    )
    return len(orgs)


def write_partner_ties(rnd: PartnerRound, path: Path) -> int:
    """A tie list an evaluator compiled from the round's roster answers (one row per named
    partner with a collaboration level of at least networking), CSV for Finnish Excel: ``;``,
    UTF-8 with BOM. Returns the number of ties.

    Parameters
    ----------
    rnd
        The simulated round.
    path
        The file to write.

    Returns
    -------
    int
        The number of ties.
    """
    from evaltool.indicators.cooperation import load_partner_survey

    survey = load_partner_survey()
    ties = rnd.ties[rnd.ties["collaboration_level"] >= 1]
    sector_of = {o[0]: SECTOR_LABELS[o[1]] for o in ORGANISATIONS}
    header = ["respondent_org", "Sektori", "partner_org"]
    cols = [
        ties["respondent_org"].to_numpy(dtype=object),
        ties["respondent_org"].map(sector_of).to_numpy(dtype=object),
        ties["partner_org"].to_numpy(dtype=object),
    ]
    for measure in ("contact_frequency", "collaboration_level", "trust", "value"):
        header.append(survey.roster[measure].label["fi"])
        v = ties[measure].to_numpy()
        text = np.where(np.isnan(v), "", np.nan_to_num(v).astype(int).astype(str))
        cols.append(text.astype(object))
    write_csv(path, [header, *table_rows(cols)], delimiter=";", encoding="utf-8-sig")
    return len(ties)


def write_roster(path: Path) -> int:
    """The partner roster with sectors (``Organisaatio;Sektori``).

    Parameters
    ----------
    path
        The file to write.

    Returns
    -------
    int
        The number of organisations.
    """
    rows = [["Organisaatio", "Sektori"]] + [[n, SECTOR_LABELS[s]] for n, s, _ in ORGANISATIONS]
    write_csv(path, rows, delimiter=";", encoding="utf-8-sig")
    return len(ORGANISATIONS)


# --------------------------------------------------------------------------- ESR register


REGISTER_COLUMNS = (
    ("code", "Hankekoodi"),
    ("name", "Hankkeen nimi"),
    ("organisation", "Toteuttaja"),
    ("region", "Alue"),
    ("funder", "Rahoittava viranomainen"),
    ("priority_axis", "Toimintalinja"),
    ("start_date", "Alkamispäivä"),
    ("end_date", "Päättymispäivä"),
    ("planned_participants", "Osallistujat, suunniteltu"),
    ("realised_participants", "Osallistujat, toteutunut"),
    ("planned_women", "Naiset, suunniteltu"),
    ("realised_women", "Naiset, toteutunut"),
    ("planned_jobs", "Uudet työpaikat, suunniteltu"),
    ("realised_jobs", "Uudet työpaikat, toteutunut"),
    ("planned_enterprises", "Uudet yritykset, suunniteltu"),
    ("realised_enterprises", "Uudet yritykset, toteutunut"),
    ("planned_degrees", "Tutkinnot, suunniteltu"),
    ("realised_degrees", "Tutkinnot, toteutunut"),
    ("planned_funding", "Julkinen rahoitus, suunniteltu (€)"),
    ("realised_funding", "Julkinen rahoitus, toteutunut (€)"),
    ("period", "Ohjelmakausi"),
    ("target_EECO01", "Tavoite EECO01"),
    ("target_EECO02", "Tavoite EECO02"),
    ("target_EECR01", "Tavoite EECR01"),
    ("target_EECR04", "Tavoite EECR04"),
)


def write_register(path: Path) -> int:
    """The register as an xlsx sheet ``Hankkeet`` (Finnish headers as in EURA 2007 extracts,
    one row per project, a ``Huomautus`` column saying the data are invented).

    Parameters
    ----------
    path
        The file to write.

    Returns
    -------
    int
        The number of projects.
    """
    table = register_table()
    rows = [[label for _, label in REGISTER_COLUMNS] + ["Huomautus"]]
    rows += [
        list(row)
        for row in table[[k for k, _ in REGISTER_COLUMNS] + ["note"]].itertuples(index=False)
    ]
    write_xlsx(
        path,
        rows,
        sheet="Hankkeet",
        empty_cells=True,
        properties=workbook_properties(f"{DEMO_LABEL}: ESR-hankerekisteri"),
    )
    return len(table)

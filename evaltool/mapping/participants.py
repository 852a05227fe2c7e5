"""Participant records: which column is which field, and what each answer means.

Headers are recognised in Finnish, Swedish and English (EURA 2021 extracts, the projects'
own spreadsheets): :data:`HEADER_PATTERNS`. Answers are decoded through vocabularies
matched after :func:`evaltool.text.label_key` (case, spacing and dashes ignored), each
distinct answer once (:func:`evaltool.text.map_distinct`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaltool.text import label_key, map_distinct

#: Fields of a participant file and the headers that mean them (a regular expression matched
#: against the whole header after :func:`label_key`, ``_`` read as a space).
HEADER_PATTERNS: dict[str, str] = {
    "project": r"project|project code|project id|hanke|hankekoodi|hankkeen koodi|hanketunnus|"
    r"eura koodi|projekt|projektkod",
    "participant": r"participant|participant id|participant code|id|person id|osallistuja|"
    r"osallistujan tunnus|osallistujatunnus|osallistujanumero|asiakasnumero|asiakastunnus|"
    r"henkilötunniste|tunniste|deltagare|deltagar id|deltagarens id|deltagarnummer",
    "start_date": r"start|start date|entry date|date of entry|aloituspäivä|alkupäivä|"
    r"aloituspvm|alkupvm|osallistuminen alkoi|tulopäivä|startdatum|inträdesdatum|"
    r"datum för inträde",
    "end_date": r"end|end date|leaving date|date of leaving|exit date|päättymispäivä|"
    r"lopetuspäivä|päättymispvm|loppupvm|osallistuminen päättyi|poistumispäivä|slutdatum|"
    r"utträdesdatum|datum för utträde",
    "gender": r"gender|sex|sukupuoli|kön",
    "birth_year": r"birth year|year of birth|syntymävuosi|födelseår",
    "age": r"age|age at entry|ikä|ikä aloittaessa|ikä alussa|ålder|ålder vid inträde",
    "status_entry": r"labour market status|labour market status at entry|status at entry|"
    r"employment status|työmarkkina asema|työmarkkina-asema|työmarkkina-asema aloittaessa|"
    r"asema aloittaessa|asema alussa|arbetsmarknadsstatus|ställning på arbetsmarknaden|"
    r"status vid inträde",
    "long_term_unemployed": r"long term unemployed|long-term unemployed|pitkäaikaistyötön|"
    r"långtidsarbetslös",
    "in_education": r"in education|in education or training|in education training|"
    r"opiskelija|koulutuksessa|opiskelee|i utbildning|studerande",
    "isced": r"isced|isced level|education|highest education|education level|koulutus|"
    r"koulutustaso|ylin koulutus|koulutusaste|utbildning|utbildningsnivå|högsta utbildning",
    "status_leaving": r"status on leaving|status at leaving|situation on leaving|"
    r"tilanne päättyessä|tilanne lopettaessa|asema päättyessä|tilanne poistuessa|"
    r"situation vid utträde|ställning vid utträde|status vid utträde",
    "qualification": r"qualification|qualification gained|gained a qualification|tutkinto|"
    r"tutkinto suoritettu|suoritti tutkinnon|kvalifikation|uppnådd kvalifikation|examen",
    "status_6m": r"status 6 months|status after 6 months|status six months after leaving|"
    r"tilanne 6 kk|tilanne 6 kk päättymisestä|tilanne kuuden kuukauden kuluttua|"
    r"situation efter 6 månader|status efter sex månader",
    "improved_6m": r"improved labour market situation|improved situation|"
    r"työmarkkinatilanne parantunut|tilanne parantunut|förbättrad arbetsmarknadssituation",
    "disability": r"disability|with disability|vamma|vammainen|vammaisuus|"
    r"funktionsnedsättning|funktionshinder",
    "third_country": r"third country national|third-country national|"
    r"kolmannen maan kansalainen|tredjelandsmedborgare",
    "foreign_background": r"foreign background|ulkomaalaistausta|ulkomaalaistaustainen|"
    r"utländsk bakgrund",
    "minority": r"minority|vähemmistö|vähemmistöön kuuluva|minoritet",
}
_HEADER_RE = {f: re.compile(rf"^(?:{p})$") for f, p in HEADER_PATTERNS.items()}
#: Fields every participant file needs (``project`` unless given as an option).
REQUIRED = ("participant", "start_date", "status_entry")
#: The sensitive fields (kept apart from the records).
SENSITIVE = ("disability", "third_country", "foreign_background", "minority")

#: Answers → codes (keys in :func:`label_key` form).
GENDER_VALUES = {
    **dict.fromkeys(["woman", "female", "f", "w", "nainen", "naiset", "n", "kvinna", "k"], "woman"),
    **dict.fromkeys(["man", "male", "m", "mies", "miehet"], "man"),
    **dict.fromkeys(
        [
            "non-binary",
            "non binary",
            "nonbinary",
            "other",
            "non-binary / other",
            "muu",
            "muu / ei-binäärinen",
            "ei-binäärinen",
            "annat",
            "icke-binär",
            "x",
        ],
        "non_binary",
    ),
    **dict.fromkeys(
        [
            "unknown",
            "not known",
            "ei tiedossa",
            "tuntematon",
            "ei halua kertoa",
            "okänd",
            "prefer not to say",
            "vill inte uppge",
        ],
        "unknown",
    ),
}
#: Status at entry → (status, long-term unemployed, in education or training).
ENTRY_VALUES: dict[str, tuple[str, bool, bool]] = {
    **dict.fromkeys(
        [
            "employed",
            "employed incl. self-employed",
            "self-employed",
            "työllinen",
            "työssä",
            "palkkatyössä",
            "yrittäjä",
            "itsensätyöllistäjä",
            "anställd",
            "sysselsatt",
            "egenföretagare",
            "i arbete",
        ],
        ("employed", False, False),
    ),
    **dict.fromkeys(
        ["unemployed", "työtön", "työtön työnhakija", "arbetslös"], ("unemployed", False, False)
    ),
    **dict.fromkeys(
        ["long-term unemployed", "long term unemployed", "pitkäaikaistyötön", "långtidsarbetslös"],
        ("unemployed", True, False),
    ),
    **dict.fromkeys(
        [
            "inactive",
            "työvoiman ulkopuolella",
            "työvoiman ulkopuolella oleva",
            "utanför arbetskraften",
            "ekonomiskt inaktiv",
        ],
        ("inactive", False, False),
    ),
    **dict.fromkeys(
        [
            "in education",
            "in education or training",
            "student",
            "opiskelija",
            "koulutuksessa",
            "opiskelee",
            "studerande",
            "i utbildning",
        ],
        ("inactive", False, True),
    ),
}
#: Status on leaving (and six months after) → code.
LEAVING_VALUES = {
    **dict.fromkeys(
        [
            "employed",
            "in employment",
            "in employment incl. self-employment",
            "self-employed",
            "työllinen",
            "työssä",
            "töissä",
            "työllistyi",
            "palkkatyössä",
            "yrittäjä",
            "itsensätyöllistäjä",
            "i arbete",
            "anställd",
            "egenföretagare",
        ],
        "employed",
    ),
    **dict.fromkeys(
        [
            "job search",
            "in job search",
            "job seeker",
            "job searching",
            "unemployed",
            "työnhakija",
            "työtön",
            "työtön työnhakija",
            "työnhaussa",
            "arbetssökande",
            "arbetslös",
        ],
        "job_search",
    ),
    **dict.fromkeys(
        [
            "education",
            "in education or training",
            "in education",
            "training",
            "koulutuksessa",
            "opiskelija",
            "opiskelemassa",
            "koulutus",
            "i utbildning",
            "utbildning",
            "studerande",
        ],
        "education",
    ),
    **dict.fromkeys(
        [
            "qualification",
            "gained a qualification",
            "tutkinto",
            "suoritti tutkinnon",
            "tutkinnon suorittanut",
            "kvalifikation",
            "uppnådde kvalifikation",
        ],
        "qualification",
    ),
    **dict.fromkeys(["inactive", "työvoiman ulkopuolella", "utanför arbetskraften"], "inactive"),
    **dict.fromkeys(["other", "muu", "annat", "övrigt"], "other"),
}
#: Yes / no answers (None: the participant chose not to say).
YES_NO = {
    **dict.fromkeys(["yes", "y", "kyllä", "k", "on", "x", "1", "true", "tosi", "ja"], True),
    **dict.fromkeys(["no", "n", "ei", "e", "0", "false", "epätosi", "nej"], False),
    **dict.fromkeys(
        [
            "prefer not to say",
            "not known",
            "unknown",
            "ei halua kertoa",
            "ei tiedossa",
            "vill inte uppge",
            "okänd",
        ],
        None,
    ),
}
#: Highest education, Finnish, Swedish and English labels → ISCED 2011 level.
ISCED_LABELS = {
    **dict.fromkeys(
        [
            "varhaiskasvatus",
            "ei perusastetta",
            "early childhood education",
            "less than primary",
            "förskola",
        ],
        0,
    ),
    **dict.fromkeys(
        ["alempi perusaste", "alakoulu", "primary", "primary education", "lågstadiet"], 1
    ),
    **dict.fromkeys(
        [
            "perusaste",
            "ylempi perusaste",
            "peruskoulu",
            "enintään perusaste",
            "lower secondary",
            "lower secondary education",
            "grundskola",
            "grundskoleutbildning",
            "högstadiet",
        ],
        2,
    ),
    **dict.fromkeys(
        [
            "toinen aste",
            "toisen asteen tutkinto",
            "keskiaste",
            "lukio",
            "ammatillinen perustutkinto",
            "ylioppilas",
            "upper secondary",
            "upper secondary education",
            "andra stadiet",
            "gymnasium",
            "gymnasieutbildning",
            "yrkesexamen",
        ],
        3,
    ),
    **dict.fromkeys(
        [
            "toisen asteen jälkeinen",
            "erikoisammattitutkinto",
            "ammattitutkinto",
            "post-secondary",
            "post-secondary non-tertiary",
            "eftergymnasial",
            "eftergymnasial utbildning",
        ],
        4,
    ),
    **dict.fromkeys(
        [
            "alin korkea-aste",
            "lyhyt korkea-aste",
            "opistoaste",
            "short-cycle tertiary",
            "kortare högskoleutbildning",
        ],
        5,
    ),
    **dict.fromkeys(
        [
            "korkea-aste",
            "alempi korkeakoulututkinto",
            "alempi korkeakouluaste",
            "ammattikorkeakoulututkinto",
            "amk",
            "kandidaatti",
            "tertiary",
            "bachelor",
            "bachelor's",
            "högskola",
            "högskoleutbildning",
            "kandidatexamen",
        ],
        6,
    ),
    **dict.fromkeys(
        [
            "ylempi korkeakoulututkinto",
            "ylempi korkeakouluaste",
            "maisteri",
            "master",
            "master's",
            "masterexamen",
            "magisterexamen",
        ],
        7,
    ),
    **dict.fromkeys(
        [
            "tutkijakoulutus",
            "tohtori",
            "tohtorin tutkinto",
            "doctoral",
            "doctorate",
            "phd",
            "forskarutbildning",
            "doktorsexamen",
        ],
        8,
    ),
}
_ISCED_NUMBER = re.compile(r"(?:isced\s*)?(\d)(?:\s*[-–]\s*\d)?")
#: What a decoder returns for an answer it does not know.
UNKNOWN = object()


def participant_field(header: str) -> str | None:
    """The participant field a column header means (``start_date``, ``gender`` …) or None."""
    key = label_key(str(header).replace("_", " "))
    key = re.sub(r"[():,.;?!*]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    for name, pattern in _HEADER_RE.items():
        if pattern.match(key):
            return name
    return None


def _lookup(vocabulary: dict, empty=None):
    def decode(value: object):
        text = str(value).strip()
        if not text:
            return empty
        return vocabulary.get(label_key(text), UNKNOWN)

    return decode


def _isced(value: object):
    text = str(value).strip()
    if not text:
        return None
    key = label_key(text)
    if key in ISCED_LABELS:
        return ISCED_LABELS[key]
    m = _ISCED_NUMBER.fullmatch(key)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"\d+(?:[.,]0+)?", key)
    return int(float(key.replace(",", "."))) if m else UNKNOWN


def decode_column(values: pd.Series, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Decode a column of answers.

    Parameters
    ----------
    values : pandas.Series
        The cells as text.
    kind : {"gender", "entry", "leaving", "yes_no", "isced"}
        Which vocabulary.

    Returns
    -------
    decoded : numpy.ndarray
        Object array: the codes (None where empty or not said).
    unknown : numpy.ndarray
        Boolean mask of non-empty answers the vocabulary does not know.
    """
    decoder = {
        "gender": _lookup(GENDER_VALUES, "unknown"),
        "entry": _lookup(ENTRY_VALUES),
        "leaving": _lookup(LEAVING_VALUES),
        "yes_no": _lookup(YES_NO),
        "isced": _isced,
    }[kind]
    decoded = map_distinct(values.astype(str).to_numpy(dtype=object), decoder)
    unknown = np.array([d is UNKNOWN for d in decoded], dtype=bool)
    decoded[unknown] = None
    return decoded, unknown

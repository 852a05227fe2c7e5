"""From the workspace to the indicator tables: the one path every door takes.

The command line (``evaltool outcomes``, ``evaltool cooperation``), the reports
(:mod:`evaltool.report.collect`) and the web workspace get their figures through these
functions, so a figure is the same whichever way a user asks for it:

- :func:`first_answers` / :func:`client_background`: each client's background answers, taken
  from the client's *first* wave (the characteristics at entry; later waves fill in what the
  first left empty). Subgroups of change are formed from these.
- :func:`outcome_inputs`: the scores, reversed item answers and background of one instrument,
  read and scored once (each response with its import's missing-data rule).
- :func:`instrument_outcomes`: :func:`evaltool.indicators.outcomes.outcome_tables` of one
  instrument with the workspace's rules: subgroups by every background question in
  :data:`BACKGROUND_FIELDS` that the data hold, the "good quality of life" table where the
  instrument defines a threshold on its single domain (:func:`good_qol_rule`).
- :func:`workspace_outcomes` and :func:`workspace_cooperation`: every table of every
  instrument and partner-survey round, as the command line prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.indicators.outcomes.tables import TABLE_KEYS, outcome_tables
from evaltool.instruments import Instrument
from evaltool.scoring.rules import reversed_values
from evaltool.scoring.stored import score_responses

#: The response metadata that :func:`outcome_inputs` uses (the read asks for no more).
OUTCOME_META = ("project", "wave", "respondent", "discarded", "rule")
#: Background questions by which change is broken down (when the data hold them), in order.
BACKGROUND_FIELDS = ("gender", "age_group", "education", "unemployment_duration", "service_type")


def first_answers(answers: pd.DataFrame, fields: Sequence[str]) -> pd.DataFrame:
    """Each client's first non-empty answer to each of ``fields``.

    Parameters
    ----------
    answers : DataFrame
        Stored field answers as :meth:`Workspace.field_answers` returns them (columns
        project, respondent, wave, response_id, field, value).
    fields : sequence of str
        The fields to keep.

    Returns
    -------
    DataFrame
        Columns project, respondent, field, value: one row per client and field, the answer
        of the client's earliest wave that has one (ties within a wave: the response stored
        first). Values are stripped; an empty answer counts as no answer.
    """
    df = answers[answers["field"].isin(list(fields))]
    # strip each distinct answer once, not each row
    codes, distinct = pd.factorize(df["value"].astype(str))
    stripped = np.array([v.strip() for v in distinct] + [""], dtype=object)[codes]
    keep = stripped != ""
    df = df.assign(value=stripped)[keep]
    # earliest wave first, then storage order; the first row of each client and field wins
    df = df.iloc[np.lexsort((df["response_id"].to_numpy(), df["wave"].to_numpy()))]
    key = _codes(df, ["project", "respondent", "field"])
    first = ~pd.Series(key).duplicated().to_numpy()
    return df.loc[first, ["project", "respondent", "field", "value"]].reset_index(drop=True)


def _codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One code per distinct combination of ``columns``: each column's codes combined with the
    codes so far and numbered anew, so the codes stay below the number of rows."""
    key = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
        key = pd.factorize(key * len(uniques) + codes)[0]
    return key


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, sorted distinct values) of text ``values``: the distinct values are sorted as
    fixed-width text (code point order, as Python compares str), not one comparison at a
    time."""
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    order = np.argsort(uniques.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def wide_background(first: pd.DataFrame) -> pd.DataFrame:
    """:func:`first_answers` as one row per client (project, respondent; sorted) and one column
    per field (sorted; NaN where the client has no answer)."""
    if first.empty:
        return pd.DataFrame(columns=["project", "respondent"])
    project, projects = _sorted_codes(first["project"])
    respondent, respondents = _sorted_codes(first["respondent"])
    keys, client = np.unique(project * len(respondents) + respondent, return_inverse=True)
    field, names = _sorted_codes(first["field"])
    cells = np.full((len(keys), len(names)), np.nan, dtype=object)
    cells[client, field] = first["value"].to_numpy(dtype=object)
    wide = pd.DataFrame(cells, columns=list(names))
    wide.insert(0, "respondent", respondents[keys % len(respondents)])
    wide.insert(0, "project", projects[keys // len(respondents)])
    return wide


def client_background(
    ws, fields: Sequence[str] = BACKGROUND_FIELDS, projects: Sequence[str] | None = None
) -> pd.DataFrame:
    """Background answers per client at entry: :func:`wide_background` of the stored answers
    (all projects, or those in ``projects``)."""
    answers = ws.field_answers(
        projects=list(projects) if projects is not None else None, fields=list(fields)
    )
    return wide_background(first_answers(answers, fields))


def good_qol_rule(inst: Instrument) -> tuple[str, float] | None:
    """(score column, threshold) of the "good quality of life" classification, or None.

    An instrument defines it with ``good_threshold`` (EUROHIS-QOL 8: index mean ≥ 4); it is a
    threshold on the raw score of the instrument's one domain, so an instrument with several
    domains has none.
    """
    if inst.good_threshold is None or len(inst.domains) != 1:
        return None
    return f"{inst.domains[0].name}_raw", float(inst.good_threshold)


@dataclass
class OutcomeInputs:
    """One instrument's stored responses, scored once.

    ``scores``: project, wave, respondent, discarded, ``<domain>`` (0–100) and
    ``<domain>_raw`` per domain, one row per stored response (discarded ones keep empty
    scores). ``items``: project, wave, respondent and the answers with reversed items
    recoded (for Cronbach's α). ``waves``: the waves with at least one scored response.
    """

    instrument: Instrument
    scores: pd.DataFrame
    items: pd.DataFrame
    waves: list[int]


def outcome_inputs(inst: Instrument, meta: pd.DataFrame, values) -> OutcomeInputs:
    """Score the responses ``meta`` / ``values`` (as :meth:`Workspace.responses` returns
    them, with the ``rule`` column) into :class:`OutcomeInputs`."""
    scored = score_responses(inst, meta, values)
    domains = [d.name for d in inst.domains]
    score_cols = [c for d in domains for c in (d, f"{d}_raw")]
    keys = meta[["project", "wave", "respondent", "discarded"]].reset_index(drop=True)
    scores = pd.concat([keys, scored[score_cols].reset_index(drop=True)], axis=1)
    items = pd.concat(
        [
            meta[["project", "wave", "respondent"]].reset_index(drop=True),
            pd.DataFrame(reversed_values(values, inst), columns=inst.item_codes),
        ],
        axis=1,
    )
    kept = ~meta["discarded"].to_numpy(dtype=bool)
    waves = sorted(int(w) for w in pd.unique(meta.loc[kept, "wave"]))
    return OutcomeInputs(inst, scores, items, waves)


def instrument_outcomes(
    inputs: OutcomeInputs,
    background: pd.DataFrame,
    *,
    min_n: int,
    projects: Sequence[str] | None = None,
    from_wave: int | None = None,
    to_wave: int | None = None,
    release: bool = False,
) -> dict[str, pd.DataFrame]:
    """The outcome tables of one instrument (:data:`TABLE_KEYS`), by the workspace's rules.

    Parameters
    ----------
    inputs : OutcomeInputs
        The instrument's scores and items (:func:`outcome_inputs`).
    background : DataFrame
        Background per client (:func:`client_background`), keyed by the same project labels
        as ``inputs``; subgroups use the columns of :data:`BACKGROUND_FIELDS` it has.
    min_n : int
        Smallest number of clients a statistic is shown for.
    projects : sequence of str, optional
        Projects whose rows are computed (programme rows always use every project).
    from_wave, to_wave : int, optional
        The compared waves (default: first and last).
    release : bool, default False
        The figures as the reports release them: programme rows of ``paired``,
        ``attrition``, ``subgroups`` and ``eurohis`` rest only on the project rows shown, so
        that no withheld project figure follows from the programme and the other projects
        (:mod:`evaltool.indicators.suppression`, "one release"). Default: programme rows
        rest on every client.

    Returns
    -------
    dict of DataFrame
        :func:`evaltool.indicators.outcomes.outcome_tables` (``linkage``, ``attrition``,
        ``paired``, ``reliability``, ``mixed``, ``subgroups``, ``benchmark``, ``eurohis``).
    """
    inst = inputs.instrument
    scores = inputs.scores
    by = [c for c in BACKGROUND_FIELDS if c in background.columns]
    if by:
        scores = scores.merge(
            background[["project", "respondent", *by]], on=["project", "respondent"], how="left"
        )
    return outcome_tables(
        scores,
        inputs.items,
        {d.name: list(d.items) for d in inst.domains},
        min_n=min_n,
        from_wave=from_wave,
        to_wave=to_wave,
        projects=list(projects) if projects is not None else None,
        good_threshold=good_qol_rule(inst),
        background=tuple(by),
        release=release,
    )


def _check_projects(ws, projects: Sequence[str] | None) -> None:
    if not projects:
        return
    known = set(ws.projects_seen())
    for p in projects or []:
        if p not in known:
            raise UserError(
                f"no client responses for project {p!r}; projects: " + ", ".join(sorted(known))
            )


def workspace_outcomes(
    ws,
    *,
    projects: Sequence[str] | None = None,
    from_wave: int | None = None,
    to_wave: int | None = None,
    instruments: Sequence[str] | None = None,
    min_n: int | None = None,
    release: bool = False,
) -> dict[str, pd.DataFrame]:
    """:func:`instrument_outcomes` for every stored instrument with two or more scored waves,
    each table with an ``instrument`` column in front.

    Parameters
    ----------
    ws : Workspace
    projects : sequence of str, optional
        Projects (as labelled in the client data) whose rows are computed; programme rows
        always rest on every project. An unknown project is a :class:`UserError`.
    from_wave, to_wave : int, optional
        The compared waves (default: each instrument's first and last).
    instruments : sequence of str, optional
        Instruments to include (default: every stored instrument with domains).
    min_n : int, optional
        Smallest group shown (default: the workspace setting).
    release : bool, default False
        Programme rows as the reports show them (:func:`instrument_outcomes`).

    Returns
    -------
    dict of DataFrame
        One table per key of :data:`TABLE_KEYS`; columns ``instrument`` and those of
        :func:`evaltool.indicators.outcomes.outcome_tables`.
    """
    min_n = ws.min_n if min_n is None else int(min_n)
    _check_projects(ws, projects)
    names = list(instruments) if instruments else ws.instrument_names()
    background = client_background(ws)
    out: dict[str, list[pd.DataFrame]] = {k: [] for k in TABLE_KEYS}
    for name in names:
        inst = ws.load_instrument(name)
        if not inst.domains or len(ws.kept_waves(name)) < 2:
            continue
        meta, values = ws.responses(name, columns=OUTCOME_META)
        inputs = outcome_inputs(inst, meta, values)
        if len(inputs.waves) < 2:
            continue
        present = set(pd.unique(inputs.scores.loc[~inputs.scores["discarded"], "project"]))
        selected = [p for p in projects or [] if p in present]
        if projects and not selected:
            continue
        tables = instrument_outcomes(
            inputs,
            background,
            min_n=min_n,
            projects=selected or None,
            from_wave=from_wave,
            to_wave=to_wave,
            release=release,
        )
        for key in TABLE_KEYS:
            table = tables[key]
            out[key].append(table.assign(instrument=name)[["instrument", *table.columns]])
    return {
        k: (pd.concat(v, ignore_index=True) if v else pd.DataFrame(columns=["instrument"]))
        for k, v in out.items()
    }


def workspace_cooperation(
    ws,
    selected: Sequence[str] | None = None,
    compare: tuple[str, str] | None = None,
    min_level: float = 1,
    min_n: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The cooperation tables of the stored partner-survey rounds.

    Parameters
    ----------
    ws : Workspace
    selected : sequence of str, optional
        Rounds to include (default: all, in import order).
    compare : (str, str), optional
        The compared pair of rounds (default: the last two selected, in time order when
        every label names a year: :func:`evaltool.indicators.cooperation.chronological`).
    min_level : float
        Smallest collaboration level that counts as a tie (default 1).
    min_n : int, optional
        Smallest group shown (default: the workspace setting).

    Returns
    -------
    dict of DataFrame
        ``networks``, ``organisations``, ``indices`` and, with two rounds, ``comparison`` and
        its detail tables (``compare_indices``, ``compare_items``, ``compare_network``,
        ``compare_ties``, ``orgs_joined_left``, ``org_change``, ``asymmetric_dyads``); the
        columns are those of :mod:`evaltool.indicators.cooperation`.
    """
    from evaltool.imports.partners import partner_data
    from evaltool.indicators import cooperation

    min_n = ws.min_n if min_n is None else min_n
    data = partner_data(ws, selected)
    if not data.rounds:
        raise UserError(
            "the workspace holds no partner survey rounds; import one with "
            "'evaltool import partners FILE --round LABEL'"
        )
    networks = cooperation.round_networks(data.ties, data.orgs, min_level)
    out = round_tables(
        data.ties, data.orgs, data.statements, data.survey, min_n, min_level, networks=networks
    )
    if compare is None and len(data.rounds) >= 2:
        in_time = cooperation.chronological(data.rounds)
        compare = (in_time[-2], in_time[-1])
    if compare is not None:
        missing = [r for r in compare if r not in data.rounds]
        if missing:
            raise UserError(
                f"--compare: round {missing[0]!r} is not among the selected rounds: "
                + ", ".join(data.rounds)
            )
        comp = cooperation.compare_rounds(
            data.ties,
            data.orgs,
            data.statements,
            data.survey,
            compare[0],
            compare[1],
            min_n=min_n,
            min_level=min_level,
            networks=networks,
        )
        out["comparison"] = comp.pop("comparison")
        for key, frame in comp.items():
            prefixed = key in ("indices", "network", "ties", "items")
            out[f"compare_{key}" if prefixed else key] = frame
    return out


def round_tables(
    ties: pd.DataFrame,
    orgs: pd.DataFrame,
    statements: pd.DataFrame,
    survey,
    min_n: int,
    min_level: float = 1,
    *,
    networks: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """``networks``, ``organisations`` and ``indices`` of every round (the per-round tables
    that the command line and the reports share); ``networks``: the rounds'
    :func:`evaltool.indicators.cooperation.round_networks` when already computed."""
    from evaltool.indicators import cooperation  # igraph loads only for partner rounds

    if networks is None:
        networks = cooperation.round_networks(ties, orgs, min_level)
    if survey is not None and len(statements):
        indices = cooperation.index_table(statements, survey, min_n=min_n)
    else:
        indices = pd.DataFrame(columns=_INDEX_COLUMNS)
    return {
        "networks": cooperation.network_table(ties, orgs, min_level=min_level, networks=networks),
        "organisations": cooperation.organisation_table(
            ties, orgs, min_level=min_level, networks=networks
        ),
        "indices": indices,
    }


_INDEX_COLUMNS = ["round", "index", "n", "mean", "sd", "ci_low", "ci_high", "suppressed"]

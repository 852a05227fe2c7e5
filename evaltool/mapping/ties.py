"""Partner-survey exports → ties, organisations and statements.

Two layouts of a web-survey export are read:

* a **matrix** (:func:`ties_from_matrix`): one row per responding organisation, the roster
  questions as one column per rated organisation and measure (``Luottamus [Kela]``), and one
  column per statement item;
* a **tie list** (:func:`ties_from_list`): one row per respondent–partner pair, one column
  per roster measure.

Both go through one column classifier (:func:`classify_columns`: which column names the
respondent, the partner, the round, the sector; which holds a roster measure, about which
organisation; which a statement item) and one decoder (:class:`_Decoder`: organisation names
matched with aliases, sectors, every column's distinct answers decoded once with each bad cell
reported at its row). The tables have the columns of
:data:`~evaltool.instruments.partner_survey.TIE_COLUMNS`, ``ORG_COLUMNS`` and
``STATEMENT_COLUMNS`` (described in :mod:`evaltool.indicators.cooperation`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.instruments.partner_survey import (
    MEASURES,
    ORG_COLUMNS,
    STATEMENT_COLUMNS,
    TIE_COLUMNS,
    AnswerDecodeError,
    PartnerSurvey,
    Scale,
    display_text,
    is_blank,
    load_partner_survey,
    sorted_rounds,
)
from evaltool.issues import ValidationReport
from evaltool.text import name_key, squash

__all__ = [
    "CooperationData",
    "ExportColumns",
    "OrgNames",
    "classify_columns",
    "ties_from_list",
    "ties_from_matrix",
]

#: Header texts of a tie list's role columns.
_LIST_COLUMNS = {
    "respondent_org": ("respondent_org", "respondent", "respondent organisation"),
    "partner_org": ("partner_org", "partner", "partner organisation", "kumppani"),
    "round": ("round", "kierros", "omgång"),
}

#: ``<a> [<b>]``, ``<a>: <b>`` and ``<a> - <b>``: a roster measure and an organisation.
_SPLITS = (
    re.compile(r"^(?P<a>.+?)\s*\[(?P<b>[^\[\]]+)\]$"),
    re.compile(r"^(?P<a>.+?)\s*:\s*(?P<b>.+)$"),
    re.compile(r"^(?P<a>.+?)\s+[-\u2013\u2014]\s+(?P<b>.+)$"),
)


@dataclass
class CooperationData:
    """Tables made from one survey export: ``ties``, ``statements``, ``orgs`` (columns as in
    :mod:`evaltool.indicators.cooperation`) and the
    :class:`~evaltool.issues.ValidationReport` of what was found (unknown labels are errors;
    near-duplicate organisation names, unused columns and unknown sectors are warnings)."""

    ties: pd.DataFrame
    statements: pd.DataFrame
    orgs: pd.DataFrame
    report: ValidationReport

    @property
    def warnings(self) -> list[str]:
        """Warnings as text (e.g. near-duplicate organisation names)."""
        return [issue.format() for issue in self.report.warnings]


# --------------------------------------------------------------------------------------------
# Organisation names
# --------------------------------------------------------------------------------------------


class OrgNames:
    """Organisation names matched case- and whitespace-insensitively, with aliases.

    The first spelling met (the roster's, when given) is the one kept.
    """

    def __init__(self, aliases: Mapping[str, str] | None):
        self._alias = {name_key(k): display_text(v) for k, v in (aliases or {}).items()}
        self._display: dict[str, str] = {}

    def resolve(self, name: object) -> str | None:
        """The kept spelling of ``name`` after aliases (None for a blank)."""
        if is_blank(name):
            return None
        text = display_text(name)
        key = name_key(text)
        seen: set[str] = set()
        while key in self._alias and key not in seen:
            seen.add(key)
            text = self._alias[key]
            key = name_key(text)
        return self._display.setdefault(key, text)

    def near_duplicates(self) -> list[list[str]]:
        """Groups of kept names that differ only in punctuation or spacing."""
        groups: dict[str, list[str]] = {}
        for name in self._display.values():
            groups.setdefault(squash(name), []).append(name)
        return [sorted(names) for names in groups.values() if len(names) > 1]


def _warn_near_duplicates(names: OrgNames, report: ValidationReport) -> None:
    for group in names.near_duplicates():
        shown = ", ".join(repr(n) for n in group)
        report.warning(
            "org-near-duplicate",
            f"organisation names {shown} differ only in punctuation or spacing; "
            "if they are one organisation, merge them with an alias",
            value=group[0],
        )


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


def _header_key(text: object) -> str:
    """Header key: like :func:`~evaltool.text.name_key`, also dropping question marks, colons
    and required-answer asterisks at the ends."""
    return name_key(text).strip(" ?*:.")


def _header_parts(header: str) -> list[tuple[str, str]]:
    text = display_text(header)
    return [(m["a"], m["b"]) for rx in _SPLITS if (m := rx.match(text))]


def _find_column(df: pd.DataFrame, wanted: Iterable[str]) -> object | None:
    keys = {_header_key(w) for w in wanted}
    for col in df.columns:
        if _header_key(col) in keys:
            return col
    return None


class _Headers:
    """What a header names in a survey: a roster measure (alone, or with an organisation) or
    a statement item (by code or label, or mapped explicitly with ``item_columns``)."""

    def __init__(self, survey: PartnerSurvey, item_columns: Mapping[str, str] | None):
        self.measures: dict[str, str] = {}
        for measure in survey.roster.values():
            for text in [measure.code, *measure.label.values(), *measure.headers]:
                self.measures[_header_key(text)] = measure.code
        self.items: dict[str, str] = {}
        for item in survey.items:
            for text in [item.code, *item.label.values()]:
                self.items[_header_key(text)] = item.code
        self.explicit = {_header_key(k): v for k, v in (item_columns or {}).items()}
        self.known_items = {i.code for i in survey.items}

    def measure(self, header: str) -> str | None:
        """The roster measure a whole header names (a tie list's measure column)."""
        return self.measures.get(_header_key(header))

    def explicit_item(self, header: str) -> str | None:
        """The item ``item_columns`` maps the header to; raises for an unknown item."""
        key = _header_key(header)
        if key not in self.explicit:
            return None
        item = self.explicit[key]
        if item not in self.known_items:
            raise UserError(f"item_columns: {item!r} is not an item of the survey")
        return item

    def rating(self, header: str) -> tuple[str, str] | None:
        """``(measure, organisation text)`` of a ``<measure> [<organisation>]`` header (also
        with ``:`` or `` - ``, either order)."""
        for a, b in _header_parts(header):
            for measure_text, org_text in ((a, b), (b, a)):
                measure = self.measures.get(_header_key(measure_text))
                if measure is not None:
                    return measure, org_text
        return None

    def item(self, header: str) -> str | None:
        """The statement item of a header (optionally after a ``<block>: `` prefix)."""
        candidates = [_header_key(header)] + [_header_key(b) for _, b in _header_parts(header)]
        return next((self.items[c] for c in candidates if c in self.items), None)


@dataclass
class ExportColumns:
    """What the columns of an export hold (None: no such column)."""

    respondent: object | None = None
    partner: object | None = None
    round: object | None = None
    sector: object | None = None
    #: ``(column, measure, rated organisation)``; the organisation is None in a tie list,
    #: whose ``partner`` column names it.
    ratings: list[tuple[object, str, str | None]] = field(default_factory=list)
    #: ``(column, item code)`` of the statement columns.
    items: list[tuple[object, str]] = field(default_factory=list)

    @property
    def roles(self) -> set:
        return {
            c for c in (self.respondent, self.partner, self.round, self.sector) if c is not None
        }


def _role_columns(
    df: pd.DataFrame,
    survey: PartnerSurvey,
    report: ValidationReport,
    tie_list: bool,
    respondent_column: object | None,
    sector_column: object | None,
) -> ExportColumns | None:
    """The respondent, partner, round and sector columns; None (with errors reported) when a
    column the layout needs is missing."""
    if tie_list:
        found = {target: _find_column(df, wanted) for target, wanted in _LIST_COLUMNS.items()}
        for needed in ("respondent_org", "partner_org"):
            if found[needed] is None:
                report.error("id-column-missing", f"the tie list has no {needed} column")
        if report.errors:
            return None
        return ExportColumns(
            respondent=found["respondent_org"],
            partner=found["partner_org"],
            round=found["round"],
            sector=_find_column(df, ["sector", *survey.sector_headers]),
        )
    org_col = respondent_column
    if org_col is None:
        org_col = _find_column(df, survey.organisation_headers)
    if org_col is None or org_col not in df.columns:
        looked = ", ".join(repr(h) for h in list(survey.organisation_headers)[:4])
        message = (
            f"no column names the respondent's organisation (looked for headers such as "
            f"{looked}); name it with --org-column"
            if org_col is None
            else f"the organisation column {str(org_col)!r} is not in the file"
        )
        report.error("id-column-missing", message, header=None if org_col is None else str(org_col))
        return None
    sec_col = sector_column
    if sec_col is None:
        sec_col = _find_column(df, survey.sector_headers)
    elif sec_col not in df.columns:
        report.error("column-unused", "sector column not found", header=str(sec_col))
        sec_col = None
    return ExportColumns(respondent=org_col, sector=sec_col)


def classify_columns(
    df: pd.DataFrame,
    survey: PartnerSurvey,
    names: OrgNames,
    report: ValidationReport,
    *,
    tie_list: bool = False,
    respondent_column: object | None = None,
    sector_column: object | None = None,
    item_columns: Mapping[str, str] | None = None,
    roster: set[str] | frozenset[str] = frozenset(),
) -> ExportColumns | None:
    """What each column of a partner-survey export holds.

    Parameters
    ----------
    df
        The export, its header texts as columns.
    survey
        The survey definition whose measure and item texts the headers are matched to.
    names
        Organisation names; those in matrix headers are resolved in column order.
    report
        Receives the issues: a missing respondent (or, in a tie list, partner) column,
        a given sector column that is absent, organisations not on ``roster``, unused
        columns and a matrix without any roster or statement column.
    tie_list
        The layout: a tie list (role columns by name, one column per measure) or a matrix
        (``<measure> [<organisation>]`` columns and statement columns).
    respondent_column, sector_column, item_columns
        Matrix only: the respondent's organisation and sector columns (default: found by
        the survey's ``[respondent]`` headers) and explicit header → item mappings.
    roster
        Matrix only: the roster's organisations.

    Returns
    -------
    ExportColumns or None
        The columns' roles; None when the respondent (or partner) column is missing.
    """
    columns = _role_columns(df, survey, report, tie_list, respondent_column, sector_column)
    if columns is None:
        return None
    headers = _Headers(survey, item_columns)
    roles = columns.roles
    for col in df.columns:
        if col in roles:
            continue
        header = str(col)
        if tie_list:
            measure = headers.measure(header)
            if measure is not None and measure not in {m for _, m, _ in columns.ratings}:
                columns.ratings.append((col, measure, None))
        elif (explicit := headers.explicit_item(header)) is not None:
            columns.items.append((col, explicit))
        elif (rating := headers.rating(header)) is not None:
            org = names.resolve(rating[1])
            if roster and org not in roster:
                report.warning(
                    "items-unplaced",
                    f"organisation {org!r} is not on the roster; it is added",
                    header=header,
                )
            columns.ratings.append((col, rating[0], org))
        elif (item := headers.item(header)) is not None:
            columns.items.append((col, item))
        else:
            report.warning(
                "column-unused", "column is not part of the partner survey", header=header
            )
    if not tie_list and not columns.ratings and not columns.items:
        report.error("no-items", "no roster or statement column was recognised")
    return columns


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


class _Decoder:
    """Decodes the cells of one export into the three tables, reporting every problem with
    its row (``rows``: the spreadsheet row number of each row) and column."""

    def __init__(
        self,
        df: pd.DataFrame,
        survey: PartnerSurvey,
        names: OrgNames,
        report: ValidationReport,
        rows: Sequence[int] | None,
    ):
        self.df = df
        self.survey = survey
        self.names = names
        self.report = report
        self.row_no = list(rows) if rows is not None else [None] * len(df)

    def missing_organisations(self, orgs: list[str | None], column: object, message: str):
        """Rows without an organisation, as ``id-missing`` errors; the rows that have one."""
        valid = np.array([o is not None for o in orgs], dtype=bool)
        for i in np.flatnonzero(~valid):
            self.report.error("id-missing", message, header=str(column), row=self.row_no[i])
        return valid

    def sector(self, text: object, header: str, row: int | None = None) -> str | None:
        """The sector code of an answer; an unknown sector is a warning."""
        if is_blank(text):
            return None
        code = self.survey.sector_code(text)
        if code is None:
            self.report.warning(
                "unknown-label",
                "unknown sector; use a sector code or label of the survey definition",
                header=header,
                value=display_text(text),
                row=row,
            )
        return code

    def sectors(self, column: object | None, rows: np.ndarray) -> list[str | None]:
        """Each row's sector, decoded once per distinct answer among ``rows`` (reported at
        its first row there); None outside ``rows`` and without a sector column."""
        if column is None:
            return [None] * len(self.df)
        codes, uniques = pd.factorize(self.df[column].astype(object), use_na_sentinel=False)
        among = np.flatnonzero(rows)
        present, first = np.unique(codes[among], return_index=True)
        decoded = {
            int(k): self.sector(uniques[k], str(column), self.row_no[among[i]])
            for k, i in zip(present, first, strict=True)
        }
        return [decoded.get(k) for k in codes]

    def answers(
        self, scale: Scale, column: object, rows: np.ndarray, orgs: list[str | None]
    ) -> np.ndarray:
        """A column's answers on ``scale``, decoded once per distinct value; each bad cell
        among ``rows`` is an error (with the answering organisation ``orgs[i]``)."""
        codes, uniques = pd.factorize(self.df[column].astype(object), use_na_sentinel=False)
        values = np.full(len(uniques), math.nan)
        for k, cell in enumerate(uniques):
            try:
                values[k] = scale.decode(cell)
            except AnswerDecodeError as exc:
                for i in np.flatnonzero((codes == k) & rows):
                    self.report.error(
                        exc.code,
                        f"{exc} (answer of {orgs[i]})",
                        header=str(column),
                        value=display_text(cell),
                        row=self.row_no[i],
                    )
        return values[codes]

    def respondents(
        self,
        keys: Sequence[tuple],
        valid: np.ndarray,
        row_sector: list[str | None],
        duplicates: object | None = None,
    ) -> dict[tuple, str | None]:
        """``(round, organisation)`` → answered sector of the valid rows (the first sector
        given); with ``duplicates`` (the organisation column) a second answer of an
        organisation is a ``duplicate-respondent`` warning."""
        respondents: dict[tuple, str | None] = {}
        for i in np.flatnonzero(valid):
            key = keys[i]
            if duplicates is not None and key in respondents:
                self.report.warning(
                    "duplicate-respondent",
                    f"{key[1]!r} answered more than once; its ratings are averaged",
                    header=str(duplicates),
                    value=key[1],
                    row=self.row_no[i],
                )
            respondents[key] = respondents.get(key) or row_sector[i]
        return respondents

    def result(
        self,
        tie_rows: list[dict],
        statement_rows: list[dict],
        roster: Iterable[str],
        respondents: Mapping[tuple, str | None],
        sectors: Mapping[str, str] | None,
        rounds: Iterable,
    ) -> CooperationData:
        """The three tables, after the sectors of non-respondents and the near-duplicate
        check."""
        sector_map = {}
        for org, text in (sectors or {}).items():
            name = self.names.resolve(org)
            if name is not None:
                sector_map[name] = self.sector(text, "sectors")
        _warn_near_duplicates(self.names, self.report)
        tables = _assemble(tie_rows, statement_rows, roster, respondents, sector_map, rounds)
        return CooperationData(*tables, report=self.report)


def _assemble(
    tie_rows: list[dict],
    statement_rows: list[dict],
    roster: Iterable[str],
    respondents: Mapping[tuple, str | None],
    sectors: Mapping[str, str | None],
    rounds: Iterable,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Build the three tables; ``respondents`` maps (round, org) to the answered sector."""
    ties = pd.DataFrame(tie_rows, columns=TIE_COLUMNS)
    for col in MEASURES:
        ties[col] = ties[col].astype(float)
    ties = ties.sort_values(["round", "respondent_org", "partner_org"], kind="stable")
    statements = pd.DataFrame(statement_rows, columns=STATEMENT_COLUMNS)
    statements["value"] = statements["value"].astype(float)
    statements["sector"] = statements["sector"].astype(object)
    statements = statements.sort_values(["round", "respondent_org"], kind="stable")
    org_rows = []
    for r in sorted_rounds(rounds):
        names = set(roster) | {org for (rr, org) in respondents if rr == r}
        for t in tie_rows:
            if t["round"] == r:
                names |= {t["respondent_org"], t["partner_org"]}
        for org in sorted(names):
            org_rows.append(
                {
                    "round": r,
                    "org": org,
                    "sector": respondents.get((r, org)) or sectors.get(org),
                    "responded": (r, org) in respondents,
                }
            )
    orgs = pd.DataFrame(org_rows, columns=ORG_COLUMNS)
    orgs["sector"] = orgs["sector"].astype(object)
    orgs["responded"] = orgs["responded"].astype(bool)
    return ties.reset_index(drop=True), statements.reset_index(drop=True), orgs


def _empty(roster: Iterable[str], round: int | str, report: ValidationReport) -> CooperationData:
    return CooperationData(*_assemble([], [], roster, {}, {}, [round]), report=report)


# --------------------------------------------------------------------------------------------
# The two layouts
# --------------------------------------------------------------------------------------------


def _matrix_ties(
    decoder: _Decoder,
    columns: ExportColumns,
    orgs: list[str | None],
    valid: np.ndarray,
    round: int | str,
) -> list[dict]:
    """One tie per respondent row and rated organisation with at least one answer, in row
    order and, within a row, in the order the organisations first appear."""
    n = len(orgs)
    partners = list(dict.fromkeys(p for _, _, p in columns.ratings))
    ratings = np.full((n, len(partners), len(MEASURES)), math.nan)
    for col, measure, partner in columns.ratings:
        scale = decoder.survey.roster[measure].scale
        ratings[:, partners.index(partner), MEASURES.index(measure)] = decoder.answers(
            scale, col, valid, orgs
        )
    org_arr = np.array(orgs, dtype=object)
    partner_arr = np.array(partners, dtype=object)
    keep = (
        valid[:, None] & ~np.isnan(ratings).all(axis=2) & (org_arr[:, None] != partner_arr[None, :])
    )
    ri, pi = np.nonzero(keep)
    tie_frame = pd.DataFrame(
        {
            "round": [round] * len(ri),
            "respondent_org": org_arr[ri],
            "partner_org": partner_arr[pi],
        }
    )
    for m, measure in enumerate(MEASURES):
        tie_frame[measure] = ratings[ri, pi, m]
    return tie_frame.to_dict("records")


def _matrix_statements(
    decoder: _Decoder,
    columns: ExportColumns,
    orgs: list[str | None],
    valid: np.ndarray,
    round: int | str,
    respondents: Mapping[tuple, str | None],
) -> list[dict]:
    """Every item for every responding row (missing answers as NaN)."""
    item_scale = {i.code: b.scale for b in decoder.survey.blocks for i in b.items}
    items = [item for _, item in columns.items]
    answers = np.full((len(orgs), len(items)), math.nan)
    for j, (col, item) in enumerate(columns.items):
        answers[:, j] = decoder.answers(item_scale[item], col, valid, orgs)
    org_arr = np.array(orgs, dtype=object)
    vi = np.flatnonzero(valid)
    statement_rows = pd.DataFrame(
        {
            "round": [round] * (len(vi) * len(items)),
            "respondent_org": np.repeat(org_arr[vi], len(items)),
            "sector": None,
            "item": np.tile(np.array(items, dtype=object), len(vi)),
            "value": answers[vi].ravel(),
        }
    ).to_dict("records")
    for rec in statement_rows:
        rec["sector"] = respondents.get((round, rec["respondent_org"]))
    return statement_rows


def ties_from_matrix(
    df: pd.DataFrame,
    survey: PartnerSurvey | None = None,
    roster_orgs: Sequence[str] | None = None,
    respondent_org_column: str | None = None,
    *,
    round: int | str = 1,
    sector_column: str | None = None,
    sectors: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    item_columns: Mapping[str, str] | None = None,
    rows: Sequence[int] | None = None,
) -> CooperationData:
    """Read a web-survey export with one row per responding organisation.

    ``df`` holds the export's header texts as columns and its cells as strings (or numbers).

    - The respondent's organisation is in ``respondent_org_column`` (default: a column headed
      like the survey's ``[respondent] organisation`` texts, e.g. "Organisaatio"); its sector
      in ``sector_column`` (default: a column headed like ``[respondent] sector``), answered
      as a sector code or a label in any language.
    - Roster questions are one column per organisation per measure, headed
      ``<measure> [<organisation>]``, ``<measure> - <organisation>`` or
      ``<measure>: <organisation>`` (either order), where ``<measure>`` is a roster label or
      header text of the survey (e.g. "Yhteistyön taso", "Contact frequency", "Luottamus").
    - Statement columns are headed by an item's code or label in any language (optionally
      after a "<block>: " prefix), or mapped explicitly with ``item_columns`` (header → item).
    - Answers are codes or labels in fi/sv/en; "En osaa sanoa"/"Vet ej"/"Don't know" and blank
      cells are missing.

    Organisation names are matched case- and whitespace-insensitively; the roster's spelling
    (``roster_orgs``, else the first met) is kept. ``aliases`` (name → name) merges names;
    names that differ only in punctuation, spaces or hyphens ("TE-toimisto" / "TE toimisto")
    are reported as ``org-near-duplicate`` warnings. ``sectors`` (organisation → sector) gives
    sectors of organisations that did not answer. An organisation's rating of itself is
    dropped. All rows get round ``round``. ``rows`` gives each row's spreadsheet row number,
    used in the validation report. Each column's distinct answers are decoded once.

    Returns :class:`CooperationData` with ``ties`` (a row per respondent and rated
    organisation with at least one answer), ``statements`` (a row per respondent and item),
    ``orgs`` (roster, header organisations and respondents) and the validation report.
    Tested by rebuilding the R test tables (tests/r/cooperation_*.csv) from a generated
    export, and against :func:`ties_from_list` on the same answers.
    """
    survey = survey or load_partner_survey()
    report = ValidationReport()
    names = OrgNames(aliases)
    roster = [n for n in (names.resolve(o) for o in roster_orgs or []) if n is not None]
    roster_set = set(roster)
    columns = classify_columns(
        df,
        survey,
        names,
        report,
        respondent_column=respondent_org_column,
        sector_column=sector_column,
        item_columns=item_columns,
        roster=roster_set,
    )
    if columns is None:
        return _empty(roster, round, report)
    decoder = _Decoder(df, survey, names, report, rows)
    # Organisation names are resolved in row order (the first spelling met is kept).
    orgs = [names.resolve(v) for v in df[columns.respondent].tolist()]
    valid = decoder.missing_organisations(
        orgs, columns.respondent, "a response has no organisation"
    )
    row_sector = decoder.sectors(columns.sector, np.ones(len(df), dtype=bool))
    respondents = decoder.respondents(
        [(round, org) for org in orgs], valid, row_sector, duplicates=columns.respondent
    )
    tie_rows = _matrix_ties(decoder, columns, orgs, valid, round)
    statement_rows = _matrix_statements(decoder, columns, orgs, valid, round, respondents)
    header_orgs = {org for _, _, org in columns.ratings}
    return decoder.result(
        tie_rows, statement_rows, roster_set | header_orgs, respondents, sectors, [round]
    )


def ties_from_list(
    df: pd.DataFrame,
    survey: PartnerSurvey | None = None,
    *,
    round: int | str = 1,
    roster_orgs: Sequence[str] | None = None,
    respondents: Iterable[str] | None = None,
    sectors: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    default_level: float | None = None,
    rows: Sequence[int] | None = None,
) -> CooperationData:
    """Read a tie list: one row per respondent–partner pair.

    Columns: ``respondent_org``, ``partner_org`` and any of ``contact_frequency,
    collaboration_level, trust, value`` (or their survey labels, e.g. "Yhteistyön taso"),
    optionally ``round`` (else every row gets ``round``) and ``sector`` (the respondent's
    sector; or a column headed like the survey's sector question). Answers are codes or labels
    in fi/sv/en. A row with a respondent but no partner records an organisation that answered
    without naming partners; ``respondents`` lists further such organisations. Rows with no
    answer at all and self-ratings are dropped. ``default_level`` is given to listed pairs
    without a collaboration level (e.g. 1 for a plain "who do you work with" list).
    ``rows`` gives each row's spreadsheet row number for the validation report; each
    column's distinct answers are decoded once.

    Names, ``aliases``, ``sectors`` and the result as in :func:`ties_from_matrix`;
    ``statements`` is empty. Tested against :func:`ties_from_matrix` on the same answers
    (tests/indicators/test_cooperation.py).
    """
    survey = survey or load_partner_survey()
    report = ValidationReport()
    names = OrgNames(aliases)
    roster = [n for n in (names.resolve(o) for o in roster_orgs or []) if n is not None]
    columns = classify_columns(df, survey, names, report, tie_list=True)
    if columns is None:
        return _empty(roster, round, report)
    decoder = _Decoder(df, survey, names, report, rows)
    n = len(df)
    # Names are resolved in reading order (respondent, then partner, row by row) so that the
    # first spelling met is the one kept.
    orgs: list[str | None] = []
    partners: list[str | None] = []
    for rv, pv in zip(df[columns.respondent].tolist(), df[columns.partner].tolist(), strict=True):
        org = names.resolve(rv)
        orgs.append(org)
        partners.append(names.resolve(pv) if org is not None else None)
    valid = decoder.missing_organisations(
        orgs, columns.respondent, "a tie has no respondent organisation"
    )
    row_round = df[columns.round].tolist() if columns.round is not None else [round] * n
    rounds = {row_round[i] for i in np.flatnonzero(valid)} if columns.round is not None else {round}
    row_sector = decoder.sectors(columns.sector, valid)
    responded = decoder.respondents(list(zip(row_round, orgs, strict=True)), valid, row_sector)
    is_tie = valid & np.array(
        [p is not None and p != o for o, p in zip(orgs, partners, strict=True)], dtype=bool
    )
    values = np.full((n, len(MEASURES)), math.nan)
    for col, measure, _ in columns.ratings:
        scale = survey.roster[measure].scale
        values[:, MEASURES.index(measure)] = decoder.answers(scale, col, is_tie, orgs)
    if default_level is not None:
        level = values[:, MEASURES.index("collaboration_level")]
        level[np.isnan(level)] = float(default_level)
    keep = np.flatnonzero(is_tie & ~np.isnan(values).all(axis=1))
    tie_frame = pd.DataFrame(
        {
            "round": [row_round[i] for i in keep],
            "respondent_org": [orgs[i] for i in keep],
            "partner_org": [partners[i] for i in keep],
        }
    )
    for m, measure in enumerate(MEASURES):
        tie_frame[measure] = values[keep, m]
    for org in respondents or []:
        name = names.resolve(org)
        for r in rounds:
            if name is not None:
                responded.setdefault((r, name), None)
    return decoder.result(tie_frame.to_dict("records"), [], roster, responded, sectors, rounds)

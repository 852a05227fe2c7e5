"""Partner survey rounds: import into the workspace and cooperation tables per round.

An import reads one file of one round (``--round LABEL``) in either shape real data come in:

- a **web-survey export**: one row per responding organisation, roster questions as one
  column per listed organisation (a matrix), in any layout the client importer recognises;
- a **tie list**: one row per respondent–partner pair with columns ``respondent_org``,
  ``partner_org`` (or ``Vastaajaorganisaatio``, ``Kumppani`` …: :data:`TIE_RESPONDENT`,
  :data:`TIE_PARTNER`) and any of ``contact_frequency``, ``collaboration_level``, ``trust``,
  ``value``.

An optional roster file (columns ``org`` and ``sector``; Finnish ``organisaatio``, ``sektori``)
gives the full set of organisations so that organisations nobody named and non-respondents
are still nodes. The import is the shared skeleton
(:func:`evaltool.imports.skeleton.run_import`): validation, one transaction, provenance and
re-import rules are those of client imports. The tables themselves come from
:mod:`evaltool.indicators.cooperation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltool import layouts
from evaltool import read as readers
from evaltool.errors import ImportFailed, UserError
from evaltool.imports.skeleton import (
    FileResult,
    ImportPlan,
    ImportResult,
    Prepared,
    Source,
    run_import,
)
from evaltool.indicators import cooperation
from evaltool.instruments import builtin_path
from evaltool.issues import IssueCode, ValidationReport
from evaltool.mapping.mapping_file import Mapping, load_mapping
from evaltool.store.workspace import Workspace
from evaltool.text import fold
from evaltool.validate.rows import check_row_widths

#: Header texts (normalised) of a tie list's two organisation columns.
TIE_RESPONDENT = (
    "respondent_org",
    "respondent organisation",
    "respondent organization",
    "vastaaja",
    "vastaajaorganisaatio",
    "vastaajan organisaatio",
    "svarande organisation",
    "respondentorganisation",
)
TIE_PARTNER = (
    "partner_org",
    "partner organisation",
    "partner organization",
    "partner",
    "kumppani",
    "kumppaniorganisaatio",
    "yhteistyökumppani",
    "yhteistyötaho",
    "partnerorganisation",
    "samarbetspartner",
)
ROSTER_ORG = (
    "org",
    "organisaatio",
    "organisation",
    "organization",
    "organisaation nimi",
    "nimi",
    "name",
    "namn",
)
ROSTER_SECTOR = ("sector", "sektori", "sektor", "tyyppi", "organisaation tyyppi", "type")


@dataclass
class PartnerFileResult(FileResult):
    """What a partner import did with its file: the ``round``, the file's ``shape``
    (``roster_matrix`` or ``tie_list``), the responding organisations (``n_respondents``),
    all organisations (``n_orgs``), the rated ties and the statement answers stored."""

    round: str = ""
    shape: str = ""
    n_respondents: int = 0
    n_orgs: int = 0
    n_ties: int = 0
    n_statements: int = 0

    def summary(self) -> str:
        if self.status == "unchanged":
            return self.message
        return (
            f"{self.path.name}: {self.status} as import {self.import_id} "
            f"(round {self.round!r}, {self.shape}, layout {self.layout}): "
            f"{self.n_respondents} responding organisations, {self.n_orgs} "
            f"organisations, {self.n_ties} rated ties, {self.n_statements} "
            "statement answers"
        )


@dataclass
class PartnerFile:
    """A checked partner file: its survey table, its shape and the decoded round data."""

    tidy: layouts.SurveyTable
    shape: str
    data: cooperation.CooperationData


def _tidy_frame(tidy: layouts.SurveyTable) -> pd.DataFrame:
    """Tidy data with header texts as column names (duplicates made unique)."""
    names, seen = [], {}
    for pos in tidy.data.columns:
        h = tidy.headers.get(pos, str(pos))
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        names.append(h)
    df = tidy.data.copy()
    df.columns = names
    return df


def read_roster(path: str | Path, sheet: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Roster file → (organisation names, organisation → sector)."""
    raw = readers.read_raw(path, sheet=sheet)
    tidy = layouts.recognise(raw, "plain")
    df = _tidy_frame(tidy)
    cols = {fold(c): c for c in df.columns}
    org_col = next((cols[c] for c in ROSTER_ORG if c in cols), None)
    if org_col is None:
        raise UserError(
            f"{Path(path).name}: the roster needs an organisation column "
            f"(one of: {', '.join(ROSTER_ORG)}); columns: " + ", ".join(map(repr, df.columns))
        )
    sector_col = next((cols[c] for c in ROSTER_SECTOR if c in cols), None)
    orgs = df[org_col].astype(str).str.strip()
    keep = orgs != ""
    names = orgs[keep].tolist()
    sectors = {}
    if sector_col is not None:
        sec = df.loc[keep, sector_col].astype(str).str.strip()
        sectors = {o: s for o, s in zip(names, sec, strict=True) if s}
    return names, sectors


def _looks_like_roster(tidy: layouts.SurveyTable) -> bool:
    """Are the file's headers only a roster's organisation and sector columns?"""
    headers = {fold(str(h)) for h in tidy.headers.values() if str(h).strip()}
    return (
        bool(headers)
        and headers <= set(ROSTER_ORG) | set(ROSTER_SECTOR)
        and bool(headers & set(ROSTER_ORG))
    )


def _survey_text(survey: str | Path | None) -> tuple[str, str]:
    """(TOML text, source) of the partner survey definition to use."""
    name = str(survey or cooperation.BUILTIN_SURVEY)
    path = builtin_path(name) if not name.endswith(".toml") else None
    path = path or Path(name)
    if not path.is_file():
        raise UserError(f"partner survey definition {name!r} not found")
    return path.read_text(encoding="utf-8"), str(path)


class PartnerImport(ImportPlan):
    """The partner import of one file of a round, as
    :func:`~evaltool.imports.skeleton.run_import` runs it."""

    kind = "partners"
    result_type = PartnerFileResult

    def __init__(
        self,
        round_label: str,
        survey_text: str,
        definition: cooperation.PartnerSurvey,
        mapping: Mapping,
        options: dict,
        sheet: str | None = None,
        replace: bool = False,
        force: bool = False,
    ):
        self.round_label = round_label
        self.force = force
        self.survey_text = survey_text
        self.definition = definition
        self.mapping = mapping
        #: The options recorded with the import: roster, layout and mapping file.
        self.options = options
        self.sheet = sheet
        self.replace = replace
        roster = options["roster"]
        self.roster_sha = readers.file_digest(Path(roster))[0][:16] if roster else ""

    def scope(self, path: Path) -> str:
        return (
            f"partners;round={self.round_label};roster={self.roster_sha};sheet={self.sheet or ''}"
        )

    def repeat_key(self, scope: str) -> str:
        """The round: the same file with another roster or sheet is not a repeat."""
        return scope.split(";roster=", 1)[0]

    def unchanged_message(self, source: Source) -> str:
        return (
            f"{source.path.name} was already imported for round {self.round_label!r} as "
            f"import {source.existing}; nothing changed (use --replace to import it again)"
        )

    def unchanged_result(self, source: Source) -> PartnerFileResult:
        return PartnerFileResult(
            source.path,
            source.existing,
            "unchanged",
            round=self.round_label,
            message=self.unchanged_message(source),
        )

    def prepare(
        self, source: Source, raw: Future | None, report: ValidationReport
    ) -> Prepared | None:
        """Read and recognise the file, decode its ties and statements and check them; a
        file that cannot be read stops the import at once."""
        name = source.path.name
        try:
            table = readers.read_raw(source.path, sheet=self.sheet)
            tidy = layouts.recognise(table, self.options["layout"])
        except readers.ReadError as exc:
            report.error(exc.code, str(exc), file=name, sheet=exc.sheet)
            raise ImportFailed(
                "import stopped: the file cannot be read; nothing was stored", report
            ) from exc
        where = {"file": name, "sheet": tidy.raw.sheet}
        if _looks_like_roster(tidy):
            report.error(
                IssueCode.FILE_EMPTY,
                "this looks like a roster (only organisation and sector columns): give it "
                "with --orgs ROSTER and the survey export or tie list of the round as FILE",
                **where,
            )
            return None
        check_row_widths(tidy, report, where)
        shape, data = self._decode_round(tidy)
        for issue in data.report.issues:
            report.add(
                issue.code,
                issue.severity,
                issue.message,
                **where,
                row=issue.row,
                column=issue.column,
                header=issue.header,
                value=issue.value,
            )
        if data.orgs.empty or not data.orgs["responded"].any():
            report.error(
                IssueCode.FILE_EMPTY,
                "no responding organisation found (expected a column such as "
                "'Organisaatio' or a tie list with respondent_org, partner_org)",
                **where,
            )
        record = {
            "sheet": tidy.raw.sheet,
            "layout": tidy.layout,
            "encoding": tidy.raw.encoding,
            "delimiter": tidy.raw.delimiter,
            "header_rows": tidy.header_rows,
            "instrument": self.definition.code,
            "rule": shape,
            "round": self.round_label,
            "rows_read": tidy.n_respondents,
            "rows_stored": int(data.orgs["responded"].sum()),
            "rows_rejected": 0,
            "options": self.options,
        }
        return Prepared(source, record, PartnerFile(tidy, shape, data))

    def _decode_round(self, tidy: layouts.SurveyTable) -> tuple[str, cooperation.CooperationData]:
        """The file's shape and its organisations, statements and ties: a tie list when it
        has a respondent and a partner column, else a roster matrix."""
        df = _tidy_frame(tidy)
        roster = self.options["roster"]
        roster_orgs, sectors = read_roster(roster) if roster else (None, None)
        aliases = self.mapping.aliases or None
        by_norm = {fold(c): c for c in df.columns}
        resp_col = next((by_norm[h] for h in TIE_RESPONDENT if h in by_norm), None)
        partner_col = next((by_norm[h] for h in TIE_PARTNER if h in by_norm), None)
        if resp_col is not None and partner_col is not None:
            df = df.rename(columns={resp_col: "respondent_org", partner_col: "partner_org"})
            return "tie_list", cooperation.ties_from_list(
                df,
                self.definition,
                round=self.round_label,
                roster_orgs=roster_orgs,
                sectors=sectors,
                aliases=aliases,
                rows=tidy.rows.tolist(),
            )
        return "roster_matrix", cooperation.ties_from_matrix(
            df,
            self.definition,
            roster_orgs,
            self.options.get("org_column"),
            round=self.round_label,
            sectors=sectors,
            aliases=aliases,
            item_columns=self.mapping.columns or None,
            rows=tidy.rows.tolist(),
        )

    def store(self, ws: Workspace, prepared: Prepared, import_id: int) -> None:
        data = prepared.content.data
        ws.store_partner_round(
            import_id, self.round_label, self.survey_text, data.orgs, data.statements, data.ties
        )

    def result(self, prepared: Prepared, import_id: int, status: str) -> PartnerFileResult:
        file: PartnerFile = prepared.content
        n_respondents = int(file.data.orgs["responded"].sum())
        return PartnerFileResult(
            prepared.source.path,
            import_id,
            status,
            rows_read=file.tidy.n_respondents,
            rows_stored=n_respondents,
            layout=file.tidy.layout,
            round=self.round_label,
            shape=file.shape,
            n_respondents=n_respondents,
            n_orgs=len(file.data.orgs),
            n_ties=len(file.data.ties),
            n_statements=len(file.data.statements),
        )


def import_partners(
    ws: Workspace,
    path: str | Path,
    round_label: str,
    roster: str | Path | None = None,
    survey: str | Path | None = None,
    layout: str | None = None,
    mapping: str | Path | None = None,
    sheet: str | None = None,
    replace: bool = False,
    org_column: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import one partner-survey file for round ``round_label`` (one transaction).

    Parameters
    ----------
    ws
        The workspace.
    path
        A web-survey export (roster matrix) or a tie list.
    round_label
        The survey round, e.g. ``syksy 2012``.
    roster
        A roster file (organisations and sectors): every organisation is a node.
    survey
        The partner survey definition: a built-in name or a TOML file (default: the
        built-in partner survey).
    layout
        A survey-tool layout to use instead of detecting it.
    mapping
        A mapping file: ``[columns]`` header → statement item, ``[aliases]`` organisation
        name variants.
    sheet
        The sheet to read.
    replace
        Import a file imported before again, replacing its earlier import.
    force
        Import the file although the same file is imported for another round.
    org_column
        The header of a web-survey export's column naming each respondent's organisation
        (default: a column headed like the survey's organisation question).

    Returns
    -------
    ImportResult
        One :class:`PartnerFileResult` (``imported``, ``replaced`` or ``unchanged``; its
        ``round``, ``shape``, ``n_ties`` … are read through the result) and the report.

    Raises
    ------
    ImportFailed
        Carrying the validation report when the file has errors; the workspace is then
        unchanged.
    UserError
        When the file, the round label or the survey definition is missing.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    round_label = str(round_label).strip()
    if not round_label:
        raise UserError("--round must name the survey round (e.g. 'syksy 2012')")
    text, source = _survey_text(survey)
    options = {
        "roster": str(roster) if roster else None,
        "layout": layout,
        "mapping": str(mapping) if mapping else None,
    }
    if org_column:
        options["org_column"] = str(org_column)
    plan = PartnerImport(
        round_label,
        text,
        cooperation.parse_partner_survey(text, source),
        load_mapping(mapping),
        options,
        sheet=sheet,
        replace=replace,
        force=force,
    )
    return run_import(ws, plan, [path])


# --------------------------------------------------------------------------- queries


def rounds(ws: Workspace) -> list[str]:
    """Rounds in the order they were first imported."""
    return ws.partner_rounds()


@dataclass
class PartnerData:
    ties: pd.DataFrame
    orgs: pd.DataFrame
    statements: pd.DataFrame
    survey: cooperation.PartnerSurvey | None
    rounds: list[str]


def partner_data(ws: Workspace, selected: Sequence[str] | None = None) -> PartnerData:
    """Stored ties, organisations and statements of the selected rounds (default: all).

    When a round was imported from several files (e.g. a roster matrix and a tie list), the
    organisations are merged (responded if any file says so).
    """
    all_rounds = rounds(ws)
    chosen = list(selected) if selected else all_rounds
    unknown = [r for r in chosen if r not in all_rounds]
    if unknown:
        raise UserError(
            f"no partner survey round {unknown[0]!r} in the workspace; rounds: "
            + (", ".join(all_rounds) or "none")
        )
    stored = ws.partner_tables(chosen)
    survey = None
    if stored.survey_text is not None:
        survey = cooperation.parse_partner_survey(stored.survey_text, f"round {chosen[-1]}")
    order = {r: i for i, r in enumerate(chosen)}

    def in_round_order(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values("round", key=lambda s: s.map(order), kind="stable").reset_index(
            drop=True
        )

    return PartnerData(
        in_round_order(stored.ties),
        in_round_order(stored.orgs),
        in_round_order(stored.statements),
        survey,
        chosen,
    )

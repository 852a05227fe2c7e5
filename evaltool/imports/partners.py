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
are still nodes. Validation, transactions, provenance and re-import rules are those of client
imports. The tables themselves come from :mod:`evaltool.cooperation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltool import layouts
from evaltool import read as readers
from evaltool.errors import ImportFailed, UserError
from evaltool.imports.clients import check_row_widths, load_mapping
from evaltool.indicators import cooperation
from evaltool.instruments import builtin_path, norm_text
from evaltool.issues import ValidationReport
from evaltool.store.workspace import Workspace

#: Header texts (normalised) of a tie list's two organisation columns.
TIE_RESPONDENT = ("respondent_org", "respondent organisation", "respondent organization",
                  "vastaaja", "vastaajaorganisaatio", "vastaajan organisaatio",
                  "svarande organisation", "respondentorganisation")
TIE_PARTNER = ("partner_org", "partner organisation", "partner organization", "partner",
               "kumppani", "kumppaniorganisaatio", "yhteistyökumppani", "yhteistyötaho",
               "partnerorganisation", "samarbetspartner")
ROSTER_ORG = ("org", "organisaatio", "organisation", "organization", "organisaation nimi",
              "nimi", "name", "namn")
ROSTER_SECTOR = ("sector", "sektori", "sektor", "tyyppi", "organisaation tyyppi", "type")


@dataclass
class PartnerImportResult:
    import_id: int | None
    status: str
    round: str
    n_respondents: int = 0
    n_orgs: int = 0
    n_ties: int = 0
    n_statements: int = 0
    layout: str = ""
    shape: str = ""
    message: str = ""
    report: ValidationReport | None = None


def _tidy_frame(tidy: layouts.Tidy) -> pd.DataFrame:
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
    cols = {norm_text(c): c for c in df.columns}
    org_col = next((cols[c] for c in ROSTER_ORG if c in cols), None)
    if org_col is None:
        raise UserError(f"{Path(path).name}: the roster needs an organisation column "
                        f"(one of: {', '.join(ROSTER_ORG)}); columns: "
                        + ", ".join(map(repr, df.columns)))
    sector_col = next((cols[c] for c in ROSTER_SECTOR if c in cols), None)
    orgs = df[org_col].astype(str).str.strip()
    keep = orgs != ""
    names = orgs[keep].tolist()
    sectors = {}
    if sector_col is not None:
        sec = df.loc[keep, sector_col].astype(str).str.strip()
        sectors = {o: s for o, s in zip(names, sec, strict=True) if s}
    return names, sectors


def _survey_text(survey: str | Path | None) -> tuple[str, str]:
    """(TOML text, source) of the partner survey definition to use."""
    name = str(survey or cooperation.BUILTIN_SURVEY)
    path = builtin_path(name) if not name.endswith(".toml") else None
    path = path or Path(name)
    if not path.is_file():
        raise UserError(f"partner survey definition {name!r} not found")
    return path.read_text(encoding="utf-8"), str(path)


def import_partners(ws: Workspace, path: str | Path, round_label: str,
                    roster: str | Path | None = None, survey: str | Path | None = None,
                    layout: str | None = None, mapping: str | Path | None = None,
                    sheet: str | None = None, replace: bool = False) -> PartnerImportResult:
    """Import one partner-survey file for round ``round_label`` (one transaction).

    Raises :class:`ImportFailed` with the validation report when the file has errors; the
    workspace is then unchanged.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    round_label = str(round_label).strip()
    if not round_label:
        raise UserError("--round must name the survey round (e.g. 'syksy 2012')")
    text, source = _survey_text(survey)
    definition = cooperation.parse_partner_survey(text, source)
    maps = load_mapping(mapping)
    sha, size = readers.file_digest(path)
    roster_sha = readers.file_digest(Path(roster))[0][:16] if roster else ""
    scope = f"partners;round={round_label};roster={roster_sha};sheet={sheet or ''}"
    existing = ws.find_import("partners", sha, scope)
    if existing is not None and not replace:
        return PartnerImportResult(existing, "unchanged", round_label, message=(
            f"{path.name} was already imported for round {round_label!r} as import "
            f"{existing}; nothing changed (use --replace to import it again)"))
    report = ValidationReport()
    try:
        raw = readers.read_raw(path, sheet=sheet)
        tidy = layouts.recognise(raw, layout)
    except readers.ReadError as exc:
        report.error(exc.code, str(exc), file=path.name, sheet=exc.sheet)
        raise ImportFailed("import stopped: the file cannot be read; nothing was stored",
                           report)
    check_row_widths(tidy, report, {"file": path.name, "sheet": tidy.raw.sheet})
    df = _tidy_frame(tidy)
    roster_orgs, sectors = read_roster(roster) if roster else (None, None)
    by_norm = {norm_text(c): c for c in df.columns}
    resp_col = next((by_norm[h] for h in TIE_RESPONDENT if h in by_norm), None)
    partner_col = next((by_norm[h] for h in TIE_PARTNER if h in by_norm), None)
    if resp_col is not None and partner_col is not None:
        shape = "tie_list"
        df = df.rename(columns={resp_col: "respondent_org", partner_col: "partner_org"})
        data = cooperation.ties_from_list(df, definition, round=round_label,
                                          roster_orgs=roster_orgs, sectors=sectors,
                                          aliases=maps.aliases or None,
                                          rows=tidy.rows.tolist())
    else:
        shape = "roster_matrix"
        data = cooperation.ties_from_matrix(df, definition, roster_orgs, round=round_label,
                                            sectors=sectors, aliases=maps.aliases or None,
                                            item_columns=maps.columns or None,
                                            rows=tidy.rows.tolist())
    for issue in data.report.issues:
        report.add(issue.code, issue.severity, issue.message, file=path.name,
                   sheet=tidy.raw.sheet, row=issue.row, column=issue.column,
                   header=issue.header, value=issue.value)
    if data.orgs.empty or not data.orgs["responded"].any():
        report.error("file-empty", "no responding organisation found (expected a column such "
                     "as 'Organisaatio' or a tie list with respondent_org, partner_org)",
                     file=path.name, sheet=tidy.raw.sheet)
    if not report.ok:
        raise ImportFailed(f"import stopped: {len(report.errors)} error(s); nothing was "
                           "stored", report)
    with ws.transaction():
        status = "imported"
        if existing is not None:
            ws.delete_import(existing)
            status = "replaced"
        import_id = ws.add_import({
            "kind": "partners", "source_name": path.name, "sha256": sha, "size": size,
            "sheet": tidy.raw.sheet, "layout": tidy.layout, "encoding": tidy.raw.encoding,
            "delimiter": tidy.raw.delimiter, "header_rows": tidy.header_rows,
            "instrument": definition.code, "rule": shape, "scope": scope,
            "round": round_label, "rows_read": tidy.n_respondents,
            "rows_stored": int(data.orgs["responded"].sum()), "rows_rejected": 0,
            "warnings": [i.format() for i in report.warnings],
            "options": {"roster": str(roster) if roster else None, "layout": layout,
                        "mapping": str(mapping) if mapping else None},
        })
        ws.store_partner_round(import_id, round_label, text, data.orgs, data.statements,
                               data.ties)
    return PartnerImportResult(import_id, status, round_label,
                               n_respondents=int(data.orgs["responded"].sum()),
                               n_orgs=len(data.orgs), n_ties=len(data.ties),
                               n_statements=len(data.statements), layout=tidy.layout,
                               shape=shape, report=report)


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
        raise UserError(f"no partner survey round {unknown[0]!r} in the workspace; rounds: "
                        + (", ".join(all_rounds) or "none"))
    stored = ws.partner_tables(chosen)
    survey = None
    if stored.survey_text is not None:
        survey = cooperation.parse_partner_survey(stored.survey_text, f"round {chosen[-1]}")
    order = {r: i for i, r in enumerate(chosen)}

    def in_round_order(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values("round", key=lambda s: s.map(order),
                                 kind="stable").reset_index(drop=True)

    return PartnerData(in_round_order(stored.ties), in_round_order(stored.orgs),
                       in_round_order(stored.statements), survey, chosen)


def cooperation_tables(ws: Workspace, selected: Sequence[str] | None = None,
                       compare: tuple[str, str] | None = None, min_level: float = 1,
                       min_n: int | None = None) -> dict[str, pd.DataFrame]:
    """The ``cooperation`` command's tables: ``networks``, ``organisations``, ``indices``,
    ``comparison`` (the compared pair; default the last two rounds) and the comparison's
    detail tables (``compare_indices``, ``compare_network``, ``compare_ties``,
    ``orgs_joined_left``, ``org_change``, ``asymmetric_dyads``)."""
    min_n = ws.min_n if min_n is None else min_n
    data = partner_data(ws, selected)
    if not data.rounds:
        raise UserError("the workspace holds no partner survey rounds; import one with "
                        "'evaltool import partners FILE --round LABEL'")
    out = {
        "networks": cooperation.network_table(data.ties, data.orgs, min_level=min_level),
        "organisations": cooperation.organisation_table(data.ties, data.orgs,
                                                        min_level=min_level),
        "indices": cooperation.index_table(data.statements, data.survey, min_n=min_n),
    }
    if compare is None and len(data.rounds) >= 2:
        compare = (data.rounds[-2], data.rounds[-1])
    if compare is not None:
        missing = [r for r in compare if r not in data.rounds]
        if missing:
            raise UserError(f"--compare: round {missing[0]!r} is not among the selected "
                            "rounds: " + ", ".join(data.rounds))
        comp = cooperation.compare_rounds(data.ties, data.orgs, data.statements, data.survey,
                                          compare[0], compare[1], min_n=min_n,
                                          min_level=min_level)
        out["comparison"] = comp["comparison"]
        for key, frame in comp.items():
            if key == "comparison":
                continue
            out[f"compare_{key}" if key in ("indices", "network", "ties", "items")
                else key] = frame
    return out

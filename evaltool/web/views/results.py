"""Outcome and cooperation tables in the page, and every table as csv or xlsx.

The tables are the ones ``evaltool outcomes`` and ``evaltool cooperation`` print, computed by
the same library functions with the same min_n suppression; the page only filters rows and
chooses the columns worth reading (the downloads carry every column).
"""

from __future__ import annotations

import math
import re

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from evaltool.errors import UserError
from evaltool.report.i18n import DASH, fmt_num
from evaltool.web.app import web
from evaltool.web.auth import audit, current_user, guarded
from evaltool.web.views.workspace import w_t

#: Outcome tables offered in the page, with the columns shown there.
OUTCOME_COLUMNS = {
    "paired": [
        "instrument", "project", "domain", "from_wave", "to_wave", "n", "mean_from",
        "mean_to", "mean_diff", "ci_low", "ci_high", "p_holm", "d_av", "improved",
        "unchanged", "deteriorated", "note",
    ],
    "linkage": ["instrument", "project", "kind", "wave", "from_wave", "to_wave", "pattern",
                "n", "base", "share"],
    "attrition": ["instrument", "project", "domain", "from_wave", "to_wave", "n",
                  "n_followed", "n_lost", "mean_followed", "mean_lost", "mean_diff", "ci_low",
                  "ci_high", "note"],
    "reliability": ["instrument", "project", "domain", "wave", "n", "k", "alpha", "ci_low",
                    "ci_high", "note"],
    "eurohis": ["instrument", "project", "kind", "wave", "from_wave", "to_wave", "n",
                "n_good", "share", "ci_low", "ci_high", "note"],
    "subgroups": ["instrument", "project", "domain", "variable", "level", "n", "mean_from",
                  "mean_to", "mean_diff", "ci_low", "ci_high", "note"],
    "benchmark": ["instrument", "project", "domain", "n", "mean_from", "mean_to",
                  "adjusted_change", "adjusted_ci_low", "adjusted_ci_high", "effect", "note"],
    "mixed": ["instrument", "project", "domain", "term", "estimate", "se", "ci_low",
              "ci_high", "n", "n_obs", "note"],
}  # fmt: skip
#: Cooperation tables offered in the page.
COOPERATION_TABLES = (
    "networks",
    "organisations",
    "indices",
    "compare_indices",
    "compare_ties",
    "compare_network",
    "org_change",
    "orgs_joined_left",
)
#: Rows shown in the page at most (the download has them all).
MAX_ROWS = 500
#: Columns holding counts (shown without decimals).
_COUNTS = re.compile(r"^(n|n_.*|k|base|improved|unchanged|deteriorated|.*degree.*|wave|.*_wave)$")


def _display(frame: pd.DataFrame, columns: list[str] | None, lang: str) -> dict:
    """Header and text cells of a table for the page (suppressed cells as the dash)."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    suppressed = (
        frame["suppressed"].fillna(False).astype(bool).to_numpy()
        if "suppressed" in frame.columns
        else None
    )
    body = []
    for i, row in enumerate(frame[cols].head(MAX_ROWS).itertuples(index=False, name=None)):
        cells = []
        for col, value in zip(cols, row, strict=True):
            cells.append(_cell(col, value, lang, suppressed is not None and suppressed[i]))
        body.append(cells)
    return {"columns": cols, "rows": body, "n_rows": len(frame), "shown": min(len(frame), MAX_ROWS)}


def _cell(col: str, value, lang: str, hidden: bool) -> dict:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        text = DASH if hidden and col not in ("project", "note") else ""
    elif numeric:
        digits = 0 if _COUNTS.match(col) else (3 if col.startswith("p") else 2)
        text = fmt_num(value, lang, digits)
    else:
        text = str(value)
    return {"text": text, "numeric": numeric}


def _outcome_filters(request: Request) -> dict:
    q = request.query_params
    waves = {}
    for key in ("from_wave", "to_wave"):
        raw = q.get(key, "")
        if raw:
            if not raw.isdigit():
                raise UserError(f"{key}: give a wave number")
            waves[key] = int(raw)
    return {
        "table": q.get("table", "paired"),
        "project": q.get("project", ""),
        "instrument": q.get("instrument", ""),
        "domain": q.get("domain", ""),
        **waves,
    }


def _outcome_tables(request: Request, filters: dict) -> tuple[dict, pd.DataFrame]:
    from evaltool.indicators.workspace_tables import workspace_outcomes

    if filters["table"] not in OUTCOME_COLUMNS:
        raise UserError(f"unknown table {filters['table']!r}")
    user = current_user(request)
    with web(request).workspace() as ws:
        # project staff see the programme rows as the reports release them (resting only on
        # the project rows shown), so that no other project's withheld figure follows
        tables = workspace_outcomes(
            ws,
            from_wave=filters.get("from_wave"),
            to_wave=filters.get("to_wave"),
            release=not user.all_projects,
        )
    frame = tables.get(filters["table"], pd.DataFrame())
    if not user.all_projects:  # project staff: their projects and the programme rows
        for name, table in tables.items():
            if "project" in table.columns and len(table):
                seen = table["project"].isna() | table["project"].isin(user.projects)
                tables[name] = table[seen.to_numpy(dtype=bool)]
        frame = tables.get(filters["table"], pd.DataFrame())
    if len(frame):
        keep = pd.Series(True, index=frame.index)
        if filters["project"] == "__programme__":
            keep &= frame["project"].isna()
        elif filters["project"]:
            keep &= frame["project"] == filters["project"]
        if filters["instrument"]:
            keep &= frame["instrument"] == filters["instrument"]
        if filters["domain"] and "domain" in frame.columns:
            keep &= frame["domain"] == filters["domain"]
        frame = frame[keep.to_numpy()]
    return tables, frame


def _levels(tables: dict, column: str) -> list[str]:
    values: set[str] = set()
    for frame in tables.values():
        if column in frame.columns:
            values |= {str(v) for v in frame[column].dropna().unique()}
    return sorted(values)


@guarded("view_results")
async def outcomes(request: Request) -> Response:
    """Outcome tables per project and for the programme, filtered in the page."""
    w = web(request)
    filters = _outcome_filters(request)
    tables, frame = _outcome_tables(request, filters)
    lang = w.lang(request)
    return w.render(
        request,
        "outcomes.html.j2",
        filters=filters,
        tables=list(OUTCOME_COLUMNS),
        projects=_levels(tables, "project"),
        instruments=_levels(tables, "instrument"),
        domains=_levels(tables, "domain"),
        table=_display(frame, OUTCOME_COLUMNS[filters["table"]], lang),
        query=request.url.query,
    )


def _download(frames: dict[str, pd.DataFrame], stem: str, fmt: str) -> Response:
    from evaltool.output import to_text, xlsx_bytes

    if fmt == "csv":
        body = to_text(frames, "csv").encode("utf-8-sig")
        media = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = xlsx_bytes(frames)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise UserError(f"unknown format {fmt!r} (csv or xlsx)")
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


@guarded("view_results")
async def outcomes_download(request: Request) -> Response:
    """The filtered outcome table with every column, as csv or xlsx."""
    filters = _outcome_filters(request)
    _, frame = _outcome_tables(request, filters)
    audit(request, "download", {"table": filters["table"], "rows": len(frame)})
    return _download({filters["table"]: frame}, f"outcomes-{filters['table']}",
                     request.query_params.get("format", "csv"))  # fmt: skip


def _cooperation(request: Request) -> dict[str, pd.DataFrame]:
    from evaltool.indicators.workspace_tables import workspace_cooperation

    with web(request).workspace() as ws:
        if not ws.partner_rounds():
            return {}
        return workspace_cooperation(ws, None, None)


def _network_figures(request: Request, lang: str) -> list[dict]:
    """One interactive network map per round (the report's map of the same data)."""
    from evaltool.report import charts
    from evaltool.report.chapters.cooperation import round_network_map
    from evaltool.report.cooperation_data import cooperation_data

    with web(request).workspace() as ws:
        # the map needs each round's organisations, ties and layout, not the comparisons
        coop = cooperation_data(ws, ws.min_n, full=False)
    if coop is None:
        return []
    figures = []
    for k, rnd in enumerate(coop.rounds):
        fig, note = round_network_map(coop, rnd, lang, labels=True)
        figures.append({"round": rnd, "html": charts.render(fig, f"network-{k}"), "note": note})
    return figures


@guarded("view_cooperation")
async def cooperation(request: Request) -> Response:
    """Cooperation tables and a network map per round."""
    w = web(request)
    lang = w.lang(request)
    tables = _cooperation(request)
    shown = {
        name: _display(tables[name], None, lang) for name in COOPERATION_TABLES if name in tables
    }
    return w.render(
        request,
        "cooperation.html.j2",
        tables=shown,
        networks=_network_figures(request, lang) if tables else [],
    )


@guarded("view_cooperation")
async def cooperation_download(request: Request) -> Response:
    """A cooperation table (or all of them, ``table=all``) as csv or xlsx."""
    tables = _cooperation(request)
    name = request.query_params.get("table", "all")
    audit(request, "download", {"table": f"cooperation {name}"})
    if name == "all":
        frames = tables
    elif name in tables:
        frames = {name: tables[name]}
    else:
        raise UserError(w_t(request, "web_no_table", name=name))
    return _download(frames, f"cooperation-{name}", request.query_params.get("format", "csv"))


ROUTES = [
    Route("/outcomes", outcomes),
    Route("/outcomes/download", outcomes_download),
    Route("/cooperation", cooperation),
    Route("/cooperation/download", cooperation_download),
]

"""What a workspace holds, counted: responses per instrument, project and wave.

The workspace page of the browser workspace shows it; it reads only the responses table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.store import engine

#: Columns of :func:`response_counts`.
RESPONSE_COUNT_COLUMNS = [
    "instrument",
    "project",
    "wave",
    "responses",
    "respondents",
    "discarded",
    "first_date",
    "last_date",
]


def response_counts(ws) -> pd.DataFrame:
    """Stored responses per instrument, project and wave.

    Parameters
    ----------
    ws : Workspace
        An open workspace.

    Returns
    -------
    pandas.DataFrame
        :data:`RESPONSE_COUNT_COLUMNS`: ``responses`` stored, distinct ``respondents``
        (pseudonyms), ``discarded`` (too few answers to score) and the first and last
        response date (ISO text, empty when the file had no dates), sorted by instrument,
        project and wave.
    """
    frame = engine.query_frame(
        ws.conn,
        "SELECT instrument, project, wave, COUNT(*) AS responses, "
        "COUNT(DISTINCT respondent) AS respondents, SUM(discarded) AS discarded, "
        "MIN(date) AS first_date, MAX(date) AS last_date FROM responses "
        "GROUP BY instrument, project, wave ORDER BY instrument, project, wave",
    )
    return frame.reindex(columns=RESPONSE_COUNT_COLUMNS)


def import_projects(ws) -> dict[int, list[str]]:
    """The projects each import stored data of (client responses and participant records),
    import id → sorted project labels; imports of partner rounds and the register have none."""
    rows = ws.conn.execute(
        "SELECT DISTINCT import_id, project FROM responses "
        "UNION SELECT DISTINCT import_id, project FROM participants ORDER BY 1, 2"
    ).fetchall()
    out: dict[int, list[str]] = {}
    for import_id, project in rows:
        out.setdefault(int(import_id), []).append(project)
    return out

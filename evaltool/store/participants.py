"""Stored ESF+ participant records and the register's indicator targets.

``participants`` holds one row per participant and project (the participant's id as the
same keyed pseudonym as a client's, see :meth:`Workspace.pseudonyms`), the data at entry and
at leaving; ``participant_sensitive`` the voluntary sensitive characteristics, one row per
participant who gave any, kept apart so that no query of the ordinary records carries them.
``project_targets`` holds a registered project's targets of the common indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.store.engine import (
    Connection,
    chunks,
    frame_rows,
    in_list,
    placeholders,
    query_frame,
)

#: Columns of a stored participant record (:meth:`ParticipantStore.participant_records`).
PARTICIPANT_COLUMNS = [
    "project",
    "participant",
    "start_date",
    "end_date",
    "gender",
    "birth_year",
    "age",
    "status_entry",
    "long_term_unemployed",
    "in_education",
    "isced",
    "status_leaving",
    "qualification",
    "status_6m",
    "improved_6m",
]
#: The voluntary sensitive characteristics (:meth:`ParticipantStore.participant_sensitive`).
SENSITIVE_COLUMNS = ["disability", "third_country", "foreign_background", "minority"]
#: Flags stored as 0/1 (read back as nullable booleans).
_FLAGS = ["long_term_unemployed", "in_education", "qualification", "improved_6m"]
_INTEGERS = ["birth_year", "age", "isced"]


class ParticipantStore:
    """Participant records and indicator targets (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    def existing_participants(
        self, pairs: pd.DataFrame, exclude_import: int | None = None
    ) -> pd.DataFrame:
        """Participants of ``pairs`` (columns project, participant) already stored, with
        the import holding them: columns project, participant, import_id, source_name."""
        import pandas as pd

        if pairs.empty:
            return pd.DataFrame(columns=["project", "participant", "import_id", "source_name"])
        found = []
        for project, group in pairs.groupby("project", sort=True):
            for chunk in chunks(group["participant"].unique().tolist()):
                found.append(
                    query_frame(
                        self.conn,
                        "SELECT p.project, p.participant, p.import_id, i.source_name "
                        "FROM participants p JOIN imports i ON i.id = p.import_id "
                        f"WHERE p.project = ? AND p.participant IN ({placeholders(len(chunk))})",
                        [project, *chunk],
                    )
                )
        out = pd.concat(found, ignore_index=True)
        if exclude_import is not None:
            out = out[out["import_id"] != exclude_import]
        return out.reset_index(drop=True)

    def store_participants(
        self, import_id: int, records: pd.DataFrame, sensitive: pd.DataFrame
    ) -> None:
        """Insert participant records of ``import_id`` (call inside a transaction).

        Parameters
        ----------
        import_id : int
            The import storing them.
        records : pandas.DataFrame
            :data:`PARTICIPANT_COLUMNS` and ``source_row``; missing values are NULL.
        sensitive : pandas.DataFrame
            :data:`SENSITIVE_COLUMNS`, one row per row of ``records`` (same order); a row
            with no characteristic given is not stored.
        """
        import numpy as np

        cols = ["import_id", "source_row", *PARTICIPANT_COLUMNS]
        frame = records.assign(import_id=import_id)
        for c in _FLAGS:
            frame[c] = frame[c].astype("Int64")
        start = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM participants").fetchone()[0]
        ids = np.arange(start + 1, start + 1 + len(frame))
        self.conn.executemany(
            f"INSERT INTO participants (id, {', '.join(cols)}) "
            f"VALUES ({placeholders(len(cols) + 1)})",
            ((int(i), *row) for i, row in zip(ids, frame_rows(frame, cols), strict=True)),
        )
        given = sensitive.reset_index(drop=True).notna().any(axis=1).to_numpy()
        if given.any():
            sens = sensitive.reset_index(drop=True)[given].astype("Int64")
            sens.insert(0, "participant_id", ids[given])
            self.conn.executemany(
                f"INSERT INTO participant_sensitive (participant_id, "
                f"{', '.join(SENSITIVE_COLUMNS)}) VALUES ({placeholders(5)})",
                frame_rows(sens, ["participant_id", *SENSITIVE_COLUMNS]),
            )

    def participant_records(self, projects: Sequence[str] | None = None) -> pd.DataFrame:
        """The participant records (columns :data:`PARTICIPANT_COLUMNS` and ``record``, the
        row's id linking it to :meth:`participant_sensitive`), by project and id.
        ``projects``: only these (empty: none); None: all."""
        import pandas as pd

        where, params = "", []
        if projects is not None:
            inside, params = in_list("project", projects)
            where = f" WHERE {inside}"
        df = query_frame(
            self.conn,
            f"SELECT id AS record, {', '.join(PARTICIPANT_COLUMNS)} FROM participants"
            f"{where} ORDER BY project, id",
            params,
        )
        for c in _FLAGS:
            df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64").astype("boolean")
        for c in _INTEGERS:
            df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64")
        return df

    def participant_sensitive(self) -> pd.DataFrame:
        """The sensitive characteristics by participant record: columns ``record`` and
        :data:`SENSITIVE_COLUMNS` (nullable booleans; a participant without a row gave
        none)."""
        import pandas as pd

        df = query_frame(
            self.conn,
            f"SELECT participant_id AS record, {', '.join(SENSITIVE_COLUMNS)} "
            "FROM participant_sensitive ORDER BY participant_id",
        )
        for c in SENSITIVE_COLUMNS:
            df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64").astype("boolean")
        return df

    def participant_count(self) -> int:
        """The number of stored participant records."""
        return int(self.conn.execute("SELECT COUNT(*) FROM participants").fetchone()[0])

    # ---------------------------------------------------------------- targets

    def insert_targets(self, targets: pd.DataFrame) -> None:
        """Insert indicator targets (columns code, indicator, target) of registered projects
        (call inside a transaction; they go with their project)."""
        self.conn.executemany(
            "INSERT INTO project_targets (code, indicator, target) VALUES (?, ?, ?)",
            frame_rows(targets, ["code", "indicator", "target"]),
        )

    def project_targets(self) -> pd.DataFrame:
        """The registered projects' indicator targets: columns code, indicator, target."""
        df = query_frame(
            self.conn,
            "SELECT code, indicator, target FROM project_targets ORDER BY code, indicator",
        )
        df["target"] = df["target"].astype(float)
        return df

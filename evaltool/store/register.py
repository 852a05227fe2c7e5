"""The stored ESR project register: one ``projects`` row per project code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.store.engine import Connection, frame_rows, placeholders, query_frame, real_columns
from evaltool.store.schema import quote_ident


class RegisterStore:
    """The project register (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    def register_codes(self) -> pd.DataFrame:
        """The registered codes with the import each came from: columns code, import_id,
        source_name (the imported file's name)."""
        return query_frame(
            self.conn,
            "SELECT p.code, p.import_id, i.source_name FROM projects p "
            "LEFT JOIN imports i ON i.id = p.import_id",
        )

    def delete_register_codes(self, codes: Sequence[str]) -> None:
        """Delete these projects' rows, and the register imports left without a project
        (call inside a transaction)."""
        self.conn.executemany("DELETE FROM projects WHERE code = ?", [(c,) for c in codes])
        self.conn.execute(
            "DELETE FROM imports WHERE kind = 'projects' AND id NOT IN "
            "(SELECT import_id FROM projects WHERE import_id IS NOT NULL)"
        )

    def insert_register_rows(self, import_id: int, rows: pd.DataFrame) -> None:
        """Insert register rows imported by ``import_id`` (call inside a transaction).

        ``rows`` has a column ``code`` and any other columns of the ``projects`` table;
        missing values are stored as NULL.
        """
        cols = ["code", "import_id", *(c for c in rows.columns if c != "code")]
        self.conn.executemany(
            f"INSERT INTO projects ({', '.join(quote_ident(c) for c in cols)}) "
            f"VALUES ({placeholders(len(cols))})",
            frame_rows(rows.assign(import_id=import_id), cols),
        )

    def project_register(self) -> pd.DataFrame:
        """The register, one row per project by code: every column of the ``projects`` table
        but ``import_id``, in table order; the numbers as floats (NaN when not given)."""
        df = query_frame(self.conn, "SELECT * FROM projects ORDER BY code").drop(
            columns="import_id"
        )
        for c in real_columns(self.conn, "projects"):
            df[c] = df[c].astype(float)
        return df

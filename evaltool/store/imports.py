"""Import provenance: one ``imports`` row per imported file, deleting an import and the log
of deleted imports."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from evaltool.store.engine import Connection, chunks, in_list, placeholders, query_frame

if TYPE_CHECKING:
    import pandas as pd

#: Columns of an import record, in ``imports`` table order after ``id``.
IMPORT_COLUMNS = [
    "kind",
    "source_name",
    "sha256",
    "size",
    "sheet",
    "layout",
    "encoding",
    "delimiter",
    "header_rows",
    "instrument",
    "rule",
    "scope",
    "round",
    "rows_read",
    "rows_stored",
    "rows_rejected",
    "warnings",
    "options",
    "imported_at",
]
#: Columns of :meth:`ImportLog.response_provenance`.
PROVENANCE_COLUMNS = [
    "project",
    "import_id",
    "stored_here",
    "source_name",
    "layout",
    "imported_at",
    "rows_read",
    "rows_stored",
    "rows_rejected",
]
#: Columns of :meth:`ImportLog.import_deletions`: the deletion's id, the import's id, kind,
#: file name, SHA-256 and scope, ``detail`` (JSON: projects, waves, round, n_responses),
#: rows_stored, deleted_by and deleted_at (UTC, ISO 8601).
DELETION_COLUMNS = [
    "id",
    "import_id",
    "kind",
    "source_name",
    "sha256",
    "scope",
    "detail",
    "rows_stored",
    "deleted_by",
    "deleted_at",
]


def now_iso() -> str:
    """Current UTC time, or SOURCE_DATE_EPOCH when set (reproducible outputs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).isoformat(timespec="seconds")
    return datetime.now(UTC).isoformat(timespec="seconds")


class ImportLog:
    """The ``imports`` table (a part of :class:`~evaltool.store.Workspace`)."""

    conn: Connection

    def find_import(self, kind: str, sha256: str, scope: str) -> int | None:
        """The import of a file with this content and scope, if any."""
        row = self.conn.execute(
            "SELECT id FROM imports WHERE kind = ? AND sha256 = ? AND scope = ?",
            (kind, sha256, scope),
        ).fetchone()
        return None if row is None else int(row[0])

    def imports_of_file(self, kind: str, sha256: str) -> list[tuple[int, str]]:
        """(id, scope) of every import of a file with this content, oldest first."""
        return [
            (int(i), str(scope))
            for i, scope in self.conn.execute(
                "SELECT id, scope FROM imports WHERE kind = ? AND sha256 = ? ORDER BY id",
                (kind, sha256),
            )
        ]

    def find_import_by_name(self, kind: str, source_name: str, scope: str) -> int | None:
        """The latest import of a file with this name and scope (for ``--replace`` with a
        corrected file)."""
        row = self.conn.execute(
            "SELECT MAX(id) FROM imports WHERE kind = ? AND source_name = ? AND scope = ?",
            (kind, source_name, scope),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def delete_import(self, import_id: int) -> None:
        """Delete an import and everything stored by it (call inside a transaction).

        Its respondents' source ids go too unless another import still has responses of
        them. A pseudonym belongs to one project, so only those projects' responses are
        looked at (through the responses' unique index), not the whole workspace.
        """
        gone = self.conn.execute(
            "SELECT DISTINCT project, respondent FROM responses WHERE import_id = ?", (import_id,)
        ).fetchall()
        self.conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
        if not gone:
            return
        projects = sorted({p for p, _ in gone})
        kept: set[str] = set()
        for instrument in self.instrument_names():
            for chunk in chunks(projects):
                kept.update(
                    r
                    for (r,) in self.conn.execute(
                        "SELECT respondent FROM responses WHERE instrument = ? AND project IN "
                        f"({placeholders(len(chunk))})",
                        [instrument, *chunk],
                    )
                )
        self.conn.executemany(
            "DELETE FROM respondents WHERE pseudonym = ?", [(r,) for _, r in gone if r not in kept]
        )

    def import_record(self, import_id: int) -> dict | None:
        """The ``imports`` row of ``import_id`` as a dict (id and :data:`IMPORT_COLUMNS`),
        or None when there is no such import."""
        cur = self.conn.execute("SELECT * FROM imports WHERE id = ?", (int(import_id),))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def import_contents(self, import_id: int) -> dict:
        """What an import stored: ``projects`` (the projects of its responses, or the
        register codes it holds), ``waves`` and ``rounds`` (sorted), and ``n_responses``
        (client responses, or partner organisations that responded)."""
        key = (int(import_id),)
        pairs = self.conn.execute(
            "SELECT project, wave, COUNT(*) FROM responses WHERE import_id = ? "
            "GROUP BY project, wave",
            key,
        ).fetchall()
        codes = [
            r[0] for r in self.conn.execute("SELECT code FROM projects WHERE import_id = ?", key)
        ]
        rounds = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT round FROM partner_respondents WHERE import_id = ? UNION "
                "SELECT DISTINCT round FROM partner_statements WHERE import_id = ? UNION "
                "SELECT DISTINCT round FROM partner_ties WHERE import_id = ?",
                key * 3,
            )
        ]
        responded = self.conn.execute(
            "SELECT COUNT(*) FROM partner_respondents WHERE import_id = ? AND responded = 1", key
        ).fetchone()[0]
        return {
            "projects": sorted({p for p, _, _ in pairs} | set(codes)),
            "waves": sorted({int(w) for _, w, _ in pairs}),
            "rounds": sorted(rounds),
            "n_responses": int(sum(n for _, _, n in pairs) + responded),
        }

    def log_import_deletion(self, record: dict) -> int:
        """Write a row of the deletion log (call inside the deleting transaction).

        ``record`` holds :data:`DELETION_COLUMNS` but ``id``; ``detail`` (a dict) is stored
        as JSON and ``deleted_at`` defaults to :func:`now_iso`. Returns the row's id.
        """
        cols = DELETION_COLUMNS[1:]
        rec = {c: record.get(c) for c in cols}
        rec["detail"] = json.dumps(record.get("detail", {}), ensure_ascii=False, sort_keys=True)
        rec["deleted_at"] = record.get("deleted_at") or now_iso()
        cur = self.conn.execute(
            f"INSERT INTO import_deletions ({', '.join(cols)}) VALUES ({placeholders(len(cols))})",
            [rec[c] for c in cols],
        )
        return int(cur.lastrowid)

    def import_deletions(self) -> pd.DataFrame:
        """The log of deleted imports, oldest first (columns :data:`DELETION_COLUMNS`;
        ``detail`` is JSON text)."""
        return query_frame(
            self.conn, f"SELECT {', '.join(DELETION_COLUMNS)} FROM import_deletions ORDER BY id"
        )

    def add_import(self, record: dict) -> int:
        """Insert an import record (call inside a transaction); returns its id.

        ``record`` holds any of :data:`IMPORT_COLUMNS`; ``warnings`` (a list) and ``options``
        (a dict) are stored as JSON, ``imported_at`` defaults to :func:`now_iso`.
        """
        rec = {c: record.get(c) for c in IMPORT_COLUMNS}
        rec["warnings"] = json.dumps(record.get("warnings", []), ensure_ascii=False)
        rec["options"] = json.dumps(record.get("options", {}), ensure_ascii=False, sort_keys=True)
        rec["imported_at"] = record.get("imported_at") or now_iso()
        cur = self.conn.execute(
            f"INSERT INTO imports ({', '.join(IMPORT_COLUMNS)}) "
            f"VALUES ({placeholders(len(IMPORT_COLUMNS))})",
            [rec[c] for c in IMPORT_COLUMNS],
        )
        return int(cur.lastrowid)

    def imports(self) -> pd.DataFrame:
        """Import provenance, one row per import (columns id and :data:`IMPORT_COLUMNS`)."""
        return query_frame(self.conn, "SELECT * FROM imports ORDER BY id")

    def response_provenance(
        self, instrument: str, projects: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Responses of an instrument stored per project and import, with the import's file.

        Parameters
        ----------
        instrument : str
            The instrument's name.
        projects : sequence of str, optional
            Only these projects (an empty sequence: none); None: every project.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`PROVENANCE_COLUMNS`: ``stored_here`` counts the import's responses
            of the project; the rest are the import's record. Ordered by import.
        """
        where, params = "r.instrument = ?", [instrument]
        if projects is not None:
            inside, inside_params = in_list("r.project", projects)
            where += f" AND {inside}"
            params += inside_params
        return query_frame(
            self.conn,
            "SELECT r.project, r.import_id, COUNT(*) AS stored_here, i.source_name, i.layout, "
            "i.imported_at, i.rows_read, i.rows_stored, i.rows_rejected FROM responses r "
            f"JOIN imports i ON i.id = r.import_id WHERE {where} "
            "GROUP BY r.project, r.import_id, i.id ORDER BY r.import_id, r.project",
            params,
        )
